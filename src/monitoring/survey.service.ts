// Workflow of survey campaigns (全面排查): the households to visit (monitored households and
// post-support households of the chosen villages, the latter read through the registry's
// search), visits with 两不愁三保障 and 饮水安全 findings, problems raised from every "no",
// and their clearing (动态清零).
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { addDays, todayIso } from '../shared/dates.ts';
import { inScope, actorOf, type SessionUser } from '../auth/index.ts';
import { searchPersons, personsByIdNumbers } from '../registry/index.ts';
import { need, type Db } from './household.service.ts';
import { membersOf } from './household.store.ts';
import * as store from './survey.store.ts';
import { VISIT_ITEMS, type VisitItem } from './codes.ts';

export interface CampaignInput {
  name: string;
  startOn: string;
  endOn: string;
  villages: string[];
}

/** Post-support households of a village (head's name), skipping `skip` (already on the list as monitored). */
async function supportHouseholds(db: Db, user: SessionUser, villageCode: string, skip: Set<string>): Promise<{ householdNo: string; headName: string }[]> {
  const byNo = new Map<string, { head: string | null; first: string }>();
  for (let page = 1; page < 200; page++) {
    const res = await searchPersons(db, user.countyCode, { villageCode, status: '正常', unmask: false }, user, { page, pageSize: 500 });
    for (const p of res.items) {
      if (skip.has(p.householdNo)) continue;
      const h = byNo.get(p.householdNo) ?? { head: null, first: p.name };
      if (p.relation === '户主') h.head = p.name;
      byNo.set(p.householdNo, h);
    }
    if (res.items.length < 500) break;
  }
  return [...byNo].map(([householdNo, h]) => ({ householdNo, headName: h.head ?? h.first }));
}

export async function createCampaign(db: Db, user: SessionUser, input: CampaignInput): Promise<number> {
  need(user, 'monitoring.enter');
  const villages = [...new Set(input.villages)];
  if (!villages.length) throw new AppError('VALIDATION', '请至少选择一个村');
  const outside = villages.filter((v) => !/^\d{12}$/.test(v) || !inScope(user, v));
  if (outside.length) throw new AppError('FORBIDDEN', `以下村不在本辖区：${outside.join('、')}`);
  if (input.endOn < input.startOn) throw new AppError('VALIDATION', '结束日期早于开始日期');
  // the register is read before the transaction (PGlite hands out one connection at a time)
  // a post-support household with a monitored member is visited once, as the monitored household
  const monitoredIds = (
    await membersOf(
      db,
      user.countyCode,
      (await store.monitoredInVillages(db, user.countyCode, villages)).map((m) => m.id),
    )
  ).map((m) => m.idNumber);
  const skip = new Set((await personsByIdNumbers(db, user.countyCode, monitoredIds)).map((p) => p.householdNo));
  const support: { villageCode: string; householdNo: string; headName: string }[] = [];
  for (const v of villages) for (const h of await supportHouseholds(db, user, v, skip)) support.push({ villageCode: v, ...h });
  return db.transaction().execute(async (trx) => {
    const id = await store.insertCampaign(trx, user.countyCode, { name: input.name.trim(), startOn: input.startOn, endOn: input.endOn }, user.id);
    const monitored = await store.monitoredInVillages(trx, user.countyCode, villages);
    await store.insertTargets(trx, user.countyCode, id, [
      ...monitored.map((m) => ({
        villageCode: m.villageCode,
        kind: 'monitored' as const,
        monitoredHouseholdId: m.id,
        supportHouseholdNo: null,
        headName: m.headName,
      })),
      ...support.map((s) => ({
        villageCode: s.villageCode,
        kind: 'support' as const,
        monitoredHouseholdId: null,
        supportHouseholdNo: s.householdNo,
        headName: s.headName,
      })),
    ]);
    await appendAudit(trx, actorOf(user), {
      action: 'survey_campaign.create',
      entityType: 'survey_campaign',
      entityId: id,
      countyCode: user.countyCode,
      after: { ...input, villages, monitored: monitored.length, support: support.length },
    });
    return id;
  });
}

export async function campaignOrThrow(db: Db, user: SessionUser, id: number) {
  const c = await store.getCampaign(db, user.countyCode, id);
  if (!c) throw new AppError('NOT_FOUND', '排查任务不存在');
  return c;
}

export interface VisitInput {
  visitedOn: string;
  visitor: string;
  findings: Record<VisitItem, { ok: boolean; note?: string }>;
  /** who clears the problems found, and by when (default: the visitor, 30 days) */
  problemOwner?: string;
  problemDueOn?: string;
}

