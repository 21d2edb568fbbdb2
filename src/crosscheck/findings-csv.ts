// Writing findings as FORMATS §6: CSV, UTF-8 with BOM, the exact header row, amounts in yuan
// with 2 decimals, periods joined by `;`. Cells that a spreadsheet would read as a formula
// get a leading apostrophe (the shared CSV writer); the amounts are written as they are.
import { formatFen } from '../shared/money.ts';
import { csvLine, type CsvKinds } from '../shared/files/csv-write.ts';
import type { Finding } from './types.ts';
import type { RowProblem } from './files.ts';

export const FINDINGS_HEADER = ['问题代码', '问题类型', '身份证号', '姓名', '户编号', '村代码', '涉及期间', '多发金额', '少发金额', '说明'] as const;

const FINDING_KINDS: CsvKinds = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'raw', 'raw', 'text'];

export function findingRow(f: Finding): string[] {
  return [f.code, f.label, f.idNumber, f.name, f.householdNo, f.villageCode, f.periods.join(';'), formatFen(f.overFen), formatFen(f.underFen), f.explanation];
}

/** The whole findings file as a string (BOM, header, one line per finding, CRLF line ends). */
export function findingsCsv(findings: Iterable<Finding>): string {
  const lines = [FINDINGS_HEADER.join(',')];
  for (const f of findings) lines.push(csvLine(findingRow(f), FINDING_KINDS));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

export const PROBLEMS_HEADER = ['文件', '行号', '列', '问题', '处理'] as const;
export function problemLine(p: RowProblem): string {
  return csvLine([p.file, String(p.rowNumber), p.column, p.reason, p.action]);
}
