// Dynamic adjustment in the database: township entry, county approval (applied to the register
// in one transaction, every touched person and household audited with before/after), return,
// edit and resubmit, withdrawal, evidence files. Other capabilities (cross-check) call these.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { actorOf, assertSeparateDuties, hasPermission, inScope, loadControls, PERMISSIONS, type Permission, type SessionUser } from '../auth/index.ts';
import { appendAudit, type AuditEntry } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import {
  AdjustmentInput, planAdjustment, referencedHouseholds, referencedPersons, introducedIds, describeAdjustment,
  KIND_NAMES, STATUS_NAMES, type AdjustmentKind, type AdjustmentStatus, type Plan, type RegisterState,
} from './adjustment.ts';
import { loadHouseholds, householdsOfPersons, type Viewer } from './household.store.ts';
import { applyPlan } from './adjustment-apply.store.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES_PER_ADJUSTMENT = 20;

export interface AdjustmentView {
  id: number; kind: AdjustmentKind; kindName: string; status: AdjustmentStatus; statusName: string;
  townshipCode: string; townships: string[]; householdNo: string | null; personIds: number[]; summary: string;
  reason: string; effectiveDate: string | null; remarks: string; payload: AdjustmentInput;
  enteredBy: number; enteredByName: string; enteredAt: string; updatedAt: string;
  decidedBy: number | null; decidedByName: string; decidedAt: string | null; decisionNote: string;
  warnings: string[]; fileCount: number;
  /** approved by the user who entered it, under the county's audited allowSelfApproval setting */
  selfApproved: boolean;
}
export interface AdjustmentFileView { id: number; filename: string; mime: string; size: number; sha256: string; uploadedAt: string }

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
  id: number | string; kind: AdjustmentKind; status: AdjustmentStatus; township_code: string; townships: string[] | null; household_no: string | null;
  person_ids: (number | string)[] | null; summary: string; reason: string; effective_date: string | null; remarks: string; payload: AdjustmentInput;
  entered_by: number | string; entered_by_name: string; entered_at: string; updated_at: string; decided_by: number | string | null; decided_by_name: string;
  decided_at: string | null; decision_note: string; warnings: string[] | null; self_approved: boolean | null; file_count: number | null;
}
interface FileRow { id: number | string; filename: string; mime: string; size: number; sha256: string; uploaded_at: string }
const fileView = (x: FileRow): AdjustmentFileView => ({ id: Number(x.id), filename: x.filename, mime: x.mime, size: x.size, sha256: x.sha256, uploadedAt: x.uploaded_at });

function toView(r: AdjustmentRow): AdjustmentView {
  return {
    id: Number(r.id), kind: r.kind, kindName: KIND_NAMES[r.kind] ?? r.kind, status: r.status, statusName: STATUS_NAMES[r.status],
    townshipCode: r.township_code, townships: r.townships ?? [], householdNo: r.household_no, personIds: (r.person_ids ?? []).map(Number),
    summary: r.summary, reason: r.reason, effectiveDate: r.effective_date, remarks: r.remarks, payload: r.payload,
    enteredBy: Number(r.entered_by), enteredByName: r.entered_by_name, enteredAt: r.entered_at, updatedAt: r.updated_at,
    decidedBy: r.decided_by === null ? null : Number(r.decided_by), decidedByName: r.decided_by_name, decidedAt: r.decided_at,
    decisionNote: r.decision_note, warnings: r.warnings ?? [], fileCount: Number(r.file_count ?? 0), selfApproved: r.self_approved === true,
  };
}