export async function recordVisit(
  db: Db,
  user: SessionUser,
  targetId: number,
  v: VisitInput,
  today = todayIso(),
): Promise<{ visitId: number; problemIds: number[] }> {
  need(user, 'monitoring.enter');
  if (v.visitedOn > today) throw new AppError('VALIDATION', '走访日期晚于今天');
  if (!v.visitor.trim()) throw new AppError('VALIDATION', '请填写走访人');
  const noNote = (Object.keys(VISIT_ITEMS) as VisitItem[]).filter((k) => !v.findings[k].ok && !(v.findings[k].note ?? '').trim());
  if (noNote.length) throw new AppError('VALIDATION', `未保障的项目须说明情况：${noNote.map((k) => VISIT_ITEMS[k]).join('、')}`);
  return db.transaction().execute(async (trx) => {
    const t = await store.getTarget(trx, user.countyCode, targetId);
    if (!t || !inScope(user, t.villageCode)) throw new AppError('NOT_FOUND', '走访对象不存在或不在本辖区');
    const c = await campaignOrThrow(trx, user, t.campaignId);
    if (c.status !== 'open') throw new AppError('CONFLICT', '排查任务已结束，不能再录入走访');
    const notes: Partial<Record<VisitItem, string>> = {};
    for (const k of Object.keys(VISIT_ITEMS) as VisitItem[]) if ((v.findings[k].note ?? '').trim()) notes[k] = v.findings[k].note!.trim();
    const f = (k: VisitItem) => v.findings[k].ok;
    const visitId = await store.insertVisit(
      trx,
      user.countyCode,
      {
        campaignId: c.id,
        targetId: t.id,
        visitedOn: v.visitedOn,
        visitor: v.visitor.trim(),
        food: f('food'),
        clothing: f('clothing'),
        schooling: f('schooling'),
        medical: f('medical'),
        housing: f('housing'),
        water: f('water'),
        notes,
      },
      user.id,
    );
    const problemIds: number[] = [];
    for (const k of Object.keys(VISIT_ITEMS) as VisitItem[]) {
      if (v.findings[k].ok) continue;
      problemIds.push(
        await store.insertProblem(trx, user.countyCode, {
          campaignId: c.id,
          targetId: t.id,
          visitId,
          item: k,
          description: `${VISIT_ITEMS[k]}未达标：${notes[k]}`,
          owner: (v.problemOwner ?? '').trim() || v.visitor.trim(),
          dueOn: v.problemDueOn ?? addDays(v.visitedOn, 30),
        }),
      );
    }
    await appendAudit(trx, actorOf(user), {
      action: 'survey_visit.record',
      entityType: 'survey_target',
      entityId: t.id,
      countyCode: user.countyCode,
      after: { visitId, ...v },
      detail: { campaignId: c.id, problemIds },
    });
    return { visitId, problemIds };
  });
}

export async function clearSurveyProblem(
  db: Db,
  user: SessionUser,
  problemId: number,
  input: { clearedOn: string; note: string },
  today = todayIso(),
): Promise<void> {
  need(user, 'monitoring.enter');
  if (!input.note.trim()) throw new AppError('VALIDATION', '请说明整改情况');
  if (input.clearedOn > today) throw new AppError('VALIDATION', '清零日期晚于今天');
  await db.transaction().execute(async (trx) => {
    const p = await store.getProblem(trx, user.countyCode, problemId, true);
    if (!p || !inScope(user, p.villageCode)) throw new AppError('NOT_FOUND', '问题不存在或不在本辖区');
    if (p.status === 'cleared') throw new AppError('CONFLICT', '该问题已清零');
    await store.clearProblem(trx, user.countyCode, p.id, input.clearedOn, input.note.trim(), user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'survey_problem.clear',
      entityType: 'survey_problem',
      entityId: p.id,
      countyCode: user.countyCode,
      before: { status: p.status },
      after: { status: 'cleared', ...input },
    });
  });
}

export async function closeCampaign(db: Db, user: SessionUser, id: number): Promise<void> {
  need(user, 'monitoring.approve');
  if (user.regionCode.length !== 6) throw new AppError('FORBIDDEN', '排查任务由县级结束');
  await db.transaction().execute(async (trx) => {
    const c = await campaignOrThrow(trx, user, id);
    if (c.status === 'closed') throw new AppError('CONFLICT', '排查任务已结束');
    await store.setCampaignStatus(trx, user.countyCode, id, 'closed');
    await appendAudit(trx, actorOf(user), {
      action: 'survey_campaign.close',
      entityType: 'survey_campaign',
      entityId: id,
      countyCode: user.countyCode,
      before: { status: c.status },
      after: { status: 'closed' },
    });
  });
}
