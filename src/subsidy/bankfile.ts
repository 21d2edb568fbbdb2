// Bank file templates (一卡通银行文件) are data: columns (header text and source field), order,
// encoding, container and amount format, stored per county. Pure: templates, checks, cell text.
import { BANK_FIELDS, type BankField, type BankTemplate } from './subsidy.contract.ts';
import { formatFen } from '../shared/money.ts';
import { AppError } from '../shared/errors.ts';
import { csvRaw, guardFormula } from '../shared/files/csv-write.ts';

export { BANK_FIELDS, bankTemplateSchema, type BankField, type BankTemplate } from './subsidy.contract.ts';

const GENERIC_COLUMNS: BankTemplate['columns'] = [
  { header: '发放期间', field: 'period' },
  { header: '身份证号', field: 'idNumber' },
  { header: '姓名', field: 'name' },
  { header: '金额', field: 'amount' },
  { header: '发放结果', field: 'result' },
  { header: '银行账号', field: 'accountNo' },
  { header: '持卡人姓名', field: 'holderName' },
  { header: '发放日期', field: 'payDate' },
  { header: '批次号', field: 'batchNo' },
];

/** Built-in templates: the FORMATS.md §2 payment detail as UTF-8 CSV, as XLSX, and as GBK CSV. */
export const BUILTIN_TEMPLATES: BankTemplate[] = [
  { code: 'generic', name: '通用格式（CSV，UTF-8）', container: 'csv', encoding: 'utf-8', bom: true, amountFormat: 'yuan', columns: GENERIC_COLUMNS },
  { code: 'generic-xlsx', name: '通用格式（Excel）', container: 'xlsx', encoding: 'utf-8', bom: false, amountFormat: 'yuan', columns: GENERIC_COLUMNS },
  { code: 'gbk-csv', name: '通用格式（CSV，GBK编码）', container: 'csv', encoding: 'gb18030', bom: false, amountFormat: 'yuan', columns: GENERIC_COLUMNS },
];

export function checkTemplate(t: BankTemplate): void {
  const fields = t.columns.map((c) => c.field);
  for (const need of ['idNumber', 'name', 'amount'] as BankField[]) {
    if (!fields.includes(need)) throw new AppError('VALIDATION', `银行文件模板缺少“${BANK_FIELDS[need]}”列`);
  }
  const headers = t.columns.map((c) => c.header.trim());
  const dup = headers.find((h, i) => headers.indexOf(h) !== i);
  if (dup) throw new AppError('VALIDATION', `银行文件模板的表头“${dup}”重复`);
}

/**
 * Which fields are free text (names, bank and place names: a spreadsheet could run one that
 * starts with = + - @, so it gets the formula guard) and which are values the bank's system
 * reads as they are (ID, account number, amount, codes, dates): those never get the guard,
 * an apostrophe in front of an account number would fail the payment.
 */
export const BANK_FIELD_KIND: Record<BankField, 'text' | 'value'> = {
  period: 'value',
  idNumber: 'value',
  name: 'text',
  amount: 'value',
  result: 'value',
  accountNo: 'value',
  holderName: 'text',
  bankName: 'text',
  payDate: 'value',
  batchNo: 'value',
  householdNo: 'text',
  villageCode: 'value',
  villageName: 'text',
  townshipName: 'text',
  lineNo: 'value',
  blank: 'value',
};

export interface BankLine {
  period: string;
  idNumber: string;
  name: string;
  amountFen: number;
  accountNo: string;
  holderName: string;
  bankName: string;
  batchNo: string;
  householdNo: string;
  villageCode: string;
  villageName: string;
  townshipName: string;
  lineNo: number;
}

/** The cell of a field as the file carries it (text fields formula-guarded, values as they are). */
export function cellOf(t: BankTemplate, field: BankField, l: BankLine): string {
  const v = fieldValue(t, field, l);
  return BANK_FIELD_KIND[field] === 'text' ? guardFormula(v) : v;
}

function fieldValue(t: BankTemplate, field: BankField, l: BankLine): string {
  switch (field) {
    case 'period':
      return l.period;
    case 'idNumber':
      return l.idNumber;
    case 'name':
      return l.name;
    case 'amount':
      return t.amountFormat === 'fen' ? String(l.amountFen) : formatFen(l.amountFen);
    case 'result':
      return '';
    case 'accountNo':
      return l.accountNo;
    case 'holderName':
      return l.holderName;
    case 'bankName':
      return l.bankName;
    case 'payDate':
      return '';
    case 'batchNo':
      return l.batchNo;
    case 'householdNo':
      return l.householdNo;
    case 'villageCode':
      return l.villageCode;
    case 'villageName':
      return l.villageName;
    case 'townshipName':
      return l.townshipName;
    case 'lineNo':
      return String(l.lineNo);
    case 'blank':
      return '';
  }
}

/** One CSV line of cells made by cellOf (already guarded where they may be): quoted as needed. */
export function csvLine(cells: string[]): string {
  return cells.map(csvRaw).join(',') + '\r\n';
}

export function fileNameOf(t: BankTemplate, batchNo: string): string {
  return `银行发放文件_${batchNo}.${t.container}`;
}
