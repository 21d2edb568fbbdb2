// The workflow of cases and recovery: what a user may see (township officers their own
// township only), verifying a case (a confirmed over-payment becomes a recovery item), turning
// a confirmed death or duplicate into a 核减, instalments and four-eyes write-offs, and the audit
// of every change in its transaction. SQL is in the stores; routes call this.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { isValidDate, parseDateStrict } from '../shared/dates.ts';
import { formatFen } from '../shared/money.ts';
import { inScope, auditIdSearch, auditUnmaskedView, type SessionUser } from '../auth/index.ts';
import { createAdjustment, personIdentity, personsByIdNumbers } from '../registry/index.ts';
import { paidFigures } from '../subsidy/index.ts';
import { canBecomeRemoval, DEATH_CODES } from '../crosscheck/index.ts';
import { caseFigures, findCase, listCases as listCasesIn, setCaseAdjustment, setVerdict, type CaseFilter } from './cases.store.ts';
import {
  deleteRecovery,
  findRecovery,
  insertInstalment,
  insertRecovery,
  listRecovery as listRecoveryIn,
  receiptUsedBy,
  recoveryState,
  recoveryTotals as totalsIn,
  setReceived,
  setWriteOffRequest,
  setWrittenOff,
} from './recovery.store.ts';
import type { Case, RecoveryItem, RecoveryTotal, Verdict } from './cases.contract.ts';

type Db = Kysely<Tables>;
type Viewer = Pick<SessionUser, 'regionCode'>;

/** township officers: their township only; county users: the whole county */
export const scopeOf = (user: Viewer) => (user.regionCode.length > 6 ? user.regionCode : undefined);
const actorOf = (user: SessionUser): AuditActor => ({ userId: user.id, username: user.username });

// ---- cases ------------------------------------------------------------------------------------

export async function listCases(db: Db, countyCode: string, user: Viewer, f: CaseFilter = {}) {
  return listCasesIn(db, countyCode, scopeOf(user), f);
}

/** A list as a page asks for it: an ID search and an unmasked view are audited. */
export async function casePage(db: Db, user: SessionUser, f: CaseFilter, unmasked: boolean, detail: Record<string, unknown>) {
  const res = await listCases(db, user.countyCode, user, f);
  await auditIdSearch(db, user, { entityType: 'case', q: f.q, count: res.total });
  if (unmasked) await auditUnmaskedView(db, user, { entityType: 'case', countyCode: user.countyCode, fields: ['idNumber'], count: res.cases.length, detail });
  return res;
}

/** One case; NOT_FOUND outside the user's region (a township officer cannot learn of other townships' cases). */
export async function getCase(db: Db, countyCode: string, user: Viewer, id: number, forUpdate = false): Promise<Case> {
  const c = await findCase(db, countyCode, id, forUpdate);
  if (!c || (user.regionCode.length > 6 && !(c.townshipCode && inScope(user, c.villageCode))))
    throw new AppError('NOT_FOUND', `疑似问题${id}不存在或不在您的辖区`);
  return c;
}

export async function viewCase(db: Db, user: SessionUser, id: number, unmasked: boolean): Promise<Case> {
  const c = await getCase(db, user.countyCode, user, id);
  if (unmasked) await auditUnmaskedView(db, user, { entityType: 'case', entityId: c.id, countyCode: user.countyCode, fields: ['idNumber'] });
  return c;
}

