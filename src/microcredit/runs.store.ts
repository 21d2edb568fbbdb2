// Quarterly subsidy runs and their lines: SQL only. The workflow (who may move a run, in what
// order) lives in microcredit.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { decimalOf } from './values.ts';
import type { SubsidyLine } from './subsidy.ts';
import { townshipOf } from './book.store.ts';

export type RunState = 'computed' | 'reviewed' | 'published' | 'paid';

export interface SubsidyRun {
  id: number;
  quarter: string;
  state: RunState;
  importId: number;
  loans: number;
  subsidyFen: number;
  overdue: number;
  batchNo: string;
  computedBy: number | null;
  computedName: string;
  computedAt: string;
  reviewedBy: number | null;
  reviewedName: string | null;
  reviewedAt: string | null;
  publishedAt: string | null;
  paidAt: string | null;
}

const ts = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
type Stamp = Date | string | null;
/** a row of mc_subsidy_runs as the driver reads it (bigint may come as text) */
interface RunRecord {
  id: number | string;
  quarter: string;
  state: string;
  import_id: number | string;
  loans: number;
  subsidy_fen: number | string;
  overdue: number;
  batch_no: string;
  computed_by: number | string | null;
  computed_name: string;
  computed_at: Stamp;
  reviewed_by: number | string | null;
  reviewed_name: string | null;
  reviewed_at: Stamp;
  published_at: Stamp;
  paid_at: Stamp;
}
const runOf = (x: RunRecord): SubsidyRun => ({
  id: Number(x.id),
  quarter: x.quarter,
  state: x.state as RunState,
  importId: Number(x.import_id),
  loans: Number(x.loans),
  subsidyFen: Number(x.subsidy_fen),
  overdue: Number(x.overdue),
  batchNo: x.batch_no,
  computedBy: x.computed_by === null ? null : Number(x.computed_by),
  computedName: x.computed_name,
  computedAt: ts(x.computed_at)!,
  reviewedBy: x.reviewed_by === null ? null : Number(x.reviewed_by),
  reviewedName: x.reviewed_name ?? null,
  reviewedAt: ts(x.reviewed_at),
  publishedAt: ts(x.published_at),
  paidAt: ts(x.paid_at),
});

export async function getRun(db: Kysely<Tables>, countyCode: string, id: number, lock = false): Promise<SubsidyRun | null> {
  const r = await sql<RunRecord>`SELECT * FROM mc_subsidy_runs WHERE county_code = ${countyCode} AND id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return r.rows[0] ? runOf(r.rows[0]) : null;
}

export async function runOfQuarter(db: Kysely<Tables>, countyCode: string, quarter: string): Promise<SubsidyRun | null> {
  const r = await sql<RunRecord>`SELECT * FROM mc_subsidy_runs WHERE county_code = ${countyCode} AND quarter = ${quarter} FOR UPDATE`.execute(db);
  return r.rows[0] ? runOf(r.rows[0]) : null;
}

export async function listRuns(db: Kysely<Tables>, countyCode: string): Promise<SubsidyRun[]> {
  const r = await sql<RunRecord>`SELECT * FROM mc_subsidy_runs WHERE county_code = ${countyCode} ORDER BY quarter DESC`.execute(db);
  return r.rows.map(runOf);
}

/** Insert or replace (while still 计算) a quarter's run with its lines. */
export async function saveRun(
  trx: Kysely<Tables>,
  countyCode: string,
  x: { quarter: string; importId: number; lines: SubsidyLine[]; by: number | null; byName: string; existing: number | null },
): Promise<number> {
  const total = x.lines.reduce((s, l) => s + l.subsidyFen, 0),
    overdue = x.lines.filter((l) => l.overdue).length;
  let id = x.existing;
  if (id === null) {
    const r = await sql<{
      id: number;
    }>`INSERT INTO mc_subsidy_runs (county_code, quarter, import_id, loans, subsidy_fen, overdue, computed_by, computed_name, batch_no)
      VALUES (${countyCode}, ${x.quarter}, ${x.importId}, ${x.lines.length}, ${total}, ${overdue}, ${x.by}, ${x.byName}, ${`TX${countyCode}${x.quarter}`}) RETURNING id`.execute(
      trx,
    );
    id = Number(r.rows[0].id);
  } else {
    await sql`UPDATE mc_subsidy_runs SET import_id = ${x.importId}, loans = ${x.lines.length}, subsidy_fen = ${total}, overdue = ${overdue}, computed_by = ${x.by},
      computed_name = ${x.byName}, computed_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await sql`DELETE FROM mc_subsidy_lines WHERE county_code = ${countyCode} AND run_id = ${id}`.execute(trx);
  }
  for (let i = 0; i < x.lines.length; i += 5000) {
    const ls = x.lines.slice(i, i + 5000);
    const c = <T>(f: (l: SubsidyLine) => T) => ls.map(f);
    await sql`INSERT INTO mc_subsidy_lines (county_code, run_id, loan_no, id_number, name, village_code, township_code, bank, days, product_fen, rate, subsidy_fen, overdue, note)
      SELECT ${countyCode}::text, ${id}::bigint, * FROM unnest(${c((l) => l.loanNo)}::text[], ${c((l) => l.idNumber)}::text[], ${c((l) => l.name)}::text[],
        ${c((l) => l.villageCode)}::text[], ${c((l) => townshipOf(l.villageCode))}::text[], ${c((l) => l.bank)}::text[], ${c((l) => l.days)}::int[],
        ${c((l) => l.productFen)}::bigint[], ${c((l) => formatRate(l))}::text[], ${c((l) => l.subsidyFen)}::bigint[], ${c((l) => l.overdue)}::boolean[], ${c((l) => l.note)}::text[])`.execute(
      trx,
    );
  }
  return id;
}

