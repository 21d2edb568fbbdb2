// The figures of the funds pages and the dispatch, made from the same RatesInput as the §8.2
// tables (and with the same percent rounding), so a batch's 拨付率 on the overview, in the
// batch list, in the rate table and in the 调度表 is one number. Pure.
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';
import type { FundBatch, LedgerProject, RatesInput } from './ledger.types.ts';
import { percent } from './rates.ts';

export interface BatchFigures extends FundBatch {
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
  balanceFen: Fen;
  disbursedRate: string;
  reimbursedRate: string;
  balanceRate: string;
  /** 结存比例 above the county's limit (only for batches counted in rates) */
  overLimit: boolean;
}

/** 结存比例 above limitBp (hundredths of a percent), compared exactly in integers. */
export function overBalanceLimit(issuedFen: Fen, balanceFen: Fen, limitBp: number): boolean {
  return issuedFen > 0 && BigInt(balanceFen) * 10000n > BigInt(limitBp) * BigInt(issuedFen);
}

/** One row per batch issued on or before the date (every batch when null), with its sums. */
export function batchFigures(input: RatesInput, asOf: IsoDate | null, limitBp: number): BatchFigures[] {
  const sums = new Map<string, { a: Fen; d: Fen; r: Fen }>();
  for (const s of input.sums) {
    const x = sums.get(s.batchNo) ?? { a: 0, d: 0, r: 0 };
    x.a += s.allocatedFen;
    x.d += s.disbursedFen;
    x.r += s.reimbursedFen;
    sums.set(s.batchNo, x);
  }
  return input.batches
    .filter((b) => asOf === null || b.issuedOn <= asOf)
    .sort((a, b) => (a.batchNo < b.batchNo ? -1 : a.batchNo > b.batchNo ? 1 : 0))
    .map((b) => {
      const x = sums.get(b.batchNo) ?? { a: 0, d: 0, r: 0 };
      const balance = b.amountFen - x.d;
      const den = b.countsInRates ? b.amountFen : 0;
      return {
        ...b,
        allocatedFen: x.a,
        disbursedFen: x.d,
        reimbursedFen: x.r,
        balanceFen: balance,
        disbursedRate: percent(x.d, den),
        reimbursedRate: percent(x.r, den),
        balanceRate: percent(balance, den),
        overLimit: b.countsInRates && overBalanceLimit(b.amountFen, balance, limitBp),
      };
    });
}

export interface Totals {
  issuedFen: Fen;
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
  balanceFen: Fen;
  disbursedRate: string;
  reimbursedRate: string;
  balanceRate: string;
}

/** The 合计 of batch figures: amounts over all, rates over the batches counted in rates (§8.2). */
export function totalsOf(rows: BatchFigures[]): Totals {
  let i = 0,
    a = 0,
    d = 0,
    r = 0,
    ri = 0,
    rd = 0,
    rr = 0;
  for (const b of rows) {
    i += b.amountFen;
    a += b.allocatedFen;
    d += b.disbursedFen;
    r += b.reimbursedFen;
    if (b.countsInRates) {
      ri += b.amountFen;
      rd += b.disbursedFen;
      rr += b.reimbursedFen;
    }
  }
  return {
    issuedFen: i,
    allocatedFen: a,
    disbursedFen: d,
    reimbursedFen: r,
    balanceFen: i - d,
    disbursedRate: percent(rd, ri),
    reimbursedRate: percent(rr, ri),
    balanceRate: percent(ri - rd, ri),
  };
}

/** Totals over projects' money (a township's view): 下达 is the county's and left at 0; rates over allocations, as §8.2's project groupings. */
export function projectTotals(input: RatesInput): Totals {
  const counts = new Map(input.batches.map((b) => [b.batchNo, b.countsInRates]));
  let a = 0,
    d = 0,
    r = 0,
    ra = 0,
    rd = 0,
    rr = 0;
  for (const s of input.sums) {
    a += s.allocatedFen;
    d += s.disbursedFen;
    r += s.reimbursedFen;
    if (counts.get(s.batchNo)) {
      ra += s.allocatedFen;
      rd += s.disbursedFen;
      rr += s.reimbursedFen;
    }
  }
  return {
    issuedFen: 0,
    allocatedFen: a,
    disbursedFen: d,
    reimbursedFen: r,
    balanceFen: a - d,
    disbursedRate: percent(rd, ra),
    reimbursedRate: percent(rr, ra),
    balanceRate: percent(ra - rd, ra),
  };
}

/**
 * Month by month of a year: cumulative 拨付 and the 序时进度 line (the year's batches issued by
 * the month's end × months elapsed ÷ 12, rounded to the fen), up to the as-of month.
 */
export function monthlySeries(batches: FundBatch[], disbursedByMonth: Map<string, Fen>, asOf: IsoDate) {
  const year = Number(asOf.slice(0, 4)),
    last = Number(asOf.slice(5, 7));
  const out: { month: string; disbursedFen: Fen; cumulativeFen: Fen; planFen: Fen }[] = [];
  let cum = 0;
  for (let m = 1; m <= last; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    const d = disbursedByMonth.get(month) ?? 0;
    cum += d;
    const end = m === last ? asOf : `${month}-31`;
    const issued = batches.filter((b) => b.year === year && b.issuedOn <= end).reduce((s, b) => s + b.amountFen, 0);
    out.push({ month, disbursedFen: d, cumulativeFen: cum, planFen: Math.round((issued * m) / 12) });
  }
  return out;
}