/** One person's cases (the person page); outside the user's region the person does not exist for them. */
export async function personCases(db: Db, user: SessionUser, personId: number): Promise<Case[]> {
  const who = await personIdentity(db, user.countyCode, personId);
  if (!who?.villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', `人员${personId}不存在`);
  return (await listCases(db, user.countyCode, user, { idNumber: who.idNumber, limit: 100 })).cases;
}

export interface VerifyInput {
  verdict: Verdict;
  evidence: string;
  remarks?: string;
}

/**
 * 待核实 → 已核实 (违规 / 误报, with evidence). A confirmed over-payment becomes a recovery item in
 * the same transaction. A verdict may be corrected while no instalment has been received.
 */
export async function verifyCase(db: Db, user: SessionUser, countyCode: string, id: number, input: VerifyInput): Promise<Case> {
  if (!input.evidence?.trim()) throw new AppError('VALIDATION', '请填写核实依据（佐证材料、走访情况等）');
  const actor = actorOf(user);
  await db.transaction().execute(async (trx) => {
    const before = await getCase(trx, countyCode, user, id, true);
    if (before.recoveryId !== null && input.verdict === '误报') {
      const rec = await recoveryState(trx, countyCode, before.recoveryId);
      if (rec.receivedFen > 0 || rec.status !== '追缴中') throw new AppError('CONFLICT', '该问题已有追缴记录（已收回款项或已核销），不能改为误报');
      await deleteRecovery(trx, countyCode, before.recoveryId);
      await appendAudit(trx, actor, {
        action: 'recovery.cancel',
        entityType: 'recovery',
        entityId: before.recoveryId,
        countyCode,
        detail: { caseId: id, reason: '核实结论改为误报' },
      });
    }
    await setVerdict(trx, countyCode, id, { verdict: input.verdict, evidence: input.evidence.trim(), remarks: input.remarks ?? '', userId: user.id });
    await appendAudit(trx, actor, {
      action: 'case.verify',
      entityType: 'case',
      entityId: id,
      countyCode,
      before: { status: before.status, verdict: before.verdict, evidence: before.evidence, remarks: before.remarks },
      after: { status: '已核实', verdict: input.verdict, evidence: input.evidence.trim(), remarks: input.remarks ?? '' },
    });
    if (input.verdict === '违规' && before.overFen > 0 && before.recoveryId === null) {
      await createRecoveryForCase(trx, actor, countyCode, before);
    }
  });
  return getCase(db, countyCode, user, id);
}

/** A confirmed over-payment: the amount due this year, audited. */
async function createRecoveryForCase(trx: Db, actor: AuditActor, countyCode: string, c: Case): Promise<number> {
  const year = new Date(Date.now() + 8 * 3600000).getUTCFullYear();
  const id = await insertRecovery(trx, countyCode, {
    caseId: c.id,
    idNumber: c.idNumber,
    name: c.name,
    villageCode: c.villageCode,
    townshipCode: c.townshipCode,
    year,
    dueFen: c.overFen,
    createdBy: actor.userId,
  });
  await appendAudit(trx, actor, {
    action: 'recovery.create',
    entityType: 'recovery',
    entityId: id,
    countyCode,
    after: { caseId: c.id, dueFen: c.overFen, year },
  });
  return id;
}

/**
 * A confirmed death or duplicate registration turned into a 核减 adjustment in one step, through
 * the registry's own adjustment functions (the county approves it in the registry's queue).
 */
export async function caseToRemoval(
  db: Db,
  user: SessionUser,
  countyCode: string,
  caseId: number,
  input: { effectiveDate?: string; keepPersonId?: number; remarks?: string },
): Promise<{ adjustmentId: number; personIds: number[]; effectiveDate: string; evidenceDate: string | null }> {
  const c = await getCase(db, countyCode, user, caseId);
  if (c.status !== '已核实' || c.verdict !== '违规') throw new AppError('CONFLICT', '只有核实为违规的问题才能转为核减');
  if (c.adjustmentId !== null) throw new AppError('CONFLICT', `该问题已转为核减调整${c.adjustmentId}`);
  const isDeath = DEATH_CODES.includes(c.code);
  if (!canBecomeRemoval(c)) throw new AppError('CONFLICT', `“${c.label}”不能直接转为核减（仅死亡和重复登记）`);
  const rows = (await personsByIdNumbers(db, countyCode, [c.idNumber])).filter((p) => p.status === '正常');
  let remove = rows;
  if (!isDeath) {
    const keep = input.keepPersonId ?? rows[0]?.personId;
    if (!rows.some((r) => r.personId === keep)) throw new AppError('VALIDATION', '请选择保留的那条登记记录');
    remove = rows.filter((r) => r.personId !== keep);
  }
  if (!remove.length) throw new AppError('CONFLICT', '花名册中已没有需要核减的正常状态记录');
  // the date comes from the evidence (the death date of the death record or the hukou 死亡注销), never today;
  // the officer may confirm it or give another, and the adjustment says which
  const evidenceDate = isDeath ? c.deathDate : null;
  const effectiveDate = input.effectiveDate ?? evidenceDate;
  if (!effectiveDate) {
    throw new AppError('VALIDATION', isDeath ? '核对数据中没有该人的死亡日期，请填写核减日期（死亡日期）' : '请填写核减日期');
  }
  if (!isValidDate(effectiveDate)) throw new AppError('VALIDATION', `核减日期“${effectiveDate}”不是有效日期`);
  const dateNote = evidenceDate
    ? effectiveDate === evidenceDate
      ? `核减日期取佐证材料记载的死亡日期${evidenceDate}`
      : `佐证材料记载的死亡日期为${evidenceDate}，经办人改为${effectiveDate}`
    : '';
  const { adjustment } = await createAdjustment(db, user, {
    kind: 'remove',
    personIds: remove.map((r) => r.personId),
    reason: isDeath ? '死亡' : '重复登记',
    effectiveDate,
    remarks: [input.remarks ?? '', dateNote].filter(Boolean).join('；'),
    evidenceNote: `交叉核对问题${c.id}（${c.label}）核实为违规：${c.evidence}`.slice(0, 500),
  });
  const adjustmentId = Number((adjustment as { id: number }).id);
  await db.transaction().execute(async (trx) => {
    await setCaseAdjustment(trx, countyCode, caseId, adjustmentId);
    await appendAudit(trx, actorOf(user), {
      action: 'case.to_adjustment',
      entityType: 'case',
      entityId: caseId,
      countyCode,
      after: { adjustmentId, personIds: remove.map((r) => r.personId), effectiveDate },
      detail: { evidenceDate, dateChanged: evidenceDate !== null && effectiveDate !== evidenceDate },
    });
  });
  return { adjustmentId, personIds: remove.map((r) => r.personId), effectiveDate, evidenceDate };
}

// ---- recovery ---------------------------------------------------------------------------------

export async function listRecovery(
  db: Db,
  countyCode: string,
  user: Viewer,
  f: { status?: string; townshipCode?: string; year?: number; offset?: number; limit?: number } = {},
) {
  return listRecoveryIn(db, countyCode, scopeOf(user), f);
}

export async function recoveryTotals(db: Db, countyCode: string, user: Viewer, year?: number): Promise<RecoveryTotal[]> {
  return totalsIn(db, countyCode, scopeOf(user), year);
}

/** One item with its instalments; NOT_FOUND outside the user's region. */
export async function getRecovery(db: Db, countyCode: string, user: Viewer, id: number, forUpdate = false): Promise<RecoveryItem> {
  const item = await findRecovery(db, countyCode, scopeOf(user), id, forUpdate);
  if (!item) throw new AppError('NOT_FOUND', `追缴记录${id}不存在或不在您的辖区`);
  return item;
}

/** Record money received. The same receipt number twice is refused; more than is outstanding is refused. */
export async function addInstalment(
  db: Db,
  user: SessionUser,
  countyCode: string,
  id: number,
  input: { paidOn: string; amountFen: number; receiptNo: string },
): Promise<RecoveryItem> {
  const d = parseDateStrict(input.paidOn);
  if (!d.ok || !d.date) throw new AppError('VALIDATION', `收款日期无效：${d.ok ? '为空' : d.reason}`);
  const paidOn = d.date;
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new AppError('VALIDATION', '收款金额必须大于0');
  const receiptNo = input.receiptNo?.trim();
  if (!receiptNo) throw new AppError('VALIDATION', '请填写收据编号');
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能再登记收款`);
    const outstanding = item.dueFen - item.receivedFen;
    if (input.amountFen > outstanding) throw new AppError('VALIDATION', `收款${formatFen(input.amountFen)}元超过尚欠金额${formatFen(outstanding)}元`);
    const usedBy = await receiptUsedBy(trx, countyCode, receiptNo);
    if (usedBy !== null) throw new AppError('CONFLICT', `收据编号${receiptNo}已登记过（追缴记录${usedBy}）`);
    await insertInstalment(trx, countyCode, id, { paidOn, amountFen: input.amountFen, receiptNo, enteredBy: user.id });
    const received = item.receivedFen + input.amountFen;
    const status = received === item.dueFen ? '已结清' : '追缴中';
    await setReceived(trx, countyCode, id, received, status);
    await appendAudit(trx, actorOf(user), {
      action: 'recovery.instalment',
      entityType: 'recovery',
      entityId: id,
      countyCode,
      before: { receivedFen: item.receivedFen, status: item.status },
      after: { receivedFen: received, status },
      detail: { paidOn, amountFen: input.amountFen, receiptNo },
    });
  });
  return getRecovery(db, countyCode, user, id);
}

export async function requestWriteOff(db: Db, user: SessionUser, countyCode: string, id: number, reason: string): Promise<RecoveryItem> {
  if (!reason?.trim()) throw new AppError('VALIDATION', '请填写核销原因');
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能申请核销`);
    await setWriteOffRequest(trx, countyCode, id, reason.trim(), user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'recovery.writeoff_request',
      entityType: 'recovery',
      entityId: id,
      countyCode,
      after: { reason: reason.trim(), outstandingFen: item.outstandingFen },
    });
  });
  return getRecovery(db, countyCode, user, id);
}

