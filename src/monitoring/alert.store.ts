// SQL of department alerts: imported files, their rejected rows, the alerts and decisions.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { AlertSource, AlertStatus, MatchKind } from './codes.ts';
import type { AlertProblem } from './alerts.ts';

export interface ImportRow {
  id: number;
  source: AlertSource;
  filename: string;
  sha256: string;
  rows: number;
  accepted: number;
  rejected: number;
  importedBy: number;
  importedAt: string;
}
export interface AlertDbRow {
  id: number;
  importId: number;
  rowNumber: number;
  source: AlertSource;
  alertType: string;
  idNumber: string;
  name: string;
  amountFen: number | null;
  note: string;
  alertDate: string | null;
  villageCode: string;
  matchKind: MatchKind;
  monitoredHouseholdId: number | null;
  supportHouseholdNo: string | null;
  evidence: string;
  status: AlertStatus;
  decisionReason: string;
  decidedBy: number | null;
  decidedAt: string | null;
}
export interface NewAlert {
  rowNumber: number;
  source: AlertSource;
  alertType: string;
  idNumber: string;
  name: string;
  amountFen: number | null;
  note: string;
  alertDate: string | null;
  villageCode: string;
  matchKind: MatchKind;
  monitoredHouseholdId: number | null;
  supportHouseholdNo: string | null;
  evidence: string;
}

const IMPORT = sql`id::int AS id, source, filename, sha256, rows, accepted, rejected, imported_by AS "importedBy", imported_at::text AS "importedAt"`;
const ALERT = sql`a.id::int AS id, a.import_id::int AS "importId", a.row_number AS "rowNumber", a.source, a.alert_type AS "alertType", a.id_number AS "idNumber", a.name,
  a.amount_fen AS "amountFen", a.note, a.alert_date::text AS "alertDate", a.village_code AS "villageCode", a.match_kind AS "matchKind",
  a.monitored_household_id::int AS "monitoredHouseholdId", a.support_household_no AS "supportHouseholdNo", a.evidence, a.status,
  a.decision_reason AS "decisionReason", a.decided_by AS "decidedBy", a.decided_at::text AS "decidedAt"`;

export async function importBySha(db: Kysely<Tables>, county: string, sha256: string): Promise<ImportRow | null> {
  return (await sql<ImportRow>`SELECT ${IMPORT} FROM alert_imports WHERE county_code = ${county} AND sha256 = ${sha256}`.execute(db)).rows[0] ?? null;
}

