// Payment rolls in the database: build (set-based, one transaction), list, lines, review,
// close, delete. Nothing paid twice: payment_lines carries unique indexes per person and period.
import { sql, type Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { assertSeparateDuties, loadControls } from '../auth/index.ts';
import { containsText, idMatch } from '../shared/search.ts';
import { AppError } from '../shared/errors.ts';
import { parsePeriod, type Period } from '../shared/periods.ts';
import { assertPeriodKind, type SubsidySettings } from './settings.ts';
import { loadSettings } from './settings.store.ts';
import { entitlementRowsQuery, PERSON_ROW_ORDER, reasonSql } from './payroll-build.sql.ts';
import { entitlementFor } from '../shared/entitlement.ts';
import { assertCan, batchNoOf, type LineResult, type PayrollKind, type PayrollStatus } from './payroll.ts';

export interface Payroll {
  id: number; countyCode: string; batchNo: string; period: string; kind: PayrollKind; status: PayrollStatus;
  asOf: string; rules: SubsidySettings; persons: number; totalFen: number; excluded: number; remarks: string;
  createdBy: number | null; createdAt: string; reviewedBy: number | null; reviewedAt: string | null;
  /** who rebuilt the draft last (a builder too: may not review it) */
  rebuiltBy: number | null;
  /** reviewed by its builder, under the county's audited allowSelfApproval setting */
  selfReviewed: boolean;
  exportedAt: string | null; resultsAt: string | null; closedAt: string | null;
  counts?: { pending: number; success: number; failure: number; successFen: number; failureFen: number; noAccount: number };
}

export interface PaymentLine {
  lineNo: number; period: string; personId: number | null; idNumber: string; idValid: boolean; name: string; householdNo: string;
  villageCode: string; townshipCode: string; townshipName: string; villageName: string; supportStart: string | null; supportEnd: string | null;
  months: number; standardFen: number; amountFen: number; reason: string; accountSource: 'own' | 'head' | 'none';
  accountNo: string; bankName: string; holderName: string; flags: string[]; result: LineResult; resultReason: string; paidDate: string | null;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export function payrollOf(r: any): Payroll {
  return {
    id: Number(r.id), countyCode: r.county_code, batchNo: r.batch_no, period: r.period, kind: r.kind, status: r.status, asOf: String(r.as_of),
    rules: r.rules, persons: Number(r.persons), totalFen: Number(r.total_fen), excluded: Number(r.excluded), remarks: r.remarks,
    createdBy: r.created_by === null ? null : Number(r.created_by), createdAt: iso(r.created_at)!, reviewedBy: r.reviewed_by === null ? null : Number(r.reviewed_by),
    reviewedAt: iso(r.reviewed_at), rebuiltBy: r.rebuilt_by == null ? null : Number(r.rebuilt_by), selfReviewed: r.self_reviewed === true, exportedAt: iso(r.exported_at), resultsAt: iso(r.results_at), closedAt: iso(r.closed_at),
  };
}

/** The rule behind a line's amount: entitlementFor over the term and standard the line was computed with. */
export function lineReason(period: string, supportStart: string | null, supportEnd: string | null, standardFen: number): string {
  const p = parsePeriod(period);
  if (!p) return '';
  return entitlementFor(p, { supportStart, supportEnd }, { standardFen, termYears: 20 }).reason;
}

export function lineOf(r: any): PaymentLine {
  return {
    lineNo: Number(r.line_no), period: r.period, personId: r.person_id === null ? null : Number(r.person_id), idNumber: r.id_number, idValid: r.id_valid,
    name: r.name, householdNo: r.household_no, villageCode: r.village_code, townshipCode: r.township_code, townshipName: r.township_name,
    villageName: r.village_name, supportStart: r.support_start, supportEnd: r.support_end, months: Number(r.months), standardFen: Number(r.standard_fen),
    amountFen: Number(r.amount_fen), reason: r.reason || lineReason(r.period, r.support_start, r.support_end, Number(r.standard_fen)), accountSource: r.account_source, accountNo: r.account_no, bankName: r.bank_name,
    holderName: r.holder_name, flags: r.flags ?? [], result: r.result, resultReason: r.result_reason, paidDate: r.paid_date,
  };
}

export function requirePeriod(text: string): Period {
  const p = parsePeriod(text);
  if (!p) throw new AppError('VALIDATION', `发放期间“${text}”无效，应为如2025（按年）或2025H1/2025H2（按半年）`);
  return p;
}

/** Postgres unique violation on the payment indexes → a Chinese conflict. */
export function conflictOf(e: unknown): unknown {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err?.code === '23505' || /duplicate key|unique constraint/i.test(err?.message ?? '')) {
    const what = String(err.constraint ?? err.message ?? '');
    if (what.includes('payrolls_one_regular')) return new AppError('CONFLICT', '该期间已有正常发放批次；后来新增或发放失败的人员请编制补发批次', undefined, { cause: e });
    if (what.includes('payment_lines')) return new AppError('CONFLICT', '有人员在本期间已在其他批次中待发放或已成功发放，不能重复发放（可能有他人同时在编制批次，请刷新后重试）', undefined, { cause: e });
    if (what.includes('batch_no')) return new AppError('CONFLICT', '批次号冲突，请重试', undefined, { cause: e });
  }
  return e;
}

/** Skip trigger-based checks (foreign keys) until set back, when the role may; false when it may not. */
async function skipTriggers(trx: Kysely<any>): Promise<boolean> {
  await sql`SAVEPOINT skip_triggers`.execute(trx);
  try {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`RELEASE SAVEPOINT skip_triggers`.execute(trx);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code !== '42501') throw e; // only "permission denied" means: keep the checks
    await sql`ROLLBACK TO SAVEPOINT skip_triggers`.execute(trx);
    return false;
  }
}

