// The fund and project ledger (FORMATS §8) as the rest of the program sees it: the rows a
// ledger check accepts, the rows it rejects, and the sums the rate tables are made from.
// The file check and the database both produce these shapes, so the rates of §8.2 are
// computed by one function whichever side the rows come from.
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';

export const LEDGER_SHEETS = ['资金批次', '项目', '资金安排', '拨付', '报账'] as const;
export type LedgerSheet = (typeof LEDGER_SHEETS)[number];
/** The file names of a ledger kept as CSV, one a sheet (FORMATS §8). */
export const LEDGER_CSV_NAMES = LEDGER_SHEETS.map((s) => `${s}.csv` as const);
export type MoneySheet = '资金安排' | '拨付' | '报账';
export const MONEY_SHEETS: readonly MoneySheet[] = ['资金安排', '拨付', '报账'];

export const FUND_LEVELS = ['中央', '省级', '市级', '县级'] as const;
export type FundLevel = (typeof FUND_LEVELS)[number];

export const FUND_CATEGORIES = [
  '到县资金',
  '直补资金',
  '重点移民村专项',
  '突出问题处理',
  '三峡后续工作',
  '困难移民扶助',
  '培训宣传',
  '财政专项扶贫',
  '对口帮扶',
  '其他',
] as const;
export type FundCategory = (typeof FUND_CATEGORIES)[number];

export const PROJECT_CATEGORIES = ['基础设施', '产业发展', '美丽家园', '能力提升', '其他'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];

/** 资金批次: a batch received from above. */
export interface FundBatch {
  batchNo: string;
  year: number;
  level: FundLevel;
  category: FundCategory;
  docNo: string | null;
  issuedOn: IsoDate;
  amountFen: Fen;
  /** 计入比率: false leaves the batch out of every rate's numerator and denominator */
  countsInRates: boolean;
}

/** 项目: a post-support project as the ledger knows it. */
export interface LedgerProject {
  projectNo: string;
  name: string;
  year: number;
  /** 12 digits; the first 9 are the township */
  villageCode: string;
  category: ProjectCategory;
  plannedFen: Fen;
  unit: string | null;
  startedOn: IsoDate | null;
  completedOn: IsoDate | null;
  acceptedOn: IsoDate | null;
  /** names from the optional 乡镇 / 村 columns, used to add regions the database lacks */
  townshipName?: string | null;
  villageName?: string | null;
}

/** One row of 资金安排, 拨付 or 报账. Negative 拨付 / 报账 reverse earlier ones (红字冲销). */
export interface MoneyEntry {
  sheet: MoneySheet;
  batchNo: string;
  projectNo: string;
  date: IsoDate;
  amountFen: Fen;
  voucherNo: string | null;
}

export const REJECT_CODES = {
  L_MISSING: '必填项为空',
  L_BAD_VALUE: '值无法识别',
  L_DUPLICATE: '编号重复',
  L_DATES: '日期先后不符',
  L_UNKNOWN_REF: '批次或项目不存在',
  L_BEFORE_BATCH: '早于批次下达日期',
  L_NEGATIVE: '金额为负',
  L_OVER_BATCH: '安排超过批次金额',
  L_OVER_ALLOCATION: '拨付或报账超过安排',
  L_BELOW_ZERO: '冲销后低于零',
} as const;
export type RejectCode = keyof typeof REJECT_CODES;

/** A rejected row: sheet, spreadsheet row number (header = 1), code, and a sentence naming the column. */
export interface LedgerRejection {
  sheet: LedgerSheet;
  row: number;
  code: RejectCode;
  reason: string;
}

/** What a ledger check gives: the accepted rows (with their row numbers) and the rejected ones. */
export interface CheckedLedger {
  batches: (FundBatch & { row: number })[];
  projects: (LedgerProject & { row: number })[];
  entries: (MoneyEntry & { row: number })[];
  rejected: LedgerRejection[];
}

/** Accepted money summed per batch and project, already limited to entries dated on or before the as-of date. */
export interface MoneySums {
  batchNo: string;
  projectNo: string;
  allocatedFen: Fen;
  disbursedFen: Fen;
  reimbursedFen: Fen;
}

/** Everything a rate table (§8.2) needs; the file mode and the database each build one. */
export interface RatesInput {
  batches: FundBatch[];
  projects: LedgerProject[];
  sums: MoneySums[];
}

export const RATE_KEYS = ['batch', 'level', 'category', 'batch-year', 'project', 'township', 'project-category', 'project-year'] as const;
export type RateKey = (typeof RATE_KEYS)[number];

/** A rate table as written to CSV: the exact §8.2 headers and cells as text. */
export interface RateTable {
  headers: string[];
  rows: string[][];
}
