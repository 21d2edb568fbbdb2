// The recovery ledger (追缴台账): a confirmed over-payment is an amount due; instalments are
// received (date, amount, receipt no.) until it is settled (已结清), or it is written off (核销)
// on one user's request and another user's approval. Totals by township and year.
import { sql, type Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { parseDateStrict } from '../shared/dates.ts';
import { formatFen } from '../shared/money.ts';
import type { SessionUser } from '../auth/index.ts';

export interface RecoveryItem {
  id: number; caseId: number; idNumber: string; name: string; villageCode: string; townshipCode: string; year: number; dueFen: number; receivedFen: number;
  outstandingFen: number; status: '追缴中' | '已结清' | '核销'; writeoffReason: string; writeoffRequestedBy: number | null; writeoffApprovedBy: number | null;
  createdAt: string; instalments?: { id: number; paidOn: string; amountFen: number; receiptNo: string; enteredAt: string }[];
}

const itemOf = (x: any): RecoveryItem => ({
  id: Number(x.id), caseId: Number(x.case_id), idNumber: x.id_number, name: x.name, villageCode: x.village_code, townshipCode: x.township_code, year: Number(x.year),
  dueFen: Number(x.due_fen), receivedFen: Number(x.received_fen), outstandingFen: x.status === '追缴中' ? Number(x.due_fen) - Number(x.received_fen) : 0,
  status: x.status, writeoffReason: x.writeoff_reason, writeoffRequestedBy: x.writeoff_requested_by === null ? null : Number(x.writeoff_requested_by),
  writeoffApprovedBy: x.writeoff_approved_by === null ? null : Number(x.writeoff_approved_by), createdAt: new Date(x.created_at).toISOString(),
});

export async function createRecoveryForCase(trx: Kysely<any>, actor: AuditActor, countyCode: string,
  c: { id: number; idNumber: string; name: string; villageCode: string; townshipCode: string; overFen: number }): Promise<number> {
  const year = new Date(Date.now() + 8 * 3600000).getUTCFullYear();
  const r = await sql<{ id: number }>`INSERT INTO recovery_items (county_code, case_id, id_number, name, village_code, township_code, year, due_fen, created_by)
    VALUES (${countyCode}, ${c.id}, ${c.idNumber}, ${c.name}, ${c.villageCode}, ${c.townshipCode}, ${year}, ${c.overFen}, ${actor.userId}) RETURNING id`.execute(trx);
  const id = Number(r.rows[0].id);
  await appendAudit(trx, actor, { action: 'recovery.create', entityType: 'recovery', entityId: id, countyCode, after: { caseId: c.id, dueFen: c.overFen, year } });
  return id;
}

const scopeOf = (user: Pick<SessionUser, 'regionCode'>) => (user.regionCode.length > 6 ? sql`AND township_code <> '' AND village_code LIKE ${user.regionCode + '%'}` : sql``);

export async function listRecovery(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>, f: { status?: string; townshipCode?: string; year?: number; offset?: number; limit?: number } = {}) {
  const where = sql`county_code = ${countyCode} ${scopeOf(user)} ${f.status ? sql`AND status = ${f.status}` : sql``}
    ${f.townshipCode ? sql`AND township_code = ${f.townshipCode}` : sql``} ${f.year ? sql`AND year = ${f.year}` : sql``}`;
  const t = await sql<any>`SELECT count(*) AS n FROM recovery_items WHERE ${where}`.execute(db);
  const r = await sql<any>`SELECT * FROM recovery_items WHERE ${where} ORDER BY id DESC OFFSET ${f.offset ?? 0} LIMIT ${Math.min(f.limit ?? 50, 1000)}`.execute(db);
  return { total: Number(t.rows[0].n), items: r.rows.map(itemOf) };
}

export async function getRecovery(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>, id: number, forUpdate = false): Promise<RecoveryItem> {
  const r = await sql<any>`SELECT * FROM recovery_items WHERE county_code = ${countyCode} AND id = ${id} ${scopeOf(user)} ${forUpdate ? sql`FOR UPDATE` : sql``}`.execute(db);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `追缴记录${id}不存在或不在您的辖区`);
  const item = itemOf(r.rows[0]);
  const i = await sql<any>`SELECT id, paid_on::text AS paid_on, amount_fen, receipt_no, entered_at FROM recovery_instalments WHERE county_code = ${countyCode} AND item_id = ${id} ORDER BY paid_on, id`.execute(db);
  item.instalments = i.rows.map((x) => ({ id: Number(x.id), paidOn: x.paid_on, amountFen: Number(x.amount_fen), receiptNo: x.receipt_no, enteredAt: new Date(x.entered_at).toISOString() }));
  return item;
}

