// Workflow of monitored households: identification, risks, measures, income, the monitoring
// line, and risk removal through the state machine in risk.ts. Permissions and region scope
// are checked here; every change is audited in its transaction.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit } from '../shared/audit.ts';
import { AppError, type ErrorCode } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { validateId } from '../shared/idnumber.ts';
import { isCountyCode } from '../shared/region.ts';
import { hasPermission, inScope, actorOf, type SessionUser, type Permission } from '../auth/index.ts';
import { approveCounty, approveTownship, refusalMessage, requestRemoval, returnRemoval, householdStatusOf, type Decision, type RefusalCode } from './risk.ts';
import * as store from './household.store.ts';
import type { Category, IdentifiedHow, MeasureType, RiskType } from './codes.ts';

export type Db = Kysely<Tables>;

export function need(user: SessionUser, p: Permission): void {
  if (!hasPermission(user, p)) throw new AppError('FORBIDDEN', '没有权限执行此操作');
}

/** The household, or 404; outside the user's region also 404 (no hint that it exists). */
export async function householdInScope(db: Db, user: SessionUser, id: number, lock = false): Promise<store.HouseholdRow> {
  const h = await store.getHouseholdRow(db, user.countyCode, id, lock);
  if (!h || !inScope(user, h.villageCode)) throw new AppError('NOT_FOUND', '监测户不存在或不在本辖区');
  return h;
}

const FORBIDDEN_REFUSALS: RefusalCode[] = ['NOT_TOWNSHIP_USER', 'NOT_COUNTY_USER', 'SELF_APPROVAL', 'SAME_APPROVER'];
const CONFLICT_REFUSALS: RefusalCode[] = ['NOT_ACTIVE', 'NOT_PENDING_TOWNSHIP', 'NOT_PENDING_COUNTY', 'NOT_PENDING'];

/** A refused step as an AppError carrying its refusal code (tests and the page read it). */
export function unwrap<T>(d: Decision<T>): T {
  if (d.ok) return d.value;
  const status: ErrorCode = FORBIDDEN_REFUSALS.includes(d.code) ? 'FORBIDDEN' : CONFLICT_REFUSALS.includes(d.code) ? 'CONFLICT' : 'VALIDATION';
  throw new AppError(status, refusalMessage(d.code, d.detail), { refusal: d.code });
}

export interface MemberInput {
  name: string;
  idNumber: string;
  relation: string;
  phone?: string;
  healthNote?: string;
}
export interface IdentifyInput {
  villageCode: string;
  category: Category;
  identifiedOn: string;
  identifiedHow: IdentifiedHow;
  responsibleName: string;
  responsiblePhone?: string;
  address?: string;
  members: MemberInput[];
  risks: { riskType: RiskType; note?: string }[];
  incomeYear?: number;
  incomeFen?: number;
  sourceAlertId?: number | null;
}

/** Checks a household's members: valid IDs, one 户主, no ID twice, nobody monitored elsewhere. */
async function checkMembers(db: Db, county: string, members: MemberInput[], today: string): Promise<store.NewMember[]> {
  const problems: string[] = [];
  const out: store.NewMember[] = [];
  const seen = new Set<string>();
  members.forEach((m, i) => {
    const v = validateId(m.idNumber, today);
    if (!m.name.trim()) problems.push(`第${i + 1}名成员：姓名为空`);
    if (!v.ok) problems.push(`第${i + 1}名成员（${m.name}）：身份证号无效，${v.reason}`);
    else if (seen.has(v.normalized)) problems.push(`第${i + 1}名成员（${m.name}）：身份证号与前面的成员重复`);
    seen.add(v.normalized);
    out.push({
      name: m.name.replace(/\s+/g, ''),
      idNumber: v.normalized,
      idNumberRaw: m.idNumber.trim(),
      idValid: v.ok,
      relation: m.relation,
      phone: (m.phone ?? '').trim(),
      healthNote: (m.healthNote ?? '').trim(),
    });
  });
  const heads = members.filter((m) => m.relation === '户主').length;
  if (heads !== 1) problems.push(heads === 0 ? '家庭成员中没有户主' : '家庭成员中有多个户主');
  if (problems.length) throw new AppError('VALIDATION', problems.join('；'), { problems });
  const elsewhere = await store.membersByIdNumbers(
    db,
    county,
    out.map((m) => m.idNumber),
  );
  if (elsewhere.length) {
    throw new AppError('CONFLICT', `以下人员已是监测对象，不能重复识别：${elsewhere.map((m) => `${m.name}（监测户${m.householdId}）`).join('、')}`, {
      householdIds: [...new Set(elsewhere.map((m) => m.householdId))],
    });
  }
  return out;
}

