// The loan book in the database: SQL only. An import replaces the county's book by the banks'
// latest files inside the caller's transaction; loading gives back the same `Loan` objects the
// file mode builds, so one pure function computes the subsidy on either side.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { Book, Loan, LoanKind, RateRow } from './book.ts';
import { decimalOf, formatDecimal, isoOfDay, dayOf } from './values.ts';

export interface ImportRow {
  id: number;
  sha256: string;
  filenames: Record<string, string>;
  loans: number;
  repayments: number;
  rates: number;
  rejected: { file: string; row: number; reason: string }[];
  changes: Record<string, number>;
  importedName: string;
  importedAt: string;
}

interface ImportRecord {
  id: number | string;
  sha256: string;
  filenames: unknown;
  loans: number;
  repayments: number;
  rates: number;
  rejected: unknown;
  changes: unknown;
  imported_name: string;
  imported_at: Date | string;
}

// the jsonb columns hold what insertImport wrote
const importOf = (x: ImportRecord): ImportRow => ({
  id: Number(x.id),
  sha256: x.sha256,
  filenames: x.filenames as ImportRow['filenames'],
  loans: Number(x.loans),
  repayments: Number(x.repayments),
  rates: Number(x.rates),
  rejected: x.rejected as ImportRow['rejected'],
  changes: x.changes as ImportRow['changes'],
  importedName: x.imported_name,
  importedAt: new Date(x.imported_at).toISOString(),
});

export async function lastImport(db: Kysely<Tables>, countyCode: string): Promise<ImportRow | null> {
  const r = await sql<ImportRecord>`SELECT * FROM mc_imports WHERE county_code = ${countyCode} ORDER BY id DESC LIMIT 1`.execute(db);
  return r.rows[0] ? importOf(r.rows[0]) : null;
}

export async function listImports(db: Kysely<Tables>, countyCode: string): Promise<Omit<ImportRow, 'rejected'>[]> {
  const r = await sql<ImportRecord>`SELECT id, sha256, filenames, loans, repayments, rates, '[]'::jsonb AS rejected, changes, imported_name, imported_at
    FROM mc_imports WHERE county_code = ${countyCode} ORDER BY id DESC LIMIT 100`.execute(db);
  return r.rows.map(importOf);
}

export async function getImport(db: Kysely<Tables>, countyCode: string, id: number): Promise<ImportRow | null> {
  const r = await sql<ImportRecord>`SELECT * FROM mc_imports WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  return r.rows[0] ? importOf(r.rows[0]) : null;
}

export async function insertImport(
  trx: Kysely<Tables>,
  countyCode: string,
  x: Omit<ImportRow, 'id' | 'importedAt'> & { importedBy: number | null },
): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO mc_imports (county_code, sha256, filenames, loans, repayments, rates, rejected, changes, imported_by, imported_name)
    VALUES (${countyCode}, ${x.sha256}, ${JSON.stringify(x.filenames)}::jsonb, ${x.loans}, ${x.repayments}, ${x.rates}, ${JSON.stringify(x.rejected)}::jsonb,
      ${JSON.stringify(x.changes)}::jsonb, ${x.importedBy}, ${x.importedName}) RETURNING id`.execute(trx);
  return Number(r.rows[0].id);
}

