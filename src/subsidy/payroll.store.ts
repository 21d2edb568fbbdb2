// Payment rolls in the database: the set-based fill of a roll, the roll's row and its lines,
// exclusions and failures. SQL only: the status machine, four-eyes and audit are in
// subsidy.service.ts. Nothing paid twice: payment_lines carries unique indexes per person and period.
import { sql, type Kysely } from 'kysely';
import type { Tables, PaymentLinesTable, PayrollsTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import { containsText, idMatch } from '../shared/search.ts';
import { AppError } from '../shared/errors.ts';
import { parsePeriod, type Period } from '../shared/periods.ts';
import type { SubsidySettings } from './settings.ts';
import { entitlementRowsQuery, PERSON_ROW_ORDER, reasonSql } from './payroll-build.sql.ts';
import { entitlementFor } from '../shared/entitlement.ts';
import type { LineResult, PayrollKind, PayrollStatus, Payroll, PaymentLine } from './subsidy.contract.ts';
import { restoreTriggers, skipTriggers } from '../shared/db/bulk.store.ts';

export type { Payroll, PaymentLine } from './subsidy.contract.ts';
type Db = Kysely<Tables>;

type PayrollRow = Row<PayrollsTable>;
/** a line as read, its dates as text */
type LineRow = Row<PaymentLinesTable>;

const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);

export function payrollOf(r: PayrollRow): Payroll {
  return {
    id: Number(r.id),
    countyCode: r.county_code,
    batchNo: r.batch_no,
    period: r.period,
    kind: r.kind as PayrollKind,
    status: r.status as PayrollStatus,
    asOf: String(r.as_of),
    rules: r.rules as SubsidySettings,
    persons: Number(r.persons),
    totalFen: Number(r.total_fen),
    excluded: Number(r.excluded),
    remarks: r.remarks,
    createdBy: r.created_by === null ? null : Number(r.created_by),
    createdAt: iso(r.created_at)!,
    reviewedBy: r.reviewed_by === null ? null : Number(r.reviewed_by),
    reviewedAt: iso(r.reviewed_at),
    rebuiltBy: r.rebuilt_by == null ? null : Number(r.rebuilt_by),
    selfReviewed: r.self_reviewed === true,
    exportedAt: iso(r.exported_at),
    resultsAt: iso(r.results_at),
    closedAt: iso(r.closed_at),
  };
}

/** The rule behind a line's amount: entitlementFor over the term and standard the line was computed with. */
export function lineReason(period: string, supportStart: string | null, supportEnd: string | null, standardFen: number): string {
  const p = parsePeriod(period);
  if (!p) return '';
  return entitlementFor(p, { supportStart, supportEnd }, { standardFen, termYears: 20 }).reason;
}

export function lineOf(r: LineRow): PaymentLine {
  return {
    lineNo: Number(r.line_no),
    period: r.period,
    personId: r.person_id === null ? null : Number(r.person_id),
    idNumber: r.id_number,
    idValid: r.id_valid,
    name: r.name,
    householdNo: r.household_no,
    villageCode: r.village_code,
    townshipCode: r.township_code,
    townshipName: r.township_name,
    villageName: r.village_name,
    supportStart: r.support_start,
    supportEnd: r.support_end,
    months: Number(r.months),
    standardFen: Number(r.standard_fen),
    amountFen: Number(r.amount_fen),
    reason: r.reason || lineReason(r.period, r.support_start, r.support_end, Number(r.standard_fen)),
    accountSource: r.account_source as PaymentLine['accountSource'],
    accountNo: r.account_no,
    bankName: r.bank_name,
    holderName: r.holder_name,
    flags: r.flags ?? [],
    result: r.result as LineResult,
    resultReason: r.result_reason,
    paidDate: r.paid_date,
  };
}

/** Postgres unique violation on the payment indexes → a Chinese conflict. */
export function conflictOf(e: unknown): unknown {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err?.code === '23505' || /duplicate key|unique constraint/i.test(err?.message ?? '')) {
    const what = String(err.constraint ?? err.message ?? '');
    if (what.includes('payrolls_one_regular'))
      return new AppError('CONFLICT', '该期间已有正常发放批次；后来新增或发放失败的人员请编制补发批次', undefined, { cause: e });
    if (what.includes('payment_lines'))
      return new AppError('CONFLICT', '有人员在本期间已在其他批次中待发放或已成功发放，不能重复发放（可能有他人同时在编制批次，请刷新后重试）', undefined, {
        cause: e,
      });
    if (what.includes('batch_no')) return new AppError('CONFLICT', '批次号冲突，请重试', undefined, { cause: e });
  }
  return e;
}