/** Run in the caller's transaction when given one (e.g. a cross-check that creates and approves in one step), else in a new one. */
function inTransaction<T>(db: Kysely<Tables>, fn: (trx: Kysely<Tables>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function must(user: Viewer, p: Permission) {
  if (!hasPermission(user, p)) throw new AppError('FORBIDDEN', `没有权限：${PERMISSIONS[p]}`);
}

/** A township officer may see an adjustment when any township it reaches is theirs. */
const canSee = (user: Viewer, a: AdjustmentView) => inScope(user, a.townshipCode) || a.townships.some((t) => inScope(user as SessionUser, t));
/** …and change it only when it belongs to their township. */
function assertOwner(user: Viewer, a: AdjustmentView) {
  if (!inScope(user, a.townshipCode)) throw new AppError('FORBIDDEN', '只能办理本乡镇的调整');
}

/** Load what the rules need to judge a request (with row locks inside an approval). */
export async function loadState(db: Kysely<Tables>, countyCode: string, input: AdjustmentInput, adjustmentId: number | null, lock = false): Promise<RegisterState> {
  const nos = [...referencedHouseholds(input), ...await householdsOfPersons(db, countyCode, referencedPersons(input))];
  const households = await loadHouseholds(db, countyCode, nos, lock);
  const ids = introducedIds(input);
  const idHolders: RegisterState['idHolders'] = {};
  if (ids.length) {
    const r = await sql<{ id: number; household_no: string; name: string; status: string; id_number: string }>`
      SELECT id, household_no, name, status, id_number FROM persons WHERE county_code = ${countyCode} AND id_number = ANY(${ids}::text[])`.execute(db);
    for (const x of r.rows) (idHolders[x.id_number] ??= []).push({ personId: Number(x.id), householdNo: x.household_no, name: x.name, status: x.status });
  }
  const villageCodes = [input.kind === 'add' ? input.newHousehold?.villageCode : input.kind === 'split' || input.kind === 'move' ? input.villageCode : null].filter((v): v is string => !!v);
  const villages: RegisterState['villages'] = {};
  if (villageCodes.length) {
    const known = await sql<{ village_code: string; township_name: string; village_name: string }>`
      SELECT DISTINCT ON (village_code) village_code, township_name, village_name FROM persons
      WHERE county_code = ${countyCode} AND village_code = ANY(${villageCodes}::text[]) ORDER BY village_code, id`.execute(db);
    for (const v of known.rows) villages[v.village_code] = { villageCode: v.village_code, townshipName: v.township_name, villageName: v.village_name };
    const named = await sql<{ code: string; name: string; township: string | null }>`
      SELECT r.code, r.name, t.name AS township FROM regions r LEFT JOIN regions t ON t.code = r.parent_code
      WHERE r.county_code = ${countyCode} AND r.code = ANY(${villageCodes}::text[])`.execute(db);
    for (const v of named.rows) villages[v.code] = { villageCode: v.code, villageName: v.name, townshipName: v.township ?? villages[v.code]?.townshipName ?? '' };
  }
  let fileCount = 0;
  if (adjustmentId !== null) {
    const f = await sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustment_files WHERE county_code = ${countyCode} AND adjustment_id = ${adjustmentId}`.execute(db);
    fileCount = f.rows[0].n;
  }
  return { households, idHolders, villages, fileCount };
}

function rejectOnErrors(plan: Plan) {
  if (plan.errors.length) throw new AppError('VALIDATION', plan.errors.join('；'), { errors: plan.errors, warnings: plan.warnings });
}

/** A request naming households or persons outside the user's region: 404, as if they did not exist (no oracle). */
function assertPlanInScope(user: Viewer, plan: Plan) {
  if (plan.townshipCode && !inScope(user, plan.townshipCode)) throw new AppError('NOT_FOUND', '调整涉及的户或人员不存在，或不在您的辖区内');
  // a target the user named (the village of a move or split) outside the region: refused, nothing learnt
  for (const t of plan.townships) if (!inScope(user, t)) throw new AppError('FORBIDDEN', '不能把人员或户调整到本辖区以外');
}

async function fetchRow(db: Kysely<Tables>, countyCode: string, id: number, lock = false): Promise<AdjustmentView | null> {
  const r = await sql<AdjustmentRow>`SELECT ${COLUMNS} FROM adjustments a WHERE a.county_code = ${countyCode} AND a.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return r.rows.length ? toView(r.rows[0]) : null;
}

/** Check a request now (without saving): the errors, warnings and what approval would change. */
export async function previewAdjustment(db: Kysely<Tables>, user: Viewer, raw: unknown, adjustmentId: number | null = null): Promise<Plan> {
  must(user, 'adjustment.enter');
  const input = AdjustmentInput.parse(raw);
  const state = await loadState(db, user.countyCode, input, adjustmentId);
  const plan = planAdjustment(input, state, todayIso());
  assertPlanInScope(user, plan);
  return plan;
}

/** Enter an adjustment (township officer for their township, or the county). Status pending. */
export async function createAdjustment(db: Kysely<Tables>, user: Viewer, raw: unknown): Promise<{ adjustment: AdjustmentView; warnings: string[] }> {
  must(user, 'adjustment.enter');
  const input = AdjustmentInput.parse(raw);
  return inTransaction(db, async (trx) => {
    const plan = planAdjustment(input, await loadState(trx, user.countyCode, input, null), todayIso());
    if (plan.townshipCode) assertPlanInScope(user, plan);
    rejectOnErrors(plan);
    await refuseDuplicatePending(trx, user.countyCode, input.kind, plan.personIds, null);
    const r = await sql<{ id: number }>`INSERT INTO adjustments (county_code, kind, status, township_code, household_no, person_id, payload, reason,
        effective_date, remarks, entered_by, entered_by_name, summary, person_ids, household_nos, townships, warnings)
      VALUES (${user.countyCode}, ${input.kind}, 'pending', ${plan.townshipCode}, ${plan.householdNo}, ${plan.personIds[0] ?? null},
        ${JSON.stringify(input)}::jsonb, ${input.reason}, ${input.effectiveDate ?? null}, ${input.remarks}, ${user.id}, ${user.username},
        ${describeAdjustment(input)}, ${plan.personIds}::bigint[], ${householdNosOf(input, plan)}::text[], ${plan.townships}::text[], ${JSON.stringify(plan.warnings)}::jsonb)
      RETURNING id`.execute(trx);
    const id = Number(r.rows[0].id);
    await appendAudit(trx, actorOf(user), { action: 'adjustment.create', entityType: 'adjustment', entityId: id, countyCode: user.countyCode,
      after: input, detail: { kind: input.kind, reason: input.reason, summary: describeAdjustment(input), warnings: plan.warnings } });
    return { adjustment: (await fetchRow(trx, user.countyCode, id))!, warnings: plan.warnings };
  });
}

/**
 * One open (pending or returned) adjustment of a kind per person: a second 核减 of the same person
 * — a form sent twice, or a second officer — is refused. The per-person locks make two requests
 * at the same moment wait for each other, so only one passes.
 */
async function refuseDuplicatePending(trx: Kysely<Tables>, countyCode: string, kind: AdjustmentKind, personIds: number[], selfId: number | null) {
  if (!personIds.length) return;
  for (const p of [...new Set(personIds)].sort((a, b) => a - b)) await sql`SELECT pg_advisory_xact_lock(hashtext(${`anju.adjustment.${countyCode}.${p}`})::bigint)`.execute(trx);
  const r = await sql<{ id: number; status: string }>`SELECT id, status FROM adjustments WHERE county_code = ${countyCode} AND kind = ${kind}
    AND status IN ('pending', 'returned') AND person_ids && ${personIds}::bigint[] ${selfId === null ? sql`` : sql`AND id <> ${selfId}`} ORDER BY id LIMIT 1`.execute(trx);
  const d = r.rows[0];
  if (d) throw new AppError('CONFLICT', `该人员已有一项${d.status === 'pending' ? '待审批' : '已退回待修改'}的${KIND_NAMES[kind]}（调整${d.id}），不能重复录入；请在原调整上修改或撤回后再录入`, { adjustmentId: Number(d.id) });
}

function householdNosOf(input: AdjustmentInput, plan: Plan): string[] {
  return [...new Set([...(plan.householdNo ? [plan.householdNo] : []), ...referencedHouseholds(input)])];
}

/** Edit a returned (or still pending) adjustment; it goes back to the queue as pending. */
export async function updateAdjustment(db: Kysely<Tables>, user: Viewer, id: number, raw: unknown): Promise<{ adjustment: AdjustmentView; warnings: string[] }> {
  must(user, 'adjustment.enter');
  const input = AdjustmentInput.parse(raw);
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    if (a.status !== 'returned' && a.status !== 'pending') throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能修改`);
    if (input.kind !== a.kind) throw new AppError('VALIDATION', `调整类型不能修改（原为${a.kindName}）`);
    const plan = planAdjustment(input, await loadState(trx, user.countyCode, input, id), todayIso());
    if (plan.townshipCode) assertPlanInScope(user, plan);
    rejectOnErrors(plan);
    await refuseDuplicatePending(trx, user.countyCode, input.kind, plan.personIds, id);
    await sql`UPDATE adjustments SET status = 'pending', payload = ${JSON.stringify(input)}::jsonb, reason = ${input.reason},
        effective_date = ${input.effectiveDate ?? null}, remarks = ${input.remarks}, township_code = ${plan.townshipCode}, household_no = ${plan.householdNo},
        person_id = ${plan.personIds[0] ?? null}, summary = ${describeAdjustment(input)}, person_ids = ${plan.personIds}::bigint[],
        household_nos = ${householdNosOf(input, plan)}::text[], townships = ${plan.townships}::text[], warnings = ${JSON.stringify(plan.warnings)}::jsonb, updated_at = now()
      WHERE county_code = ${user.countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actorOf(user), { action: a.status === 'returned' ? 'adjustment.resubmit' : 'adjustment.edit', entityType: 'adjustment', entityId: id,
      countyCode: user.countyCode, before: a.payload, after: input, detail: { kind: input.kind, reason: input.reason } });
    return { adjustment: (await fetchRow(trx, user.countyCode, id))!, warnings: plan.warnings };
  });
}

/** County approval: re-check against the register as it is now and apply, all in one transaction. */
export async function approveAdjustment(db: Kysely<Tables>, user: Viewer, id: number, note = ''): Promise<{ adjustment: AdjustmentView; personIds: number[]; warnings: string[] }> {
  must(user, 'adjustment.approve');
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    if (a.status !== 'pending') throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能审批`);
    const { selfApproved } = assertSeparateDuties({ step: 'adjustment.approve', firstBy: [a.enteredBy], secondBy: user.id,
      allowSelfApproval: (await loadControls(trx, user.countyCode)).allowSelfApproval });
    const input = AdjustmentInput.parse(a.payload);
    const plan = planAdjustment(input, await loadState(trx, user.countyCode, input, id, true), todayIso(), { atApproval: true });
    assertPlanInScope(user, plan);
    rejectOnErrors(plan);
    const detail = { adjustmentId: id, kind: input.kind, reason: input.reason, effectiveDate: input.effectiveDate ?? null };
    const applied = await applyPlan(trx, user.countyCode, plan, detail);
    const personIds = [...new Set([...plan.personIds, ...applied.insertedIds])];
    await sql`UPDATE adjustments SET status = 'approved', decided_by = ${user.id}, decided_by_name = ${user.username}, decided_at = now(),
        decision_note = ${note}, person_ids = ${personIds}::bigint[], person_id = ${personIds[0] ?? null}, self_approved = ${selfApproved}, updated_at = now()
      WHERE county_code = ${user.countyCode} AND id = ${id}`.execute(trx);
    const entries: AuditEntry[] = [...applied.audit, { action: 'adjustment.approve', entityType: 'adjustment', entityId: id, countyCode: user.countyCode,
      before: { status: a.status }, after: { status: 'approved' },
      detail: { ...detail, note, personIds, changes: applied.audit.length, enteredBy: a.enteredBy, enteredByName: a.enteredByName, selfApproved } }];
    await appendAudit(trx, actorOf(user), entries);
    return { adjustment: (await fetchRow(trx, user.countyCode, id))!, personIds, warnings: plan.warnings };
  });
}

async function decide(db: Kysely<Tables>, user: Viewer, id: number, to: 'returned' | 'withdrawn', note: string) {
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    const allowed = to === 'returned' ? ['pending'] : ['pending', 'returned'];
    if (!allowed.includes(a.status)) throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能${to === 'returned' ? '退回' : '撤回'}`);
    await sql`UPDATE adjustments SET status = ${to}, updated_at = now(),
        ${to === 'returned' ? sql`decided_by = ${user.id}, decided_by_name = ${user.username}, decided_at = now(), decision_note = ${note}` : sql`remarks = remarks`}
      WHERE county_code = ${user.countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actorOf(user), { action: to === 'returned' ? 'adjustment.return' : 'adjustment.withdraw', entityType: 'adjustment', entityId: id,
      countyCode: user.countyCode, before: { status: a.status }, after: { status: to }, detail: { note } });
    return (await fetchRow(trx, user.countyCode, id))!;
  });
}

/** County returns an adjustment to the township with a note saying what to fix. */
export async function returnAdjustment(db: Kysely<Tables>, user: Viewer, id: number, note: string): Promise<AdjustmentView> {
  must(user, 'adjustment.approve');
  if (!note.trim()) throw new AppError('VALIDATION', '退回时请填写退回意见');
  return decide(db, user, id, 'returned', note.trim());
}

/** The township (or county) withdraws an adjustment that is pending or returned. */
export async function withdrawAdjustment(db: Kysely<Tables>, user: Viewer, id: number, note = ''): Promise<AdjustmentView> {
  must(user, 'adjustment.enter');
  return decide(db, user, id, 'withdrawn', note);
}

/** One adjustment with its files and, while not decided, what approving it now would change. */
export async function getAdjustment(db: Kysely<Tables>, user: Viewer, id: number): Promise<{ adjustment: AdjustmentView; files: AdjustmentFileView[]; preview: Plan | null }> {
  const a = await fetchRow(db, user.countyCode, id);
  if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
  const f = await sql<FileRow>`SELECT id, filename, mime, size, sha256, ${ts('uploaded_at')} AS uploaded_at FROM adjustment_files
    WHERE county_code = ${user.countyCode} AND adjustment_id = ${id} ORDER BY id`.execute(db);
  const files = f.rows.map(fileView);
  let preview: Plan | null = null;
  if (a.status === 'pending' || a.status === 'returned') {
    const input = AdjustmentInput.parse(a.payload);
    preview = planAdjustment(input, await loadState(db, user.countyCode, input, id), todayIso(), { atApproval: true });
  }
  return { adjustment: a, files, preview };
}

export interface AdjustmentFilter { status?: AdjustmentStatus; townshipCode?: string; kind?: AdjustmentKind; personId?: number; householdNo?: string; page?: number; pageSize?: number }

/** The queue: adjustments in the viewer's region, newest first. */
export async function listAdjustments(db: Kysely<Tables>, user: Viewer, f: AdjustmentFilter = {}): Promise<{ total: number; items: AdjustmentView[] }> {
  const scope = user.regionCode.length > 6 ? user.regionCode.slice(0, 9) : '';
  const where = [sql`a.county_code = ${user.countyCode}`];
  if (scope) where.push(sql`(a.township_code LIKE ${scope + '%'} OR ${scope}::text = ANY(a.townships))`);
  if (f.status) where.push(sql`a.status = ${f.status}`);
  if (f.kind) where.push(sql`a.kind = ${f.kind}`);
  if (f.townshipCode) where.push(sql`a.township_code LIKE ${f.townshipCode + '%'}`);
  if (f.personId) where.push(sql`${f.personId}::bigint = ANY(a.person_ids)`);
  if (f.householdNo) where.push(sql`${f.householdNo}::text = ANY(a.household_nos)`);
  const cond = sql.join(where, sql` AND `);
  const size = Math.min(Math.max(f.pageSize ?? 20, 1), 200), page = Math.max(f.page ?? 1, 1);
  const rows = await sql<AdjustmentRow>`SELECT ${COLUMNS} FROM adjustments a WHERE ${cond} ORDER BY a.id DESC LIMIT ${size} OFFSET ${(page - 1) * size}`.execute(db);
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustments a WHERE ${cond}`.execute(db);
  return { total: n.rows[0].n, items: rows.rows.map(toView) };
}

