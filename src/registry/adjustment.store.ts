// Dynamic adjustment in the database (SQL only): the state the rules judge a request on, the
// adjustment rows through their statuses, evidence files. The workflow is adjustment.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import {
  referencedHouseholds,
  referencedPersons,
  introducedIds,
  describeAdjustment,
  KIND_NAMES,
  STATUS_NAMES,
  type AdjustmentInput,
  type AdjustmentKind,
  type AdjustmentStatus,
  type Plan,
  type RegisterState,
} from './adjustment.ts';
import { loadHouseholds, householdsOfPersons, type Viewer } from './household.store.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES_PER_ADJUSTMENT = 20;

export interface AdjustmentView {
  id: number;
  kind: AdjustmentKind;
  kindName: string;
  status: AdjustmentStatus;
  statusName: string;
  townshipCode: string;
  townships: string[];
  householdNo: string | null;
  personIds: number[];
  summary: string;
  reason: string;
  effectiveDate: string | null;
  remarks: string;
  payload: AdjustmentInput;
  enteredBy: number;
  enteredByName: string;
  enteredAt: string;
  updatedAt: string;
  decidedBy: number | null;
  decidedByName: string;
  decidedAt: string | null;
  decisionNote: string;
  warnings: string[];
  fileCount: number;
  /** approved by the user who entered it, under the county's audited allowSelfApproval setting */
  selfApproved: boolean;
}
export interface AdjustmentFileView {
  id: number;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

const ts = (col: string) => sql.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const COLUMNS = sql`a.id, a.kind, a.status, a.township_code, a.townships, a.household_no, a.person_ids, a.summary, a.reason,
  a.effective_date::text AS effective_date, a.remarks, a.payload, a.entered_by, ${ts('a.entered_at')} AS entered_at,
  -- people by their name (the login name kept on the row when the user has none)
  COALESCE((SELECT NULLIF(u.display_name, '') FROM users u WHERE u.id = a.entered_by), a.entered_by_name) AS entered_by_name,
  COALESCE((SELECT NULLIF(u.display_name, '') FROM users u WHERE u.id = a.decided_by), a.decided_by_name) AS decided_by_name,
  ${ts('a.updated_at')} AS updated_at, a.decided_by, ${ts('a.decided_at')} AS decided_at, a.decision_note, a.warnings, a.self_approved,
  (SELECT count(*)::int FROM adjustment_files f WHERE f.county_code = a.county_code AND f.adjustment_id = a.id) AS file_count`;

/** A row as COLUMNS reads it (ids may come back as text from a bigint column). */
interface AdjustmentRow {
  id: number | string;
  kind: AdjustmentKind;
  status: AdjustmentStatus;
  township_code: string;
  townships: string[] | null;
  household_no: string | null;
  person_ids: (number | string)[] | null;
  summary: string;
  reason: string;
  effective_date: string | null;
  remarks: string;
  payload: AdjustmentInput;
  entered_by: number | string;
  entered_by_name: string;
  entered_at: string;
  updated_at: string;
  decided_by: number | string | null;
  decided_by_name: string;
  decided_at: string | null;
  decision_note: string;
  warnings: string[] | null;
  self_approved: boolean | null;
  file_count: number | null;
}
interface FileRow {
  id: number | string;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_at: string;
}
const fileView = (x: FileRow): AdjustmentFileView => ({
  id: Number(x.id),
  filename: x.filename,
  mime: x.mime,
  size: x.size,
  sha256: x.sha256,
  uploadedAt: x.uploaded_at,
});

function toView(r: AdjustmentRow): AdjustmentView {
  return {
    id: Number(r.id),
    kind: r.kind,
    kindName: KIND_NAMES[r.kind] ?? r.kind,
    status: r.status,
    statusName: STATUS_NAMES[r.status],
    townshipCode: r.township_code,
    townships: r.townships ?? [],
    householdNo: r.household_no,
    personIds: (r.person_ids ?? []).map(Number),
    summary: r.summary,
    reason: r.reason,
    effectiveDate: r.effective_date,
    remarks: r.remarks,
    payload: r.payload,
    enteredBy: Number(r.entered_by),
    enteredByName: r.entered_by_name,
    enteredAt: r.entered_at,
    updatedAt: r.updated_at,
    decidedBy: r.decided_by === null ? null : Number(r.decided_by),
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    warnings: r.warnings ?? [],
    fileCount: Number(r.file_count ?? 0),
    selfApproved: r.self_approved === true,
  };
}

/** Load what the rules need to judge a request (with row locks inside an approval). */
export async function loadState(
  db: Kysely<Tables>,
  countyCode: string,
  input: AdjustmentInput,
  adjustmentId: number | null,
  lock = false,
): Promise<RegisterState> {
  const nos = [...referencedHouseholds(input), ...(await householdsOfPersons(db, countyCode, referencedPersons(input)))];
  const households = await loadHouseholds(db, countyCode, nos, lock);
  const ids = introducedIds(input);
  const idHolders: RegisterState['idHolders'] = {};
  if (ids.length) {
    const r = await sql<{ id: number; household_no: string; name: string; status: string; id_number: string }>`
      SELECT id, household_no, name, status, id_number FROM persons WHERE county_code = ${countyCode} AND id_number = ANY(${ids}::text[])`.execute(db);
    for (const x of r.rows) (idHolders[x.id_number] ??= []).push({ personId: Number(x.id), householdNo: x.household_no, name: x.name, status: x.status });
  }
  const villageCodes = [
    input.kind === 'add' ? input.newHousehold?.villageCode : input.kind === 'split' || input.kind === 'move' ? input.villageCode : null,
  ].filter((v): v is string => !!v);
  const villages: RegisterState['villages'] = {};
  if (villageCodes.length) {
    const known = await sql<{ village_code: string; township_name: string; village_name: string }>`
      SELECT DISTINCT ON (village_code) village_code, township_name, village_name FROM persons
      WHERE county_code = ${countyCode} AND village_code = ANY(${villageCodes}::text[]) ORDER BY village_code, id`.execute(db);
    for (const v of known.rows) villages[v.village_code] = { villageCode: v.village_code, townshipName: v.township_name, villageName: v.village_name };
    const named = await sql<{ code: string; name: string; township: string | null }>`
      SELECT r.code, r.name, t.name AS township FROM regions r LEFT JOIN regions t ON t.code = r.parent_code
      WHERE r.county_code = ${countyCode} AND r.code = ANY(${villageCodes}::text[])`.execute(db);
    for (const v of named.rows)
      villages[v.code] = { villageCode: v.code, villageName: v.name, townshipName: v.township ?? villages[v.code]?.townshipName ?? '' };
  }
  let fileCount = 0;
  if (adjustmentId !== null) {
    const f = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM adjustment_files WHERE county_code = ${countyCode} AND adjustment_id = ${adjustmentId}`.execute(db);
    fileCount = f.rows[0].n;
  }
  return { households, idHolders, villages, fileCount };
}

export async function fetchRow(db: Kysely<Tables>, countyCode: string, id: number, lock = false): Promise<AdjustmentView | null> {
  const r =
    await sql<AdjustmentRow>`SELECT ${COLUMNS} FROM adjustments a WHERE a.county_code = ${countyCode} AND a.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(
      db,
    );
  return r.rows.length ? toView(r.rows[0]) : null;
}

/**
 * One open (pending or returned) adjustment of a kind per person: a second 核减 of the same person
 * — a form sent twice, or a second officer — is refused. The per-person locks make two requests
 * at the same moment wait for each other, so only one passes.
 */
export async function refuseDuplicatePending(trx: Kysely<Tables>, countyCode: string, kind: AdjustmentKind, personIds: number[], selfId: number | null) {
  if (!personIds.length) return;
  for (const p of [...new Set(personIds)].sort((a, b) => a - b))
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`anju.adjustment.${countyCode}.${p}`})::bigint)`.execute(trx);
  const r = await sql<{ id: number; status: string }>`SELECT id, status FROM adjustments WHERE county_code = ${countyCode} AND kind = ${kind}
    AND status IN ('pending', 'returned') AND person_ids && ${personIds}::bigint[] ${selfId === null ? sql`` : sql`AND id <> ${selfId}`} ORDER BY id LIMIT 1`.execute(
    trx,
  );
  const d = r.rows[0];
  if (d)
    throw new AppError(
      'CONFLICT',
      `该人员已有一项${d.status === 'pending' ? '待审批' : '已退回待修改'}的${KIND_NAMES[kind]}（调整${d.id}），不能重复录入；请在原调整上修改或撤回后再录入`,
      { adjustmentId: Number(d.id) },
    );
}

export interface AdjustmentFilter {
  status?: AdjustmentStatus;
  townshipCode?: string;
  kind?: AdjustmentKind;
  personId?: number;
  householdNo?: string;
  page?: number;
  pageSize?: number;
}

/** Households an adjustment concerns (before and after a split, merge or move). */
export async function householdsOfAdjustment(db: Kysely<Tables>, countyCode: string, id: number): Promise<string[]> {
  const r = await sql<{
    household_nos: string[];
    household_no: string | null;
  }>`SELECT household_nos, household_no FROM adjustments WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  const row = r.rows[0];
  if (!row) return [];
  return [...new Set([...(row.household_nos ?? []), ...(row.household_no ? [row.household_no] : [])])];
}

