// Bank file templates per county and the export of a roll as the bank's file: streamed in
// chunks, so a roll of millions never sits in memory; formulas neutralised. SQL only: the export's
// workflow (status, audit) is in subsidy.service.ts.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Tables, PaymentLinesTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import { AppError } from '../shared/errors.ts';
import { BANK_FIELD_KIND, BUILTIN_TEMPLATES, type BankField, cellOf, csvLine, type BankLine, type BankTemplate } from './bankfile.ts';
import { csvRaw } from '../shared/files/csv-write.ts';

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

/**
 * Pending lines with no usable account become failures (re-issued once an account is known),
 * and what the bank file then carries: how many failed so, and the waiting lines and their sum.
 * One pass over the roll's lines: the sums are taken over the lines as they were before the
 * update, leaving out exactly the ones it fails.
 */
export async function failNoAccountAndSum(trx: Db, countyCode: string, payrollId: number): Promise<{ noAccount: number; rows: number; totalFen: number }> {
  const r = await sql<{ failed: number; n: number; fen: number }>`WITH failed AS (
      UPDATE payment_lines SET result = 'failure', result_reason = '无可用银行账号，未报送银行', updated_at = now()
      WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending' AND account_source = 'none'
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM failed) AS failed, count(*) AS n, COALESCE(sum(amount_fen), 0) AS fen FROM payment_lines
    WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND result = 'pending' AND account_source <> 'none'`.execute(trx);
  return { noAccount: Number(r.rows[0].failed), rows: Number(r.rows[0].n), totalFen: Number(r.rows[0].fen) };
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
  yield* readAhead(
    fetch,
    (r) => (r.rows.length === chunk ? Number(r.rows[r.rows.length - 1].line_no) : null),
    (r) => r.rows,
  );
}

/** Chunks read one after another, the next one read while the caller handles this one. */
async function* readAhead<R, T>(fetch: (after: number) => Promise<R>, nextAfter: (r: R) => number | null, take: (r: R) => T): AsyncGenerator<T> {
  let next: Promise<R> | null = fetch(0);
  try {
    while (next) {
      const r: R = await next;
      next = null;
      const after = nextAfter(r);
      if (after !== null) next = fetch(after);
      yield take(r);
    }
  } finally {
    next?.catch(() => {}); // the caller stopped early: the read ahead is not wanted
  }
}

// The CSV text of a line made by the database, cell for cell what cellOf + csvLine make in
// JavaScript (bankfile.test.ts compares the two on awkward values): one text of 50 000 lines
// a query instead of 50 000 row objects turned into strings in Node.
/** csvRaw over a text expression: quoted when it holds a quote, a comma, CR or LF */
const rawSql = (v: RawBuilder<string>) => sql<string>`CASE WHEN ${v} ~ ${'[",\r\n]'} THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
/** guardFormula over a text expression */
const guardSql = (v: RawBuilder<string>) => sql<string>`CASE WHEN left(${v}, 1) IN ('=', '+', '-', '@', ${'\t'}, ${'\r'}) THEN '''' || ${v} ELSE ${v} END`;
/** formatFen (yuan with two decimals), or the fen as they are */
const amountSql = (t: BankTemplate) =>
  t.amountFormat === 'fen'
    ? sql<string>`amount_fen::text`
    : sql<string>`CASE WHEN amount_fen < 0 THEN '-' ELSE '' END || (abs(amount_fen) / 100)::text || '.' || lpad((abs(amount_fen) % 100)::text, 2, '0')`;

function csvCellSql(t: BankTemplate, field: BankField, batchNo: string, quote: boolean): RawBuilder<string> {
  if (field === 'amount') return amountSql(t);
  if (field === 'lineNo') return sql<string>`line_no::text`;
  const col = FIELD_COLUMNS[field];
  // the same on every line (batch number, the empty result and date columns): made once, here
  if (!col) return sql<string>`${csvRaw(cellOf(t, field, { batchNo } as BankLine))}::text`;
  const v = sql<string>`${sql.ref(col)}`;
  const cell = BANK_FIELD_KIND[field] === 'text' ? guardSql(v) : v;
  return quote ? rawSql(cell) : cell;
}

/**
 * A line's CSV text: almost no line holds a quote, comma, CR or LF in any of its stored cells,
 * so one test of them all decides whether the line needs the cell-by-cell quoting (the formula
 * guard's apostrophe never needs quoting).
 */
function csvLineSql(t: BankTemplate, batchNo: string): RawBuilder<string> {
  const cells = (quote: boolean) =>
    sql.join(
      t.columns.map((c) => csvCellSql(t, c.field, batchNo, quote)),
      sql` || ',' || `,
    );
  const stored = [...new Set(t.columns.map((c) => FIELD_COLUMNS[c.field]).filter((c) => c && c !== 'amount_fen'))] as string[];
  if (!stored.length) return sql<string>`${cells(false)} || ${'\r\n'}`;
  const all = sql.join(
    stored.map((c) => sql.ref(c)),
    sql` || `,
  );
  return sql<string>`CASE WHEN ${all} ~ ${'[",\r\n]'} THEN ${cells(true)} ELSE ${cells(false)} END || ${'\r\n'}`;
}

/** The CSV text of the waiting lines (without the header), 50 000 lines a query, in line order. */
async function* pendingCsv(
  db: Db,
  countyCode: string,
  payrollId: number,
  tpl: BankTemplate,
  batchNo: string,
  chunk = 50000,
): AsyncGenerator<{ n: number; text: string }> {
  const line = csvLineSql(tpl, batchNo);
  const fetch = (after: number) =>
    sql<{ n: number; last: number | null; text: string | null }>`SELECT count(*)::int AS n, max(line_no) AS last, string_agg(line, '' ORDER BY line_no) AS text
      FROM (SELECT line_no, ${line} AS line FROM payment_lines
        WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND line_no > ${after} AND result = 'pending'
        ORDER BY line_no LIMIT ${chunk}) x`.execute(db);
  for await (const r of readAhead(
    fetch,
    (r) => (r.rows[0].n === chunk ? Number(r.rows[0].last) : null),
    (r) => r.rows[0],
  )) {
    if (r.n) yield { n: r.n, text: r.text ?? '' };
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
  /** lines a query (tests take small chunks to cross their borders) */
  chunk = 50000,
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
    for await (const c of pendingCsv(db, countyCode, payrollId, tpl, batchNo, chunk)) {
      await put(out, enc(c.text));
      n += c.n;
      onProgress?.(n);
    }
    out.end();
    await once(out, 'finish').catch(() => {});
    return n;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('发放明细');
  ws.addRow(tpl.columns.map((c) => c.header)).commit();
  for await (const rows of pendingLines(db, countyCode, payrollId, tpl, chunk)) {
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
