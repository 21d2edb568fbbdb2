// Cases (核实): one per county, person and finding code. Township officers see and verify their
// own townships only. Re-running a check updates periods and amounts and keeps the verification.
import { sql, type Kysely } from 'kysely';
import { containsText, idMatch } from '../shared/search.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { inScope, type SessionUser } from '../auth/index.ts';
import { FINDING_LABELS, type FindingCode } from '../crosscheck/index.ts';
import { createRecoveryForCase } from './recovery.store.ts';

export type CaseStatus = '待核实' | '已核实';
export type Verdict = '违规' | '误报';

export interface Case {
  id: number; code: FindingCode; label: string; idNumber: string; name: string; householdNo: string; villageCode: string; townshipCode: string;
  periods: string[]; overFen: number; underFen: number; explanation: string; status: CaseStatus; verdict: Verdict | null; evidence: string; remarks: string;
  verifiedBy: number | null; verifiedAt: string | null; firstRunId: number; lastRunId: number; adjustmentId: number | null; recoveryId: number | null;
  createdAt: string; updatedAt: string;
  /** the death date in the evidence (death records or a dated hukou 死亡注销), for DECEASED_PAID / HUKOU_CANCELLED */
  deathDate: string | null;
}

export function caseOf(x: any): Case {
  return {
    id: Number(x.id), code: x.code, label: FINDING_LABELS[x.code as FindingCode] ?? x.code, idNumber: x.id_number, name: x.name, householdNo: x.household_no,
    villageCode: x.village_code, townshipCode: x.township_code, periods: x.periods ?? [], overFen: Number(x.over_fen), underFen: Number(x.under_fen),
    explanation: x.explanation, status: x.status, verdict: x.verdict, evidence: x.evidence, remarks: x.remarks,
    verifiedBy: x.verified_by === null ? null : Number(x.verified_by), verifiedAt: x.verified_at ? new Date(x.verified_at).toISOString() : null,
    firstRunId: Number(x.first_run_id), lastRunId: Number(x.last_run_id), adjustmentId: x.adjustment_id === null ? null : Number(x.adjustment_id),
    recoveryId: x.recovery_id === null || x.recovery_id === undefined ? null : Number(x.recovery_id),
    createdAt: new Date(x.created_at).toISOString(), updatedAt: new Date(x.updated_at).toISOString(),
    deathDate: x.death_date ?? null,
  };
}

/** Findings of a run → cases: new ones inserted, known ones updated (verification kept). */
export async function upsertCasesFromRun(trx: Kysely<any>, countyCode: string, runId: number): Promise<{ inserted: number; updated: number }> {
  const r = await sql<{ inserted: boolean }>`INSERT INTO cases (county_code, code, id_number, name, household_no, village_code, township_code, periods, over_fen, under_fen,
      explanation, first_run_id, last_run_id, death_date)
    SELECT county_code, code, id_number, name, household_no, village_code, CASE WHEN village_code ~ '^\\d{12}$' THEN left(village_code, 9) ELSE '' END,
      periods, over_fen, under_fen, explanation, run_id, run_id, death_date
    FROM findings WHERE county_code = ${countyCode} AND run_id = ${runId}
    ON CONFLICT (county_code, id_number, code) DO UPDATE SET name = EXCLUDED.name, household_no = EXCLUDED.household_no, village_code = EXCLUDED.village_code,
      township_code = EXCLUDED.township_code, periods = EXCLUDED.periods, over_fen = EXCLUDED.over_fen, under_fen = EXCLUDED.under_fen,
      explanation = EXCLUDED.explanation, last_run_id = EXCLUDED.last_run_id, death_date = EXCLUDED.death_date, updated_at = now()
    RETURNING (xmax = 0) AS inserted`.execute(trx);
  const inserted = r.rows.filter((x) => x.inserted).length;
  return { inserted, updated: r.rows.length - inserted };
}

/** The SQL condition restricting cases to a user's region (county users see all, township officers their township). */
function scopeOf(user: Pick<SessionUser, 'regionCode'>) {
  return user.regionCode.length > 6 ? sql`AND c.township_code <> '' AND c.village_code LIKE ${user.regionCode + '%'}` : sql``;
}

export interface CaseFilter { idNumber?: string; olderThanDays?: number; status?: CaseStatus; verdict?: Verdict; code?: string; townshipCode?: string; runId?: number; q?: string; offset?: number; limit?: number }

