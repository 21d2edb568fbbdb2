// Bank file templates per county and the export of a roll as the bank's file: streamed in
// chunks, so a roll of millions never sits in memory; formulas neutralised. SQL only: the export's
// workflow (status, audit) is in subsidy.service.ts.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Tables, PaymentLinesTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import { AppError } from '../shared/errors.ts';
import { BUILTIN_TEMPLATES, type BankField, cellOf, csvLine, type BankLine, type BankTemplate } from './bankfile.ts';

type Db = Kysely<Tables>;
/** the columns a bank file may show, read as they are stored */
type BankRow = Partial<Row<PaymentLinesTable>> & { line_no: number };

export async function listTemplates(db: Db, countyCode: string): Promise<(BankTemplate & { builtin: boolean })[]> {
  const r = await sql<{ spec: BankTemplate }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} ORDER BY code`.execute(db);
  const own = r.rows.map((x) => ({ ...x.spec, builtin: false }));
  return [...BUILTIN_TEMPLATES.filter((b) => !own.some((o) => o.code === b.code)).map((b) => ({ ...b, builtin: true })), ...own];
}

export async function getTemplate(db: Db, countyCode: string, code: string): Promise<BankTemplate> {
  const r = await sql<{ spec: BankTemplate }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} AND code = ${code}`.execute(db);
  const t = r.rows[0]?.spec ?? BUILTIN_TEMPLATES.find((b) => b.code === code);
  if (!t) throw new AppError('NOT_FOUND', `银行文件模板“${code}”不存在`);
  return t;
}

/** A county's own template as stored, if any: what a save replaces. */
export async function storedTemplate(trx: Db, countyCode: string, code: string): Promise<unknown> {
  const prev = await sql<{ spec: unknown }>`SELECT spec FROM bank_templates WHERE county_code = ${countyCode} AND code = ${code}`.execute(trx);
  return prev.rows[0]?.spec ?? null;
}

export async function putTemplate(trx: Db, countyCode: string, t: BankTemplate, userId: number | null): Promise<void> {
  await sql`INSERT INTO bank_templates (county_code, code, name, spec, updated_by) VALUES (${countyCode}, ${t.code}, ${t.name}, ${JSON.stringify(t)}::jsonb, ${userId})
    ON CONFLICT (county_code, code) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(
    trx,
  );
}

/** Pending lines with no usable account become failures (re-issued once an account is known); how many. */
export async function failLinesWithoutAccount(trx: Db, countyCode: string, payrollId: number): Promise<number> {
  const na = await sql`UPDATE payment_lines SET result = 'failure', result_reason = '无可用银行账号，未报送银行', updated_at = now()
    WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending' AND account_source = 'none'`.execute(trx);
  return Number(na.numAffectedRows ?? 0);
}

/** The lines the bank file carries: how many, and their sum. */
export async function pendingSums(trx: Db, countyCode: string, payrollId: number): Promise<{ rows: number; totalFen: number }> {
  const s = await sql<{ n: number; fen: number }>`SELECT count(*) AS n, COALESCE(sum(amount_fen), 0) AS fen FROM payment_lines
    WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending'`.execute(trx);
  return { rows: Number(s.rows[0].n), totalFen: Number(s.rows[0].fen) };
}

/** Note the export; a reviewed roll moves to exported, a later export keeps the status. */
export async function markExported(trx: Db, countyCode: string, payrollId: number, moveToExported: boolean): Promise<void> {
  await trx
    .updateTable('payrolls')
    .set({ ...(moveToExported ? { status: 'exported' } : {}), exported_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', payrollId)
    .execute();
}

/** The payment_lines column behind each template field (batch number and blanks need none). */
const FIELD_COLUMNS: Partial<Record<BankField, string>> = {
  period: 'period',
  idNumber: 'id_number',
  name: 'name',
  amount: 'amount_fen',
  accountNo: 'account_no',
  holderName: 'holder_name',
  bankName: 'bank_name',
  householdNo: 'household_no',
  villageCode: 'village_code',
  villageName: 'village_name',
  townshipName: 'township_name',
};

/** Read only the columns the template shows: a bank file of millions of lines spends most of its time reading rows. */
async function* pendingLines(db: Db, countyCode: string, payrollId: number, tpl: BankTemplate, chunk = 50000): AsyncGenerator<BankRow[]> {
  const columns = sql.raw(['line_no', ...new Set(tpl.columns.map((c) => FIELD_COLUMNS[c.field]).filter(Boolean))].join(', '));
  const fetch = (after: number) =>
    sql<BankRow>`SELECT ${columns}
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
export async function writeBankFile(
  db: Db,
  countyCode: string,
  payrollId: number,
  tpl: BankTemplate,
  batchNo: string,
  out: Writable,
  onProgress?: (rows: number) => void,
): Promise<number> {
  let n = 0;
  // a column the template does not show is not read: its cell is never asked for
  const toLine = (x: BankRow): BankLine => ({
    period: x.period ?? '',
    idNumber: x.id_number ?? '',
    name: x.name ?? '',
    amountFen: Number(x.amount_fen),
    accountNo: x.account_no ?? '',
    holderName: x.holder_name ?? '',
    bankName: x.bank_name ?? '',
    batchNo,
    householdNo: x.household_no ?? '',
    villageCode: x.village_code ?? '',
    villageName: x.village_name ?? '',
    townshipName: x.township_name ?? '',
    lineNo: Number(x.line_no),
  });
  if (tpl.container === 'csv') {
    const enc = (s: string) => (tpl.encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8'));
    const head = (tpl.encoding === 'utf-8' && tpl.bom ? '\ufeff' : '') + csvLine(tpl.columns.map((c) => c.header));
    await put(out, enc(head));
    for await (const rows of pendingLines(db, countyCode, payrollId, tpl)) {
      let text = '';
      for (const x of rows) {
        const l = toLine(x);
        text += csvLine(tpl.columns.map((c) => cellOf(tpl, c.field, l)));
      }
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
