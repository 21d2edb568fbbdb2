// SQL of the project life cycle: reading a project with its history, and writing stages,
// documents, progress, plans, the task decomposition and 整改 items. No workflow here: the
// service (projects.service.ts) decides what may be written, in one transaction per change.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Selectable } from 'kysely';
import type { ProjectProfilesTable, Tables } from '../shared/db/tables.ts';
import type { Stage, LibraryData, RectificationInput } from './project-lifecycle.ts';

type Db = Kysely<Tables>;

const ts = (col: string) => sql.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

export interface ProjectRow {
  projectNo: string;
  name: string;
  year: number;
  villageCode: string;
  townshipCode: string;
  villageName: string;
  townshipName: string;
  category: string;
  plannedFen: number;
  unit: string | null;
  supervisingUnit: string | null;
  leader: string | null;
  startedOn: string | null;
  completedOn: string | null;
  acceptedOn: string | null;
  passed: { stage: Stage; date: string }[];
  pending: { id: number; stage: Stage; date: string; enteredBy: number } | null;
  plans: Record<string, string>;
  lastProgress: { month: string; percent: number; reportedOn: string } | null;
  openRectifications: number;
}

/** Filters the store applies in SQL; overdue / stalled are judged by the service. */
export interface ProjectFilter {
  region: string;
  unit?: string | null;
  township?: string;
  category?: string;
  year?: number;
  q?: string;
  projectNo?: string;
}

function where(county: string, f: ProjectFilter): RawBuilder<unknown> {
  return sql`p.county_code = ${county} AND p.village_code LIKE ${f.region.length > 6 ? f.region + '%' : '%'}
    ${f.unit ? sql`AND (p.unit = ${f.unit} OR pr.supervising_unit = ${f.unit})` : sql``}
    ${f.township ? sql`AND p.township_code = ${f.township}` : sql``}
    ${f.category ? sql`AND p.category = ${f.category}` : sql``}
    ${f.year ? sql`AND p.year = ${f.year}` : sql``}
    ${f.q ? sql`AND (p.name LIKE ${'%' + f.q + '%'} OR p.project_no LIKE ${'%' + f.q + '%'})` : sql``}
    ${f.projectNo ? sql`AND p.project_no = ${f.projectNo}` : sql``}`;
}

