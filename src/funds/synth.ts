// Synthetic fund ledgers (FORMATS §8) of any size, with rows planted for every rejection code
// and the truth of what was planted, for tests and benchmarks. Everything is invented.
// Valid money is built so it passes in 日期 order whatever the row order (rows are shuffled):
// allocations come first, transfers and vouchers after them on strictly later days, reversals
// never below 0. Planted money rows that depend on sums are dated in 2026, after every valid
// entry, so the sums they are measured against are final.
import { Rng } from '../synth/index.ts';
import { formatFen, type Fen } from '../shared/money.ts';
import { FUND_CATEGORIES, FUND_LEVELS, PROJECT_CATEGORIES, type LedgerSheet, type MoneySheet, type RejectCode } from './ledger.types.ts';
import { dayIso, dayNumber } from './ledger-check.ts';

/** Headers as an office writes them: extra columns, spaces of both widths, free order. */
export const SYNTH_HEADERS: Record<LedgerSheet, string[]> = {
  资金批次: ['序号', ' 批次编号', '年度', '资金级别', '资金类别', '文号', '下达日期', '金额　', '计入比率', '备注'],
  项目: ['序号', '项目编号', '项目名称', '年度', '乡镇', '村', '村代码', '项目类别', '计划投资', '实施单位', '开工日期', '完工日期', '验收日期'],
  资金安排: ['日期', '批次编号', '项目编号', '金额', '凭证号', '摘要'],
  拨付: ['凭证号', '日期 ', '批次编号', '项目编号', '收款单位', '金额', '备注'],
  报账: ['日期', '　凭证号', '项目编号', '批次编号', '金额', '摘要'],
};

export type SynthRow = Record<string, string>;

/** Where generated rows go; `row` returns the row number the row got (header = 1). */
export interface LedgerSink {
  row(sheet: LedgerSheet, row: SynthRow): number;
  blank(sheet: LedgerSheet): void;
}

export interface PlantedRow {
  sheet: LedgerSheet;
  row: number;
  code: RejectCode;
}

export interface SynthLedgerOptions {
  counties?: number;
  /** projects per county */
  projects: number;
  /** money entries per county (about) */
  entries: number;
  seed?: string | number;
  /** share of rows planted with each code (at least one of each per county) */
  plantRate?: number;
  /** number of the first county (its code is 522701 + this) */
  firstCounty?: number;
}

const LAST_VALID = dayNumber('2025-12-31');
const LATE = dayNumber('2026-01-05');
const TOWNSHIPS = ['101', '103', '115', '203', '215'];
const MONEY: MoneySheet[] = ['资金安排', '拨付', '报账'];

interface Batch {
  no: string;
  year: number;
  issued: number;
  allocated: Fen;
  amount: Fen;
}
interface Money {
  sheet: MoneySheet;
  day: number;
  batch: string;
  project: string;
  fen: Fen;
}
interface Pair {
  batch: Batch;
  project: string;
  allocated: Fen;
  disbursed: Fen;
  reimbursed: Fen;
}

/** Split a total into n positive parts (fewer when the total is too small). */
function split(rng: Rng, total: Fen, n: number): Fen[] {
  n = Math.max(1, Math.min(n, total));
  const w = Array.from({ length: n }, () => 1 + rng.next());
  const sum = w.reduce((a, b) => a + b, 0);
  const parts = w.map((x) => Math.max(1, Math.floor((total * x) / sum)));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % n) {
    const step = rest > 0 ? 1 : parts[i] > 1 ? -1 : 0;
    parts[i] += step;
    rest -= step;
  }
  return parts;
}

/** n strictly increasing days after `from`, up to LAST_VALID (fewer when there is no room). */
function laterDays(rng: Rng, from: number, n: number): number[] {
  const room = LAST_VALID - from;
  n = Math.min(n, room);
  const out = new Set<number>();
  while (out.size < n) out.add(from + rng.int(1, room));
  return [...out].sort((a, b) => a - b);
}

/** An amount as offices write it: plain, with separators, whole yuan. */
function amountText(rng: Rng, fen: Fen): string {
  const s = formatFen(fen);
  const r = rng.next();
  if (r < 0.15) return s.replace(/^(-?)(\d+)/, (_, m: string, d: string) => m + d.replace(/\B(?=(\d{3})+$)/g, ','));
  if (r < 0.3 && s.endsWith('.00')) return s.slice(0, -3);
  return s;
}

