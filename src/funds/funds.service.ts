// The money workflow: entering an allocation, 拨付 or 报账 (locked, checked by the §8.1 rules
// against what the database holds, audited), batches and the year plan, and corrections by
// reversal (requested by one person, approved by another). The CLI and the routes call these.
import type { Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { formatFen, type Fen } from '../shared/money.ts';
import type { IsoDate } from '../shared/dates.ts';
import { REJECT_CODES, type FundBatch, type LedgerProject, type RejectCode } from './ledger.types.ts';
import { checkMoneyEntry, SHEET_OF_KIND, type EntryKind } from './money-rules.ts';
import {
  bookedSums,
  getBatch,
  lockFundData,
  yearBatchTotal,
  getEntry,
  getProject,
  insertBatches,
  insertEntries,
  insertProjects,
  reversedFen,
  type StoredEntry,
  listEntries,
  projectOptions,
  insertFile,
  getFile,
  getBalanceLimitBp,
  setBalanceLimitBp,
  type EntryFilter,
} from './funds.store.ts';
import {
  decideReversalRequest,
  getReversalRequest,
  insertReversalRequest,
  listReversalRequests,
  lockYearBatches,
  planRows,
  savePlanRow,
  type ReversalRequest,
} from './corrections.store.ts';
import type { Tables } from '../shared/db/tables.ts';
import { PLAN_USE_LIST } from './funds.contract.ts';

type Db = Kysely<Tables>;

/** Who acts, in which county, and the region they may touch (county, or a township). */
export interface Actor extends AuditActor {
  countyCode: string;
  regionCode: string;
}

export class MoneyRuleError extends AppError {
  constructor(
    readonly rule: RejectCode,
    message: string,
  ) {
    super('CONFLICT', `${REJECT_CODES[rule]}：${message}`, { code: rule });
  }
}

export interface EntryInput {
  kind: EntryKind;
  batchNo: string;
  projectNo: string;
  date: IsoDate;
  amountFen: Fen;
  voucherNo?: string | null;
  attachmentId?: number | null;
  note?: string;
}

/** A township user's region; null for a county-wide user. */
const townshipOf = (actor: Pick<Actor, 'regionCode'>) => (actor.regionCode.length > 6 ? actor.regionCode : null);

/** Batch-wide figures (batches, plan, overview totals) are the county's: a township officer gets their own projects only. */
export function assertCountyWide(actor: Pick<Actor, 'regionCode'>) {
  if (townshipOf(actor)) throw new AppError('FORBIDDEN', '批次资金涉及全县，仅县级用户可查看；乡镇用户请查看本乡镇项目的资金');
}

function assertRegion(actor: Actor, project: LedgerProject | null) {
  if (project && !project.villageCode.startsWith(actor.regionCode)) throw new AppError('FORBIDDEN', '无权录入本辖区以外项目的资金');
}

/**
 * Book one allocation, 拨付 or 报账. The ledger counter, then the batch row, are locked for the transaction, so two
 * entries against one batch are checked one after the other: together they can never take
 * the batch or an allocation past its limit.
 */
export async function enterEntry(db: Db, actor: Actor, input: EntryInput): Promise<StoredEntry> {
  return db.transaction().execute((trx) => bookEntry(trx, actor, input, null));
}

/** Book inside the caller's transaction (an approved reversal books its entry in the approval's). */
async function bookEntry(trx: Db, actor: Actor, input: EntryInput, reversesId: number | null): Promise<StoredEntry> {
  const county = actor.countyCode;
  await lockFundData(trx);
  const batch = await getBatch(trx, county, input.batchNo, true);
  const project = await getProject(trx, county, input.projectNo);
  assertRegion(actor, project);
  const sums = batch ? await bookedSums(trx, county, input.batchNo, input.projectNo) : null;
  const breach = checkMoneyEntry(
    { kind: input.kind, date: input.date, amountFen: input.amountFen, reversal: reversesId !== null },
    {
      batch,
      projectKnown: !!project,
      batchAllocatedFen: sums?.batchAllocatedFen ?? 0,
      pair: sums?.pair ?? { allocatedFen: 0, disbursedFen: 0, reimbursedFen: 0 },
    },
  );
  if (breach) throw new MoneyRuleError(breach.code, breach.message);
  const [id] = await insertEntries(
    trx,
    county,
    [
      {
        kind: input.kind,
        batchNo: input.batchNo,
        projectNo: input.projectNo,
        date: input.date,
        amountFen: input.amountFen,
        voucherNo: input.voucherNo?.trim() || null,
        attachmentId: input.attachmentId ?? null,
        reversesId,
        note: input.note ?? '',
      },
    ],
    null,
    actor.userId,
  );
  const entry = (await getEntry(trx, county, id))!;
  await appendAudit(trx, actor, {
    action: reversesId ? 'fund_entry.reverse' : `fund_entry.${input.kind}`,
    entityType: 'fund_entry',
    entityId: id,
    countyCode: county,
    after: { ...input, sheet: SHEET_OF_KIND[input.kind], reversesId },
  });
  return entry;
}

/** What is left to allocate of a batch, and to disburse / reimburse of one allocation (the entry forms show it). */
export async function remaining(db: Db, county: string, batchNo: string, projectNo: string | null) {
  const batch = await getBatch(db, county, batchNo);
  if (!batch) throw new AppError('NOT_FOUND', `批次${batchNo}不存在`);
  const s = await bookedSums(db, county, batchNo, projectNo ?? '');
  return {
    batchFen: batch.amountFen,
    batchAllocatedFen: s.batchAllocatedFen,
    unallocatedFen: batch.amountFen - s.batchAllocatedFen,
    allocatedFen: s.pair.allocatedFen,
    disbursedFen: s.pair.disbursedFen,
    reimbursedFen: s.pair.reimbursedFen,
    toDisburseFen: s.pair.allocatedFen - s.pair.disbursedFen,
    toReimburseFen: s.pair.allocatedFen - s.pair.reimbursedFen,
  };
}

export async function createBatch(db: Db, actor: Actor, b: FundBatch): Promise<FundBatch> {
  assertCountyWide(actor);
  return db.transaction().execute(async (trx) => {
    await lockFundData(trx);
    if (await getBatch(trx, actor.countyCode, b.batchNo)) throw new MoneyRuleError('L_DUPLICATE', `批次编号${b.batchNo}已存在`);
    if (b.amountFen <= 0) throw new MoneyRuleError('L_NEGATIVE', '批次金额应大于0');
    await insertBatches(trx, actor.countyCode, [b], null, actor.userId);
    await appendAudit(trx, actor, { action: 'fund_batch.create', entityType: 'fund_batch', entityId: b.batchNo, countyCode: actor.countyCode, after: b });
    return b;
  });
}

export async function createProject(db: Db, actor: Actor, p: LedgerProject): Promise<LedgerProject> {
  return db.transaction().execute(async (trx) => {
    assertRegion(actor, p);
    await lockFundData(trx);
    if (!p.villageCode.startsWith(actor.countyCode)) throw new AppError('VALIDATION', `村代码${p.villageCode}不在本县`);
    if (await getProject(trx, actor.countyCode, p.projectNo)) throw new MoneyRuleError('L_DUPLICATE', `项目编号${p.projectNo}已存在`);
    await insertProjects(trx, actor.countyCode, [p], null, actor.userId);
    await appendAudit(trx, actor, { action: 'fund_project.create', entityType: 'fund_project', entityId: p.projectNo, countyCode: actor.countyCode, after: p });
    return p;
  });
}

// ---- the year plan split by use -------------------------------------------------------------

// the uses are the contract's, so the page offers exactly what is saved
export const PLAN_USES = PLAN_USE_LIST;
export type PlanUse = (typeof PLAN_USES)[number];

export interface YearPlan {
  year: number;
  batchesFen: Fen;
  parts: Record<PlanUse, Fen>;
  plannedFen: Fen;
  balanced: boolean;
}

export async function getYearPlan(db: Db, county: string, year: number): Promise<YearPlan> {
  const [batchesFen, rows] = await Promise.all([yearBatchTotal(db, county, year), planRows(db, county, year)]);
  const parts = Object.fromEntries(PLAN_USES.map((u) => [u, 0])) as Record<PlanUse, Fen>;
  for (const r of rows) parts[r.use as PlanUse] = r.amountFen;
  const plannedFen = PLAN_USES.reduce((s, u) => s + parts[u], 0);
  return { year, batchesFen, parts, plannedFen, balanced: rows.length > 0 && plannedFen === batchesFen };
}

/** The year's plan as a user sees it: county-wide users only. */
export async function yearPlanFor(db: Db, actor: Actor, year: number): Promise<YearPlan> {
  assertCountyWide(actor);
  return getYearPlan(db, actor.countyCode, year);
}

/** Save the split of a year's batches by use; refused unless the parts sum to the year's batches. */
export async function saveYearPlan(db: Db, actor: Actor, year: number, parts: Record<PlanUse, Fen>): Promise<YearPlan> {
  assertCountyWide(actor);
  return db.transaction().execute(async (trx) => {
    // the year's batches cannot change while the plan is checked against them
    await lockYearBatches(trx, actor.countyCode, year);
    const before = await getYearPlan(trx, actor.countyCode, year);
    const total = PLAN_USES.reduce((s, u) => s + (parts[u] ?? 0), 0);
    if (PLAN_USES.some((u) => !Number.isSafeInteger(parts[u] ?? 0) || (parts[u] ?? 0) < 0)) throw new AppError('VALIDATION', '各用途金额应为非负的分');
    if (total !== before.batchesFen) {
      throw new AppError(
        'CONFLICT',
        `${year}年资金用途合计${formatFen(total)}元，与该年度批次下达合计${formatFen(before.batchesFen)}元不符（相差${formatFen(total - before.batchesFen)}元）`,
        { code: 'PLAN_UNBALANCED' },
      );
    }
    for (const u of PLAN_USES) await savePlanRow(trx, actor.countyCode, year, u, parts[u] ?? 0, actor.userId);
    const after = await getYearPlan(trx, actor.countyCode, year);
    await appendAudit(trx, actor, {
      action: 'fund_plan.save',
      entityType: 'fund_plan',
      entityId: year,
      countyCode: actor.countyCode,
      before: before.parts,
      after: after.parts,
    });
    return after;
  });
}

// ---- corrections: reversal requested by one, approved by another ---------------------------

export async function requestReversal(
  db: Db,
  actor: Actor,
  entryId: number,
  input: { amountFen?: Fen; date: IsoDate; reason: string },
): Promise<ReversalRequest> {
  return db.transaction().execute(async (trx) => {
    const entry = await getEntry(trx, actor.countyCode, entryId);
    if (!entry) throw new AppError('NOT_FOUND', `资金记录${entryId}不存在`);
    assertRegion(actor, await getProject(trx, actor.countyCode, entry.projectNo));
    if (entry.amountFen < 0) throw new AppError('CONFLICT', '冲销记录本身不能再冲销；如需更正请重新录入');
    const left = entry.amountFen + (await reversedFen(trx, actor.countyCode, entryId));
    const amount = input.amountFen ?? left;
    if (amount <= 0 || amount > left) throw new AppError('CONFLICT', `冲销金额应大于0且不超过尚未冲销的${formatFen(left)}元`);
    if (input.date < entry.date) throw new AppError('VALIDATION', `冲销日期不能早于原记录日期${entry.date}`);
    const req = await insertReversalRequest(trx, actor.countyCode, { entryId, amountFen: amount, date: input.date, reason: input.reason, by: actor.userId });
    await appendAudit(trx, actor, { action: 'fund_reversal.request', entityType: 'fund_entry', entityId: entryId, countyCode: actor.countyCode, after: req });
    return req;
  });
}

export async function decideReversal(db: Db, actor: Actor, requestId: number, approve: boolean, note = ''): Promise<ReversalRequest> {
  assertCountyWide(actor);
  const county = actor.countyCode;
  return db.transaction().execute(async (trx) => {
    const req = await getReversalRequest(trx, county, requestId, true);
    if (!req) throw new AppError('NOT_FOUND', `冲销申请${requestId}不存在`);
    if (req.status !== 'pending') throw new AppError('CONFLICT', '该冲销申请已处理');
    if (req.requestedBy === actor.userId) throw new AppError('FORBIDDEN', '冲销须由申请人以外的人员审批');
    let reversingId: number | null = null;
    if (approve) {
      const entry = (await getEntry(trx, county, req.entryId))!;
      const left = entry.amountFen + (await reversedFen(trx, county, entry.id));
      if (req.amountFen > left) throw new AppError('CONFLICT', `原记录尚未冲销的金额只有${formatFen(left)}元`);
      // the reversing entry is checked and booked like any other (the batch lock included)
      const e = await bookEntry(
        trx,
        actor,
        {
          kind: entry.kind,
          batchNo: entry.batchNo,
          projectNo: entry.projectNo,
          date: req.date,
          amountFen: -req.amountFen,
          voucherNo: entry.voucherNo,
          note: `冲销记录${entry.id}：${req.reason}`,
        },
        entry.id,
      );
      reversingId = e.id;
    }
    const after = await decideReversalRequest(trx, county, requestId, { approve, by: actor.userId, note, reversingId });
    await appendAudit(trx, actor, {
      action: approve ? 'fund_reversal.approve' : 'fund_reversal.reject',
      entityType: 'fund_entry',
      entityId: req.entryId,
      countyCode: county,
      before: req,
      after,
    });
    return after;
  });
}

/** Reversal requests of the county: county-wide users only. */
export async function reversalsFor(db: Db, actor: Actor, status?: ReversalRequest['status']): Promise<ReversalRequest[]> {
  assertCountyWide(actor);
  return listReversalRequests(db, actor.countyCode, status);
}

export { listReversalRequests, type ReversalRequest, type StoredEntry };

// ---- reading entries, vouchers and settings, within the user's region ----------------------

/** The entries behind a figure, a page of them; a township user sees their projects' only. */
export async function entriesFor(db: Db, actor: Actor, f: Omit<EntryFilter, 'region' | 'limit' | 'offset'> & { page: number; pageSize: number }) {
  const { page, pageSize, ...filter } = f;
  return listEntries(db, actor.countyCode, { ...filter, region: townshipOf(actor) ?? undefined, limit: pageSize, offset: (page - 1) * pageSize });
}

/** One entry; outside the user's region it does not exist for them. */
export async function entryFor(db: Db, actor: Actor, id: number): Promise<StoredEntry> {
  const e = await getEntry(db, actor.countyCode, id);
  if (!e) throw new AppError('NOT_FOUND', `资金记录${id}不存在`);
  if (townshipOf(actor) && !(await projectOptions(db, actor.countyCode, actor.regionCode, e.projectNo, 1)).length)
    throw new AppError('NOT_FOUND', `资金记录${id}不存在`);
  return e;
}

/** Projects of the user's region to pick in the entry forms, by number or name. */
export async function projectChoices(db: Db, actor: Actor, q: string) {
  return { rows: await projectOptions(db, actor.countyCode, actor.regionCode, q) };
}

/** Store a voucher attachment once per content (the same file uploaded twice is one row). */
export async function storeVoucher(db: Db, actor: Actor, f: { filename: string; mime: string; content: Buffer; sha256: string }) {
  const id = await insertFile(db, actor.countyCode, f, actor.userId);
  return { id, filename: f.filename, size: f.content.length };
}

export async function voucher(db: Db, actor: Actor, id: number) {
  const f = await getFile(db, actor.countyCode, id);
  if (!f) throw new AppError('NOT_FOUND', '附件不存在');
  return f;
}

/** The 结存比例 limit, in hundredths of a percent. */
export async function balanceLimit(db: Db, county: string) {
  return { limitBp: await getBalanceLimitBp(db, county) };
}

export async function setBalanceLimit(db: Db, actor: Actor, limitBp: number) {
  assertCountyWide(actor);
  await db.transaction().execute(async (trx) => {
    const before = await setBalanceLimitBp(trx, actor.countyCode, limitBp, actor.userId);
    await appendAudit(trx, actor, {
      action: 'settings.update',
      entityType: 'setting',
      entityId: 'funds.balance_limit_bp',
      countyCode: actor.countyCode,
      before,
      after: limitBp,
    });
  });
  return { limitBp };
}