/** Projects with what the life cycle needs to judge them, ordered by township and number. */
export async function selectProjects(db: Db, county: string, f: ProjectFilter, forUpdate = false): Promise<ProjectRow[]> {
  if (forUpdate && f.projectNo) {
    // one change to a project at a time: the ledger row is the lock
    await sql`SELECT 1 FROM fund_projects WHERE county_code = ${county} AND project_no = ${f.projectNo} FOR UPDATE`.execute(db);
  }
  // per-project aggregates once per table (grouped), not one subquery per project: the county list reads 2 000 projects
  const prefix = f.township ?? (f.region.length > 6 ? f.region : null);
  const only = f.projectNo
    ? sql`AND project_no = ${f.projectNo}`
    : prefix
      ? sql`AND project_no IN (SELECT project_no FROM fund_projects WHERE county_code = ${county} AND village_code LIKE ${prefix + '%'})`
      : sql``;
  const r = await sql<{
    project_no: string;
    name: string;
    year: number;
    village_code: string;
    township_code: string;
    category: string;
    planned_fen: number | string;
    unit: string | null;
    started_on: string | null;
    completed_on: string | null;
    accepted_on: string | null;
    supervising_unit: string | null;
    leader: string | null;
    village_name: string;
    township_name: string;
    passed: ProjectRow['passed'];
    pending: { id: number | string; stage: Stage; date: string; enteredBy: number | string } | null;
    plans: Record<string, string>;
    last_progress: ProjectRow['lastProgress'];
    open_rect: number;
  }>`
    WITH st AS (
      SELECT project_no,
        jsonb_agg(jsonb_build_object('stage', stage, 'date', stage_date::text) ORDER BY id) FILTER (WHERE status = 'approved') AS passed,
        (array_agg(jsonb_build_object('id', id, 'stage', stage, 'date', stage_date::text, 'enteredBy', entered_by)) FILTER (WHERE status = 'pending'))[1] AS pending
      FROM project_stages WHERE county_code = ${county} ${only} GROUP BY project_no),
    pl AS (SELECT project_no, jsonb_object_agg(stage, planned_on::text) AS plans FROM project_plans WHERE county_code = ${county} ${only} GROUP BY project_no),
    pg AS (SELECT DISTINCT ON (project_no) project_no, jsonb_build_object('month', month, 'percent', percent, 'reportedOn', reported_on::text) AS last_progress
      FROM project_progress WHERE county_code = ${county} ${only} ORDER BY project_no, month DESC),
    rc AS (SELECT project_no, count(*)::int AS n FROM project_rectifications WHERE county_code = ${county} AND closed_on IS NULL ${only} GROUP BY project_no)
    SELECT p.project_no, p.name, p.year, p.village_code, p.township_code, p.category, p.planned_fen, p.unit,
      p.started_on::text AS started_on, p.completed_on::text AS completed_on, p.accepted_on::text AS accepted_on,
      pr.supervising_unit, pr.leader, coalesce(v.name, '') AS village_name, coalesce(t.name, '') AS township_name,
      coalesce(st.passed, '[]'::jsonb) AS passed, st.pending, coalesce(pl.plans, '{}'::jsonb) AS plans, pg.last_progress, coalesce(rc.n, 0) AS open_rect
    FROM fund_projects p
    LEFT JOIN project_profiles pr ON pr.county_code = p.county_code AND pr.project_no = p.project_no
    LEFT JOIN regions v ON v.code = p.village_code
    LEFT JOIN regions t ON t.code = p.township_code
    LEFT JOIN st ON st.project_no = p.project_no
    LEFT JOIN pl ON pl.project_no = p.project_no
    LEFT JOIN pg ON pg.project_no = p.project_no
    LEFT JOIN rc ON rc.project_no = p.project_no
    WHERE ${where(county, f)}
    ORDER BY p.township_code, p.project_no`.execute(db);
  return r.rows.map((x) => ({
    projectNo: x.project_no,
    name: x.name,
    year: Number(x.year),
    villageCode: x.village_code,
    townshipCode: x.township_code,
    villageName: x.village_name,
    townshipName: x.township_name,
    category: x.category,
    plannedFen: Number(x.planned_fen),
    unit: x.unit,
    supervisingUnit: x.supervising_unit ?? null,
    leader: x.leader ?? null,
    startedOn: x.started_on,
    completedOn: x.completed_on,
    acceptedOn: x.accepted_on,
    passed: x.passed,
    pending: x.pending ? { ...x.pending, id: Number(x.pending.id), enteredBy: Number(x.pending.enteredBy) } : null,
    plans: x.plans,
    lastProgress: x.last_progress,
    openRectifications: Number(x.open_rect),
  }));
}

export async function selectProfile(db: Db, county: string, projectNo: string) {
  const r = await sql<Selectable<ProjectProfilesTable>>`SELECT * FROM project_profiles WHERE county_code = ${county} AND project_no = ${projectNo}`.execute(db);
  const x = r.rows[0];
  if (!x || x.households === null) return null;
  const n = (v: unknown) => (v === null ? null : Number(v));
  return {
    keyVillage: x.key_village,
    households: n(x.households),
    persons: n(x.persons),
    supportPersons: n(x.support_persons),
    supportFundFen: n(x.support_fund_fen),
    countyMatchFen: n(x.county_match_fen),
    selfRaisedFen: n(x.self_raised_fen),
  };
}

const docCols = sql`d.id, d.kind, d.filename, f.mime, f.size, f.sha256, d.stage_id, d.progress_id, ${ts('d.uploaded_at')} AS uploaded_at,
  coalesce(nullif(u.display_name, ''), u.username, '') AS uploaded_by`;