/** 识别纳入: a new monitored household with its members and first risks (in the caller's transaction when given one). */
export async function identifyHousehold(db: Db, user: SessionUser, input: IdentifyInput, today = todayIso()): Promise<number> {
  need(user, 'monitoring.enter');
  if (!inScope(user, input.villageCode)) throw new AppError('FORBIDDEN', '只能识别本辖区的农户');
  if (input.identifiedOn > today) throw new AppError('VALIDATION', '识别日期晚于今天');
  if (!input.risks.length) throw new AppError('VALIDATION', '请至少选择一项风险类型');
  if (!input.responsibleName.trim()) throw new AppError('VALIDATION', '请填写帮扶责任人');
  return db.transaction().execute((trx) => identifyWithin(trx, user, input, today));
}

/** identifyHousehold inside an open transaction (an alert decision identifies in its own). */
export async function identifyWithin(trx: Db, user: SessionUser, input: IdentifyInput, today: string): Promise<number> {
  need(user, 'monitoring.enter');
  if (!inScope(user, input.villageCode)) throw new AppError('FORBIDDEN', '只能识别本辖区的农户');
  {
    const members = await checkMembers(trx, user.countyCode, input.members, today);
    const head = members.find((m) => m.relation === '户主')!;
    const id = await store.insertHousehold(
      trx,
      user.countyCode,
      {
        villageCode: input.villageCode,
        headName: head.name,
        category: input.category,
        identifiedOn: input.identifiedOn,
        identifiedHow: input.identifiedHow,
        responsibleName: input.responsibleName.trim(),
        responsiblePhone: (input.responsiblePhone ?? '').trim(),
        address: (input.address ?? '').trim(),
        sourceAlertId: input.sourceAlertId ?? null,
        incomeYear: input.incomeYear ?? null,
        incomeFen: input.incomeFen ?? null,
      },
      user.id,
    );
    await store.insertMembers(trx, user.countyCode, id, members);
    const riskIds: number[] = [];
    for (const r of [...new Map(input.risks.map((x) => [x.riskType, x])).values()]) {
      riskIds.push(
        await store.insertRisk(
          trx,
          user.countyCode,
          id,
          { riskType: r.riskType, identifiedOn: input.identifiedOn, note: (r.note ?? '').trim(), sourceAlertId: input.sourceAlertId },
          user.id,
        ),
      );
    }
    await appendAudit(trx, actorOf(user), {
      action: 'monitored_household.identify',
      entityType: 'monitored_household',
      entityId: id,
      countyCode: user.countyCode,
      after: {
        villageCode: input.villageCode,
        category: input.category,
        identifiedOn: input.identifiedOn,
        identifiedHow: input.identifiedHow,
        members: members.map((m) => ({ name: m.name, relation: m.relation, idNumber: m.idNumber })),
        risks: input.risks.map((r) => r.riskType),
        riskIds,
        incomeYear: input.incomeYear ?? null,
        incomeFen: input.incomeFen ?? null,
        sourceAlertId: input.sourceAlertId ?? null,
      },
    });
    return id;
  }
}

export async function addRisk(
  db: Db,
  user: SessionUser,
  householdId: number,
  r: { riskType: RiskType; identifiedOn: string; note?: string },
  today = todayIso(),
): Promise<number> {
  need(user, 'monitoring.enter');
  if (r.identifiedOn > today) throw new AppError('VALIDATION', '识别日期晚于今天');
  return db.transaction().execute((trx) => addRiskWithin(trx, user, householdId, r));
}