const formatRate = (l: SubsidyLine) => {
  const t = l.rate.n.toString().padStart(l.rate.s + 1, '0');
  return l.rate.s ? `${t.slice(0, -l.rate.s)}.${t.slice(-l.rate.s)}` : t;
};

export async function setState(trx: Kysely<Tables>, countyCode: string, id: number, state: RunState, by?: { id: number | null; name: string }): Promise<void> {
  if (state === 'reviewed') {
    await sql`UPDATE mc_subsidy_runs SET state = 'reviewed', reviewed_by = ${by?.id ?? null}, reviewed_name = ${by?.name ?? ''}, reviewed_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(
      trx,
    );
  } else if (state === 'published') {
    await sql`UPDATE mc_subsidy_runs SET state = 'published', published_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
  } else if (state === 'paid') {
    await sql`UPDATE mc_subsidy_runs SET state = 'paid', paid_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
  }
}

export interface LineFilter {
  scope?: string;
  overdue?: boolean;
  q?: string;
  offset?: number;
  limit?: number;
}

/** Lines of a run in 贷款编号 order (the database's C collation is code point order for UTF-8). */
export async function listRunLines(
  db: Kysely<Tables>,
  countyCode: string,
  runId: number,
  f: LineFilter = {},
): Promise<{ total: number; lines: SubsidyLine[] }> {
  const where = sql`county_code = ${countyCode} AND run_id = ${runId}
    ${f.scope && f.scope.length > 6 ? sql`AND village_code LIKE ${f.scope + '%'}` : sql``}
    ${f.overdue !== undefined ? sql`AND overdue = ${f.overdue}` : sql``}
    ${f.q ? sql`AND (loan_no LIKE ${'%' + f.q + '%'} OR name LIKE ${'%' + f.q + '%'})` : sql``}`;
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM mc_subsidy_lines WHERE ${where}`.execute(db);
  const r = await sql<{
    loan_no: string;
    id_number: string;
    name: string;
    village_code: string;
    bank: string;
    days: number;
    product_fen: number | string;
    rate: string;
    subsidy_fen: number | string;
    overdue: boolean;
    note: string;
  }>`SELECT * FROM mc_subsidy_lines WHERE ${where} ORDER BY loan_no COLLATE "C"
    ${f.limit !== undefined ? sql`LIMIT ${f.limit} OFFSET ${f.offset ?? 0}` : sql``}`.execute(db);
  return {
    total: Number(n.rows[0].n),
    lines: r.rows.map((x) => ({
      loanNo: x.loan_no,
      idNumber: x.id_number,
      name: x.name,
      villageCode: x.village_code,
      bank: x.bank,
      quarter: '',
      days: Number(x.days),
      productFen: Number(x.product_fen),
      rate: decimalOf(x.rate),
      subsidyFen: Number(x.subsidy_fen),
      overdue: x.overdue,
      overdueFen: 0,
      note: x.note,
    })),
  };
}