export async function listCases(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>, f: CaseFilter = {}): Promise<{ total: number; cases: Case[]; overFen: number; underFen: number }> {
  const where = sql`c.county_code = ${countyCode} ${scopeOf(user)}
    ${f.status ? sql`AND c.status = ${f.status}` : sql``} ${f.verdict ? sql`AND c.verdict = ${f.verdict}` : sql``}
    ${f.code ? sql`AND c.code = ${f.code}` : sql``} ${f.townshipCode ? sql`AND c.township_code = ${f.townshipCode}` : sql``}
    ${f.runId ? sql`AND c.last_run_id = ${f.runId}` : sql``}
    ${f.idNumber ? sql`AND c.id_number = ${f.idNumber}` : sql``}
    ${f.olderThanDays ? sql`AND c.created_at < now() - make_interval(days => ${f.olderThanDays})` : sql``}
    ${f.q ? sql`AND (${containsText('c.name', f.q.trim())} ${idMatch('c.id_number', f.q) ? sql`OR ${idMatch('c.id_number', f.q)}` : sql``})` : sql``}`;
  const t = await sql<any>`SELECT count(*) AS n, COALESCE(sum(over_fen), 0) AS over, COALESCE(sum(under_fen), 0) AS under FROM cases c WHERE ${where}`.execute(db);
  const r = await sql<any>`SELECT c.*, ri.id AS recovery_id FROM cases c LEFT JOIN recovery_items ri ON ri.county_code = c.county_code AND ri.case_id = c.id
    WHERE ${where} ORDER BY c.status DESC, c.over_fen DESC, c.id OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(t.rows[0].n), overFen: Number(t.rows[0].over), underFen: Number(t.rows[0].under), cases: r.rows.map(caseOf) };
}

/** One case; NOT_FOUND outside the user's region (a township officer cannot learn of other townships' cases). */
export async function getCase(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>, id: number, forUpdate = false): Promise<Case> {
  const r = await sql<any>`SELECT c.*, ri.id AS recovery_id FROM cases c LEFT JOIN recovery_items ri ON ri.county_code = c.county_code AND ri.case_id = c.id
    WHERE c.county_code = ${countyCode} AND c.id = ${id} ${forUpdate ? sql`FOR UPDATE OF c` : sql``}`.execute(db);
  const c = r.rows[0] ? caseOf(r.rows[0]) : null;
  if (!c || (user.regionCode.length > 6 && !(c.townshipCode && inScope(user, c.villageCode)))) throw new AppError('NOT_FOUND', `疑似问题${id}不存在或不在您的辖区`);
  return c;
}

export interface VerifyInput { verdict: Verdict; evidence: string; remarks?: string }

/**
 * 待核实 → 已核实 (违规 / 误报, with evidence). A confirmed over-payment becomes a recovery item in
 * the same transaction. A verdict may be corrected while no instalment has been received.
 */
export async function verifyCase(db: Kysely<any>, user: SessionUser, countyCode: string, id: number, input: VerifyInput): Promise<Case> {
  if (!input.evidence?.trim()) throw new AppError('VALIDATION', '请填写核实依据（佐证材料、走访情况等）');
  const actor: AuditActor = { userId: user.id, username: user.username };
  await db.transaction().execute(async (trx) => {
    const before = await getCase(trx, countyCode, user, id, true);
    if (before.recoveryId !== null && input.verdict === '误报') {
      const rec = await sql<any>`SELECT received_fen, status FROM recovery_items WHERE county_code = ${countyCode} AND id = ${before.recoveryId}`.execute(trx);
      if (Number(rec.rows[0].received_fen) > 0 || rec.rows[0].status !== '追缴中') throw new AppError('CONFLICT', '该问题已有追缴记录（已收回款项或已核销），不能改为误报');
      await sql`DELETE FROM recovery_items WHERE county_code = ${countyCode} AND id = ${before.recoveryId}`.execute(trx);
      await appendAudit(trx, actor, { action: 'recovery.cancel', entityType: 'recovery', entityId: before.recoveryId, countyCode, detail: { caseId: id, reason: '核实结论改为误报' } });
    }
    await sql`UPDATE cases SET status = '已核实', verdict = ${input.verdict}, evidence = ${input.evidence.trim()}, remarks = ${input.remarks ?? ''},
      verified_by = ${user.id}, verified_at = now(), updated_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actor, { action: 'case.verify', entityType: 'case', entityId: id, countyCode,
      before: { status: before.status, verdict: before.verdict, evidence: before.evidence, remarks: before.remarks },
      after: { status: '已核实', verdict: input.verdict, evidence: input.evidence.trim(), remarks: input.remarks ?? '' } });
    if (input.verdict === '违规' && before.overFen > 0 && before.recoveryId === null) {
      await createRecoveryForCase(trx, actor, countyCode, before);
    }
  });
  return getCase(db, countyCode, user, id);
}
