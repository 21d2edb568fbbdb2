// SQL of monitored households, members, risks, measures and the monitoring line. No workflow
// here: the service decides, these functions read and write.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { Category, IdentifiedHow, MeasureType, RiskState, RiskType } from './codes.ts';
import type { Drill } from './figures.ts';

export interface HouseholdRow {
  id: number;
  villageCode: string;
  townshipCode: string;
  headName: string;
  category: Category;
  identifiedOn: string;
  identifiedHow: IdentifiedHow;
  status: 'monitoring' | 'removed';
  removedOn: string | null;
  incomeYear: number | null;
  incomeFen: number | null;
  responsibleName: string;
  responsiblePhone: string;
  address: string;
  sourceAlertId: number | null;
  enteredBy: number;
  enteredAt: string;
}
export interface MemberRow {
  id: number;
  householdId: number;
  name: string;
  idNumber: string;
  idNumberRaw: string;
  idValid: boolean;
  relation: string;
  phone: string;
  healthNote: string;
}
export interface RiskRow {
  id: number;
  householdId: number;
  riskType: RiskType;
  state: RiskState;
  identifiedOn: string;
  note: string;
  sourceAlertId: number | null;
  enteredBy: number;
  enteredAt: string;
  removalDate: string | null;
  removalConditions: string[];
  removalNote: string;
  removalIncomeFen: number | null;
  removalLineFen: number | null;
  requestedBy: number | null;
  requestedAt: string | null;
  townshipBy: number | null;
  townshipAt: string | null;
  countyBy: number | null;
  countyAt: string | null;
  returnedNote: string;
}
export interface MeasureRow {
  id: number;
  householdId: number;
  riskId: number | null;
  measureType: MeasureType;
  description: string;
  startOn: string;
  endOn: string | null;
  amountFen: number;
  enteredBy: number;
  enteredAt: string;
}

const HH = sql`h.id::int AS id, h.village_code AS "villageCode", h.township_code AS "townshipCode", h.head_name AS "headName", h.category,
  h.identified_on::text AS "identifiedOn", h.identified_how AS "identifiedHow", h.status, h.removed_on::text AS "removedOn",
  h.income_year AS "incomeYear", h.income_fen AS "incomeFen", h.responsible_name AS "responsibleName", h.responsible_phone AS "responsiblePhone",
  h.address, h.source_alert_id AS "sourceAlertId", h.entered_by AS "enteredBy", h.entered_at::text AS "enteredAt"`;
const RISK = sql`id::int AS id, household_id::int AS "householdId", risk_type AS "riskType", state, identified_on::text AS "identifiedOn", note,
  source_alert_id AS "sourceAlertId", entered_by AS "enteredBy", entered_at::text AS "enteredAt", removal_date::text AS "removalDate",
  removal_conditions AS "removalConditions", removal_note AS "removalNote", removal_income_fen AS "removalIncomeFen", removal_line_fen AS "removalLineFen",
  requested_by AS "requestedBy", requested_at::text AS "requestedAt", township_by AS "townshipBy", township_at::text AS "townshipAt",
  county_by AS "countyBy", county_at::text AS "countyAt", returned_note AS "returnedNote"`;

export interface NewHousehold {
  villageCode: string;
  headName: string;
  category: Category;
  identifiedOn: string;
  identifiedHow: IdentifiedHow;
  responsibleName: string;
  responsiblePhone: string;
  address: string;
  sourceAlertId?: number | null;
  incomeYear?: number | null;
  incomeFen?: number | null;
}
export interface NewMember {
  name: string;
  idNumber: string;
  idNumberRaw: string;
  idValid: boolean;
  relation: string;
  phone: string;
  healthNote: string;
}

