// Bank file templates per county and the export of a roll as the bank's file: streamed in
// chunks, so a roll of millions never sits in memory; formulas neutralised; audited.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { BUILTIN_TEMPLATES, bankTemplateSchema, type BankField, cellOf, checkTemplate, csvLine, fileNameOf, type BankLine, type BankTemplate } from './bankfile.ts';
import { assertCan } from './payroll.ts';

export async function listTemplates(db: Kysely<any>, countyCode: string): Promise<(BankTemplate & { builtin: boolean })[]> {
  const r = await sql<{ spec: BankTemplate }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} ORDER BY code`.execute(db);
  const own = r.rows.map((x) => ({ ...x.spec, builtin: false }));
  return [...BUILTIN_TEMPLATES.filter((b) => !own.some((o) => o.code === b.code)).map((b) => ({ ...b, builtin: true })), ...own];
}

export async function getTemplate(db: Kysely<any>, countyCode: string, code: string): Promise<BankTemplate> {
  const r = await sql<{ spec: BankTemplate }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} AND code = ${code}`.execute(db);
  const t = r.rows[0]?.spec ?? BUILTIN_TEMPLATES.find((b) => b.code === code);
  if (!t) throw new AppError('NOT_FOUND', `银行文件模板“${code}”不存在`);
  return t;
}

export async function saveTemplate(db: Kysely<any>, actor: AuditActor, countyCode: string, input: unknown): Promise<BankTemplate> {
  const parsed = bankTemplateSchema.safeParse(input);
  if (!parsed.success) throw new AppError('VALIDATION', `银行文件模板不正确：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`);
  const t = parsed.data;
  checkTemplate(t);
  await db.transaction().execute(async (trx) => {
    const prev = await sql<{ spec: unknown }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} AND code = ${t.code}`.execute(trx);
    await sql`INSERT INTO bank_templates (county_code, code, name, spec, updated_by) VALUES (${countyCode}, ${t.code}, ${t.name}, ${JSON.stringify(t)}::jsonb, ${actor.userId})
      ON CONFLICT (county_code, code) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(trx);
    await appendAudit(trx, actor, { action: 'bank_template.save', entityType: 'bank_template', entityId: t.code, countyCode, before: prev.rows[0]?.spec ?? null, after: t });
  });
  return t;
}

export interface ExportResult { fileName: string; rows: number; totalFen: number; noAccount: number; template: string; batchNo: string }

/**
 * Prepare the export (one transaction): lines with no usable account are marked failed (they are
 * re-issued once an account is known), the roll moves to `exported`, and the export is audited.
 * Returns what `writeBankFile` then streams.
 */
export async function prepareBankExport(db: Kysely<any>, actor: AuditActor, countyCode: string, payrollId: number, templateCode: string): Promise<ExportResult & { tpl: BankTemplate; period: string }> {
  const tpl = await getTemplate(db, countyCode, templateCode);
  return db.transaction().execute(async (trx) => {
    const r = await sql<any>`SELECT status, batch_no, period FROM payrolls WHERE county_code = ${countyCode} AND id = ${payrollId} FOR UPDATE`.execute(trx);
    if (!r.rows[0]) throw new AppError('NOT_FOUND', `发放批次${payrollId}不存在`);
    assertCan('export', r.rows[0].status);
    const na = await sql`UPDATE payment_lines SET result = 'failure', result_reason = '无可用银行账号，未报送银行', updated_at = now()
      WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending' AND account_source = 'none'`.execute(trx);
    const s = await sql<any>`SELECT count(*) AS n, COALESCE(sum(amount_fen), 0) AS fen FROM payment_lines
      WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending'`.execute(trx);
    if (r.rows[0].status === 'reviewed') {
      await sql`UPDATE payrolls SET status = 'exported', exported_at = now() WHERE county_code = ${countyCode} AND id = ${payrollId}`.execute(trx);
    } else {
      await sql`UPDATE payrolls SET exported_at = now() WHERE county_code = ${countyCode} AND id = ${payrollId}`.execute(trx);
    }
    const res: ExportResult = { fileName: fileNameOf(tpl, r.rows[0].batch_no), rows: Number(s.rows[0].n), totalFen: Number(s.rows[0].fen),
      noAccount: Number(na.numAffectedRows ?? 0), template: tpl.code, batchNo: r.rows[0].batch_no };
    await appendAudit(trx, actor, { action: 'payroll.export_bank_file', entityType: 'payroll', entityId: payrollId, countyCode,
      before: { status: r.rows[0].status }, after: { status: r.rows[0].status === 'reviewed' ? 'exported' : r.rows[0].status }, detail: { ...res, unmasked: true } });
    return { ...res, tpl, period: r.rows[0].period };
  });
}

