// Fund rates (FORMATS §8.2), pure: the same function serves the file mode and the database.
// Sums in integer fen; a rate is the exact fraction rounded half up to 2 decimals with BigInt,
// never a float; 分组 sorted by Unicode code point with 合计 last.
import type { IsoDate } from '../shared/dates.ts';
import { formatFen, type Fen } from '../shared/money.ts';
import type { FundBatch, LedgerProject, MoneyEntry, MoneySums, RateKey, RatesInput, RateTable } from './ledger.types.ts';

export const BATCH_KEYS: readonly RateKey[] = ['batch', 'level', 'category', 'batch-year'];
export const PROJECT_KEYS: readonly RateKey[] = ['project', 'township', 'project-category', 'project-year'];

export const BATCH_RATE_HEADERS = ['分组', '下达金额', '安排金额', '拨付金额', '报账金额', '结存金额', '拨付率', '报账率', '结存比例'];
export const PROJECT_RATE_HEADERS = [
  '分组',
  '项目数',
  '计划投资',
  '安排金额',
  '拨付金额',
  '报账金额',
  '拨付率',
  '报账率',
  '开工数',
  '完工数',
  '验收数',
  '完工率',
];

/** The Chinese name of each grouping, for messages and pages. */
export const RATE_KEY_LABELS: Record<RateKey, string> = {
  batch: '批次',
  level: '资金级别',
  category: '资金类别',
  'batch-year': '批次年度',
  project: '项目',
  township: '乡镇',
  'project-category': '项目类别',
  'project-year': '项目年度',
};

/**
 * num ÷ den as a percentage with 2 decimals, rounded half up (away from zero) from the exact
 * fraction; '' when den is 0. `37.50`, no % sign.
 */
export function percent(num: number | bigint, den: number | bigint): string {
  const d = BigInt(den);
  if (d === 0n) return '';
  let n = BigInt(num);
  const neg = n < 0n !== d < 0n;
  n = n < 0n ? -n : n;
  const a = d < 0n ? -d : d;
  const hundredths = (n * 10000n * 2n + a) / (2n * a); // floor(x + 1/2) of x = n·10000/a
  if (hundredths === 0n) return '0.00';
  const s = hundredths.toString().padStart(3, '0');
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** Order of 分组 values: by Unicode code point (not by locale), so 中央 < 县级 < 市级 < 省级. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a],
    y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** Accepted entries summed per batch and project, only those dated on or before asOf (all when null). */
export function sumMoney(entries: Iterable<Pick<MoneyEntry, 'sheet' | 'batchNo' | 'projectNo' | 'date' | 'amountFen'>>, asOf: IsoDate | null): MoneySums[] {
  const out = new Map<string, MoneySums>();
  for (const e of entries) {
    if (asOf !== null && e.date > asOf) continue;
    const k = `${e.batchNo}\u0000${e.projectNo}`;
    let m = out.get(k);
    if (!m) out.set(k, (m = { batchNo: e.batchNo, projectNo: e.projectNo, allocatedFen: 0, disbursedFen: 0, reimbursedFen: 0 }));
    if (e.sheet === '资金安排') m.allocatedFen += e.amountFen;
    else if (e.sheet === '拨付') m.disbursedFen += e.amountFen;
    else m.reimbursedFen += e.amountFen;
  }
  return [...out.values()];
}

const batchGroup: Record<string, (b: FundBatch) => string> = {
  batch: (b) => b.batchNo,
  level: (b) => b.level,
  category: (b) => b.category,
  'batch-year': (b) => String(b.year),
};
const projectGroup: Record<string, (p: LedgerProject) => string> = {
  project: (p) => p.projectNo,
  township: (p) => p.villageCode.slice(0, 9),
  'project-category': (p) => p.category,
  'project-year': (p) => String(p.year),
};

interface BatchAcc {
  issued: Fen;
  allocated: Fen;
  disbursed: Fen;
  reimbursed: Fen;
  rIssued: Fen;
  rDisbursed: Fen;
  rReimbursed: Fen;
}
interface ProjectAcc {
  count: number;
  planned: Fen;
  allocated: Fen;
  disbursed: Fen;
  reimbursed: Fen;
  rAllocated: Fen;
  rDisbursed: Fen;
  rReimbursed: Fen;
  started: number;
  completed: number;
  accepted: number;
}

function sortedRows<A>(groups: Map<string, A>, total: A, line: (name: string, a: A) => string[]): string[][] {
  const names = [...groups.keys()].sort(compareCodePoints);
  return [...names.map((n) => line(n, groups.get(n)!)), line('合计', total)];
}