/** A date in one of the accepted spellings. */
function dateText(rng: Rng, day: number): string {
  const iso = dayIso(day);
  const [y, m, d] = iso.split('-');
  const r = rng.next();
  if (r < 0.75) return iso;
  if (r < 0.82) return `${y}/${+m}/${+d}`;
  if (r < 0.88) return `${y}${m}${d}`;
  if (r < 0.94) return `${y}年${+m}月${+d}日`;
  return `${y}-${+m}-${+d}`;
}

/** Generate a ledger into a sink; returns what was planted. */
export function generateLedger(sink: LedgerSink, o: SynthLedgerOptions): { truth: PlantedRow[]; rows: Record<LedgerSheet, number> } {
  const rng = new Rng(o.seed ?? 1);
  const rate = o.plantRate ?? 0.001;
  const truth: PlantedRow[] = [];
  const rows = { 资金批次: 0, 项目: 0, 资金安排: 0, 拨付: 0, 报账: 0 } as Record<LedgerSheet, number>;
  const put = (sheet: LedgerSheet, row: SynthRow, code?: RejectCode) => {
    if (rng.chance(0.002)) sink.blank(sheet);
    const n = sink.row(sheet, row);
    rows[sheet]++;
    if (code) truth.push({ sheet, row: n, code });
  };
  for (let c = 0; c < (o.counties ?? 1); c++) county(rng, String(522701 + (o.firstCounty ?? 0) + c), o, rate, put);
  return { truth, rows };
}

type Put = (sheet: LedgerSheet, row: SynthRow, code?: RejectCode) => void;