/** Approve a write-off: only a different user from the one who asked for it. */
export async function approveWriteOff(db: Db, user: SessionUser, countyCode: string, id: number): Promise<RecoveryItem> {
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能核销`);
    if (item.writeoffRequestedBy === null) throw new AppError('CONFLICT', '尚未申请核销');
    if (item.writeoffRequestedBy === user.id) throw new AppError('FORBIDDEN', '核销须由申请人以外的人员审批');
    await setWrittenOff(trx, countyCode, id, user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'recovery.writeoff_approve',
      entityType: 'recovery',
      entityId: id,
      countyCode,
      before: { status: item.status },
      after: { status: '核销', writtenOffFen: item.dueFen - item.receivedFen },
      detail: { requestedBy: item.writeoffRequestedBy, reason: item.writeoffReason },
    });
  });
  return getRecovery(db, countyCode, user, id);
}

// ---- the dashboard ----------------------------------------------------------------------------

/** 首页数字 of a year: paid (subsidy), over-payments found and recovered, in the user's region. */
export async function dashboard(db: Db, user: SessionUser, year: number) {
  const [paid, cases] = await Promise.all([paidFigures(db, user.countyCode, year, scopeOf(user)), caseFigures(db, user.countyCode, scopeOf(user))]);
  return { year, paid, ...cases };
}