/** addRisk inside an open transaction. */
export async function addRiskWithin(
  trx: Db,
  user: SessionUser,
  householdId: number,
  r: { riskType: RiskType; identifiedOn: string; note?: string; sourceAlertId?: number | null },
): Promise<number> {
  {
    const h = await householdInScope(trx, user, householdId, true);
    const open = (await store.risksOf(trx, user.countyCode, [h.id])).find((x) => x.riskType === r.riskType && x.state !== 'removed');
    if (open) throw new AppError('CONFLICT', '该户已有同类风险尚未消除，请在原风险下记录帮扶措施');
    const id = await store.insertRisk(
      trx,
      user.countyCode,
      h.id,
      { riskType: r.riskType, identifiedOn: r.identifiedOn, note: (r.note ?? '').trim(), sourceAlertId: r.sourceAlertId ?? null },
      user.id,
    );
    // a new risk brings a household whose risks were all removed back under monitoring
    if (h.status === 'removed') await store.setHouseholdStatus(trx, user.countyCode, h.id, 'monitoring', null);
    await appendAudit(trx, actorOf(user), {
      action: 'monitored_risk.add',
      entityType: 'monitored_household',
      entityId: h.id,
      countyCode: user.countyCode,
      after: { riskId: id, ...r },
      detail: h.status === 'removed' ? { householdReturnedToMonitoring: true } : undefined,
    });
    return id;
  }
}

export async function addMeasure(
  db: Db,
  user: SessionUser,
  householdId: number,
  m: { riskId?: number | null; measureType: MeasureType; description: string; startOn: string; endOn?: string | null; amountFen: number },
): Promise<number> {
  need(user, 'monitoring.enter');
  if (m.endOn && m.endOn < m.startOn) throw new AppError('VALIDATION', '结束日期早于开始日期');
  if (!Number.isSafeInteger(m.amountFen) || m.amountFen < 0) throw new AppError('VALIDATION', '金额不正确');
  return db.transaction().execute(async (trx) => {
    const h = await householdInScope(trx, user, householdId, true);
    if (m.riskId) {
      const r = await store.getRiskRow(trx, user.countyCode, m.riskId);
      if (!r || r.householdId !== h.id) throw new AppError('VALIDATION', '所选风险不属于该户');
    }
    const id = await store.insertMeasure(
      trx,
      user.countyCode,
      h.id,
      {
        riskId: m.riskId ?? null,
        measureType: m.measureType,
        description: m.description.trim(),
        startOn: m.startOn,
        endOn: m.endOn ?? null,
        amountFen: m.amountFen,
      },
      user.id,
    );
    await appendAudit(trx, actorOf(user), {
      action: 'assistance_measure.add',
      entityType: 'monitored_household',
      entityId: h.id,
      countyCode: user.countyCode,
      after: { measureId: id, ...m },
    });
    return id;
  });
}

export async function recordIncome(db: Db, user: SessionUser, householdId: number, year: number, fen: number): Promise<void> {
  need(user, 'monitoring.enter');
  if (!Number.isSafeInteger(fen) || fen < 0) throw new AppError('VALIDATION', '人均纯收入不正确');
  if (year > Number(todayIso().slice(0, 4))) throw new AppError('VALIDATION', '收入年度晚于今年');
  await db.transaction().execute(async (trx) => {
    const h = await householdInScope(trx, user, householdId, true);
    await store.setIncome(trx, user.countyCode, h.id, year, fen);
    await appendAudit(trx, actorOf(user), {
      action: 'monitored_household.income',
      entityType: 'monitored_household',
      entityId: h.id,
      countyCode: user.countyCode,
      before: { incomeYear: h.incomeYear, incomeFen: h.incomeFen },
      after: { incomeYear: year, incomeFen: fen },
    });
  });
}

/** The monitoring line of a year: a county setting (county users only). */
/** A command's county: --county, else the only county in the database. */
export async function commandCounty(db: Db, given?: string): Promise<string> {
  if (given) {
    if (!isCountyCode(given)) throw new AppError('VALIDATION', `县级区划代码“${given}”不正确`);
    return given;
  }
  const codes = await store.countyCodes(db);
  if (codes.length !== 1) throw new AppError('VALIDATION', '数据库中有多个县或没有县，请用 --county 指定');
  return codes[0];
}

export async function setMonitoringLine(db: Db, user: SessionUser, year: number, fen: number): Promise<void> {
  need(user, 'monitoring.approve');
  if (user.regionCode.length !== 6) throw new AppError('FORBIDDEN', '监测标准由县级设置');
  await db.transaction().execute(async (trx) => {
    const before = await store.saveMonitoringLine(trx, user.countyCode, year, fen, user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'monitoring_line.set',
      entityType: 'monitoring_line',
      entityId: year,
      countyCode: user.countyCode,
      before: { lineFen: before },
      after: { lineFen: fen },
    });
  });
}

async function riskInScope(trx: Db, user: SessionUser, riskId: number) {
  const r = await store.getRiskRow(trx, user.countyCode, riskId, true);
  if (!r) throw new AppError('NOT_FOUND', '风险记录不存在');
  const h = await householdInScope(trx, user, r.householdId, true);
  return { r, h };
}