export interface ProjectProgress {
  progressPct: number | null;
  stage: string;
  problems: string;
  nextStep: string;
}

export interface DispatchRowData {
  projectNo: string;
  townshipCode: string;
  townshipName: string;
  name: string;
  category: string;
  unit: string | null;
  plannedFen: Fen;
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
  disbursedRate: string;
  reimbursedRate: string;
  progressPct: number | null;
  stage: string;
  problems: string;
  nextStep: string;
}

interface Acc {
  a: Fen;
  d: Fen;
  r: Fen;
  ra: Fen;
  rd: Fen;
  rr: Fen;
}
const blank = (): Acc => ({ a: 0, d: 0, r: 0, ra: 0, rd: 0, rr: 0 });

/** Sums per project (all batches) and over batches counted in rates, as the §8.2 project grouping does. */
function projectSums(input: RatesInput): Map<string, Acc> {
  const counts = new Map(input.batches.map((b) => [b.batchNo, b.countsInRates]));
  const out = new Map<string, Acc>();
  for (const s of input.sums) {
    let x = out.get(s.projectNo);
    if (!x) out.set(s.projectNo, (x = blank()));
    x.a += s.allocatedFen;
    x.d += s.disbursedFen;
    x.r += s.reimbursedFen;
    if (counts.get(s.batchNo)) {
      x.ra += s.allocatedFen;
      x.rd += s.disbursedFen;
      x.rr += s.reimbursedFen;
    }
  }
  return out;
}

/** The 调度表: one row a project, ordered by township then project number. */
export function dispatchRows(input: RatesInput, progress: Map<string, ProjectProgress>, names: Map<string, string>): DispatchRowData[] {
  const sums = projectSums(input);
  return [...input.projects]
    .sort((a, b) => (a.villageCode.slice(0, 9) + a.projectNo < b.villageCode.slice(0, 9) + b.projectNo ? -1 : 1))
    .map((p) => {
      const x = sums.get(p.projectNo) ?? blank();
      const g = progress.get(p.projectNo) ?? { progressPct: null, stage: '', problems: '', nextStep: '' };
      const t = p.villageCode.slice(0, 9);
      return {
        projectNo: p.projectNo,
        townshipCode: t,
        townshipName: names.get(t) ?? '',
        name: p.name,
        category: p.category,
        unit: p.unit,
        plannedFen: p.plannedFen,
        allocatedFen: x.a,
        disbursedFen: x.d,
        reimbursedFen: x.r,
        disbursedRate: percent(x.rd, x.ra),
        reimbursedRate: percent(x.rr, x.ra),
        ...g,
      };
    });
}

export interface RankingRowData {
  rank: number;
  key: string;
  name: string;
  projects: number;
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
  disbursedRate: string;
  reimbursedRate: string;
  completed: number;
}

/**
 * Townships or implementing units ranked by 拨付率, then 报账率 (a group without allocations
 * last), ties sharing a rank. Completed = projects with 完工日期 on or before the date.
 */
export function ranking(input: RatesInput, asOf: IsoDate | null, keyOf: (p: LedgerProject) => string, nameOf: (key: string) => string): RankingRowData[] {
  const sums = projectSums(input);
  const groups = new Map<string, Acc & { n: number; done: number }>();
  for (const p of input.projects) {
    const k = keyOf(p);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ...blank(), n: 0, done: 0 }));
    const x = sums.get(p.projectNo) ?? blank();
    g.a += x.a;
    g.d += x.d;
    g.r += x.r;
    g.ra += x.ra;
    g.rd += x.rd;
    g.rr += x.rr;
    g.n++;
    if (p.completedOn && (asOf === null || p.completedOn <= asOf)) g.done++;
  }
  // compare exact fractions (cross-multiplied), not the rounded text
  const cmp = (n1: Fen, d1: Fen, n2: Fen, d2: Fen) =>
    d1 === 0 || d2 === 0
      ? (d1 === 0 ? 1 : 0) - (d2 === 0 ? 1 : 0)
      : Number(BigInt(n2) * BigInt(d1) - BigInt(n1) * BigInt(d2) > 0n) - Number(BigInt(n2) * BigInt(d1) - BigInt(n1) * BigInt(d2) < 0n);
  const list = [...groups.entries()].sort(([ka, a], [kb, b]) => cmp(a.rd, a.ra, b.rd, b.ra) || cmp(a.rr, a.ra, b.rr, b.ra) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const out: RankingRowData[] = [];
  list.forEach(([k, g], i) => {
    const prev = i > 0 ? list[i - 1][1] : null;
    const tie = prev && cmp(prev.rd, prev.ra, g.rd, g.ra) === 0 && cmp(prev.rr, prev.ra, g.rr, g.ra) === 0;
    out.push({
      rank: tie ? out[i - 1].rank : i + 1,
      key: k,
      name: nameOf(k),
      projects: g.n,
      allocatedFen: g.a,
      disbursedFen: g.d,
      reimbursedFen: g.r,
      disbursedRate: percent(g.rd, g.ra),
      reimbursedRate: percent(g.rr, g.ra),
      completed: g.done,
    });
  });
  return out;
}