export async function insertImport(db: Kysely<Tables>, county: string, i: Omit<ImportRow, 'id' | 'importedAt'>): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO alert_imports (county_code, source, filename, sha256, rows, accepted, rejected, imported_by)
    VALUES (${county}, ${i.source}, ${i.filename}, ${i.sha256}, ${i.rows}, ${i.accepted}, ${i.rejected}, ${i.importedBy}) RETURNING id::int AS id`.execute(db);
  return r.rows[0].id;
}

/** Rejected rows; several problems of one row and column are joined into one reason. */
export async function insertImportProblems(db: Kysely<Tables>, county: string, importId: number, problems: AlertProblem[]): Promise<void> {
  const merged = new Map<string, AlertProblem>();
  for (const p of problems) {
    const k = `${p.rowNumber}|${p.column}`;
    const had = merged.get(k);
    merged.set(k, had ? { ...had, reason: `${had.reason}；${p.reason}` } : p);
  }
  const list = [...merged.values()];
  for (let i = 0; i < list.length; i += 1000) {
    const part = list.slice(i, i + 1000);
    await sql`INSERT INTO alert_import_problems (county_code, import_id, row_number, column_name, reason)
      SELECT ${county}, ${importId}, t.r, t.c, t.why FROM unnest(${part.map((p) => p.rowNumber)}::int[], ${part.map((p) => p.column)}::text[], ${part.map((p) => p.reason)}::text[]) AS t(r, c, why)`.execute(
      db,
    );
  }
}

export async function insertAlerts(db: Kysely<Tables>, county: string, importId: number, alerts: NewAlert[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += 2000) {
    const p = alerts.slice(i, i + 2000);
    await sql`INSERT INTO alerts (county_code, import_id, row_number, source, alert_type, id_number, name, amount_fen, note, alert_date, village_code, match_kind,
        monitored_household_id, support_household_no, evidence)
      SELECT ${county}, ${importId}, t.rn, t.src, t.typ, t.idn, t.nm, t.amt, t.nt, t.dt, t.vc, t.mk, t.mh, t.sh, t.ev
      FROM unnest(${p.map((a) => a.rowNumber)}::int[], ${p.map((a) => a.source)}::text[], ${p.map((a) => a.alertType)}::text[], ${p.map((a) => a.idNumber)}::text[],
        ${p.map((a) => a.name)}::text[], ${p.map((a) => a.amountFen)}::bigint[], ${p.map((a) => a.note)}::text[], ${p.map((a) => a.alertDate)}::date[],
        ${p.map((a) => a.villageCode)}::text[], ${p.map((a) => a.matchKind)}::text[], ${p.map((a) => a.monitoredHouseholdId)}::bigint[],
        ${p.map((a) => a.supportHouseholdNo)}::text[], ${p.map((a) => a.evidence)}::text[]) AS t(rn, src, typ, idn, nm, amt, nt, dt, vc, mk, mh, sh, ev)`.execute(
      db,
    );
  }
}

export async function listImports(db: Kysely<Tables>, county: string): Promise<ImportRow[]> {
  return (await sql<ImportRow>`SELECT ${IMPORT} FROM alert_imports WHERE county_code = ${county} ORDER BY id DESC LIMIT 200`.execute(db)).rows;
}

export async function getImport(db: Kysely<Tables>, county: string, id: number): Promise<ImportRow | null> {
  return (await sql<ImportRow>`SELECT ${IMPORT} FROM alert_imports WHERE county_code = ${county} AND id = ${id}`.execute(db)).rows[0] ?? null;
}

export async function importProblems(db: Kysely<Tables>, county: string, importId: number): Promise<AlertProblem[]> {
  const r = await sql<AlertProblem>`SELECT row_number AS "rowNumber", column_name AS column, reason FROM alert_import_problems
    WHERE county_code = ${county} AND import_id = ${importId} ORDER BY row_number, column_name`.execute(db);
  return r.rows;
}

/**
 * The inbox. A township officer sees alerts of households in the township; alerts about
 * nobody known (no village) are the county's.
 */
export async function listAlerts(
  db: Kysely<Tables>,
  county: string,
  scope: string,
  f: { status?: AlertStatus; matchKind?: MatchKind; source?: AlertSource; importId?: number },
  offset: number,
  limit: number,
): Promise<{ total: number; rows: AlertDbRow[] }> {
  const c = [sql`a.county_code = ${county}`];
  if (scope.length > 6) c.push(sql`a.village_code LIKE ${scope + '%'}`);
  if (f.status) c.push(sql`a.status = ${f.status}`);
  if (f.matchKind) c.push(sql`a.match_kind = ${f.matchKind}`);
  if (f.source) c.push(sql`a.source = ${f.source}`);
  if (f.importId) c.push(sql`a.import_id = ${f.importId}`);
  const where = sql.join(c, sql` AND `);
  const [n, rows] = await Promise.all([
    sql<{ n: number }>`SELECT count(*)::int AS n FROM alerts a WHERE ${where}`.execute(db),
    sql<AlertDbRow>`SELECT ${ALERT} FROM alerts a WHERE ${where} ORDER BY (a.match_kind = 'none'), a.match_kind, a.alert_date DESC NULLS LAST, a.id LIMIT ${limit} OFFSET ${offset}`.execute(
      db,
    ),
  ]);
  return { total: n.rows[0].n, rows: rows.rows };
}

export async function getAlert(db: Kysely<Tables>, county: string, id: number, lock = false): Promise<AlertDbRow | null> {
  return (
    (await sql<AlertDbRow>`SELECT ${ALERT} FROM alerts a WHERE a.county_code = ${county} AND a.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db))
      .rows[0] ?? null
  );
}

export async function alertsOfHousehold(db: Kysely<Tables>, county: string, householdId: number): Promise<AlertDbRow[]> {
  return (
    await sql<AlertDbRow>`SELECT ${ALERT} FROM alerts a WHERE a.county_code = ${county} AND a.monitored_household_id = ${householdId} ORDER BY a.alert_date NULLS LAST, a.id`.execute(
      db,
    )
  ).rows;
}

export async function saveDecision(
  db: Kysely<Tables>,
  county: string,
  id: number,
  d: { status: 'included' | 'excluded'; reason: string; householdId: number | null; villageCode: string },
  by: number,
): Promise<void> {
  await sql`UPDATE alerts SET status = ${d.status}, decision_reason = ${d.reason}, decided_by = ${by}, decided_at = now(),
      monitored_household_id = COALESCE(${d.householdId}::bigint, monitored_household_id), village_code = CASE WHEN village_code = '' THEN ${d.villageCode} ELSE village_code END
    WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

export async function alertCounts(db: Kysely<Tables>, county: string, scope: string): Promise<{ status: AlertStatus; matchKind: MatchKind; n: number }[]> {
  const r = await sql<{ status: AlertStatus; matchKind: MatchKind; n: number }>`SELECT status, match_kind AS "matchKind", count(*)::int AS n FROM alerts a
    WHERE a.county_code = ${county} ${scope.length > 6 ? sql`AND a.village_code LIKE ${scope + '%'}` : sql``}
    GROUP BY status, match_kind`.execute(db);
  return r.rows;
}
