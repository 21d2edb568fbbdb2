// Cases (核实) in the database: one per county, person and finding code. Re-running a check
// updates periods and amounts and keeps the verification. SQL only: who may see and verify a
// case, and the audit, are in cases.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables, CasesTable } from '../shared/db/tables.ts';
import type { Row } from '../shared/db/rows.ts';
import { containsText, idMatch } from '../shared/search.ts';
import { FINDING_LABELS, type FindingCode } from '../crosscheck/index.ts';
import type { Case, CaseStatus, Verdict } from './cases.contract.ts';

export type { Case, CaseStatus, Verdict } from './cases.contract.ts';
type Db = Kysely<Tables>;
type CaseRow = Row<CasesTable> & { recovery_id: number | null };

export function caseOf(x: CaseRow): Case {
  return {
    id: Number(x.id),
    code: x.code as FindingCode,
    label: FINDING_LABELS[x.code as FindingCode] ?? x.code,
    idNumber: x.id_number,
    name: x.name,
    householdNo: x.household_no,
    villageCode: x.village_code,
    townshipCode: x.township_code,
    periods: x.periods ?? [],
    overFen: Number(x.over_fen),
    underFen: Number(x.under_fen),
    explanation: x.explanation,
    status: x.status as CaseStatus,
    verdict: x.verdict as Verdict | null,
    evidence: x.evidence,
    remarks: x.remarks,
    verifiedBy: x.verified_by === null ? null : Number(x.verified_by),
    verifiedAt: x.verified_at ? new Date(x.verified_at).toISOString() : null,
    firstRunId: Number(x.first_run_id),
    lastRunId: Number(x.last_run_id),
    adjustmentId: x.adjustment_id === null ? null : Number(x.adjustment_id),
    recoveryId: x.recovery_id === null || x.recovery_id === undefined ? null : Number(x.recovery_id),
    createdAt: new Date(x.created_at).toISOString(),
    updatedAt: new Date(x.updated_at).toISOString(),
    deathDate: x.death_date ?? null,
  };
}

/** Findings of a run → cases: new ones inserted, known ones updated (verification kept). */
export async function upsertCasesFromRun(trx: Db, countyCode: string, runId: number): Promise<{ inserted: number; updated: number }> {
  const r = await sql<{
    inserted: boolean;
  }>`INSERT INTO cases (county_code, code, id_number, name, household_no, village_code, township_code, periods, over_fen, under_fen,
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

/** Cases inside a region (a township officer's scope); none given: the whole county. */
const inRegion = (scope: string | undefined) => (scope ? sql`AND c.township_code <> '' AND c.village_code LIKE ${scope + '%'}` : sql``);

export interface CaseFilter {
  idNumber?: string;
  olderThanDays?: number;
  status?: CaseStatus;
  verdict?: Verdict;
  code?: string;
  townshipCode?: string;
  runId?: number;
  q?: string;
  offset?: number;
  limit?: number;
}

export async function listCases(
  db: Db,
  countyCode: string,
  scope: string | undefined,
  f: CaseFilter = {},
): Promise<{ total: number; cases: Case[]; overFen: number; underFen: number }> {
  const where = sql`c.county_code = ${countyCode} ${inRegion(scope)}
    ${f.status ? sql`AND c.status = ${f.status}` : sql``} ${f.verdict ? sql`AND c.verdict = ${f.verdict}` : sql``}
    ${f.code ? sql`AND c.code = ${f.code}` : sql``} ${f.townshipCode ? sql`AND c.township_code = ${f.townshipCode}` : sql``}
    ${f.runId ? sql`AND c.last_run_id = ${f.runId}` : sql``}
    ${f.idNumber ? sql`AND c.id_number = ${f.idNumber}` : sql``}
    ${f.olderThanDays ? sql`AND c.created_at < now() - make_interval(days => ${f.olderThanDays})` : sql``}
    ${f.q ? sql`AND (${containsText('c.name', f.q.trim())} ${idMatch('c.id_number', f.q) ? sql`OR ${idMatch('c.id_number', f.q)}` : sql``})` : sql``}`;
  const t = await sql<{
    n: number;
    over: number;
    under: number;
  }>`SELECT count(*) AS n, COALESCE(sum(over_fen), 0) AS over, COALESCE(sum(under_fen), 0) AS under FROM cases c WHERE ${where}`.execute(db);
  const r = await sql<CaseRow>`SELECT c.*, ri.id AS recovery_id FROM cases c LEFT JOIN recovery_items ri ON ri.county_code = c.county_code AND ri.case_id = c.id
    WHERE ${where} ORDER BY c.status DESC, c.over_fen DESC, c.id OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(t.rows[0].n), overFen: Number(t.rows[0].over), underFen: Number(t.rows[0].under), cases: r.rows.map(caseOf) };
}