export async function insertHousehold(db: Kysely<Tables>, county: string, h: NewHousehold, by: number): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO monitored_households (county_code, village_code, township_code, head_name, category, identified_on,
      identified_how, responsible_name, responsible_phone, address, source_alert_id, income_year, income_fen, entered_by)
    VALUES (${county}, ${h.villageCode}, ${h.villageCode.slice(0, 9)}, ${h.headName}, ${h.category}, ${h.identifiedOn}::date, ${h.identifiedHow},
      ${h.responsibleName}, ${h.responsiblePhone}, ${h.address}, ${h.sourceAlertId ?? null}, ${h.incomeYear ?? null}, ${h.incomeFen ?? null}, ${by})
    RETURNING id::int AS id`.execute(db);
  return r.rows[0].id;
}

export async function insertMembers(db: Kysely<Tables>, county: string, householdId: number, members: NewMember[]): Promise<void> {
  for (const m of members) {
    await sql`INSERT INTO monitored_members (county_code, household_id, name, id_number, id_number_raw, id_valid, relation, phone, health_note)
      VALUES (${county}, ${householdId}, ${m.name}, ${m.idNumber}, ${m.idNumberRaw}, ${m.idValid}, ${m.relation}, ${m.phone}, ${m.healthNote})`.execute(db);
  }
}

export async function getHouseholdRow(db: Kysely<Tables>, county: string, id: number, lock = false): Promise<HouseholdRow | null> {
  const r =
    await sql<HouseholdRow>`SELECT ${HH} FROM monitored_households h WHERE h.county_code = ${county} AND h.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(
      db,
    );
  return r.rows[0] ?? null;
}

export async function membersOf(db: Kysely<Tables>, county: string, householdIds: number[]): Promise<MemberRow[]> {
  if (!householdIds.length) return [];
  const r = await sql<MemberRow>`SELECT id::int AS id, household_id::int AS "householdId", name, id_number AS "idNumber", id_number_raw AS "idNumberRaw",
      id_valid AS "idValid", relation, phone, health_note AS "healthNote"
    FROM monitored_members WHERE county_code = ${county} AND household_id = ANY(${householdIds}::bigint[]) ORDER BY household_id, (relation <> '户主'), id`.execute(
    db,
  );
  return r.rows;
}

/** Monitored members holding these IDs (a person monitored in another household is refused). */
export async function membersByIdNumbers(db: Kysely<Tables>, county: string, ids: string[]): Promise<MemberRow[]> {
  if (!ids.length) return [];
  const r =
    await sql<MemberRow>`SELECT m.id::int AS id, m.household_id::int AS "householdId", m.name, m.id_number AS "idNumber", m.id_number_raw AS "idNumberRaw",
      m.id_valid AS "idValid", m.relation, m.phone, m.health_note AS "healthNote"
    FROM monitored_members m WHERE m.county_code = ${county} AND m.id_number = ANY(${ids}::text[])`.execute(db);
  return r.rows;
}

export async function risksOf(db: Kysely<Tables>, county: string, householdIds: number[]): Promise<RiskRow[]> {
  if (!householdIds.length) return [];
  const r =
    await sql<RiskRow>`SELECT ${RISK} FROM monitored_risks WHERE county_code = ${county} AND household_id = ANY(${householdIds}::bigint[]) ORDER BY household_id, id`.execute(
      db,
    );
  return r.rows;
}

