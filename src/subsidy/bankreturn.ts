// The bank's result file (回盘), FORMATS.md §2: read every row, and decide whether the file
// belongs to the roll. Pure except for reading the table.
import { openTable, mapHeaders, cellText, type ColumnSpec } from '../shared/files/table.ts';
import { normalizeId } from '../shared/idnumber.ts';
import { parseYuanToFen, formatFen } from '../shared/money.ts';
import { parseDateStrict } from '../shared/dates.ts';
import { parsePeriod } from '../shared/periods.ts';
import { AppError } from '../shared/errors.ts';
import type { BankTemplate } from './bankfile.ts';

export interface ReturnRow {
  rowNumber: number;
  period: string;
  idNumber: string;
  name: string;
  amountFen: number;
  result: 'success' | 'failure';
  reason: string;
  paidDate: string | null;
  batchNo: string;
}
export interface RowProblem {
  rowNumber: number;
  column: string;
  reason: string;
}

const SPEC: ColumnSpec = {
  columns: {
    发放期间: true,
    身份证号: true,
    姓名: true,
    金额: true,
    发放结果: true,
    银行账号: false,
    持卡人姓名: false,
    发放日期: false,
    批次号: false,
    失败原因: false,
  },
  aliases: {
    证件号码: '身份证号',
    身份证号码: '身份证号',
    发放金额: '金额',
    '金额（元）': '金额',
    处理结果: '发放结果',
    结果: '发放结果',
    备注: '失败原因',
    原因: '失败原因',
    失败原因说明: '失败原因',
    期间: '发放期间',
  },
};

const FIELD_TO_HEADER: Record<string, string> = {
  period: '发放期间',
  idNumber: '身份证号',
  name: '姓名',
  amount: '金额',
  result: '发放结果',
  accountNo: '银行账号',
  holderName: '持卡人姓名',
  payDate: '发放日期',
  batchNo: '批次号',
};

const SUCCESS = new Set(['成功', '发放成功', '入账成功', '已发放', 'success', '1']);
const FAILURE = new Set(['失败', '发放失败', '入账失败', '未发放', 'failure', 'fail', '0']);

/** Read a result file: rows that could be read, and row problems (row, column, reason). */
export async function readBankReturn(file: Buffer, tpl?: BankTemplate): Promise<{ rows: ReturnRow[]; problems: RowProblem[]; warnings: string[] }> {
  const table = await openTable(file);
  const aliases = { ...SPEC.aliases };
  // the headers of the county's own template mean the same columns
  for (const c of tpl?.columns ?? [])
    if (FIELD_TO_HEADER[c.field] && c.header !== FIELD_TO_HEADER[c.field]) aliases[c.header.trim()] = FIELD_TO_HEADER[c.field];
  const map = mapHeaders(table.headers, { columns: SPEC.columns, aliases });
  if (map.missing.length) throw new AppError('FILE_COLUMNS', `回盘文件缺少必需的列：${map.missing.join('、')}（第1行表头）`);
  if (map.duplicated.length) throw new AppError('FILE_COLUMNS', `回盘文件的列重复：${map.duplicated.join('、')}`);
  const warnings = map.unknown.map((u) => `未识别的列“${u.header}”已忽略`);
  const col = (cells: unknown[], name: string) => {
    const i = map.index.get(name);
    return i === undefined ? '' : cellText(cells[i]).trim();
  };
  const rows: ReturnRow[] = [];
  const problems: RowProblem[] = [];
  for await (const { rowNumber, cells } of table.rows) {
    const bad = (column: string, reason: string) => problems.push({ rowNumber, column, reason });
    const periodText = col(cells, '发放期间');
    const period = parsePeriod(periodText);
    const idRaw = col(cells, '身份证号');
    const amountText = col(cells, '金额');
    const amountFen = parseYuanToFen(amountText);
    const resultText = col(cells, '发放结果').replace(/\s/g, '');
    const dateText = col(cells, '发放日期');
    const d = parseDateStrict(dateText);
    if (!period) {
      bad('发放期间', `“${periodText}”不是有效的发放期间`);
      continue;
    }
    if (!idRaw) {
      bad('身份证号', '身份证号为空');
      continue;
    }
    if (amountFen === null || amountFen < 0) {
      bad('金额', `“${amountText}”不是有效金额`);
      continue;
    }
    const result = SUCCESS.has(resultText.toLowerCase()) ? 'success' : FAILURE.has(resultText.toLowerCase()) ? 'failure' : null;
    if (!result) {
      bad('发放结果', `“${resultText}”应为“成功”或“失败”`);
      continue;
    }
    if (!d.ok) {
      bad('发放日期', d.reason);
      continue;
    }
    rows.push({
      rowNumber,
      period: period.code,
      idNumber: normalizeId(idRaw),
      name: col(cells, '姓名').replace(/\s/g, ''),
      amountFen,
      result,
      reason: col(cells, '失败原因') || (result === 'failure' ? '银行返回失败' : ''),
      paidDate: d.date,
      batchNo: col(cells, '批次号'),
    });
  }
  return { rows, problems, warnings };
}