const facts = (r: store.RiskRow) => ({
  state: r.state,
  riskType: r.riskType,
  identifiedOn: r.identifiedOn,
  requestedBy: r.requestedBy === null ? null : Number(r.requestedBy),
  townshipBy: r.townshipBy === null ? null : Number(r.townshipBy),
});

/** 申请风险消除: the date, the conditions met and the note; checked against the income and the line. */
export async function requestRiskRemoval(
  db: Db,
  user: SessionUser,
  riskId: number,
  req: { removalDate: string; conditions: string[]; note: string },
  today = todayIso(),
): Promise<void> {
  need(user, 'monitoring.enter');
  await db.transaction().execute(async (trx) => {
    const { r, h } = await riskInScope(trx, user, riskId);
    const lines = await store.monitoringLines(trx, user.countyCode);
    const v = unwrap(requestRemoval(facts(r), req, { incomeYear: h.incomeYear, incomeFen: h.incomeFen === null ? null : Number(h.incomeFen), lines }, today));
    await store.saveRemovalRequest(trx, user.countyCode, r.id, v, user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'monitored_risk.request_removal',
      entityType: 'monitored_risk',
      entityId: r.id,
      countyCode: user.countyCode,
      before: { state: r.state },
      after: { state: 'pending_township', ...v },
      detail: { householdId: h.id },
    });
  });
}

/** 乡镇审核 or 县级审定, by where the user sits; both steps need monitoring.approve. */
export async function approveRiskRemoval(
  db: Db,
  user: SessionUser,
  riskId: number,
  step: 'township' | 'county',
): Promise<{ householdStatus: 'monitoring' | 'removed' }> {
  need(user, 'monitoring.approve');
  return db.transaction().execute(async (trx) => {
    const { r, h } = await riskInScope(trx, user, riskId);
    const actor = { id: user.id, regionCode: user.regionCode };
    let status: 'monitoring' | 'removed' = h.status;
    if (step === 'township') {
      const next = unwrap(approveTownship(facts(r), actor));
      await store.saveTownshipApproval(trx, user.countyCode, r.id, user.id);
      await appendAudit(trx, actorOf(user), {
        action: 'monitored_risk.approve_township',
        entityType: 'monitored_risk',
        entityId: r.id,
        countyCode: user.countyCode,
        before: { state: r.state },
        after: { state: next },
      });
    } else {
      const next = unwrap(approveCounty(facts(r), actor));
      await store.saveCountyApproval(trx, user.countyCode, r.id, user.id);
      const all = await store.risksOf(trx, user.countyCode, [h.id]);
      const hs = householdStatusOf(all);
      status = hs.status;
      if (hs.status !== h.status || hs.removedOn !== h.removedOn) await store.setHouseholdStatus(trx, user.countyCode, h.id, hs.status, hs.removedOn);
      await appendAudit(trx, actorOf(user), [
        {
          action: 'monitored_risk.approve_county',
          entityType: 'monitored_risk',
          entityId: r.id,
          countyCode: user.countyCode,
          before: { state: r.state },
          after: { state: next, removalDate: r.removalDate },
        },
        ...(hs.status !== h.status
          ? [
              {
                action: 'monitored_household.removed',
                entityType: 'monitored_household',
                entityId: h.id,
                countyCode: user.countyCode,
                before: { status: h.status },
                after: hs,
              },
            ]
          : []),
      ]);
    }
    return { householdStatus: status };
  });
}

export async function returnRiskRemoval(db: Db, user: SessionUser, riskId: number, reason: string): Promise<void> {
  need(user, 'monitoring.approve');
  await db.transaction().execute(async (trx) => {
    const { r } = await riskInScope(trx, user, riskId);
    unwrap(returnRemoval(facts(r), { id: user.id, regionCode: user.regionCode }, reason));
    await store.saveReturn(trx, user.countyCode, r.id, reason.trim());
    await appendAudit(trx, actorOf(user), {
      action: 'monitored_risk.return_removal',
      entityType: 'monitored_risk',
      entityId: r.id,
      countyCode: user.countyCode,
      before: {
        state: r.state,
        removalDate: r.removalDate,
        conditions: r.removalConditions,
        note: r.removalNote,
        requestedBy: r.requestedBy,
        townshipBy: r.townshipBy,
      },
      after: { state: 'active' },
      detail: { reason: reason.trim() },
    });
  });
}
