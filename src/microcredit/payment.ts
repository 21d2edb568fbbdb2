// Paying a published quarter: the bank file is written with the county's 一卡通 bank templates
// (the direct subsidy's template data: columns, order, encoding, container, amount format; read
// through its exported getTemplate). Its own export works on payment rolls only, so the rows
// are rendered here. The 贷款编号 stands in the account column: banks credit the subsidy
// against the loan they granted. The public list (公示) reuses the direct subsidy's notice pages.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { formatFen } from '../shared/money.ts';
import { maskId } from '../shared/idnumber.ts';
import { csvLine, guardFormula, type CsvKinds } from '../shared/files/csv-write.ts';
import { BANK_FIELD_KIND, type BankTemplate } from '../subsidy/index.ts';
import type { SubsidyLine } from './subsidy.ts';

export interface PayLine extends SubsidyLine {
  townshipName: string;
  villageName: string;
}

function cell(t: BankTemplate, field: string, l: PayLine, i: number, quarter: string, batchNo: string): string {
  switch (field) {
    case 'period':
      return quarter;
    case 'idNumber':
      return l.idNumber;
    case 'name':
    case 'holderName':
      return l.name;
    case 'amount':
      return t.amountFormat === 'fen' ? String(l.subsidyFen) : formatFen(l.subsidyFen);
    case 'accountNo':
      return l.loanNo;
    case 'bankName':
      return l.bank;
    case 'batchNo':
      return batchNo;
    case 'villageCode':
      return l.villageCode;
    case 'villageName':
      return l.villageName;
    case 'townshipName':
      return l.townshipName;
    case 'lineNo':
      return String(i + 1);
    default:
      return '';
  }
}

/** The bank file of a run's lines (those with an amount above 0) in the template's form. */
export async function bankFile(
  t: BankTemplate,
  lines: PayLine[],
  quarter: string,
  batchNo: string,
): Promise<{ body: Buffer; fileName: string; contentType: string; rows: number; totalFen: number }> {
  const paid = lines.filter((l) => l.subsidyFen > 0);
  const rows = paid.map((l, i) => t.columns.map((c) => cell(t, c.field, l, i, quarter, batchNo)));
  const totalFen = paid.reduce((s, l) => s + l.subsidyFen, 0);
  const fileName = `贴息发放文件_${batchNo}.${t.container}`;
  // the same rule as the roll's bank file: text fields get the formula guard, the values the bank reads do not
  const kinds: CsvKinds = t.columns.map((c) => (BANK_FIELD_KIND[c.field] === 'text' ? 'text' : 'raw'));
  if (t.container === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('贴息发放');
    ws.addRow(t.columns.map((c) => c.header));
    for (const r of rows) ws.addRow(r.map((v, k) => (kinds[k] === 'text' ? guardFormula(v) : v)));
    return {
      body: Buffer.from(await wb.xlsx.writeBuffer()),
      fileName,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      rows: rows.length,
      totalFen,
    };
  }
  const text = [t.columns.map((c) => c.header).join(','), ...rows.map((r) => csvLine(r, kinds))].join('\r\n') + '\r\n';
  const body = t.encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from((t.bom ? '\ufeff' : '') + text, 'utf8');
  return { body, fileName, contentType: `text/csv; charset=${t.encoding}`, rows: rows.length, totalFen };
}

/** Rows of the public list: name, village, amount, masked ID; never a full ID, phone or account. */
export function noticeRowsOf(lines: PayLine[]) {
  return [...lines]
    .sort((a, b) => (a.villageCode < b.villageCode ? -1 : a.villageCode > b.villageCode ? 1 : 0))
    .map((l) => ({
      villageCode: l.villageCode,
      townshipName: l.townshipName,
      villageName: l.villageName,
      name: l.name,
      maskedId: maskId(l.idNumber),
      amountFen: l.subsidyFen,
    }));
}