/** One build or rebuild per county and period at a time: a second waits, then sees the first's roll and lines. */
export async function lockPeriod(trx: Db, countyCode: string, period: Period): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`payroll:${countyCode}:${period.code}`}, 0))`.execute(trx);
}

export interface RollSums {
  persons: number;
  totalFen: number;
  excluded: number;
  /** lines without an account (flagged, failed at export) */
  noAccount: number;
}

/** Fill a roll's lines (and, for a regular roll, its exclusions) from the register; returns its sums. */
export async function fillRoll(trx: Db, countyCode: string, payrollId: number, period: Period, kind: PayrollKind, rules: SubsidySettings): Promise<RollSums> {
  // The register rows, the line-order sort and the joins of a county's register in memory
  // instead of spilling to disk (2 000 000 persons: about 700 MB of rows, sorted once); no JIT:
  // compiling the plan costs more than it saves on a query run once. Both only for this transaction.
  await sql`SET LOCAL work_mem = '1GB'`.execute(trx);
  await sql`SET LOCAL jit = off`.execute(trx);
  // The register's duplicate IDs (GROUP BY id_number HAVING count(*) > 1) grouped from sorted
  // rows, not in a hash table of every ID: at 2 000 000 persons 0.9 s instead of 2.6 s (the
  // statement has no other grouping the setting could touch).
  await sql`SET LOCAL enable_hashagg = off`.execute(trx);
  const notLive =
    kind === 'supplementary'
      ? sql`AND NOT EXISTS (SELECT 1 FROM payment_lines l WHERE l.county_code = ${countyCode} AND l.period = ${period.code} AND l.id_number = c.id_number AND l.result <> 'failure')`
      : sql``;
  // The lines' (and exclusions') foreign key to their roll holds by construction: the roll was
  // inserted (or locked FOR UPDATE) in this transaction and every row names it. Checked once a
  // line it costs about 7 s of a 2 000 000-line roll, so where the database lets us (a superuser,
  // as with the embedded engine) the check is skipped for this one statement, as bulk loaders do.
  // Unique indexes and CHECK constraints still apply: no one can be paid twice.
  const skipped = await skipTriggers(trx);
  // One statement: every register row with its entitlement, computed once and kept in memory
  // (a MATERIALIZED CTE, not a temporary table written out and read back three times); a person
  // (normalised ID) on several register rows keeps the row with the largest entitlement (`best`);
  // the paid go to the lines, the others (regular roll) to the exclusions with the reason; the
  // sums come back from what was inserted instead of a second pass over the lines.
  // The line's rule is entitlementFor over (support_start, support_end, months, standard): see lineReason.
  // Lines are numbered in the order of the normalised ID, the order of the unique index that
  // refuses a second live payment: both of the table's indexes (the key is payroll + line
  // number) are then written in order, each new entry after the last one. In village order that
  // index was written at random places, and at 2 000 000 lines on a server with default
  // settings (128 MB of shared buffers against a 121 MB index) it cost 8–10 s of a 32–35 s roll;
  // in ID order the roll takes 23 s. The village notice and subtotals sort by village themselves.
  const r = await sql<{ persons: number; total: number; no_account: number; excluded: number }>`
    WITH c AS MATERIALIZED (${entitlementRowsQuery(countyCode, period, rules)}),
    best AS (SELECT DISTINCT ON (id_number) person_id FROM c WHERE dup_count > 1 ORDER BY id_number, ${PERSON_ROW_ORDER}),
    lines AS (
      INSERT INTO payment_lines (county_code, payroll_id, line_no, period, person_id, id_number, id_valid, name, household_no, village_code,
        township_code, township_name, village_name, support_start, support_end, months, standard_fen, amount_fen, account_source,
        account_no, bank_name, holder_name, flags)
      SELECT ${countyCode}, ${payrollId}, row_number() OVER (ORDER BY c.id_number), ${period.code}, c.person_id,
        c.id_number, c.id_valid, c.name, c.household_no, c.village_code, left(c.village_code, 9), c.township_name, c.village_name,
        c.support_start, c.end_used, c.months, ${rules.standardFen}, c.amount_fen, c.account_source, c.account_no, c.bank_name, c.holder_name, c.flags
      FROM c WHERE c.amount_fen > 0 AND (c.dup_count = 1 OR c.person_id IN (SELECT person_id FROM best)) ${notLive}
      ORDER BY c.id_number
      RETURNING amount_fen, account_source
    ),
    excluded AS (
      INSERT INTO payroll_exclusions (county_code, payroll_id, id_number, person_id, name, village_code, reason)
      SELECT ${countyCode}, ${payrollId}, c.id_number, c.person_id, c.name, c.village_code, ${reasonSql(period, rules)}
      FROM c WHERE ${kind === 'regular'} AND c.amount_fen = 0 AND (c.dup_count = 1 OR c.person_id IN (SELECT person_id FROM best))
      RETURNING 1
    )
    SELECT count(*) AS persons, COALESCE(sum(amount_fen), 0) AS total, count(*) FILTER (WHERE account_source = 'none') AS no_account,
      (SELECT count(*) FROM excluded) AS excluded
    FROM lines`.execute(trx);
  if (skipped) await restoreTriggers(trx);
  const sums = {
    persons: Number(r.rows[0].persons),
    totalFen: Number(r.rows[0].total),
    excluded: Number(r.rows[0].excluded),
    noAccount: Number(r.rows[0].no_account),
  };
  await sql`UPDATE payrolls SET persons = ${sums.persons}, total_fen = ${sums.totalFen}, excluded = ${sums.excluded}, rules = ${JSON.stringify(rules)}::jsonb
    WHERE county_code = ${countyCode} AND id = ${payrollId}`.execute(trx);
  return sums;
}

/** How many rolls a period has already (the next batch number's sequence). */
export async function countPeriodRolls(trx: Db, countyCode: string, period: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM payrolls WHERE county_code = ${countyCode} AND period = ${period}`.execute(trx);
  return Number(r.rows[0].n);
}