/** One build or rebuild per county and period at a time: a second waits, then sees the first's roll and lines. */
async function lockPeriod(trx: Kysely<any>, countyCode: string, period: Period): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`payroll:${countyCode}:${period.code}`}, 0))`.execute(trx);
}

async function fillRoll(trx: Kysely<any>, countyCode: string, payrollId: number, period: Period, kind: PayrollKind, rules: SubsidySettings) {
  // The joins and the line-order sort of a county's register in memory instead of spilling to
  // disk (a 2 000 000-person roll sorts about 800 MB); no JIT: compiling the plan costs more than
  // it saves on a query run once. Both only for this transaction.
  await sql`SET LOCAL work_mem = '1GB'`.execute(trx);
  await sql`SET LOCAL jit = off`.execute(trx);
  // every register row with its entitlement, then keep one row per ID (the largest entitlement)
  await sql`CREATE TEMP TABLE payroll_calc ON COMMIT DROP AS ${entitlementRowsQuery(countyCode, period, rules)}`.execute(trx);
  await sql`DELETE FROM payroll_calc WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY id_number ORDER BY ${PERSON_ROW_ORDER}) AS rn
    FROM payroll_calc WHERE dup_count > 1) d WHERE d.rn > 1)`.execute(trx);
  await sql`ANALYZE payroll_calc`.execute(trx); // a temp table has no statistics: the planner would guess its size
  const notLive = kind === 'supplementary'
    ? sql`AND NOT EXISTS (SELECT 1 FROM payment_lines l WHERE l.county_code = ${countyCode} AND l.period = ${period.code} AND l.id_number = c.id_number AND l.result <> 'failure')`
    : sql``;
  // The lines' foreign key to their roll holds by construction: the roll was inserted (or locked
  // FOR UPDATE) in this transaction and every line names it. Checked once a line it costs about
  // 7 s of a 2 000 000-line roll, so where the database lets us (a superuser, as with the embedded
  // engine) the check is skipped for this one statement, as bulk loaders do. Unique indexes and
  // CHECK constraints still apply: no one can be paid twice.
  const skipped = await skipTriggers(trx);
  // the line's rule is entitlementFor over (support_start, support_end, months, standard): see lineReason
  await sql`INSERT INTO payment_lines (county_code, payroll_id, line_no, period, person_id, id_number, id_valid, name, household_no, village_code,
      township_code, township_name, village_name, support_start, support_end, months, standard_fen, amount_fen, account_source,
      account_no, bank_name, holder_name, flags)
    SELECT ${countyCode}, ${payrollId}, row_number() OVER (ORDER BY c.village_code, c.household_no, c.id_number), ${period.code}, c.person_id,
      c.id_number, c.id_valid, c.name, c.household_no, c.village_code, left(c.village_code, 9), c.township_name, c.village_name,
      c.support_start, c.end_used, c.months, ${rules.standardFen}, c.amount_fen, c.account_source, c.account_no, c.bank_name, c.holder_name, c.flags
    FROM payroll_calc c WHERE c.amount_fen > 0 ${notLive}`.execute(trx);
  if (skipped) await sql`SET LOCAL session_replication_role = origin`.execute(trx);
  if (kind === 'regular') {
    await sql`INSERT INTO payroll_exclusions (county_code, payroll_id, id_number, person_id, name, village_code, reason)
      SELECT ${countyCode}, ${payrollId}, c.id_number, c.person_id, c.name, c.village_code, ${reasonSql(period, rules)} FROM payroll_calc c WHERE c.amount_fen = 0`.execute(trx);
  }
  await sql`DROP TABLE payroll_calc`.execute(trx);
  const t = await sql<any>`SELECT count(*) AS persons, COALESCE(sum(amount_fen), 0) AS total,
      (SELECT count(*) FROM payroll_exclusions WHERE county_code = ${countyCode} AND payroll_id = ${payrollId}) AS excluded
    FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${payrollId}`.execute(trx);
  const { persons, total, excluded } = t.rows[0];
  await sql`UPDATE payrolls SET persons = ${Number(persons)}, total_fen = ${Number(total)}, excluded = ${Number(excluded)}, rules = ${JSON.stringify(rules)}::jsonb
    WHERE county_code = ${countyCode} AND id = ${payrollId}`.execute(trx);
  return { persons: Number(persons), totalFen: Number(total), excluded: Number(excluded) };
}

/**
 * Build a roll for a period from the register as of the period's first day, with the settings in
 * force on that day. A supplementary roll takes everyone entitled who has no waiting or successful
 * payment for the period (added late, or whose payment failed). One transaction; audited.
 */
export async function buildPayroll(db: Kysely<any>, actor: AuditActor, input: { countyCode: string; period: string; kind: PayrollKind; remarks?: string }): Promise<Payroll> {
  const period = requirePeriod(input.period);
  const rules = await loadSettings(db, input.countyCode, period.first);
  assertPeriodKind(period, rules);
  try {
    const id = await db.transaction().execute(async (trx) => {
      await lockPeriod(trx, input.countyCode, period);
      const seq = await sql<{ n: number }>`SELECT count(*) AS n FROM payrolls WHERE county_code = ${input.countyCode} AND period = ${period.code}`.execute(trx);
      const batchNo = batchNoOf(input.countyCode, period.code, Number(seq.rows[0].n) + 1);
      const ins = await sql<{ id: number }>`INSERT INTO payrolls (county_code, batch_no, period, kind, as_of, rules, remarks, created_by)
        VALUES (${input.countyCode}, ${batchNo}, ${period.code}, ${input.kind}, ${period.first}::date, ${JSON.stringify(rules)}::jsonb, ${input.remarks ?? ''}, ${actor.userId})
        RETURNING id`.execute(trx);
      const pid = Number(ins.rows[0].id);
      const sums = await fillRoll(trx, input.countyCode, pid, period, input.kind, rules);
      if (input.kind === 'regular' && sums.persons === 0) throw new AppError('CONFLICT', `花名册中没有${period.code}期间应发的人员，未编制批次`);
      if (input.kind === 'supplementary' && sums.persons === 0) throw new AppError('CONFLICT', `${period.code}期间没有需要补发的人员（应发人员都已在其他批次中待发放或已成功发放）`);
      await appendAudit(trx, actor, { action: 'payroll.build', entityType: 'payroll', entityId: pid, countyCode: input.countyCode,
        after: { batchNo, period: period.code, kind: input.kind, rules, ...sums } });
      return pid;
    });
    return (await getPayroll(db, input.countyCode, id))!;
  } catch (e) { throw conflictOf(e); }
}

/** Recompute a draft roll (after corrections to the register or the settings). */
export async function rebuildPayroll(db: Kysely<any>, actor: AuditActor, countyCode: string, id: number): Promise<Payroll> {
  const roll = await mustGetPayroll(db, countyCode, id);
  assertCan('rebuild', roll.status);
  const period = requirePeriod(roll.period);
  const rules = await loadSettings(db, countyCode, period.first);
  assertPeriodKind(period, rules);
  try {
    await db.transaction().execute(async (trx) => {
      await lockPeriod(trx, countyCode, period);
      const lock = await sql<{ status: string }>`SELECT status FROM payrolls WHERE county_code = ${countyCode} AND id = ${id} FOR UPDATE`.execute(trx);
      assertCan('rebuild', lock.rows[0].status as PayrollStatus);
      await sql`DELETE FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${id}`.execute(trx);
      await sql`DELETE FROM payroll_exclusions WHERE county_code = ${countyCode} AND payroll_id = ${id}`.execute(trx);
      const sums = await fillRoll(trx, countyCode, id, period, roll.kind, rules);
      await sql`UPDATE payrolls SET rebuilt_by = ${actor.userId} WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
      await appendAudit(trx, actor, { action: 'payroll.rebuild', entityType: 'payroll', entityId: id, countyCode,
        before: { persons: roll.persons, totalFen: roll.totalFen, rules: roll.rules }, after: { ...sums, rules } });
    });
  } catch (e) { throw conflictOf(e); }
  return mustGetPayroll(db, countyCode, id);
}