/**
 * The rate table of §8.2 for one grouping. `input.sums` must already be limited to entries
 * dated ≤ asOf; asOf here limits the batches (batch groupings) and the 开工/完工/验收 counts.
 */
export function computeRates(input: RatesInput, by: RateKey, asOf: IsoDate | null): RateTable {
  const batches = new Map(input.batches.map((b) => [b.batchNo, b]));
  if (Object.hasOwn(batchGroup, by)) {
    const key = batchGroup[by];
    const blank = (): BatchAcc => ({ issued: 0, allocated: 0, disbursed: 0, reimbursed: 0, rIssued: 0, rDisbursed: 0, rReimbursed: 0 });
    const groups = new Map<string, BatchAcc>();
    const total = blank();
    const inScope = new Set<string>();
    for (const b of input.batches) {
      if (asOf !== null && b.issuedOn > asOf) continue;
      inScope.add(b.batchNo);
      const name = key(b);
      let g = groups.get(name);
      if (!g) groups.set(name, (g = blank()));
      for (const a of [g, total]) {
        a.issued += b.amountFen;
        if (b.countsInRates) a.rIssued += b.amountFen;
      }
    }
    for (const s of input.sums) {
      const b = batches.get(s.batchNo);
      if (!b || !inScope.has(b.batchNo)) continue;
      for (const a of [groups.get(key(b))!, total]) {
        a.allocated += s.allocatedFen;
        a.disbursed += s.disbursedFen;
        a.reimbursed += s.reimbursedFen;
        if (b.countsInRates) {
          a.rDisbursed += s.disbursedFen;
          a.rReimbursed += s.reimbursedFen;
        }
      }
    }
    const line = (name: string, a: BatchAcc) => [
      name,
      formatFen(a.issued),
      formatFen(a.allocated),
      formatFen(a.disbursed),
      formatFen(a.reimbursed),
      formatFen(a.issued - a.disbursed),
      percent(a.rDisbursed, a.rIssued),
      percent(a.rReimbursed, a.rIssued),
      percent(a.rIssued - a.rDisbursed, a.rIssued),
    ];
    return { headers: [...BATCH_RATE_HEADERS], rows: sortedRows(groups, total, line) };
  }
  const key = Object.hasOwn(projectGroup, by) ? projectGroup[by] : undefined;
  if (!key) throw new Error(`未知的分组方式：${by}`);
  const blank = (): ProjectAcc => ({
    count: 0,
    planned: 0,
    allocated: 0,
    disbursed: 0,
    reimbursed: 0,
    rAllocated: 0,
    rDisbursed: 0,
    rReimbursed: 0,
    started: 0,
    completed: 0,
    accepted: 0,
  });
  const groups = new Map<string, ProjectAcc>();
  const total = blank();
  const projects = new Map<string, LedgerProject>();
  const done = (d: IsoDate | null) => (d !== null && (asOf === null || d <= asOf) ? 1 : 0);
  for (const p of input.projects) {
    projects.set(p.projectNo, p);
    const name = key(p);
    let g = groups.get(name);
    if (!g) groups.set(name, (g = blank()));
    for (const a of [g, total]) {
      a.count++;
      a.planned += p.plannedFen;
      a.started += done(p.startedOn);
      a.completed += done(p.completedOn);
      a.accepted += done(p.acceptedOn);
    }
  }
  for (const s of input.sums) {
    const p = projects.get(s.projectNo);
    if (!p) continue;
    const counts = batches.get(s.batchNo)?.countsInRates ?? true;
    for (const a of [groups.get(key(p))!, total]) {
      a.allocated += s.allocatedFen;
      a.disbursed += s.disbursedFen;
      a.reimbursed += s.reimbursedFen;
      if (counts) {
        a.rAllocated += s.allocatedFen;
        a.rDisbursed += s.disbursedFen;
        a.rReimbursed += s.reimbursedFen;
      }
    }
  }
  const line = (name: string, a: ProjectAcc) => [
    name,
    String(a.count),
    formatFen(a.planned),
    formatFen(a.allocated),
    formatFen(a.disbursed),
    formatFen(a.reimbursed),
    percent(a.rDisbursed, a.rAllocated),
    percent(a.rReimbursed, a.rAllocated),
    String(a.started),
    String(a.completed),
    String(a.accepted),
    percent(a.completed, a.count),
  ];
  return { headers: [...PROJECT_RATE_HEADERS], rows: sortedRows(groups, total, line) };
}