export async function insertPayroll(
  trx: Db,
  r: { countyCode: string; batchNo: string; period: Period; kind: PayrollKind; rules: SubsidySettings; remarks: string; createdBy: number | null },
): Promise<number> {
  const ins = await sql<{ id: number }>`INSERT INTO payrolls (county_code, batch_no, period, kind, as_of, rules, remarks, created_by)
    VALUES (${r.countyCode}, ${r.batchNo}, ${r.period.code}, ${r.kind}, ${r.period.first}::date, ${JSON.stringify(r.rules)}::jsonb, ${r.remarks}, ${r.createdBy})
    RETURNING id`.execute(trx);
  return Number(ins.rows[0].id);
}

/** A roll's row locked for a change in this transaction; null when there is none. */
export async function lockPayroll(trx: Db, countyCode: string, id: number): Promise<PayrollRow | null> {
  // plain SQL: Kysely types a defaulted timestamp (Generated<Timestamp>) as the column type, not the Date it reads
  const r = await sql<PayrollRow>`SELECT * FROM payrolls WHERE county_code = ${countyCode} AND id = ${id} FOR UPDATE`.execute(trx);
  return r.rows[0] ?? null;
}

/** Empty a draft roll before it is filled again. */
export async function clearRoll(trx: Db, countyCode: string, id: number): Promise<void> {
  await trx.deleteFrom('payment_lines').where('county_code', '=', countyCode).where('payroll_id', '=', id).execute();
  await trx.deleteFrom('payroll_exclusions').where('county_code', '=', countyCode).where('payroll_id', '=', id).execute();
}

export async function setRebuiltBy(trx: Db, countyCode: string, id: number, userId: number | null): Promise<void> {
  await trx.updateTable('payrolls').set({ rebuilt_by: userId }).where('county_code', '=', countyCode).where('id', '=', id).execute();
}