export async function getPayroll(db: Kysely<any>, countyCode: string, id: number): Promise<Payroll | null> {
  const r = await sql<any>`SELECT *, as_of::text AS as_of FROM payrolls WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  if (!r.rows[0]) return null;
  const p = payrollOf(r.rows[0]);
  const c = await sql<any>`SELECT
      count(*) FILTER (WHERE result = 'pending') AS pending, count(*) FILTER (WHERE result = 'success') AS success,
      count(*) FILTER (WHERE result = 'failure') AS failure,
      COALESCE(sum(amount_fen) FILTER (WHERE result = 'success'), 0) AS success_fen,
      COALESCE(sum(amount_fen) FILTER (WHERE result = 'failure'), 0) AS failure_fen,
      count(*) FILTER (WHERE account_source = 'none') AS no_account
    FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${id}`.execute(db);
  const x = c.rows[0];
  p.counts = { pending: Number(x.pending), success: Number(x.success), failure: Number(x.failure), successFen: Number(x.success_fen),
    failureFen: Number(x.failure_fen), noAccount: Number(x.no_account) };
  return p;
}

export async function mustGetPayroll(db: Kysely<any>, countyCode: string, id: number): Promise<Payroll> {
  const p = await getPayroll(db, countyCode, id);
  if (!p) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
  return p;
}

export async function listPayrolls(db: Kysely<any>, countyCode: string, filter: { period?: string } = {}): Promise<Payroll[]> {
  const r = await sql<any>`SELECT *, as_of::text AS as_of FROM payrolls WHERE county_code = ${countyCode}
    ${filter.period ? sql`AND period = ${filter.period}` : sql``} ORDER BY period DESC, id DESC`.execute(db);
  return r.rows.map(payrollOf);
}

export interface LineFilter {
  townshipCode?: string; villageCode?: string; result?: LineResult; flag?: string; q?: string; offset?: number; limit?: number;
  /** restrict to a region (the user's scope) */
  scope?: string;
}

export async function listLines(db: Kysely<any>, countyCode: string, payrollId: number, f: LineFilter = {}): Promise<{ total: number; lines: PaymentLine[] }> {
  const where = sql`county_code = ${countyCode} AND payroll_id = ${payrollId}
    ${f.townshipCode ? sql`AND township_code = ${f.townshipCode}` : sql``}
    ${f.villageCode ? sql`AND village_code = ${f.villageCode}` : sql``}
    ${f.scope && f.scope.length > 6 ? sql`AND village_code LIKE ${f.scope + '%'}` : sql``}
    ${f.result ? sql`AND result = ${f.result}` : sql``}
    ${f.flag ? sql`AND ${f.flag} = ANY(flags)` : sql``}
    ${f.q ? sql`AND (${containsText('name', f.q.trim())} OR household_no = ${f.q.trim()} ${idMatch('id_number', f.q) ? sql`OR ${idMatch('id_number', f.q)}` : sql``})` : sql``}`;
  const total = await sql<{ n: number }>`SELECT count(*) AS n FROM payment_lines WHERE ${where}`.execute(db);
  const r = await sql<any>`SELECT *, support_start::text AS support_start, support_end::text AS support_end, paid_date::text AS paid_date
    FROM payment_lines WHERE ${where} ORDER BY line_no OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(total.rows[0].n), lines: r.rows.map(lineOf) };
}