function county(rng: Rng, code: string, o: SynthLedgerOptions, rate: number, put: Put): void {
  // batches: 3–5 a year
  const batches: Batch[] = [];
  for (const year of [2022, 2023, 2024, 2025]) {
    for (let k = 1, n = rng.int(3, 5); k <= n; k++) {
      batches.push({
        no: `ZJ${code}-${year}-${String(k).padStart(2, '0')}`,
        year,
        issued: dayNumber(`${year}-03-01`) + rng.int(0, 200),
        allocated: 0,
        amount: 0,
      });
    }
  }
  // projects and their money
  const perProject = Math.max(4, Math.round(o.entries / o.projects));
  const projects: SynthRow[] = [];
  const money: Money[] = [];
  const pairs: Pair[] = [];
  for (let i = 1; i <= o.projects; i++) {
    const year = rng.int(2022, 2025);
    const no = `XM${code}-${year}-${String(i).padStart(5, '0')}`;
    const township = rng.pick(TOWNSHIPS);
    const village = String(rng.int(200, 240));
    const planned = rng.int(50_000, 1_000_000) * 100 + (rng.chance(0.5) ? rng.int(0, 99) : 0);
    const started = rng.chance(0.85) ? dayNumber(`${year}-04-01`) + rng.int(0, 300) : null;
    const completed = started !== null && rng.chance(0.8) ? started + rng.int(0, 300) : null;
    const accepted = completed !== null && rng.chance(0.85) ? completed + rng.int(0, 90) : null;
    projects.push({
      序号: String(i),
      项目编号: no,
      项目名称: `${village}村${rng.pick(['道路硬化', '山塘清淤', '安全饮水', '产业基地', '培训'])}`,
      年度: String(year),
      乡镇: `${township}乡镇`,
      村: `${village}村`,
      村代码: `${code}${township}${village}`,
      项目类别: rng.pick(PROJECT_CATEGORIES),
      计划投资: amountText(rng, planned),
      实施单位: rng.chance(0.9) ? `${township}乡镇人民政府` : '',
      开工日期: started === null ? '' : dateText(rng, started),
      完工日期: completed === null ? '' : dateText(rng, completed),
      验收日期: accepted === null ? '' : dateText(rng, accepted),
    });
    const choices = batches.filter((b) => b.year === year || b.year === year - 1);
    const nPairs = rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < nPairs; k++) {
      const b = rng.pick(choices);
      if (pairs.some((p) => p.batch === b && p.project === no)) continue;
      pairs.push(pairMoney(rng, b, no, Math.floor(perProject / nPairs), Math.max(100, Math.floor(planned / nPairs)), money));
    }
  }
  // batch amounts: their allocations plus some slack (none for about a third: exactly spent)
  for (const b of batches)
    b.amount = b.allocated === 0 ? rng.int(100_000, 5_000_000) * 100 : b.allocated + (rng.chance(0.3) ? 0 : rng.int(0, Math.ceil(b.allocated / 5)));

  const plants = (base: number) => Math.max(1, Math.round(rate * base));
  const goodBatch = (b: Batch): SynthRow => ({
    批次编号: b.no,
    年度: String(b.year),
    资金级别: rng.pick(FUND_LEVELS),
    资金类别: rng.pick(FUND_CATEGORIES),
    文号: `黔财〔${b.year}〕${rng.int(1, 99)}号`,
    下达日期: dateText(rng, b.issued),
    金额: amountText(rng, b.amount),
    计入比率: rng.chance(0.1) ? '否' : rng.pick(['是', '']),
  });
  const batchRows: [SynthRow, RejectCode?][] = batches.map((b) => [goodBatch(b)]);
  const plantBatch = (r: SynthRow, over: SynthRow, code: RejectCode) => batchRows.splice(rng.int(0, batchRows.length), 0, [{ ...r, ...over }, code]);
  const spare = (tag: string) => ({ issued: dayNumber('2024-05-01'), allocated: 0, amount: 100_000, year: 2024, no: `ZJ${code}-${tag}` });
  plantBatch(goodBatch(spare('M')), { 资金类别: '' }, 'L_MISSING');
  const badBatch: SynthRow[] = [
    { 资金级别: '乡镇级' },
    { 年度: '24' },
    { 金额: '3万' },
    { 金额: '0.00' },
    { 下达日期: '2024-02-30' },
    { 计入比率: '不计入' },
    { 金额: '1.200,50' },
  ];
  plantBatch(goodBatch(spare('V')), rng.pick(badBatch), 'L_BAD_VALUE');
  plantBatch(goodBatch(spare('N')), { 金额: `-${formatFen(rng.int(1, 9_000_000))}` }, 'L_NEGATIVE');
  const rejectedBatch = `ZJ${code}-N`;
  batchRows.push([{ ...goodBatch(rng.pick(batches)), 金额: '1000.00' }, 'L_DUPLICATE']); // after its original: taken
  batchRows.push([goodBatch({ ...spare('M'), amount: 100 })]); // the number of a rejected row is free
  for (const [r, c] of batchRows) put('资金批次', r, c);

  const projectRows: [SynthRow, RejectCode?][] = projects.map((p) => [p]);
  const plantProject = (over: SynthRow, code: RejectCode, n: number) => {
    for (let k = 0; k < n; k++) {
      const base = { ...rng.pick(projects), 项目编号: `XM${code}-X${projectRows.length}`, 开工日期: '', 完工日期: '', 验收日期: '' };
      projectRows.splice(rng.int(0, projectRows.length), 0, [{ ...base, ...over }, code]);
    }
  };
  const np = plants(o.projects * 10);
  plantProject({ 项目名称: '' }, 'L_MISSING', np);
  for (const over of [
    { 村代码: `${code}10123` },
    { 项目类别: '基础设施建设' },
    { 计划投资: '356842.375' },
    { 开工日期: '2024-13-01' },
    { 年度: '2024年' },
  ] as SynthRow[])
    plantProject(over, 'L_BAD_VALUE', np);
  for (const over of [
    { 开工日期: '2024-06-15', 完工日期: '2024-05-19' },
    { 验收日期: '2024-11-11' },
    { 完工日期: '2024-09-13', 验收日期: '2024-09-04' },
  ] as SynthRow[])
    plantProject(over, 'L_DATES', np);
  plantProject({ 计划投资: '-57000.00' }, 'L_NEGATIVE', np);
  for (let k = 0; k < np; k++) projectRows.push([{ ...rng.pick(projects), 项目名称: '重复录入' }, 'L_DUPLICATE']);
  for (const [r, c] of projectRows) put('项目', r, c);

  // money: the valid entries and the planted ones, shuffled within each sheet
  const out: Record<MoneySheet, [SynthRow, RejectCode?][]> = { 资金安排: [], 拨付: [], 报账: [] };
  const moneyRow = (sheet: MoneySheet, day: number | string, batch: string, project: string, fen: Fen | string): SynthRow => ({
    日期: typeof day === 'string' ? day : dateText(rng, day),
    批次编号: batch,
    项目编号: project,
    金额: typeof fen === 'string' ? fen : amountText(rng, fen),
    凭证号: rng.chance(0.8) ? `${sheet === '报账' ? '记' : '付'}-${rng.int(1, 99999)}` : '',
    摘要: '',
  });
  for (const m of money) out[m.sheet].push([moneyRow(m.sheet, m.day, m.batch, m.project, m.fen)]);
  const nm = plants(o.entries);
  const plantMoney = (code: RejectCode, make: () => [MoneySheet, SynthRow]) => {
    for (let k = 0; k < nm; k++) {
      const [s, r] = make();
      out[s].push([r, code]);
    }
  };
  const anySheet = () => rng.pick(MONEY);
  const pair = () => rng.pick(pairs);
  const late = () => LATE + rng.int(0, 300);
  plantMoney('L_MISSING', () => {
    const p = pair();
    return [anySheet(), { ...moneyRow('拨付', p.batch.issued + 1, p.batch.no, p.project, 100), [rng.pick(['日期', '项目编号', '金额', '批次编号'])]: '' }];
  });
  plantMoney('L_BAD_VALUE', () => {
    const p = pair();
    const s = anySheet();
    const bad = rng.pick(['35000.125', '3万', '0.00', '1.200,50', '600元']);
    return [s, rng.chance(0.2) ? moneyRow(s, '2024-02-30', p.batch.no, p.project, 100) : moneyRow(s, late(), p.batch.no, p.project, bad)];
  });
  plantMoney('L_UNKNOWN_REF', () => {
    const p = pair();
    const s = anySheet();
    const r = rng.next();
    return [s, moneyRow(s, late(), r < 0.4 ? rejectedBatch : r < 0.7 ? `${p.batch.no}X` : p.batch.no, r < 0.7 ? p.project : `XM${code}-9999`, 100)];
  });
  plantMoney('L_BEFORE_BATCH', () => {
    const p = pair();
    const s = anySheet();
    return [s, moneyRow(s, p.batch.issued - rng.int(1, 30), p.batch.no, p.project, s === '资金安排' ? 100 : -100)];
  });
  plantMoney('L_NEGATIVE', () => {
    const p = pair();
    return ['资金安排', moneyRow('资金安排', late(), p.batch.no, p.project, -rng.int(1, 1_000_000))];
  });
  plantMoney('L_OVER_BATCH', () => {
    const p = pair();
    return ['资金安排', moneyRow('资金安排', late(), p.batch.no, p.project, p.batch.amount - p.batch.allocated + 1)];
  });
  plantMoney('L_OVER_ALLOCATION', () => {
    const p = pair();
    const s = rng.pick(['拨付', '报账'] as const);
    return [s, moneyRow(s, late(), p.batch.no, p.project, p.allocated - (s === '拨付' ? p.disbursed : p.reimbursed) + 1)];
  });
  plantMoney('L_BELOW_ZERO', () => {
    const p = pair();
    const s = rng.pick(['拨付', '报账'] as const);
    return [s, moneyRow(s, late(), p.batch.no, p.project, -((s === '拨付' ? p.disbursed : p.reimbursed) + 1))];
  });
  for (const s of MONEY) {
    const list = out[s];
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [list[i], list[j]] = [list[j], list[i]];
    }
    for (const [r, c] of list) put(s, r, c);
  }
}

