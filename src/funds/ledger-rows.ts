// Reading one row of a ledger sheet (FORMATS §8): the columns of each sheet, and a row's cells
// to a value or to the first of L_MISSING / L_BAD_VALUE that applies. Pure: no state, so a
// row reads the same whichever rows came before it (duplicates and references are checked in
// ledger-check.ts).
import { cellText, isFormulaCell, type ColumnSpec } from '../shared/files/table.ts';
import { ownCopy, readDateStrict, readYuanStrict, trimCell } from '../shared/strict-values.ts';
import type { IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';
import {
  FUND_CATEGORIES,
  FUND_LEVELS,
  PROJECT_CATEGORIES,
  type FundBatch,
  type LedgerProject,
  type LedgerSheet,
  type MoneySheet,
  type RejectCode,
} from './ledger.types.ts';

/** Columns of each sheet in the order of FORMATS §8 (true = required). */
export const LEDGER_COLUMNS: Record<LedgerSheet, ColumnSpec> = {
  资金批次: { columns: { 批次编号: true, 年度: true, 资金级别: true, 资金类别: true, 文号: false, 下达日期: true, 金额: true, 计入比率: false } },
  项目: {
    columns: {
      项目编号: true,
      项目名称: true,
      年度: true,
      村代码: true,
      项目类别: true,
      计划投资: true,
      实施单位: false,
      开工日期: false,
      完工日期: false,
      验收日期: false,
      乡镇: false,
      村: false,
    },
  },
  资金安排: { columns: { 批次编号: true, 项目编号: true, 日期: true, 金额: true, 凭证号: false } },
  拨付: { columns: { 批次编号: true, 项目编号: true, 日期: true, 金额: true, 凭证号: false } },
  报账: { columns: { 批次编号: true, 项目编号: true, 日期: true, 金额: true, 凭证号: false } },
};

/** A row that failed before any comparison with other rows. */
export interface RowProblem {
  code: RejectCode;
  reason: string;
}

/** Column name → index in the row's cells (-1 or absent: the column is not in the file). */
export type ColumnIndex = Map<string, number>;

/** A cell read as trimmed text (numbers without exponent, Excel dates as YYYY-MM-DD). */
export function cellString(cells: readonly unknown[], col: ColumnIndex, name: string): string {
  const i = col.get(name);
  if (i === undefined || i < 0) return '';
  let v = cells[i];
  if (isFormulaCell(v)) v = v.result;
  if (v === null || v === undefined) return '';
  return trimCell(typeof v === 'string' ? v : cellText(v));
}

const raw = (cells: readonly unknown[], col: ColumnIndex, name: string): unknown => {
  const i = col.get(name);
  return i === undefined || i < 0 ? null : cells[i];
};

/** True when every cell of the row is empty after trimming: the row is skipped. */
export function isBlankRow(cells: readonly unknown[]): boolean {
  for (const c of cells) {
    if (c === null || c === undefined) continue;
    if (typeof c === 'string' ? trimCell(c) !== '' : true) return false;
  }
  return true;
}

const missing = (name: string): RowProblem => ({ code: 'L_MISSING', reason: `缺少${name}` });
const bad = (reason: string): RowProblem => ({ code: 'L_BAD_VALUE', reason: ownCopy(reason) });

const REQUIRED = Object.fromEntries(Object.entries(LEDGER_COLUMNS).map(([s, spec]) => [s, Object.keys(spec.columns).filter((k) => spec.columns[k])])) as Record<
  LedgerSheet,
  string[]
>;

/** The first required column left empty, in the sheet's column order. */
function firstMissing(sheet: LedgerSheet, cells: readonly unknown[], col: ColumnIndex): RowProblem | null {
  for (const name of REQUIRED[sheet]) if (cellString(cells, col, name) === '') return missing(name);
  return null;
}

/** An amount cell: fen, or the L_BAD_VALUE reason (not yuan with 2 decimals, or 0). */
function amountOf(cells: readonly unknown[], col: ColumnIndex, name: string): Fen | RowProblem {
  const r = readYuanStrict(raw(cells, col, name));
  if (!r.ok) return bad(`${name}“${r.text}”不是最多两位小数的元`);
  if (r.value === 0) return bad(`${name}为0`);
  return r.value as Fen;
}

function dateOf(cells: readonly unknown[], col: ColumnIndex, name: string): IsoDate | null | RowProblem {
  const r = readDateStrict(raw(cells, col, name));
  return r.ok ? r.value : bad(`${name}“${r.text}”无法识别`);
}

function yearOf(cells: readonly unknown[], col: ColumnIndex): number | RowProblem {
  const s = cellString(cells, col, '年度');
  return /^\d{4}$/.test(s) ? Number(s) : bad(`年度“${s}”不是4位数字`);
}

function listed<T extends string>(cells: readonly unknown[], col: ColumnIndex, name: string, list: readonly T[]): T | RowProblem {
  const s = cellString(cells, col, name);
  return (list as readonly string[]).includes(s) ? (s as T) : bad(`${name}“${s}”不在列表中`);
}

const isProblem = (v: unknown): v is RowProblem => typeof v === 'object' && v !== null && 'code' in v && 'reason' in v;
const orNull = (s: string) => (s === '' ? null : ownCopy(s));
/** A kept cell's text, copied off the file's buffer. */
const kept = (cells: readonly unknown[], col: ColumnIndex, name: string) => ownCopy(cellString(cells, col, name));

export type RowRead<T> = { ok: true; value: T } | { ok: false; problem: RowProblem };

/** One 资金批次 row. */
export function readBatchRow(cells: readonly unknown[], col: ColumnIndex): RowRead<FundBatch> {
  const m = firstMissing('资金批次', cells, col);
  if (m) return { ok: false, problem: m };
  const year = yearOf(cells, col);
  const level = listed(cells, col, '资金级别', FUND_LEVELS);
  const category = listed(cells, col, '资金类别', FUND_CATEGORIES);
  const issuedOn = dateOf(cells, col, '下达日期');
  const amount = amountOf(cells, col, '金额');
  const rateText = cellString(cells, col, '计入比率');
  const rate = rateText === '' || rateText === '是' ? true : rateText === '否' ? false : bad(`计入比率“${rateText}”应为是或否`);
  for (const v of [year, level, category, issuedOn, amount, rate]) if (isProblem(v)) return { ok: false, problem: v };
  return {
    ok: true,
    value: {
      batchNo: kept(cells, col, '批次编号'),
      year: year as number,
      level: level as FundBatch['level'],
      category: category as FundBatch['category'],
      docNo: orNull(cellString(cells, col, '文号')),
      issuedOn: issuedOn as IsoDate,
      amountFen: amount as Fen,
      countsInRates: rate as boolean,
    },
  };
}

/** One 项目 row. */
export function readProjectRow(cells: readonly unknown[], col: ColumnIndex): RowRead<LedgerProject> {
  const m = firstMissing('项目', cells, col);
  if (m) return { ok: false, problem: m };
  const year = yearOf(cells, col);
  const code = cellString(cells, col, '村代码');
  const village = /^\d{12}$/.test(code) ? code : bad(`村代码“${code}”不是12位数字`);
  const category = listed(cells, col, '项目类别', PROJECT_CATEGORIES);
  const planned = amountOf(cells, col, '计划投资');
  const started = dateOf(cells, col, '开工日期');
  const completed = dateOf(cells, col, '完工日期');
  const accepted = dateOf(cells, col, '验收日期');
  for (const v of [year, village, category, planned, started, completed, accepted]) if (isProblem(v)) return { ok: false, problem: v };
  return {
    ok: true,
    value: {
      projectNo: kept(cells, col, '项目编号'),
      name: kept(cells, col, '项目名称'),
      year: year as number,
      villageCode: ownCopy(code),
      category: category as LedgerProject['category'],
      plannedFen: planned as Fen,
      unit: orNull(cellString(cells, col, '实施单位')),
      startedOn: started as IsoDate | null,
      completedOn: completed as IsoDate | null,
      acceptedOn: accepted as IsoDate | null,
      townshipName: orNull(cellString(cells, col, '乡镇')),
      villageName: orNull(cellString(cells, col, '村')),
    },
  };
}

/** A money row as read, before it meets the batches, projects and earlier entries. */
export interface MoneyRow {
  batchNo: string;
  projectNo: string;
  date: IsoDate;
  amountFen: Fen;
  voucherNo: string | null;
}

/** One 资金安排 / 拨付 / 报账 row. */
export function readMoneyRow(sheet: MoneySheet, cells: readonly unknown[], col: ColumnIndex): RowRead<MoneyRow> {
  const m = firstMissing(sheet, cells, col);
  if (m) return { ok: false, problem: m };
  const date = dateOf(cells, col, '日期');
  const amount = amountOf(cells, col, '金额');
  for (const v of [date, amount]) if (isProblem(v)) return { ok: false, problem: v };
  return {
    ok: true,
    value: {
      batchNo: cellString(cells, col, '批次编号'),
      projectNo: cellString(cells, col, '项目编号'),
      date: date as IsoDate,
      amountFen: amount as Fen,
      voucherNo: orNull(cellString(cells, col, '凭证号')),
    },
  };
}

/** L_DATES of a project read without problems: 完工 before 开工, 验收 without 完工 or before it. */
export function projectDatesProblem(p: LedgerProject): RowProblem | null {
  if (p.startedOn && p.completedOn && p.completedOn < p.startedOn) {
    return { code: 'L_DATES', reason: `完工日期${p.completedOn}早于开工日期${p.startedOn}` };
  }
  if (p.acceptedOn && !p.completedOn) return { code: 'L_DATES', reason: '有验收日期但没有完工日期' };
  if (p.acceptedOn && p.completedOn && p.acceptedOn < p.completedOn) {
    return { code: 'L_DATES', reason: `验收日期${p.acceptedOn}早于完工日期${p.completedOn}` };
  }
  return null;
}
