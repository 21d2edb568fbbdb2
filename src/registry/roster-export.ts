// Roster export in the FORMATS.md §1 form (xlsx or csv), filtered, masked unless the user may
// see personal data, with spreadsheet formulas neutralised. Re-importing an unmasked export
// changes nothing. Also the CSV / XLSX writers the demo and the problems list use.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { maskId } from '../shared/idnumber.ts';
import { maskAccount, maskPhone } from './mask.ts';
import { csvDocument, guardFormula } from '../shared/files/csv-write.ts';
import { ROSTER_HEADERS } from './roster-file.ts';
import { rowToRecord } from './roster-import.store.ts';
import { selectExportRows } from './roster-export.store.ts';

/** UTF-8 CSV with BOM (Excel opens it correctly), formulas neutralised. */
export function rosterCsv(headers: readonly string[], rows: string[][]): Buffer {
  return Buffer.from(csvDocument(headers, rows), 'utf8');
}

/** XLSX (one sheet, every cell text so IDs and accounts keep their digits), formulas neutralised. */
export async function rosterXlsx(headers: readonly string[], rows: string[][], sheetName = '花名册'): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise<void>((res, rej) => {
    out.on('end', res);
    out.on('error', rej);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet(sheetName);
  ws.columns = headers.map((h) => ({ header: h, width: Math.max(8, Math.min(24, h.length * 2 + 4)), style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for (const r of rows) ws.addRow(r.map(guardFormula)).commit();
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(parts);
}

export interface ExportFilter {
  /** the user's region (county 6 or township 9 digits): only persons inside it */
  scope: string;
  village?: string;
  status?: '正常' | '已核减';
  /** name, full ID, last digits of the ID, or household number */
  q?: string;
}

export interface ExportOptions extends ExportFilter {
  format: 'xlsx' | 'csv';
  unmasked: boolean;
  actor: AuditActor;
}

/** The rows of an export: 序号, the §1 columns, then any kept extra columns. */
export async function exportRosterRows(
  db: Kysely<Tables>,
  f: ExportFilter,
): Promise<{ headers: string[]; rows: string[][]; records: ReturnType<typeof rowToRecord>[] }> {
  const county = f.scope.slice(0, 6);
  const q = (f.q ?? '').trim();
  const records = (await selectExportRows(db, county, f, q)).map(rowToRecord);
  const extraKeys = [...new Set(records.flatMap((x) => Object.keys(x.extra)))].sort();
  const headers = ['序号', ...ROSTER_HEADERS, ...extraKeys];
  const rows = records.map((x, i) => [
    String(i + 1),
    x.householdNo,
    x.name,
    x.idNumber,
    x.sex ?? '',
    x.birthDate ?? '',
    x.relation,
    x.villageCode,
    x.townshipName,
    x.villageName,
    x.groupName,
    x.category ?? '',
    x.reservoir,
    x.moveDate ?? '',
    x.supportStart ?? '',
    x.supportEnd ?? '',
    x.status,
    x.removalDate ?? '',
    x.removalReason ?? '',
    x.accountNo,
    x.bankName,
    x.holderName,
    x.phone,
    ...extraKeys.map((k) => x.extra[k] ?? ''),
  ]);
  return { headers, rows, records };
}

const ID_COL = ROSTER_HEADERS.indexOf('身份证号') + 1;
const ACC_COL = ROSTER_HEADERS.indexOf('银行账号') + 1;
const PHONE_COL = ROSTER_HEADERS.indexOf('联系电话') + 1;

/** Export the roster; every export is audited with its filter and row count. */
export async function exportRoster(db: Kysely<Tables>, o: ExportOptions): Promise<{ content: Buffer; rows: number; filename: string; contentType: string }> {
  if (o.village && !o.village.startsWith(o.scope)) throw new AppError('FORBIDDEN', '无权导出本辖区以外的村');
  const { headers, rows } = await exportRosterRows(db, o);
  if (!o.unmasked) {
    for (const r of rows) {
      r[ID_COL] = maskId(r[ID_COL]);
      r[ACC_COL] = maskAccount(r[ACC_COL]);
      r[PHONE_COL] = maskPhone(r[PHONE_COL]);
    }
  }
  const content = o.format === 'csv' ? rosterCsv(headers, rows) : await rosterXlsx(headers, rows);
  await db.transaction().execute((trx) =>
    appendAudit(trx, o.actor, {
      action: o.unmasked ? 'roster.export_unmasked' : 'roster.export',
      entityType: 'roster',
      entityId: o.scope,
      countyCode: o.scope.slice(0, 6),
      detail: {
        format: o.format,
        unmasked: o.unmasked,
        filter: { scope: o.scope, village: o.village ?? null, status: o.status ?? null, q: o.q ?? null },
        rows: rows.length,
      },
    }),
  );
  const stamp = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10).replaceAll('-', '');
  return {
    content,
    rows: rows.length,
    filename: `后扶人口花名册_${o.village ?? o.scope}_${stamp}${o.unmasked ? '' : '_脱敏'}.${o.format}`,
    contentType: o.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}

/** The rejected / corrected / warned rows of an import as xlsx (行号, 列, 内容, 原因, 类别). */
export async function problemsXlsx(problems: { rowNumber: number; column: string; value: string; reason: string; kind: string }[]): Promise<Buffer> {
  const KIND: Record<string, string> = { rejected: '未导入', corrected: '已更正', error: '错误（已照原样导入，请更正）', warning: '提示' };
  return rosterXlsx(
    ['行号', '列', '内容', '原因', '处理'],
    problems.map((p) => [String(p.rowNumber), p.column, p.value, p.reason, KIND[p.kind] ?? p.kind]),
    '问题清单',
  );
}