/** Record money received. The same receipt number twice is refused; more than is outstanding is refused. */
export async function addInstalment(db: Kysely<any>, user: SessionUser, countyCode: string, id: number, input: { paidOn: string; amountFen: number; receiptNo: string }): Promise<RecoveryItem> {
  const d = parseDateStrict(input.paidOn);
  if (!d.ok || !d.date) throw new AppError('VALIDATION', `收款日期无效：${d.ok ? '为空' : d.reason}`);
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new AppError('VALIDATION', '收款金额必须大于0');
  const receiptNo = input.receiptNo?.trim();
  if (!receiptNo) throw new AppError('VALIDATION', '请填写收据编号');
  const actor = { userId: user.id, username: user.username };
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能再登记收款`);
    const outstanding = item.dueFen - item.receivedFen;
    if (input.amountFen > outstanding) throw new AppError('VALIDATION', `收款${formatFen(input.amountFen)}元超过尚欠金额${formatFen(outstanding)}元`);
    const dup = await sql<any>`SELECT item_id FROM recovery_instalments WHERE county_code = ${countyCode} AND receipt_no = ${receiptNo}`.execute(trx);
    if (dup.rows[0]) throw new AppError('CONFLICT', `收据编号${receiptNo}已登记过（追缴记录${dup.rows[0].item_id}）`);
    await sql`INSERT INTO recovery_instalments (county_code, item_id, paid_on, amount_fen, receipt_no, entered_by) VALUES (${countyCode}, ${id}, ${d.date}::date, ${input.amountFen}, ${receiptNo}, ${user.id})`.execute(trx);
    const received = item.receivedFen + input.amountFen;
    const status = received === item.dueFen ? '已结清' : '追缴中';
    await sql`UPDATE recovery_items SET received_fen = ${received}, status = ${status} WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, actor, { action: 'recovery.instalment', entityType: 'recovery', entityId: id, countyCode,
      before: { receivedFen: item.receivedFen, status: item.status }, after: { receivedFen: received, status }, detail: { paidOn: d.date, amountFen: input.amountFen, receiptNo } });
  });
  return getRecovery(db, countyCode, user, id);
}

export async function requestWriteOff(db: Kysely<any>, user: SessionUser, countyCode: string, id: number, reason: string): Promise<RecoveryItem> {
  if (!reason?.trim()) throw new AppError('VALIDATION', '请填写核销原因');
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能申请核销`);
    await sql`UPDATE recovery_items SET writeoff_reason = ${reason.trim()}, writeoff_requested_by = ${user.id}, writeoff_requested_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, { userId: user.id, username: user.username }, { action: 'recovery.writeoff_request', entityType: 'recovery', entityId: id, countyCode, after: { reason: reason.trim(), outstandingFen: item.outstandingFen } });
  });
  return getRecovery(db, countyCode, user, id);
}

/** Approve a write-off: only a different user from the one who asked for it. */
export async function approveWriteOff(db: Kysely<any>, user: SessionUser, countyCode: string, id: number): Promise<RecoveryItem> {
  await db.transaction().execute(async (trx) => {
    const item = await getRecovery(trx, countyCode, user, id, true);
    if (item.status !== '追缴中') throw new AppError('CONFLICT', `该追缴记录${item.status}，不能核销`);
    if (item.writeoffRequestedBy === null) throw new AppError('CONFLICT', '尚未申请核销');
    if (item.writeoffRequestedBy === user.id) throw new AppError('FORBIDDEN', '核销须由申请人以外的人员审批');
    await sql`UPDATE recovery_items SET status = '核销', writeoff_approved_by = ${user.id}, writeoff_approved_at = now() WHERE county_code = ${countyCode} AND id = ${id}`.execute(trx);
    await appendAudit(trx, { userId: user.id, username: user.username }, { action: 'recovery.writeoff_approve', entityType: 'recovery', entityId: id, countyCode,
      before: { status: item.status }, after: { status: '核销', writtenOffFen: item.dueFen - item.receivedFen }, detail: { requestedBy: item.writeoffRequestedBy, reason: item.writeoffReason } });
  });
  return getRecovery(db, countyCode, user, id);
}

export interface RecoveryTotal { townshipCode: string; year: number; items: number; dueFen: number; receivedFen: number; writtenOffFen: number; outstandingFen: number; rate: number | null }

/** Totals by township and year (rate = received / due). */
export async function recoveryTotals(db: Kysely<any>, countyCode: string, user: Pick<SessionUser, 'regionCode'>, year?: number): Promise<RecoveryTotal[]> {
  const r = await sql<any>`SELECT township_code, year, count(*) AS items, sum(due_fen) AS due, sum(received_fen) AS received,
      COALESCE(sum(due_fen - received_fen) FILTER (WHERE status = '核销'), 0) AS written_off,
      COALESCE(sum(due_fen - received_fen) FILTER (WHERE status = '追缴中'), 0) AS outstanding
    FROM recovery_items WHERE county_code = ${countyCode} ${scopeOf(user)} ${year ? sql`AND year = ${year}` : sql``}
    GROUP BY township_code, year ORDER BY year DESC, township_code`.execute(db);
  return r.rows.map((x) => ({ townshipCode: x.township_code, year: Number(x.year), items: Number(x.items), dueFen: Number(x.due), receivedFen: Number(x.received),
    writtenOffFen: Number(x.written_off), outstandingFen: Number(x.outstanding), rate: Number(x.due) ? Number(x.received) / Number(x.due) : null }));
}