export async function setImportChanges(trx: Kysely<Tables>, countyCode: string, id: number, changes: Record<string, number>): Promise<void> {
  await sql`UPDATE mc_imports SET changes = ${JSON.stringify(changes)}::jsonb WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
}

/** Loan numbers with the fields an import compares, to count what changed. */
export async function loanKeys(trx: Kysely<Tables>, countyCode: string): Promise<Map<string, string>> {
  const r = await sql<{
    loan_no: string;
    k: string;
  }>`SELECT loan_no, concat_ws('|', id_number, issued_on::text, due_on::text, coalesce(extended_to::text, ''), amount_fen::text, contract_rate, kind) AS k
    FROM mc_loans WHERE county_code = ${countyCode}`.execute(trx);
  return new Map(r.rows.map((x) => [x.loan_no, x.k]));
}
export const loanKey = (l: Loan) => [l.idNumber, l.issuedOn, l.dueOn, l.extendedTo ?? '', String(l.amountFen), formatDecimal(l.contractRate), l.kind].join('|');

const CHUNK = 5000;

/** Replace the county's rates, loans and repayments by an accepted book (inside a transaction). */
export async function replaceBook(trx: Kysely<Tables>, countyCode: string, importId: number, book: Book, renewedFrom: Map<string, string>): Promise<void> {
  await sql`DELETE FROM mc_repayments WHERE county_code = ${countyCode}`.execute(trx);
  await sql`DELETE FROM mc_rates WHERE county_code = ${countyCode}`.execute(trx);
  const keep = book.loans.map((l) => l.loanNo);
  await sql`DELETE FROM mc_loans WHERE county_code = ${countyCode} AND NOT (loan_no = ANY(${keep}::text[]))`.execute(trx);
  for (const r of book.rates) {
    await sql`INSERT INTO mc_rates (county_code, effective_on, rate, source_row) VALUES (${countyCode}, ${r.effectiveOn}, ${formatDecimal(r.rate)}, ${r.row})`.execute(
      trx,
    );
  }
  for (let i = 0; i < book.loans.length; i += CHUNK) {
    const ls = book.loans.slice(i, i + CHUNK);
    const col = <T>(f: (l: Loan) => T) => ls.map(f);
    await sql`INSERT INTO mc_loans (county_code, loan_no, id_number, name, village_code, township_code, bank, issued_on, due_on, extended_to, amount_fen,
        contract_rate, subsidy_rate, kind, renewed_from, source_row, import_id)
      SELECT ${countyCode}::text, *, ${importId}::bigint FROM unnest(${col((l) => l.loanNo)}::text[], ${col((l) => l.idNumber)}::text[], ${col((l) => l.name)}::text[],
        ${col((l) => l.villageCode)}::text[], ${col((l) => townshipOf(l.villageCode))}::text[], ${col((l) => l.bank)}::text[], ${col((l) => l.issuedOn)}::date[],
        ${col((l) => l.dueOn)}::date[], ${col((l) => l.extendedTo)}::date[], ${col((l) => l.amountFen)}::bigint[], ${col((l) => formatDecimal(l.contractRate))}::text[],
        ${col((l) => formatDecimal(l.subsidyRate))}::text[], ${col((l) => l.kind)}::text[], ${col((l) => renewedFrom.get(l.loanNo) ?? null)}::text[], ${col((l) => l.row)}::int[])
      ON CONFLICT (county_code, loan_no) DO UPDATE SET id_number = EXCLUDED.id_number, name = EXCLUDED.name, village_code = EXCLUDED.village_code,
        township_code = EXCLUDED.township_code, bank = EXCLUDED.bank, issued_on = EXCLUDED.issued_on, due_on = EXCLUDED.due_on, extended_to = EXCLUDED.extended_to,
        amount_fen = EXCLUDED.amount_fen, contract_rate = EXCLUDED.contract_rate, subsidy_rate = EXCLUDED.subsidy_rate, kind = EXCLUDED.kind,
        renewed_from = EXCLUDED.renewed_from, source_row = EXCLUDED.source_row, import_id = EXCLUDED.import_id`.execute(trx);
  }
  const loanNo: string[] = [],
    seq: number[] = [],
    on: string[] = [],
    fen: number[] = [],
    row: number[] = [];
  const flush = async () => {
    if (!loanNo.length) return;
    await sql`INSERT INTO mc_repayments (county_code, loan_no, seq, repaid_on, amount_fen, source_row)
      SELECT ${countyCode}::text, * FROM unnest(${loanNo}::text[], ${seq}::int[], ${on}::date[], ${fen}::bigint[], ${row}::int[])`.execute(trx);
    loanNo.length = seq.length = on.length = fen.length = row.length = 0;
  };
  for (const l of book.loans) {
    for (let k = 0; k < l.repayDays.length; k++) {
      loanNo.push(l.loanNo);
      seq.push(k + 1);
      on.push(isoOfDay(l.repayDays[k]));
      fen.push(l.repayFen[k]);
      row.push(l.repayRows[k]);
      if (loanNo.length >= CHUNK) await flush();
    }
  }
  await flush();
}

export const townshipOf = (villageCode: string) => (/^\d{12}$/.test(villageCode) ? villageCode.slice(0, 9) : '');

/** Record 展期 and 续贷 seen in the book, once each (a re-import adds nothing). */
export async function recordBookEvents(
  trx: Kysely<Tables>,
  countyCode: string,
  importId: number,
  book: Book,
  renewedFrom: Map<string, string>,
): Promise<number> {
  const loan: string[] = [],
    kind: string[] = [],
    on: string[] = [],
    note: string[] = [];
  for (const l of book.loans) {
    if (l.extendedTo) {
      loan.push(l.loanNo);
      kind.push('展期');
      on.push(l.dueOn);
      note.push(`展期至${l.extendedTo}`);
    }
    const prev = renewedFrom.get(l.loanNo);
    if (prev) {
      loan.push(prev);
      kind.push('续贷');
      on.push(l.issuedOn);
      note.push(`续贷为${l.loanNo}`);
    }
  }
  let n = 0;
  for (let i = 0; i < loan.length; i += CHUNK) {
    const r = await sql`INSERT INTO mc_loan_events (county_code, loan_no, kind, on_date, note, import_id)
      SELECT ${countyCode}::text, x.loan_no, x.kind, x.on_date, x.note, ${importId}::bigint
      FROM unnest(${loan.slice(i, i + CHUNK)}::text[], ${kind.slice(i, i + CHUNK)}::text[], ${on.slice(i, i + CHUNK)}::date[], ${note.slice(i, i + CHUNK)}::text[]) AS x(loan_no, kind, on_date, note)
      ON CONFLICT (county_code, loan_no, kind, on_date) WHERE import_id IS NOT NULL DO NOTHING`.execute(trx);
    n += Number(r.numAffectedRows ?? 0);
  }
  return n;
}

export interface LoanFilter {
  loanNos?: string[];
  idNumbers?: string[];
  scope?: string;
  activeFrom?: string;
}

/** The book as `Loan` objects with their accepted repayments (in applied order). */
export async function loadLoans(db: Kysely<Tables>, countyCode: string, f: LoanFilter = {}): Promise<Loan[]> {
  const r = await sql<LoanRecord>`SELECT l.loan_no, l.id_number, l.name, l.village_code, l.bank, l.issued_on::text AS issued_on, l.due_on::text AS due_on,
      l.extended_to::text AS extended_to, l.amount_fen, l.contract_rate, l.subsidy_rate, l.kind, l.source_row,
      (SELECT string_agg((p.repaid_on - DATE '1970-01-01')::text || ':' || p.amount_fen::text || ':' || p.source_row::text, ',' ORDER BY p.seq)
         FROM mc_repayments p WHERE p.county_code = l.county_code AND p.loan_no = l.loan_no) AS reps
    FROM mc_loans l WHERE l.county_code = ${countyCode}
      ${f.loanNos ? sql`AND l.loan_no = ANY(${f.loanNos}::text[])` : sql``}
      ${f.idNumbers ? sql`AND l.id_number = ANY(${f.idNumbers}::text[])` : sql``}
      ${f.scope && f.scope.length > 6 ? sql`AND l.village_code LIKE ${f.scope + '%'}` : sql``}
      ${f.activeFrom ? sql`AND coalesce(l.extended_to, l.due_on) >= ${f.activeFrom}::date` : sql``}
    ORDER BY l.loan_no`.execute(db);
  return r.rows.map(loanOfRow);
}

interface LoanRecord {
  loan_no: string;
  id_number: string;
  name: string;
  village_code: string;
  bank: string;
  issued_on: string;
  due_on: string;
  extended_to: string | null;
  amount_fen: number | string;
  contract_rate: string;
  subsidy_rate: string;
  kind: string;
  source_row: number;
  /** the repayments in applied order, as 'day:fen:row,…' (one string: the fastest to read back) */
  reps: string | null;
}

function loanOfRow(x: LoanRecord): Loan {
  const repayDays: number[] = [],
    repayFen: number[] = [],
    repayRows: number[] = [];
  if (x.reps)
    for (const p of String(x.reps).split(',')) {
      const [d, f, row] = p.split(':');
      repayDays.push(+d);
      repayFen.push(+f);
      repayRows.push(+row);
    }
  const extendedTo = x.extended_to ?? null;
  return {
    loanNo: x.loan_no,
    idNumber: x.id_number,
    name: x.name,
    villageCode: x.village_code,
    bank: x.bank,
    issuedOn: x.issued_on,
    dueOn: x.due_on,
    extendedTo,
    amountFen: Number(x.amount_fen),
    contractRate: decimalOf(x.contract_rate),
    kind: x.kind as LoanKind,
    row: Number(x.source_row),
    subsidyRate: decimalOf(x.subsidy_rate),
    issueDay: dayOf(x.issued_on),
    endDay: dayOf(extendedTo ?? x.due_on),
    repayDays,
    repayFen,
    repayRows,
  };
}

export async function loadRates(db: Kysely<Tables>, countyCode: string): Promise<RateRow[]> {
  const r = await sql<{
    d: string;
    rate: string;
    source_row: number;
  }>`SELECT effective_on::text AS d, rate, source_row FROM mc_rates WHERE county_code = ${countyCode} ORDER BY effective_on`.execute(db);
  return r.rows.map((x) => ({ effectiveOn: x.d, day: dayOf(x.d), rate: decimalOf(x.rate), row: Number(x.source_row) }));
}

export interface EventRow {
  id: number;
  loanNo: string;
  kind: string;
  onDate: string;
  note: string;
  createdName: string;
  createdAt: string;
  fromImport: boolean;
}

export async function listEvents(db: Kysely<Tables>, countyCode: string, loanNos: string[]): Promise<EventRow[]> {
  const r = await sql<{
    id: number | string;
    loan_no: string;
    kind: string;
    on_date: string;
    note: string;
    created_name: string;
    created_at: Date | string;
    import_id: number | null;
  }>`SELECT id, loan_no, kind, on_date::text AS on_date, note, created_name, created_at, import_id FROM mc_loan_events
    WHERE county_code = ${countyCode} AND loan_no = ANY(${loanNos}::text[]) ORDER BY on_date, id`.execute(db);
  return r.rows.map((x) => ({
    id: Number(x.id),
    loanNo: x.loan_no,
    kind: x.kind,
    onDate: x.on_date,
    note: x.note,
    createdName: x.created_name || '银行文件导入',
    createdAt: new Date(x.created_at).toISOString(),
    fromImport: x.import_id !== null,
  }));
}

export async function insertEvent(
  trx: Kysely<Tables>,
  countyCode: string,
  e: { loanNo: string; kind: string; onDate: string; note: string; by: number | null; byName: string },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO mc_loan_events (county_code, loan_no, kind, on_date, note, created_by, created_name)
    VALUES (${countyCode}, ${e.loanNo}, ${e.kind}, ${e.onDate}, ${e.note}, ${e.by}, ${e.byName}) RETURNING id`.execute(trx);
  return Number(r.rows[0].id);
}