export async function listExclusions(db: Kysely<any>, countyCode: string, payrollId: number, offset = 0, limit = 100) {
  const r = await sql<any>`SELECT id_number, person_id, name, village_code, reason FROM payroll_exclusions
    WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} ORDER BY village_code, id_number OFFSET ${offset} LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => ({ idNumber: x.id_number, personId: x.person_id === null ? null : Number(x.person_id), name: x.name, villageCode: x.village_code, reason: x.reason }));
}

async function moveStatus(db: Kysely<any>, actor: AuditActor, countyCode: string, id: number, action: 'review' | 'close', to: PayrollStatus, extra: ReturnType<typeof sql>) {
  await db.transaction().execute(async (trx) => {
    const r = await sql<any>`SELECT status, created_by, rebuilt_by FROM payrolls WHERE county_code = ${countyCode} AND id = ${id} FOR UPDATE`.execute(trx);
    if (!r.rows[0]) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
    assertCan(action, r.rows[0].status);
    let duty: Record<string, unknown> = {};
    if (action === 'review') {
      const builders = [r.rows[0].created_by, r.rows[0].rebuilt_by].map((u) => (u == null ? null : Number(u)));
      const { selfApproved } = assertSeparateDuties({ step: 'payroll.review', firstBy: builders, secondBy: Number(actor.userId),
        allowSelfApproval: (await loadControls(trx, countyCode)).allowSelfApproval });
      await sql`UPDATE payrolls SET self_reviewed = ${selfApproved} WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
      duty = { builtBy: builders, selfReviewed: selfApproved };
    }
    if (action === 'close') {
      const p = await sql<{ n: number }>`SELECT count(*) AS n FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${id} AND result = 'pending'`.execute(trx);
      if (Number(p.rows[0].n) > 0) throw new AppError('CONFLICT', `还有${p.rows[0].n}人没有发放结果，导入全部回盘后才能关闭批次`);
    }
    await sql`UPDATE payrolls SET status = ${to}, ${extra} WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actor, { action: `payroll.${action}`, entityType: 'payroll', entityId: id, countyCode, before: { status: r.rows[0].status }, after: { status: to },
      ...(action === 'review' ? { detail: duty } : {}) });
  });
  return mustGetPayroll(db, countyCode, id);
}

export const reviewPayroll = (db: Kysely<any>, actor: AuditActor, countyCode: string, id: number) =>
  moveStatus(db, actor, countyCode, id, 'review', 'reviewed', sql`reviewed_by = ${actor.userId}, reviewed_at = now()`);
export const closePayroll = (db: Kysely<any>, actor: AuditActor, countyCode: string, id: number) =>
  moveStatus(db, actor, countyCode, id, 'close', 'closed', sql`closed_at = now()`);

export async function deletePayroll(db: Kysely<any>, actor: AuditActor, countyCode: string, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await sql<any>`SELECT * FROM payrolls WHERE county_code = ${countyCode} AND id = ${id} FOR UPDATE`.execute(trx);
    if (!r.rows[0]) throw new AppError('NOT_FOUND', `发放批次${id}不存在`);
    assertCan('delete', r.rows[0].status);
    await sql`DELETE FROM payrolls WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actor, { action: 'payroll.delete', entityType: 'payroll', entityId: id, countyCode,
      before: { batchNo: r.rows[0].batch_no, period: r.rows[0].period, persons: Number(r.rows[0].persons), totalFen: Number(r.rows[0].total_fen) } });
  });
}