export interface DocumentRow {
  id: number;
  kind: string;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  stageId: number | null;
  progressId: number | null;
  uploadedAt: string;
  uploadedBy: string;
}
interface DocumentSqlRow {
  id: number | string;
  kind: string;
  filename: string;
  mime: string;
  size: number | string;
  sha256: string;
  stage_id: number | null;
  progress_id: number | null;
  uploaded_at: string;
  uploaded_by: string;
}
const docOf = (x: DocumentSqlRow): DocumentRow => ({
  id: Number(x.id),
  kind: x.kind,
  filename: x.filename,
  mime: x.mime,
  size: Number(x.size),
  sha256: x.sha256,
  stageId: x.stage_id === null ? null : Number(x.stage_id),
  progressId: x.progress_id === null ? null : Number(x.progress_id),
  uploadedAt: x.uploaded_at,
  uploadedBy: x.uploaded_by,
});

export async function selectDocuments(db: Db, county: string, projectNo: string, ids?: number[]): Promise<DocumentRow[]> {
  const r = await sql<DocumentSqlRow>`SELECT ${docCols} FROM project_documents d
    JOIN fund_files f ON f.county_code = d.county_code AND f.id = d.file_id LEFT JOIN users u ON u.id = d.uploaded_by
    WHERE d.county_code = ${county} AND d.project_no = ${projectNo} ${ids ? sql`AND d.id = ANY(${ids}::bigint[])` : sql``} ORDER BY d.id`.execute(db);
  return r.rows.map(docOf);
}

export async function selectDocumentContent(db: Db, county: string, projectNo: string, id: number) {
  const r = await sql<{
    filename: string;
    mime: string;
    content: Uint8Array;
  }>`SELECT d.filename, f.mime, f.content FROM project_documents d JOIN fund_files f ON f.county_code = d.county_code AND f.id = d.file_id
    WHERE d.county_code = ${county} AND d.project_no = ${projectNo} AND d.id = ${id}`.execute(db);
  const x = r.rows[0];
  return x ? { filename: x.filename, mime: x.mime, content: Buffer.from(x.content) } : null;
}