/** The payment_lines column behind each template field (batch number and blanks need none). */
const FIELD_COLUMNS: Partial<Record<BankField, string>> = {
  period: 'period', idNumber: 'id_number', name: 'name', amount: 'amount_fen', accountNo: 'account_no', holderName: 'holder_name',
  bankName: 'bank_name', householdNo: 'household_no', villageCode: 'village_code', villageName: 'village_name', townshipName: 'township_name',
};

/** Read only the columns the template shows: a bank file of millions of lines spends most of its time reading rows. */
async function* pendingLines(db: Kysely<any>, countyCode: string, payrollId: number, tpl: BankTemplate, chunk = 50000): AsyncGenerator<any[]> {
  const columns = sql.raw(['line_no', ...new Set(tpl.columns.map((c) => FIELD_COLUMNS[c.field]).filter(Boolean))].join(', '));
  const fetch = (after: number) => sql<any>`SELECT ${columns}
      FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND line_no > ${after} AND result = 'pending'
      ORDER BY line_no LIMIT ${chunk}`.execute(db);
  // the next chunk is read while the caller writes this one
  let next: ReturnType<typeof fetch> | null = fetch(0);
  try {
    while (next) {
      const r = await next;
      next = null;
      if (!r.rows.length) return;
      if (r.rows.length === chunk) next = fetch(Number(r.rows[r.rows.length - 1].line_no));
      yield r.rows;
    }
  } finally {
    next?.catch(() => {}); // the caller stopped early: the read ahead is not wanted
  }
}

async function put(out: Writable, data: Buffer | string) {
  if (!out.write(data)) await once(out, 'drain');
}

/** Stream the waiting lines of a roll as the bank's file (CSV or XLSX) into `out`, then end it. */
export async function writeBankFile(db: Kysely<any>, countyCode: string, payrollId: number, tpl: BankTemplate, batchNo: string, out: Writable,
  onProgress?: (rows: number) => void): Promise<number> {
  let n = 0;
  const toLine = (x: any): BankLine => ({ period: x.period, idNumber: x.id_number, name: x.name, amountFen: Number(x.amount_fen), accountNo: x.account_no,
    holderName: x.holder_name, bankName: x.bank_name, batchNo, householdNo: x.household_no, villageCode: x.village_code, villageName: x.village_name,
    townshipName: x.township_name, lineNo: Number(x.line_no) });
  if (tpl.container === 'csv') {
    const enc = (s: string) => (tpl.encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8'));
    const head = (tpl.encoding === 'utf-8' && tpl.bom ? '\ufeff' : '') + csvLine(tpl.columns.map((c) => c.header));
    await put(out, enc(head));
    for await (const rows of pendingLines(db, countyCode, payrollId, tpl)) {
      let text = '';
      for (const x of rows) { const l = toLine(x); text += csvLine(tpl.columns.map((c) => cellOf(tpl, c.field, l))); }
      await put(out, enc(text));
      n += rows.length;
      onProgress?.(n);
    }
    out.end();
    await once(out, 'finish').catch(() => {});
    return n;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('发放明细');
  ws.addRow(tpl.columns.map((c) => c.header)).commit();
  for await (const rows of pendingLines(db, countyCode, payrollId, tpl)) {
    for (const x of rows) {
      const l = toLine(x);
      // every cell a string: ID and account numbers must never become numbers in Excel
      ws.addRow(tpl.columns.map((c) => cellOf(tpl, c.field, l))).commit();
    }
    n += rows.length;
    onProgress?.(n);
  }
  ws.commit();
  await wb.commit();
  return n;
}