/** The money of one batch and project: allocations, then transfers and vouchers after them. */
function pairMoney(rng: Rng, batch: Batch, project: string, entries: number, cap: Fen, money: Money[]): Pair {
  const first = Math.min(batch.issued + rng.int(0, 60), LAST_VALID - 60);
  const allocs = rng.chance(0.3) ? [first, first + rng.int(1, 30)] : [first];
  const allocated = rng.int(Math.min(cap, 1_000_000), cap);
  const parts = split(rng, allocated, allocs.length);
  allocs.forEach((day, i) => {
    money.push({ sheet: '资金安排', day, batch: batch.no, project, fen: parts[i] });
  });
  batch.allocated += allocated;
  const after = allocs[allocs.length - 1];
  const pair: Pair = { batch, project, allocated, disbursed: 0, reimbursed: 0 };
  const rest = Math.max(2, entries - allocs.length);
  for (const sheet of ['拨付', '报账'] as const) {
    const n = Math.max(1, Math.floor(rest / 2));
    const total = rng.chance(0.4) ? allocated : Math.floor(allocated * (0.3 + 0.7 * rng.next()));
    const days = laterDays(rng, after, Math.min(n + 2, LAST_VALID - after));
    const amounts = split(rng, total, Math.max(1, days.length - 2));
    // a 拨付 on the day of the first allocation, out of that allocation (资金安排 sorts first)
    if (sheet === '拨付' && amounts.length > 1 && amounts[0] <= parts[0]) days.unshift(first);
    let k = 0;
    for (const fen of amounts) money.push({ sheet, day: days[k++], batch: batch.no, project, fen });
    // a reversal (红字冲销) of part of what was paid, and the same paid again later
    if (k + 1 < days.length && rng.chance(0.2)) {
      const back = rng.int(1, amounts[amounts.length - 1]);
      money.push({ sheet, day: days[k++], batch: batch.no, project, fen: -back });
      money.push({ sheet, day: days[k++], batch: batch.no, project, fen: back });
    }
    if (sheet === '拨付') pair.disbursed = total;
    else pair.reimbursed = total;
  }
  return pair;
}