/** Stores the bytes once per hash (fund_files) and files them under the project as `kind`. */
export async function insertDocument(
  db: Db,
  county: string,
  projectNo: string,
  userId: number,
  doc: { kind: string; filename: string; mime: string; content: Buffer },
): Promise<number> {
  const sha = createHash('sha256').update(doc.content).digest('hex');
  await sql`INSERT INTO fund_files (county_code, filename, mime, size, sha256, content, uploaded_by)
    VALUES (${county}, ${doc.filename}, ${doc.mime}, ${doc.content.length}, ${sha}, ${doc.content}, ${userId})
    ON CONFLICT (county_code, sha256) DO NOTHING`.execute(db);
  const f = await sql<{ id: number }>`SELECT id FROM fund_files WHERE county_code = ${county} AND sha256 = ${sha}`.execute(db);
  const r = await sql<{ id: number }>`INSERT INTO project_documents (county_code, project_no, file_id, filename, kind, uploaded_by)
    VALUES (${county}, ${projectNo}, ${f.rows[0].id}, ${doc.filename}, ${doc.kind}, ${userId}) RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}

export async function attachDocuments(db: Db, county: string, ids: number[], to: { stageId?: number; progressId?: number }): Promise<void> {
  if (!ids.length) return;
  await sql`UPDATE project_documents SET stage_id = coalesce(${to.stageId ?? null}::bigint, stage_id), progress_id = coalesce(${to.progressId ?? null}::bigint, progress_id)
    WHERE county_code = ${county} AND id = ANY(${ids}::bigint[])`.execute(db);
}

/** Stage history, oldest first, with who entered and decided. */
export async function selectStages(db: Db, county: string, projectNo: string) {
  const r = await sql<{
    id: number | string;
    stage: Stage;
    status: 'pending' | 'approved' | 'returned';
    date: string;
    data: Record<string, unknown>;
    note: string;
    entered_by: number | string;
    entered_at: string;
    decided_at: string | null;
    decision_note: string;
    entered_name: string;
    decided_name: string | null;
  }>`SELECT s.id, s.stage, s.status, s.stage_date::text AS date, s.data, s.note, s.entered_by, ${ts('s.entered_at')} AS entered_at,
      ${ts('s.decided_at')} AS decided_at, s.decision_note, coalesce(nullif(e.display_name, ''), e.username, '') AS entered_name,
      CASE WHEN s.decided_by IS NULL THEN NULL ELSE coalesce(nullif(a.display_name, ''), a.username, '') END AS decided_name
    FROM project_stages s LEFT JOIN users e ON e.id = s.entered_by LEFT JOIN users a ON a.id = s.decided_by
    WHERE s.county_code = ${county} AND s.project_no = ${projectNo} ORDER BY s.id`.execute(db);
  return r.rows.map((x) => ({
    id: Number(x.id),
    stage: x.stage,
    status: x.status,
    date: x.date,
    data: x.data,
    note: x.note,
    enteredBy: x.entered_name,
    enteredById: Number(x.entered_by),
    enteredAt: x.entered_at,
    decidedBy: x.decided_name,
    decidedAt: x.decided_at,
    decisionNote: x.decision_note,
  }));
}

export async function insertStage(
  db: Db,
  county: string,
  projectNo: string,
  s: { stage: Stage; date: string; data: unknown; note: string; enteredBy: number },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO project_stages (county_code, project_no, stage, stage_date, data, note, entered_by)
    VALUES (${county}, ${projectNo}, ${s.stage}, ${s.date}, ${JSON.stringify(s.data)}::jsonb, ${s.note}, ${s.enteredBy}) RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}

export async function decideStage(db: Db, county: string, id: number, status: 'approved' | 'returned', by: number, note: string): Promise<void> {
  await sql`UPDATE project_stages SET status = ${status}, decided_by = ${by}, decided_at = now(), decision_note = ${note}
    WHERE county_code = ${county} AND id = ${id} AND status = 'pending'`.execute(db);
}

/** What an approved stage writes to the ledger row (开工 / 完工 / 验收 dates, the library's village and category). */
export async function updateLedgerProject(
  db: Db,
  county: string,
  projectNo: string,
  set: { startedOn?: string; completedOn?: string; acceptedOn?: string; villageCode?: string; category?: string },
): Promise<void> {
  await sql`UPDATE fund_projects SET started_on = coalesce(${set.startedOn ?? null}::date, started_on), completed_on = coalesce(${set.completedOn ?? null}::date, completed_on),
    accepted_on = coalesce(${set.acceptedOn ?? null}::date, accepted_on), village_code = coalesce(${set.villageCode ?? null}, village_code),
    category = coalesce(${set.category ?? null}, category), updated_at = now()
    WHERE county_code = ${county} AND project_no = ${projectNo}`.execute(db);
}

export async function insertLedgerProject(
  db: Db,
  county: string,
  p: { projectNo: string; name: string; year: number; villageCode: string; category: string; plannedFen: number; unit: string | null; createdBy: number },
): Promise<boolean> {
  const r = await sql`INSERT INTO fund_projects (county_code, project_no, name, year, village_code, category, planned_fen, unit, created_by)
    VALUES (${county}, ${p.projectNo}, ${p.name}, ${p.year}, ${p.villageCode}, ${p.category}, ${p.plannedFen}, ${p.unit}, ${p.createdBy})
    ON CONFLICT (county_code, project_no) DO NOTHING RETURNING project_no`.execute(db);
  return r.rows.length === 1;
}

export async function upsertLibraryProfile(db: Db, county: string, projectNo: string, d: LibraryData, by: number): Promise<void> {
  await sql`INSERT INTO project_profiles (county_code, project_no, key_village, households, persons, support_persons, support_fund_fen, county_match_fen, self_raised_fen, updated_by)
    VALUES (${county}, ${projectNo}, ${d.keyVillage}, ${d.households}, ${d.persons}, ${d.supportPersons}, ${d.supportFundFen}, ${d.countyMatchFen}, ${d.selfRaisedFen}, ${by})
    ON CONFLICT (county_code, project_no) DO UPDATE SET key_village = EXCLUDED.key_village, households = EXCLUDED.households, persons = EXCLUDED.persons,
      support_persons = EXCLUDED.support_persons, support_fund_fen = EXCLUDED.support_fund_fen, county_match_fen = EXCLUDED.county_match_fen,
      self_raised_fen = EXCLUDED.self_raised_fen, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(db);
}