/** Failed payments of a period not yet re-issued (no later waiting or successful line): the re-issue list. */
export async function listFailures(db: Kysely<any>, countyCode: string, period: string, scope?: string): Promise<(PaymentLine & { payrollId: number; batchNo: string })[]> {
  // one row per person: the latest failed line (a person may have failed in several rolls)
  const r = await sql<any>`SELECT DISTINCT ON (l.village_code, l.id_number) l.*, l.support_start::text AS support_start, l.support_end::text AS support_end, l.paid_date::text AS paid_date, p.batch_no
    FROM payment_lines l JOIN payrolls p ON p.county_code = l.county_code AND p.id = l.payroll_id
    WHERE l.county_code = ${countyCode} AND l.period = ${period} AND l.result = 'failure'
      ${scope && scope.length > 6 ? sql`AND l.village_code LIKE ${scope + '%'}` : sql``}
      AND NOT EXISTS (SELECT 1 FROM payment_lines x WHERE x.county_code = l.county_code AND x.period = l.period AND x.id_number = l.id_number AND x.result <> 'failure')
    ORDER BY l.village_code, l.id_number, l.payroll_id DESC`.execute(db);
  return r.rows.map((x) => ({ ...lineOf(x), payrollId: Number(x.payroll_id), batchNo: x.batch_no }));
}