/** A page of a county's adjustments (within a township when `scope` is one), newest first. */
export async function listAdjustmentRows(
  db: Kysely<Tables>,
  countyCode: string,
  scope: string,
  f: AdjustmentFilter,
): Promise<{ total: number; items: AdjustmentView[] }> {
  const where = [sql`a.county_code = ${countyCode}`];
  if (scope) where.push(sql`(a.township_code LIKE ${scope + '%'} OR ${scope}::text = ANY(a.townships))`);
  if (f.status) where.push(sql`a.status = ${f.status}`);
  if (f.kind) where.push(sql`a.kind = ${f.kind}`);
  if (f.townshipCode) where.push(sql`a.township_code LIKE ${f.townshipCode + '%'}`);
  if (f.personId) where.push(sql`${f.personId}::bigint = ANY(a.person_ids)`);
  if (f.householdNo) where.push(sql`${f.householdNo}::text = ANY(a.household_nos)`);
  const cond = sql.join(where, sql` AND `);
  const size = Math.min(Math.max(f.pageSize ?? 20, 1), 200),
    page = Math.max(f.page ?? 1, 1);
  const rows =
    await sql<AdjustmentRow>`SELECT ${COLUMNS} FROM adjustments a WHERE ${cond} ORDER BY a.id DESC LIMIT ${size} OFFSET ${(page - 1) * size}`.execute(db);
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustments a WHERE ${cond}`.execute(db);
  return { total: n.rows[0].n, items: rows.rows.map(toView) };
}

type Author = Pick<Viewer, 'id' | 'username' | 'countyCode'>;

function householdNosOf(input: AdjustmentInput, plan: Plan): string[] {
  return [...new Set([...(plan.householdNo ? [plan.householdNo] : []), ...referencedHouseholds(input)])];
}

/** A new pending adjustment; answers its id. */
export async function insertAdjustment(trx: Kysely<Tables>, user: Author, input: AdjustmentInput, plan: Plan): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO adjustments (county_code, kind, status, township_code, household_no, person_id, payload, reason,
      effective_date, remarks, entered_by, entered_by_name, summary, person_ids, household_nos, townships, warnings)
    VALUES (${user.countyCode}, ${input.kind}, 'pending', ${plan.townshipCode}, ${plan.householdNo}, ${plan.personIds[0] ?? null},
      ${JSON.stringify(input)}::jsonb, ${input.reason}, ${input.effectiveDate ?? null}, ${input.remarks}, ${user.id}, ${user.username},
      ${describeAdjustment(input)}, ${plan.personIds}::bigint[], ${householdNosOf(input, plan)}::text[], ${plan.townships}::text[], ${JSON.stringify(plan.warnings)}::jsonb)
    RETURNING id`.execute(trx);
  return Number(r.rows[0].id);
}