export async function upsertTask(
  db: Db,
  county: string,
  projectNo: string,
  t: { leader: string | null; supervisingUnit: string | null; unit: string | null },
  by: number,
): Promise<void> {
  await sql`INSERT INTO project_profiles (county_code, project_no, leader, supervising_unit, updated_by) VALUES (${county}, ${projectNo}, ${t.leader}, ${t.supervisingUnit}, ${by})
    ON CONFLICT (county_code, project_no) DO UPDATE SET leader = EXCLUDED.leader, supervising_unit = EXCLUDED.supervising_unit, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(
    db,
  );
  await sql`UPDATE fund_projects SET unit = ${t.unit}, updated_at = now() WHERE county_code = ${county} AND project_no = ${projectNo}`.execute(db);
}

export async function replacePlans(db: Db, county: string, projectNo: string, plans: { stage: Stage; plannedOn: string | null }[], by: number): Promise<void> {
  for (const p of plans) {
    if (p.plannedOn === null)
      await sql`DELETE FROM project_plans WHERE county_code = ${county} AND project_no = ${projectNo} AND stage = ${p.stage}`.execute(db);
    else
      await sql`INSERT INTO project_plans (county_code, project_no, stage, planned_on, updated_by) VALUES (${county}, ${projectNo}, ${p.stage}, ${p.plannedOn}, ${by})
      ON CONFLICT (county_code, project_no, stage) DO UPDATE SET planned_on = EXCLUDED.planned_on, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(
        db,
      );
  }
}

export async function selectProgress(db: Db, county: string, projectNo: string) {
  const r = await sql<{
    id: number | string;
    month: string;
    percent: number;
    note: string;
    problems: string;
    next_step: string;
    reported_on: string;
    entered_by: string;
  }>`SELECT g.id, g.month, g.percent, g.note, g.problems, g.next_step, g.reported_on::text AS reported_on,
      coalesce(nullif(u.display_name, ''), u.username, '') AS entered_by
    FROM project_progress g LEFT JOIN users u ON u.id = g.entered_by WHERE g.county_code = ${county} AND g.project_no = ${projectNo} ORDER BY g.month`.execute(
    db,
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    month: x.month,
    percent: Number(x.percent),
    note: x.note,
    problems: x.problems,
    nextStep: x.next_step,
    reportedOn: x.reported_on,
    enteredBy: x.entered_by,
  }));
}

export async function insertProgress(
  db: Db,
  county: string,
  projectNo: string,
  g: { month: string; percent: number; note: string; problems: string; nextStep: string; reportedOn: string; enteredBy: number },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO project_progress (county_code, project_no, month, percent, note, problems, next_step, reported_on, entered_by)
    VALUES (${county}, ${projectNo}, ${g.month}, ${g.percent}, ${g.note}, ${g.problems}, ${g.nextStep}, ${g.reportedOn}, ${g.enteredBy}) RETURNING id`.execute(
    db,
  );
  return Number(r.rows[0].id);
}

export async function progressMonthTaken(db: Db, county: string, projectNo: string, month: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM project_progress WHERE county_code = ${county} AND project_no = ${projectNo} AND month = ${month}`.execute(db);
  return r.rows.length > 0;
}