export async function getRiskRow(db: Kysely<Tables>, county: string, id: number, lock = false): Promise<RiskRow | null> {
  const r = await sql<RiskRow>`SELECT ${RISK} FROM monitored_risks WHERE county_code = ${county} AND id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return r.rows[0] ?? null;
}

export async function insertRisk(
  db: Kysely<Tables>,
  county: string,
  householdId: number,
  r: { riskType: RiskType; identifiedOn: string; note: string; sourceAlertId?: number | null },
  by: number,
): Promise<number> {
  const x = await sql<{ id: number }>`INSERT INTO monitored_risks (county_code, household_id, risk_type, identified_on, note, source_alert_id, entered_by)
    VALUES (${county}, ${householdId}, ${r.riskType}, ${r.identifiedOn}::date, ${r.note}, ${r.sourceAlertId ?? null}, ${by}) RETURNING id::int AS id`.execute(
    db,
  );
  return x.rows[0].id;
}

export async function saveRemovalRequest(
  db: Kysely<Tables>,
  county: string,
  id: number,
  v: { removalDate: string; conditions: string[]; note: string; incomeFen: number; lineFen: number },
  by: number,
): Promise<void> {
  await sql`UPDATE monitored_risks SET state = 'pending_township', removal_date = ${v.removalDate}::date, removal_conditions = ${v.conditions}::text[],
      removal_note = ${v.note}, removal_income_fen = ${v.incomeFen}, removal_line_fen = ${v.lineFen}, requested_by = ${by}, requested_at = now(),
      township_by = NULL, township_at = NULL, county_by = NULL, county_at = NULL, returned_note = ''
    WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

export async function saveTownshipApproval(db: Kysely<Tables>, county: string, id: number, by: number): Promise<void> {
  await sql`UPDATE monitored_risks SET state = 'pending_county', township_by = ${by}, township_at = now() WHERE county_code = ${county} AND id = ${id}`.execute(
    db,
  );
}

export async function saveCountyApproval(db: Kysely<Tables>, county: string, id: number, by: number): Promise<void> {
  await sql`UPDATE monitored_risks SET state = 'removed', county_by = ${by}, county_at = now() WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

/** Back to active: the request's fields are cleared (the audit log keeps them). */
export async function saveReturn(db: Kysely<Tables>, county: string, id: number, note: string): Promise<void> {
  await sql`UPDATE monitored_risks SET state = 'active', removal_date = NULL, removal_conditions = '{}', removal_note = '', removal_income_fen = NULL,
      removal_line_fen = NULL, requested_by = NULL, requested_at = NULL, township_by = NULL, township_at = NULL, returned_note = ${note}
    WHERE county_code = ${county} AND id = ${id}`.execute(db);
}

export async function setHouseholdStatus(
  db: Kysely<Tables>,
  county: string,
  id: number,
  status: 'monitoring' | 'removed',
  removedOn: string | null,
): Promise<void> {
  await sql`UPDATE monitored_households SET status = ${status}, removed_on = ${removedOn}::date, updated_at = now() WHERE county_code = ${county} AND id = ${id}`.execute(
    db,
  );
}

export async function setIncome(db: Kysely<Tables>, county: string, id: number, year: number, fen: number): Promise<void> {
  await sql`UPDATE monitored_households SET income_year = ${year}, income_fen = ${fen}, updated_at = now() WHERE county_code = ${county} AND id = ${id}`.execute(
    db,
  );
}

export async function insertMeasure(
  db: Kysely<Tables>,
  county: string,
  householdId: number,
  m: { riskId: number | null; measureType: MeasureType; description: string; startOn: string; endOn: string | null; amountFen: number },
  by: number,
): Promise<number> {
  const r = await sql<{
    id: number;
  }>`INSERT INTO assistance_measures (county_code, household_id, risk_id, measure_type, description, start_on, end_on, amount_fen, entered_by)
    VALUES (${county}, ${householdId}, ${m.riskId}, ${m.measureType}, ${m.description}, ${m.startOn}::date, ${m.endOn}::date, ${m.amountFen}, ${by}) RETURNING id::int AS id`.execute(
    db,
  );
  return r.rows[0].id;
}

export async function measuresOf(db: Kysely<Tables>, county: string, householdId: number): Promise<MeasureRow[]> {
  const r =
    await sql<MeasureRow>`SELECT id::int AS id, household_id::int AS "householdId", risk_id::int AS "riskId", measure_type AS "measureType", description,
      start_on::text AS "startOn", end_on::text AS "endOn", amount_fen AS "amountFen", entered_by AS "enteredBy", entered_at::text AS "enteredAt"
    FROM assistance_measures WHERE county_code = ${county} AND household_id = ${householdId} ORDER BY start_on, id`.execute(db);
  return r.rows;
}

/** The counties set up in the database, in code order. */
export async function countyCodes(db: Kysely<Tables>): Promise<string[]> {
  return (await sql<{ code: string }>`SELECT code FROM counties ORDER BY code`.execute(db)).rows.map((r) => r.code);
}

/** Every monitored member's ID number and name, in entry order (the demo draws alerts from them). */
export async function memberIdsAndNames(db: Kysely<Tables>, county: string): Promise<{ id_number: string; name: string }[]> {
  return (await sql<{ id_number: string; name: string }>`SELECT id_number, name FROM monitored_members WHERE county_code = ${county} ORDER BY id`.execute(db))
    .rows;
}

export async function monitoringLines(db: Kysely<Tables>, county: string): Promise<Map<number, number>> {
  const r = await sql<{ year: number; line_fen: number }>`SELECT year, line_fen FROM monitoring_lines WHERE county_code = ${county} ORDER BY year`.execute(db);
  return new Map(r.rows.map((x) => [Number(x.year), Number(x.line_fen)]));
}

export async function saveMonitoringLine(db: Kysely<Tables>, county: string, year: number, fen: number, by: number): Promise<number | null> {
  const old = await sql<{ line_fen: number }>`SELECT line_fen FROM monitoring_lines WHERE county_code = ${county} AND year = ${year} FOR UPDATE`.execute(db);
  await sql`INSERT INTO monitoring_lines (county_code, year, line_fen, set_by) VALUES (${county}, ${year}, ${fen}, ${by})
    ON CONFLICT (county_code, year) DO UPDATE SET line_fen = EXCLUDED.line_fen, set_by = EXCLUDED.set_by, set_at = now()`.execute(db);
  return old.rows[0] ? Number(old.rows[0].line_fen) : null;
}

/** The list's conditions (figures.ts `inDrill` in SQL) plus a name / ID search and the viewer's region. */
function listWhere(county: string, scope: string, d: Drill & { q?: string; q_id?: string }) {
  const c = [sql`h.county_code = ${county}`, sql`h.village_code LIKE ${scope + '%'}`];
  if (d.status) c.push(sql`h.status = ${d.status}`);
  if (d.category) c.push(sql`h.category = ${d.category}`);
  if (d.riskType)
    c.push(
      sql`EXISTS (SELECT 1 FROM monitored_risks r WHERE r.county_code = h.county_code AND r.household_id = h.id AND r.risk_type = ${d.riskType} AND r.state <> 'removed')`,
    );
  if (d.region) c.push(sql`h.village_code LIKE ${d.region + '%'}`);
  if (d.identifiedFrom) c.push(sql`h.identified_on >= ${d.identifiedFrom}::date`);
  if (d.identifiedTo) c.push(sql`h.identified_on <= ${d.identifiedTo}::date`);
  if (d.removedFrom) c.push(sql`h.removed_on >= ${d.removedFrom}::date`);
  if (d.removedTo) c.push(sql`h.removed_on <= ${d.removedTo}::date`);
  if (d.q)
    c.push(sql`(h.head_name LIKE ${'%' + d.q + '%'} OR EXISTS (SELECT 1 FROM monitored_members m WHERE m.county_code = h.county_code AND m.household_id = h.id
    AND (m.name LIKE ${'%' + d.q + '%'} OR m.id_number = ${d.q_id ?? d.q})))`);
  return sql.join(c, sql` AND `);
}

export interface ListedHousehold extends HouseholdRow {
  people: number;
  riskTypes: RiskType[];
  openRisks: RiskType[];
  pendingRemovals: number;
}

export async function listHouseholds(
  db: Kysely<Tables>,
  county: string,
  scope: string,
  d: Drill & { q?: string; q_id?: string },
  offset: number,
  limit: number,
): Promise<{ total: number; people: number; rows: ListedHousehold[] }> {
  const where = listWhere(county, scope, d);
  const [count, rows] = await Promise.all([
    sql<{
      n: number;
      people: number;
    }>`SELECT count(*)::int AS n, COALESCE(sum((SELECT count(*) FROM monitored_members m WHERE m.county_code = h.county_code AND m.household_id = h.id)), 0)::int AS people
      FROM monitored_households h WHERE ${where}`.execute(db),
    sql<ListedHousehold>`SELECT ${HH},
        (SELECT count(*)::int FROM monitored_members m WHERE m.county_code = h.county_code AND m.household_id = h.id) AS people,
        COALESCE((SELECT array_agg(DISTINCT r.risk_type) FROM monitored_risks r WHERE r.county_code = h.county_code AND r.household_id = h.id), '{}') AS "riskTypes",
        COALESCE((SELECT array_agg(DISTINCT r.risk_type) FROM monitored_risks r WHERE r.county_code = h.county_code AND r.household_id = h.id AND r.state <> 'removed'), '{}') AS "openRisks",
        (SELECT count(*)::int FROM monitored_risks r WHERE r.county_code = h.county_code AND r.household_id = h.id AND r.state IN ('pending_township', 'pending_county')) AS "pendingRemovals"
      FROM monitored_households h WHERE ${where} ORDER BY h.village_code, h.id LIMIT ${limit} OFFSET ${offset}`.execute(db),
  ]);
  return { total: count.rows[0].n, people: count.rows[0].people, rows: rows.rows };
}

/** Everything figures.ts needs, for the viewer's region. */
export interface FigureHouseholdRow {
  id: number;
  townshipCode: string;
  villageCode: string;
  category: Category;
  status: 'monitoring' | 'removed';
  identifiedOn: string;
  removedOn: string | null;
  people: number;
}
export interface FigureRiskRow {
  householdId: number;
  riskType: RiskType;
  state: RiskState;
  identifiedOn: string;
  removalDate: string | null;
}
export async function figureRows(db: Kysely<Tables>, county: string, scope: string): Promise<{ households: FigureHouseholdRow[]; risks: FigureRiskRow[] }> {
  const [h, r] = await Promise.all([
    sql<FigureHouseholdRow>`SELECT h.id::int AS id, h.township_code AS "townshipCode", h.village_code AS "villageCode", h.category, h.status, h.identified_on::text AS "identifiedOn",
        h.removed_on::text AS "removedOn", (SELECT count(*)::int FROM monitored_members m WHERE m.county_code = h.county_code AND m.household_id = h.id) AS people
      FROM monitored_households h WHERE h.county_code = ${county} AND h.village_code LIKE ${scope + '%'}`.execute(db),
    sql<FigureRiskRow>`SELECT r.household_id::int AS "householdId", r.risk_type AS "riskType", r.state, r.identified_on::text AS "identifiedOn", r.removal_date::text AS "removalDate"
      FROM monitored_risks r JOIN monitored_households h ON h.county_code = r.county_code AND h.id = r.household_id
      WHERE r.county_code = ${county} AND h.village_code LIKE ${scope + '%'}`.execute(db),
  ]);
  return { households: h.rows, risks: r.rows };
}

/** Pending removals for a reviewer: the township's queue or the county's. */
export type PendingRemoval = Pick<
  RiskRow,
  | 'id'
  | 'householdId'
  | 'riskType'
  | 'state'
  | 'identifiedOn'
  | 'removalDate'
  | 'removalConditions'
  | 'removalNote'
  | 'requestedBy'
  | 'requestedAt'
  | 'townshipBy'
> & { headName: string; villageCode: string };
export async function pendingRemovals(
  db: Kysely<Tables>,
  county: string,
  scope: string,
  state: 'pending_township' | 'pending_county',
): Promise<PendingRemoval[]> {
  const r =
    await sql<PendingRemoval>`SELECT r.id::int AS id, r.household_id::int AS "householdId", r.risk_type AS "riskType", r.state, r.identified_on::text AS "identifiedOn",
      r.removal_date::text AS "removalDate", r.removal_conditions AS "removalConditions", r.removal_note AS "removalNote", r.requested_by AS "requestedBy",
      r.requested_at::text AS "requestedAt", r.township_by AS "townshipBy", h.head_name AS "headName", h.village_code AS "villageCode"
    FROM monitored_risks r JOIN monitored_households h ON h.county_code = r.county_code AND h.id = r.household_id
    WHERE r.county_code = ${county} AND r.state = ${state} AND h.village_code LIKE ${scope + '%'} ORDER BY r.requested_at, r.id`.execute(db);
  return r.rows;
}

/** Monitored members with their household's open risks, for alert matching (streamed in one query: a county holds tens of thousands). */
export interface MonitoredPerson {
  idNumber: string;
  name: string;
  householdId: number;
  villageCode: string;
  openRisks: RiskType[];
}
export async function monitoredPopulation(db: Kysely<Tables>, county: string): Promise<MonitoredPerson[]> {
  const r = await sql<MonitoredPerson>`SELECT m.id_number AS "idNumber", m.name, h.id::int AS "householdId", h.village_code AS "villageCode",
      COALESCE((SELECT array_agg(DISTINCT r.risk_type) FROM monitored_risks r WHERE r.county_code = h.county_code AND r.household_id = h.id AND r.state <> 'removed'), '{}') AS "openRisks"
    FROM monitored_members m JOIN monitored_households h ON h.county_code = m.county_code AND h.id = m.household_id
    WHERE m.county_code = ${county} AND m.id_valid`.execute(db);
  return r.rows;
}