/** An edited adjustment, back in the queue as pending. */
export async function resubmitAdjustment(trx: Kysely<Tables>, countyCode: string, id: number, input: AdjustmentInput, plan: Plan): Promise<void> {
  await sql`UPDATE adjustments SET status = 'pending', payload = ${JSON.stringify(input)}::jsonb, reason = ${input.reason},
      effective_date = ${input.effectiveDate ?? null}, remarks = ${input.remarks}, township_code = ${plan.townshipCode}, household_no = ${plan.householdNo},
      person_id = ${plan.personIds[0] ?? null}, summary = ${describeAdjustment(input)}, person_ids = ${plan.personIds}::bigint[],
      household_nos = ${householdNosOf(input, plan)}::text[], townships = ${plan.townships}::text[], warnings = ${JSON.stringify(plan.warnings)}::jsonb, updated_at = now()
    WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
}

export async function markApproved(
  trx: Kysely<Tables>,
  user: Author,
  id: number,
  v: { note: string; personIds: number[]; selfApproved: boolean },
): Promise<void> {
  await sql`UPDATE adjustments SET status = 'approved', decided_by = ${user.id}, decided_by_name = ${user.username}, decided_at = now(),
      decision_note = ${v.note}, person_ids = ${v.personIds}::bigint[], person_id = ${v.personIds[0] ?? null}, self_approved = ${v.selfApproved}, updated_at = now()
    WHERE county_code = ${user.countyCode} AND id = ${id}`.execute(trx);
}

/** Returned (with the decider and the note) or withdrawn. */
export async function markDecided(trx: Kysely<Tables>, user: Author, id: number, to: 'returned' | 'withdrawn', note: string): Promise<void> {
  await sql`UPDATE adjustments SET status = ${to}, updated_at = now(),
      ${to === 'returned' ? sql`decided_by = ${user.id}, decided_by_name = ${user.username}, decided_at = now(), decision_note = ${note}` : sql`remarks = remarks`}
    WHERE county_code = ${user.countyCode} AND id = ${id}`.execute(trx);
}

export async function filesOfAdjustment(db: Kysely<Tables>, countyCode: string, id: number): Promise<AdjustmentFileView[]> {
  const f = await sql<FileRow>`SELECT id, filename, mime, size, sha256, ${ts('uploaded_at')} AS uploaded_at FROM adjustment_files
    WHERE county_code = ${countyCode} AND adjustment_id = ${id} ORDER BY id`.execute(db);
  return f.rows.map(fileView);
}

export async function insertFile(
  trx: Kysely<Tables>,
  user: Author,
  id: number,
  file: { filename: string; mime: string; content: Buffer; sha256: string },
): Promise<AdjustmentFileView> {
  const r = await sql<FileRow>`INSERT INTO adjustment_files (county_code, adjustment_id, filename, mime, size, sha256, content, uploaded_by)
    VALUES (${user.countyCode}, ${id}, ${file.filename}, ${file.mime}, ${file.content.length}, ${file.sha256}, ${file.content}, ${user.id})
    RETURNING id, filename, mime, size, sha256, ${ts('uploaded_at')} AS uploaded_at`.execute(trx);
  return fileView(r.rows[0]);
}

export async function readFile(
  db: Kysely<Tables>,
  countyCode: string,
  id: number,
  fileId: number,
): Promise<{ filename: string; mime: string; content: Uint8Array; sha256: string } | null> {
  const r = await sql<{ filename: string; mime: string; content: Uint8Array; sha256: string }>`SELECT filename, mime, content, sha256 FROM adjustment_files
    WHERE county_code = ${countyCode} AND adjustment_id = ${id} AND id = ${fileId}`.execute(db);
  return r.rows[0] ?? null;
}