export async function insertRectifications(db: Db, county: string, projectNo: string, stageId: number, items: RectificationInput[]): Promise<void> {
  for (const i of items) {
    await sql`INSERT INTO project_rectifications (county_code, project_no, stage_id, item, deadline) VALUES (${county}, ${projectNo}, ${stageId}, ${i.item}, ${i.deadline})`.execute(
      db,
    );
  }
}

export async function selectRectifications(db: Db, county: string, projectNo: string) {
  const r = await sql<{
    id: number | string;
    item: string;
    deadline: string;
    closed_on: string | null;
    closing_note: string;
    closed_by: string | null;
  }>`SELECT x.id, x.item, x.deadline::text AS deadline, x.closed_on::text AS closed_on, x.closing_note,
      CASE WHEN x.closed_by IS NULL THEN NULL ELSE coalesce(nullif(u.display_name, ''), u.username, '') END AS closed_by
    FROM project_rectifications x LEFT JOIN users u ON u.id = x.closed_by WHERE x.county_code = ${county} AND x.project_no = ${projectNo} ORDER BY x.id`.execute(
    db,
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    item: x.item,
    deadline: x.deadline,
    closedOn: x.closed_on,
    closedBy: x.closed_by,
    closingNote: x.closing_note,
  }));
}

export async function closeRectification(
  db: Db,
  county: string,
  projectNo: string,
  id: number,
  c: { closedOn: string; note: string; by: number },
): Promise<boolean> {
  const r = await sql`UPDATE project_rectifications SET closed_on = ${c.closedOn}, closing_note = ${c.note}, closed_by = ${c.by}
    WHERE county_code = ${county} AND project_no = ${projectNo} AND id = ${id} AND closed_on IS NULL RETURNING id`.execute(db);
  return r.rows.length === 1;
}

/** Each project's life cycle as of a day: the last stage approved with a date on or before it, and the last progress report by then. */
export async function selectStatusAsOf(db: Db, county: string, asOf: string, region: string) {
  const r = await sql<{
    project_no: string;
    stage: Stage | null;
    progress: { percent: number; problems: string; nextStep: string } | null;
    tracked: boolean;
  }>`SELECT p.project_no,
      (SELECT s.stage FROM project_stages s WHERE s.county_code = p.county_code AND s.project_no = p.project_no AND s.status = 'approved' AND s.stage_date <= ${asOf}::date
        ORDER BY s.id DESC LIMIT 1) AS stage,
      (SELECT jsonb_build_object('percent', g.percent, 'problems', g.problems, 'nextStep', g.next_step) FROM project_progress g
        WHERE g.county_code = p.county_code AND g.project_no = p.project_no AND g.month <= ${asOf.slice(0, 7)} AND g.reported_on <= ${asOf}::date
        ORDER BY g.month DESC LIMIT 1) AS progress,
      EXISTS (SELECT 1 FROM project_stages s WHERE s.county_code = p.county_code AND s.project_no = p.project_no) AS tracked
    FROM fund_projects p WHERE p.county_code = ${county} AND p.village_code LIKE ${region.length > 6 ? region + '%' : '%'}`.execute(db);
  return r.rows.map((x) => ({ projectNo: x.project_no, stage: x.stage ?? null, tracked: !!x.tracked, progress: x.progress }));
}

/** Up to two counties holding projects: enough to tell whether the database has exactly one. */
export async function projectCounties(db: Db): Promise<string[]> {
  const r = await sql<{ county_code: string }>`SELECT DISTINCT county_code FROM fund_projects LIMIT 2`.execute(db);
  return r.rows.map((x) => x.county_code);
}

/** Has any project of the county a stage recorded? */
export async function hasStageHistory(db: Db, county: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM project_stages WHERE county_code = ${county} LIMIT 1`.execute(db);
  return r.rows.length > 0;
}