/** Attach an evidence file (while pending or returned). */
export async function addAdjustmentFile(db: Kysely<Tables>, user: Viewer, id: number, file: { filename: string; mime: string; content: Buffer }): Promise<AdjustmentFileView> {
  must(user, 'adjustment.enter');
  if (!file.content.length) throw new AppError('FILE_EMPTY', '上传的文件是空的');
  if (file.content.length > MAX_FILE_BYTES) throw new AppError('TOO_LARGE', `佐证材料不能超过${MAX_FILE_BYTES / 1024 / 1024}MB`);
  const filename = file.filename.replace(/[\\/\x00-\x1f]/g, '_').slice(0, 200) || '佐证材料';
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    if (a.status !== 'pending' && a.status !== 'returned') throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能再上传材料`);
    if (a.fileCount >= MAX_FILES_PER_ADJUSTMENT) throw new AppError('CONFLICT', `每项调整最多${MAX_FILES_PER_ADJUSTMENT}个佐证文件`);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const r = await sql<FileRow>`INSERT INTO adjustment_files (county_code, adjustment_id, filename, mime, size, sha256, content, uploaded_by)
      VALUES (${user.countyCode}, ${id}, ${filename}, ${file.mime || 'application/octet-stream'}, ${file.content.length}, ${sha256}, ${file.content}, ${user.id})
      RETURNING id, filename, mime, size, sha256, ${ts('uploaded_at')} AS uploaded_at`.execute(trx);
    await appendAudit(trx, actorOf(user), { action: 'adjustment.file_add', entityType: 'adjustment', entityId: id, countyCode: user.countyCode,
      detail: { fileId: Number(r.rows[0].id), filename, size: file.content.length, sha256 } });
    return fileView(r.rows[0]);
  });
}

/** Download an evidence file (audited: it may hold personal data). */
export async function getAdjustmentFile(db: Kysely<Tables>, user: Viewer, id: number, fileId: number): Promise<{ filename: string; mime: string; content: Buffer; sha256: string }> {
  const a = await fetchRow(db, user.countyCode, id);
  if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
  const r = await sql<{ filename: string; mime: string; content: Uint8Array; sha256: string }>`SELECT filename, mime, content, sha256 FROM adjustment_files WHERE county_code = ${user.countyCode} AND adjustment_id = ${id} AND id = ${fileId}`.execute(db);
  if (!r.rows.length) throw new AppError('NOT_FOUND', '文件不存在');
  await appendAudit(db, actorOf(user), { action: 'adjustment.file_download', entityType: 'adjustment', entityId: id, countyCode: user.countyCode, detail: { fileId } });
  const x = r.rows[0];
  return { filename: x.filename, mime: x.mime, content: Buffer.from(x.content), sha256: x.sha256 };
}

/** Households an adjustment concerns (before and after a split, merge or move). */
export async function householdsOfAdjustment(db: Kysely<Tables>, countyCode: string, id: number): Promise<string[]> {
  const r = await sql<{ household_nos: string[]; household_no: string | null }>`SELECT household_nos, household_no FROM adjustments WHERE county_code = ${countyCode} AND id = ${id}`.execute(db);
  const row = r.rows[0];
  if (!row) return [];
  return [...new Set([...(row.household_nos ?? []), ...(row.household_no ? [row.household_no] : [])])];
}