/** Subsidy lines of one loan across the runs (its page). */
export async function subsidiesOfLoan(db: Kysely<Tables>, countyCode: string, loanNo: string) {
  const r = await sql<{
    quarter: string;
    state: string;
    days: number;
    product_fen: number | string;
    rate: string;
    subsidy_fen: number | string;
    overdue: boolean;
    note: string;
  }>`SELECT r.quarter, r.state, l.days, l.product_fen, l.rate, l.subsidy_fen, l.overdue, l.note FROM mc_subsidy_lines l
    JOIN mc_subsidy_runs r ON r.county_code = l.county_code AND r.id = l.run_id WHERE l.county_code = ${countyCode} AND l.loan_no = ${loanNo} ORDER BY r.quarter`.execute(
    db,
  );
  return r.rows.map((x) => ({
    quarter: x.quarter,
    state: x.state,
    days: Number(x.days),
    productFen: Number(x.product_fen),
    rate: x.rate,
    subsidyFen: Number(x.subsidy_fen),
    overdue: x.overdue,
    note: x.note,
  }));
}

/** Township and village names for labels. */
export async function regionNames(db: Kysely<Tables>, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const r = await sql<{ code: string; name: string }>`SELECT code, name FROM regions WHERE code = ANY(${codes}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, x.name]));
}

/** Up to two counties on file: those with a book first, else those set up. */
export async function countiesOnFile(db: Kysely<Tables>): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of [sql<{ c: string }>`SELECT DISTINCT county_code AS c FROM mc_imports LIMIT 2`, sql<{ c: string }>`SELECT code AS c FROM counties LIMIT 2`]) {
    out.push((await q.execute(db)).rows.map((r) => r.c));
  }
  return out;
}

export async function lockCountyBook(trx: Kysely<Tables>, countyCode: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${'microcredit:' + countyCode}))`.execute(trx);
}