export interface RollLineKey {
  lineNo: number;
  amountFen: number;
  result: 'pending' | 'success' | 'failure';
  name: string;
}

export interface MatchOutcome {
  /** the reasons the file is refused (empty: it belongs to the roll) */
  refusals: string[];
  updates: { lineNo: number; result: 'success' | 'failure'; reason: string; paidDate: string | null }[];
  unknown: { rowNumber: number; idNumber: string; name: string }[];
  unchanged: number;
  nameWarnings: string[];
  missing: number;
}

const list = (xs: string[], n = 10) => xs.slice(0, n).join('；') + (xs.length > n ? `……共${xs.length}处` : '');

/**
 * Match the rows to the roll by normalised ID (+ period + batch number when present). The file is
 * refused when it is for another period or batch, holds more unknown IDs than allowed, an amount
 * differs from the roll, a person appears twice, or a successful payment would turn into a failure.
 */
export function matchReturn(
  roll: { period: string; batchNo: string },
  lines: Map<string, RollLineKey>,
  rows: ReturnRow[],
  opts: { maxUnknown?: number } = {},
): MatchOutcome {
  const refusals: string[] = [];
  const periods = [...new Set(rows.map((r) => r.period))].filter((p) => p !== roll.period);
  if (periods.length) refusals.push(`文件中的发放期间为${periods.join('、')}，本批次是${roll.period}期间，此文件不属于本批次`);
  const batches = [...new Set(rows.map((r) => r.batchNo).filter((b) => b !== ''))].filter((b) => b !== roll.batchNo);
  if (batches.length) refusals.push(`文件中的批次号为${batches.join('、')}，本批次号是${roll.batchNo}，此文件不属于本批次`);
  const seen = new Map<string, number>();
  const dups: string[] = [],
    amounts: string[] = [],
    reversals: string[] = [],
    nameWarnings: string[] = [];
  const unknown: MatchOutcome['unknown'] = [];
  const updates: MatchOutcome['updates'] = [];
  let unchanged = 0;
  for (const r of rows) {
    const prev = seen.get(r.idNumber);
    if (prev !== undefined) {
      dups.push(`第${r.rowNumber}行与第${prev}行是同一人（${r.idNumber}）`);
      continue;
    }
    seen.set(r.idNumber, r.rowNumber);
    const l = lines.get(r.idNumber);
    if (!l) {
      unknown.push({ rowNumber: r.rowNumber, idNumber: r.idNumber, name: r.name });
      continue;
    }
    if (l.amountFen !== r.amountFen) amounts.push(`第${r.rowNumber}行金额${formatFen(r.amountFen)}元，批次中为${formatFen(l.amountFen)}元`);
    if (l.result === 'success' && r.result === 'failure') reversals.push(`第${r.rowNumber}行（${r.name}）在本批次已记为发放成功，回盘却为失败`);
    if (r.name && l.name.replace(/\s/g, '') !== r.name) nameWarnings.push(`第${r.rowNumber}行姓名“${r.name}”与批次中“${l.name}”不同`);
    if (l.result === r.result) {
      unchanged++;
      continue;
    }
    updates.push({ lineNo: l.lineNo, result: r.result, reason: r.result === 'failure' ? r.reason : '', paidDate: r.paidDate });
  }
  const maxUnknown = opts.maxUnknown ?? Math.max(3, Math.floor(rows.length * 0.005));
  if (unknown.length > maxUnknown)
    refusals.push(
      `文件中有${unknown.length}个身份证号不在本批次中（允许至多${maxUnknown}个），此文件可能不属于本批次：${list(
        unknown.map((u) => `第${u.rowNumber}行${u.idNumber}`),
        5,
      )}`,
    );
  if (dups.length) refusals.push(`同一人在文件中出现多次：${list(dups)}`);
  if (amounts.length) refusals.push(`金额与批次不符：${list(amounts)}`);
  if (reversals.length) refusals.push(`已成功发放的不能改为失败，请与银行核对后人工处理：${list(reversals)}`);
  let missing = 0;
  for (const [id, l] of lines) if (l.result === 'pending' && !seen.has(id)) missing++;
  return { refusals, updates, unknown, unchanged, nameWarnings, missing };
}