export async function markReviewed(trx: Db, countyCode: string, id: number, userId: number | null, selfReviewed: boolean): Promise<void> {
  await trx
    .updateTable('payrolls')
    .set({ self_reviewed: selfReviewed, status: 'reviewed', reviewed_by: userId, reviewed_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', id)
    .execute();
}

export async function markClosed(trx: Db, countyCode: string, id: number): Promise<void> {
  await trx.updateTable('payrolls').set({ status: 'closed', closed_at: sql`now()` }).where('county_code', '=', countyCode).where('id', '=', id).execute();
}

/** Lines of a roll still without a bank result. */
export async function pendingLineCount(trx: Db, countyCode: string, id: number): Promise<number> {
  const p = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${id} AND result = 'pending'`.execute(trx);
  return Number(p.rows[0].n);
}

export async function deletePayrollRow(trx: Db, countyCode: string, id: number): Promise<void> {
  await trx.deleteFrom('payrolls').where('county_code', '=', countyCode).where('id', '=', id).execute();
}

/** A roll with its line counts; `known`: the counts as the caller knows them (a roll just built), not counted again over its lines. */
export async function getPayroll(db: Db, countyCode: string, id: number, known?: Payroll['counts']): Promise<Payroll | null> {
  const r = await sql<PayrollRow>`SELECT *, as_of::text AS as_of FROM payrolls WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  if (!r.rows[0]) return null;
  const p = payrollOf(r.rows[0]);
  if (known) return Object.assign(p, { counts: known });
  const c = await sql<{ pending: number; success: number; failure: number; success_fen: number; failure_fen: number; no_account: number }>`SELECT
      count(*) FILTER (WHERE result = 'pending') AS pending, count(*) FILTER (WHERE result = 'success') AS success,
      count(*) FILTER (WHERE result = 'failure') AS failure,
      COALESCE(sum(amount_fen) FILTER (WHERE result = 'success'), 0) AS success_fen,
      COALESCE(sum(amount_fen) FILTER (WHERE result = 'failure'), 0) AS failure_fen,
      count(*) FILTER (WHERE account_source = 'none') AS no_account
    FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${id}`.execute(db);
  const x = c.rows[0];
  p.counts = {
    pending: Number(x.pending),
    success: Number(x.success),
    failure: Number(x.failure),
    successFen: Number(x.success_fen),
    failureFen: Number(x.failure_fen),
    noAccount: Number(x.no_account),
  };
  return p;
}

export async function mustGetPayroll(db: Db, countyCode: string, id: number): Promise<Payroll> {
  const p = await getPayroll(db, countyCode, id);
  if (!p) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
  return p;
}

export async function listPayrolls(db: Db, countyCode: string, filter: { period?: string } = {}): Promise<Payroll[]> {
  const r = await sql<PayrollRow>`SELECT *, as_of::text AS as_of FROM payrolls WHERE county_code = ${countyCode}
    ${filter.period ? sql`AND period = ${filter.period}` : sql``} ORDER BY period DESC, id DESC`.execute(db);
  return r.rows.map(payrollOf);
}

export interface LineFilter {
  townshipCode?: string;
  villageCode?: string;
  result?: LineResult;
  flag?: string;
  q?: string;
  offset?: number;
  limit?: number;
  /** restrict to a region (the user's scope) */
  scope?: string;
}

export async function listLines(db: Db, countyCode: string, payrollId: number, f: LineFilter = {}): Promise<{ total: number; lines: PaymentLine[] }> {
  const where = sql`county_code = ${countyCode} AND payroll_id = ${payrollId}
    ${f.townshipCode ? sql`AND township_code = ${f.townshipCode}` : sql``}
    ${f.villageCode ? sql`AND village_code = ${f.villageCode}` : sql``}
    ${f.scope && f.scope.length > 6 ? sql`AND village_code LIKE ${f.scope + '%'}` : sql``}
    ${f.result ? sql`AND result = ${f.result}` : sql``}
    ${f.flag ? sql`AND ${f.flag} = ANY(flags)` : sql``}
    ${f.q ? sql`AND (${containsText('name', f.q.trim())} OR household_no = ${f.q.trim()} ${idMatch('id_number', f.q) ? sql`OR ${idMatch('id_number', f.q)}` : sql``})` : sql``}`;
  const total = await sql<{ n: number }>`SELECT count(*) AS n FROM payment_lines WHERE ${where}`.execute(db);
  const r = await sql<LineRow>`SELECT *, support_start::text AS support_start, support_end::text AS support_end, paid_date::text AS paid_date
    FROM payment_lines WHERE ${where} ORDER BY line_no OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(total.rows[0].n), lines: r.rows.map(lineOf) };
}

export async function listExclusions(db: Db, countyCode: string, payrollId: number, offset = 0, limit = 100) {
  const r = await db
    .selectFrom('payroll_exclusions')
    .select(['id_number', 'person_id', 'name', 'village_code', 'reason'])
    .where('county_code', '=', countyCode)
    .where('payroll_id', '=', payrollId)
    .orderBy('village_code')
    .orderBy('id_number')
    .offset(offset)
    .limit(limit)
    .execute();
  return r.map((x) => ({
    idNumber: x.id_number,
    personId: x.person_id === null ? null : Number(x.person_id),
    name: x.name,
    villageCode: x.village_code,
    reason: x.reason,
  }));
}

/** Failed payments of a period not yet re-issued (no later waiting or successful line): the re-issue list. */
export async function listFailures(
  db: Db,
  countyCode: string,
  period: string,
  scope?: string,
): Promise<(PaymentLine & { payrollId: number; batchNo: string })[]> {
  // one row per person: the latest failed line (a person may have failed in several rolls)
  const r = await sql<
    LineRow & { batch_no: string }
  >`SELECT DISTINCT ON (l.village_code, l.id_number) l.*, l.support_start::text AS support_start, l.support_end::text AS support_end, l.paid_date::text AS paid_date, p.batch_no
    FROM payment_lines l JOIN payrolls p ON p.county_code = l.county_code AND p.id = l.payroll_id
    WHERE l.county_code = ${countyCode} AND l.period = ${period} AND l.result = 'failure'
      ${scope && scope.length > 6 ? sql`AND l.village_code LIKE ${scope + '%'}` : sql``}
      AND NOT EXISTS (SELECT 1 FROM payment_lines x WHERE x.county_code = l.county_code AND x.period = l.period AND x.id_number = l.id_number AND x.result <> 'failure')
    ORDER BY l.village_code, l.id_number, l.payroll_id DESC`.execute(db);
  return r.rows.map((x) => ({ ...lineOf(x), payrollId: Number(x.payroll_id), batchNo: x.batch_no }));
}