/** One case with its recovery item, if any; locked for a change when asked. */
export async function findCase(db: Db, countyCode: string, id: number, forUpdate = false): Promise<Case | null> {
  const r = await sql<CaseRow>`SELECT c.*, ri.id AS recovery_id FROM cases c LEFT JOIN recovery_items ri ON ri.county_code = c.county_code AND ri.case_id = c.id
    WHERE c.county_code = ${countyCode} AND c.id = ${id} ${forUpdate ? sql`FOR UPDATE OF c` : sql``}`.execute(db);
  return r.rows[0] ? caseOf(r.rows[0]) : null;
}

export async function setVerdict(
  trx: Db,
  countyCode: string,
  id: number,
  v: { verdict: Verdict; evidence: string; remarks: string; userId: number },
): Promise<void> {
  await trx
    .updateTable('cases')
    .set({
      status: '已核实',
      verdict: v.verdict,
      evidence: v.evidence,
      remarks: v.remarks,
      verified_by: v.userId,
      verified_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('county_code', '=', countyCode)
    .where('id', '=', id)
    .execute();
}

export async function setCaseAdjustment(trx: Db, countyCode: string, id: number, adjustmentId: number): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ adjustment_id: adjustmentId, updated_at: sql`now()` })
    .where('county_code', '=', countyCode)
    .where('id', '=', id)
    .execute();
}

/** Over-payments found and confirmed, and recovery, for the dashboard (a region, or the county). */
export async function caseFigures(db: Db, countyCode: string, scope: string | undefined) {
  const scoped = scope ? sql`AND township_code <> '' AND village_code LIKE ${scope + '%'}` : sql``;
  const c = await sql<{
    over_cases: number;
    over_found: number;
    over_confirmed: number;
    pending: number;
  }>`SELECT count(*) FILTER (WHERE over_fen > 0 AND verdict IS DISTINCT FROM '误报') AS over_cases,
      COALESCE(sum(over_fen) FILTER (WHERE verdict IS DISTINCT FROM '误报'), 0) AS over_found,
      COALESCE(sum(over_fen) FILTER (WHERE verdict = '违规'), 0) AS over_confirmed,
      count(*) FILTER (WHERE status = '待核实') AS pending
    FROM cases WHERE county_code = ${countyCode} ${scoped}`.execute(db);
  const r = await sql<{
    due: number;
    received: number;
  }>`SELECT COALESCE(sum(due_fen), 0) AS due, COALESCE(sum(received_fen), 0) AS received FROM recovery_items WHERE county_code = ${countyCode} ${scoped}`.execute(
    db,
  );
  const due = Number(r.rows[0].due),
    received = Number(r.rows[0].received);
  return {
    overPayment: {
      cases: Number(c.rows[0].over_cases),
      foundFen: Number(c.rows[0].over_found),
      confirmedFen: Number(c.rows[0].over_confirmed),
      pendingCases: Number(c.rows[0].pending),
    },
    recovery: { dueFen: due, recoveredFen: received, rate: due ? received / due : null },
  };
}
