// Dynamic adjustment, the workflow: who may enter, approve, return or withdraw (permission,
// the officer's township, four-eyes with the county's audited allowance), the status machine,
// the rules' plan checked again at approval, and the audit entries, written in the same
// transaction as the change. Other capabilities (cross-check) call these. SQL is in the stores.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { actorOf, assertSeparateDuties, hasPermission, inScope, loadControls, PERMISSIONS, type Permission, type SessionUser } from '../auth/index.ts';
import { appendAudit, type AuditEntry } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { AdjustmentInput, planAdjustment, describeAdjustment, type Plan } from './adjustment.ts';
import type { Viewer } from './household.store.ts';
import { applyPlan } from './adjustment-apply.store.ts';
import {
  fetchRow,
  loadState,
  refuseDuplicatePending,
  insertAdjustment,
  resubmitAdjustment,
  markApproved,
  markDecided,
  listAdjustmentRows,
  filesOfAdjustment,
  insertFile,
  readFile,
  MAX_FILE_BYTES,
  MAX_FILES_PER_ADJUSTMENT,
  type AdjustmentView,
  type AdjustmentFileView,
  type AdjustmentFilter,
} from './adjustment.store.ts';

/** path separators and control characters (U+0000–U+001F) in an uploaded file's name */
const UNSAFE_NAME_CHARS = new RegExp('[\\\\/\\u0000-\\u001f]', 'g');

export { householdsOfAdjustment, MAX_FILE_BYTES, type AdjustmentView, type AdjustmentFileView, type AdjustmentFilter } from './adjustment.store.ts';

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

function rejectOnErrors(plan: Plan) {
  if (plan.errors.length) throw new AppError('VALIDATION', plan.errors.join('；'), { errors: plan.errors, warnings: plan.warnings });
}

/** A request naming households or persons outside the user's region: 404, as if they did not exist (no oracle). */
function assertPlanInScope(user: Viewer, plan: Plan) {
  if (plan.townshipCode && !inScope(user, plan.townshipCode)) throw new AppError('NOT_FOUND', '调整涉及的户或人员不存在，或不在您的辖区内');
  // a target the user named (the village of a move or split) outside the region: refused, nothing learnt
  for (const t of plan.townships) if (!inScope(user, t)) throw new AppError('FORBIDDEN', '不能把人员或户调整到本辖区以外');
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
    const id = await insertAdjustment(trx, user, input, plan);
    await appendAudit(trx, actorOf(user), {
      action: 'adjustment.create',
      entityType: 'adjustment',
      entityId: id,
      countyCode: user.countyCode,
      after: input,
      detail: { kind: input.kind, reason: input.reason, summary: describeAdjustment(input), warnings: plan.warnings },
    });
    return { adjustment: (await fetchRow(trx, user.countyCode, id))!, warnings: plan.warnings };
  });
}

/** Edit a returned (or still pending) adjustment; it goes back to the queue as pending. */
export async function updateAdjustment(
  db: Kysely<Tables>,
  user: Viewer,
  id: number,
  raw: unknown,
): Promise<{ adjustment: AdjustmentView; warnings: string[] }> {
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
    await resubmitAdjustment(trx, user.countyCode, id, input, plan);
    await appendAudit(trx, actorOf(user), {
      action: a.status === 'returned' ? 'adjustment.resubmit' : 'adjustment.edit',
      entityType: 'adjustment',
      entityId: id,
      countyCode: user.countyCode,
      before: a.payload,
      after: input,
      detail: { kind: input.kind, reason: input.reason },
    });
    return { adjustment: (await fetchRow(trx, user.countyCode, id))!, warnings: plan.warnings };
  });
}

