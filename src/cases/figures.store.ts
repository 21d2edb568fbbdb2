// Dashboard figures of cross-checks and recovery: over-payments found (open or confirmed, not 误报),
// recovered (yuan and rate of what is due).
import { sql, type Kysely } from 'kysely';
import type { SessionUser } from '../auth/index.ts';

export async function caseFigures(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>) {
  const scoped = user.regionCode.length > 6 ? sql`AND township_code <> '' AND village_code LIKE ${user.regionCode + '%'}` : sql``;
  const c = await sql<any>`SELECT count(*) FILTER (WHERE over_fen > 0 AND verdict IS DISTINCT FROM '误报') AS over_cases,
      COALESCE(sum(over_fen) FILTER (WHERE verdict IS DISTINCT FROM '误报'), 0) AS over_found,
      COALESCE(sum(over_fen) FILTER (WHERE verdict = '违规'), 0) AS over_confirmed,
      count(*) FILTER (WHERE status = '待核实') AS pending
    FROM cases WHERE county_code = ${countyCode} ${scoped}`.execute(db);
  const r = await sql<any>`SELECT COALESCE(sum(due_fen), 0) AS due, COALESCE(sum(received_fen), 0) AS received FROM recovery_items WHERE county_code = ${countyCode} ${scoped}`.execute(db);
  const due = Number(r.rows[0].due), received = Number(r.rows[0].received);
  return {
    overPayment: { cases: Number(c.rows[0].over_cases), foundFen: Number(c.rows[0].over_found), confirmedFen: Number(c.rows[0].over_confirmed), pendingCases: Number(c.rows[0].pending) },
    recovery: { dueFen: due, recoveredFen: received, rate: due ? received / due : null },
  };
}