/** County approval: re-check against the register as it is now and apply, all in one transaction. */
export async function approveAdjustment(
  db: Kysely<Tables>,
  user: Viewer,
  id: number,
  note = '',
): Promise<{ adjustment: AdjustmentView; personIds: number[]; warnings: string[] }> {
  must(user, 'adjustment.approve');
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    if (a.status !== 'pending') throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能审批`);
    const { selfApproved } = assertSeparateDuties({
      step: 'adjustment.approve',
      firstBy: [a.enteredBy],
      secondBy: user.id,
      allowSelfApproval: (await loadControls(trx, user.countyCode)).allowSelfApproval,
    });
    const input = AdjustmentInput.parse(a.payload);
    const plan = planAdjustment(input, await loadState(trx, user.countyCode, input, id, true), todayIso(), { atApproval: true });
    assertPlanInScope(user, plan);
    rejectOnErrors(plan);
    const detail = { adjustmentId: id, kind: input.kind, reason: input.reason, effectiveDate: input.effectiveDate ?? null };
    const applied = await applyPlan(trx, user.countyCode, plan, detail);
    const personIds = [...new Set([...plan.personIds, ...applied.insertedIds])];
    await markApproved(trx, user, id, { note, personIds, selfApproved });
    const entries: AuditEntry[] = [
      ...applied.audit,
      {
        action: 'adjustment.approve',
        entityType: 'adjustment',
        entityId: id,
        countyCode: user.countyCode,
        before: { status: a.status },
        after: { status: 'approved' },
        detail: { ...detail, note, personIds, changes: applied.audit.length, enteredBy: a.enteredBy, enteredByName: a.enteredByName, selfApproved },
      },
    ];
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
    await markDecided(trx, user, id, to, note);
    await appendAudit(trx, actorOf(user), {
      action: to === 'returned' ? 'adjustment.return' : 'adjustment.withdraw',
      entityType: 'adjustment',
      entityId: id,
      countyCode: user.countyCode,
      before: { status: a.status },
      after: { status: to },
      detail: { note },
    });
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
export async function getAdjustment(
  db: Kysely<Tables>,
  user: Viewer,
  id: number,
): Promise<{ adjustment: AdjustmentView; files: AdjustmentFileView[]; preview: Plan | null }> {
  const a = await fetchRow(db, user.countyCode, id);
  if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
  const files = await filesOfAdjustment(db, user.countyCode, id);
  let preview: Plan | null = null;
  if (a.status === 'pending' || a.status === 'returned') {
    const input = AdjustmentInput.parse(a.payload);
    preview = planAdjustment(input, await loadState(db, user.countyCode, input, id), todayIso(), { atApproval: true });
  }
  return { adjustment: a, files, preview };
}

/** The queue: adjustments in the viewer's region, newest first. */
export async function listAdjustments(db: Kysely<Tables>, user: Viewer, f: AdjustmentFilter = {}): Promise<{ total: number; items: AdjustmentView[] }> {
  const scope = user.regionCode.length > 6 ? user.regionCode.slice(0, 9) : '';
  return listAdjustmentRows(db, user.countyCode, scope, f);
}

/** Attach an evidence file (while pending or returned). */
export async function addAdjustmentFile(
  db: Kysely<Tables>,
  user: Viewer,
  id: number,
  file: { filename: string; mime: string; content: Buffer },
): Promise<AdjustmentFileView> {
  must(user, 'adjustment.enter');
  if (!file.content.length) throw new AppError('FILE_EMPTY', '上传的文件是空的');
  if (file.content.length > MAX_FILE_BYTES) throw new AppError('TOO_LARGE', `佐证材料不能超过${MAX_FILE_BYTES / 1024 / 1024}MB`);
  const filename = file.filename.replace(UNSAFE_NAME_CHARS, '_').slice(0, 200) || '佐证材料';
  return inTransaction(db, async (trx) => {
    const a = await fetchRow(trx, user.countyCode, id, true);
    if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
    assertOwner(user, a);
    if (a.status !== 'pending' && a.status !== 'returned') throw new AppError('CONFLICT', `调整${id}${a.statusName}，不能再上传材料`);
    if (a.fileCount >= MAX_FILES_PER_ADJUSTMENT) throw new AppError('CONFLICT', `每项调整最多${MAX_FILES_PER_ADJUSTMENT}个佐证文件`);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const saved = await insertFile(trx, user, id, { filename, mime: file.mime || 'application/octet-stream', content: file.content, sha256 });
    await appendAudit(trx, actorOf(user), {
      action: 'adjustment.file_add',
      entityType: 'adjustment',
      entityId: id,
      countyCode: user.countyCode,
      detail: { fileId: saved.id, filename, size: file.content.length, sha256 },
    });
    return saved;
  });
}

/** Download an evidence file (audited: it may hold personal data). */
export async function getAdjustmentFile(
  db: Kysely<Tables>,
  user: Viewer,
  id: number,
  fileId: number,
): Promise<{ filename: string; mime: string; content: Buffer; sha256: string }> {
  const a = await fetchRow(db, user.countyCode, id);
  if (!a || !canSee(user, a)) throw new AppError('NOT_FOUND', `调整${id}不存在`);
  const x = await readFile(db, user.countyCode, id, fileId);
  if (!x) throw new AppError('NOT_FOUND', '文件不存在');
  await appendAudit(db, actorOf(user), {
    action: 'adjustment.file_download',
    entityType: 'adjustment',
    entityId: id,
    countyCode: user.countyCode,
    detail: { fileId },
  });
  return { filename: x.filename, mime: x.mime, content: Buffer.from(x.content), sha256: x.sha256 };
}
