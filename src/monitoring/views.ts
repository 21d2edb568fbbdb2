// What the pages read: lists, the household page with its one timeline, figures, queues and
// the campaign board, with Chinese labels and region names, personal data masked unless the
// role may unmask and asked to (each unmasked view audited).
import type { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { canUnmask, auditUnmaskedView, maskId, maskPhone, type SessionUser } from '../auth/index.ts';
import { regionTree, personsByIdNumbers, type RegionNode } from '../registry/index.ts';
import { need, householdInScope, type Db } from './household.service.ts';
import * as hs from './household.store.ts';
import * as ss from './survey.store.ts';
import * as as from './alert.store.ts';
import { computeFigures, type Drill, type FigureHousehold } from './figures.ts';
import { loansOf } from './loans-port.ts';
import {
  ALERT_SOURCES,
  ALERT_STATUSES,
  ALERT_TYPES,
  CATEGORIES,
  HOUSEHOLD_STATUSES,
  IDENTIFIED_HOW,
  MATCH_KINDS,
  MEASURE_TYPES,
  PROBLEM_STATUSES,
  REMOVAL_CONDITIONS,
  RISK_STATES,
  RISK_TYPES,
  VISIT_ITEMS,
  labelOf,
  type VisitItem,
} from './codes.ts';
import type {
  AlertView,
  HouseholdItem,
  HouseholdPage,
  TimelineItem,
  VisitView,
  FiguresResponse,
  ProblemView,
  VillageProgressView,
} from './monitoring.contract.ts';

/** Region code → name for the user's county (townships and villages). */
export async function regionNames(db: Db, user: SessionUser): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const walk = (n: RegionNode) => {
    names.set(n.code, n.name);
    n.children.forEach(walk);
  };
  walk(await regionTree(db, { ...user, regionCode: user.countyCode }));
  return names;
}

/** Unmasked only when asked and allowed; asking without the right is refused. */
export function wantsUnmask(user: SessionUser, asked: unknown): boolean {
  const ask = asked === true || asked === '1' || asked === 'true';
  if (ask && !canUnmask(user)) throw new AppError('FORBIDDEN', '当前角色不能查看完整的身份证号、电话和健康状况');
  return ask;
}

function item(
  h: hs.ListedHousehold | (hs.HouseholdRow & { people: number; riskTypes: string[]; openRisks: string[]; pendingRemovals: number }),
  names: Map<string, string>,
): z.infer<typeof HouseholdItem> {
  return {
    id: h.id,
    villageCode: h.villageCode,
    villageName: names.get(h.villageCode) ?? '',
    townshipName: names.get(h.townshipCode) ?? '',
    headName: h.headName,
    category: h.category,
    categoryName: CATEGORIES[h.category],
    identifiedOn: h.identifiedOn,
    identifiedHow: h.identifiedHow,
    identifiedHowName: IDENTIFIED_HOW[h.identifiedHow],
    status: h.status,
    statusName: HOUSEHOLD_STATUSES[h.status],
    removedOn: h.removedOn,
    people: h.people,
    riskTypes: h.riskTypes as never,
    openRisks: h.openRisks as never,
    pendingRemovals: h.pendingRemovals,
    responsibleName: h.responsibleName,
    incomeYear: h.incomeYear === null ? null : Number(h.incomeYear),
    incomeFen: h.incomeFen === null ? null : Number(h.incomeFen),
  };
}

export async function listView(db: Db, user: SessionUser, q: Drill & { q?: string; page: number; pageSize: number }) {
  need(user, 'monitoring.read');
  const text = q.q?.trim();
  const r = await hs.listHouseholds(
    db,
    user.countyCode,
    user.regionCode,
    { ...q, q: text || undefined, q_id: text?.toUpperCase() },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  const names = await regionNames(db, user);
  return { total: r.total, people: r.people, page: q.page, pageSize: q.pageSize, items: r.rows.map((h) => item(h, names)) };
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function visitView(v: ss.VisitRow): z.infer<typeof VisitView> {
  return {
    id: v.id,
    campaignId: v.campaignId,
    campaignName: v.campaignName,
    targetId: v.targetId,
    visitedOn: v.visitedOn,
    visitor: v.visitor,
    findings: (Object.keys(VISIT_ITEMS) as VisitItem[]).map((k) => ({ item: k, label: VISIT_ITEMS[k], ok: v[k], note: v.notes?.[k] ?? '' })),
  };
}

export function alertView(a: as.AlertDbRow, unmasked: boolean, names: Map<string, string>): z.infer<typeof AlertView> {
  return {
    ...a,
    amountFen: n(a.amountFen),
    sourceName: ALERT_SOURCES[a.source],
    alertTypeName: labelOf(ALERT_TYPES, a.alertType),
    idNumber: unmasked ? a.idNumber : maskId(a.idNumber),
    villageName: names.get(a.villageCode) ?? '',
    matchKindName: MATCH_KINDS[a.matchKind],
    statusName: ALERT_STATUSES[a.status],
  };
}

export async function householdPageView(db: Db, user: SessionUser, id: number, unmaskAsked: unknown): Promise<z.infer<typeof HouseholdPage>> {
  need(user, 'monitoring.read');
  const unmasked = wantsUnmask(user, unmaskAsked);
  const h = await householdInScope(db, user, id);
  const [members, risks, measures, visits, alerts, lines, names] = await Promise.all([
    hs.membersOf(db, user.countyCode, [id]),
    hs.risksOf(db, user.countyCode, [id]),
    hs.measuresOf(db, user.countyCode, id),
    ss.visitsOfHousehold(db, user.countyCode, id),
    as.alertsOfHousehold(db, user.countyCode, id),
    hs.monitoringLines(db, user.countyCode),
    regionNames(db, user),
  ]);
  const ids = members.map((m) => m.idNumber);
  const support = new Map((await personsByIdNumbers(db, user.countyCode, ids)).map((p) => [p.idNumber, p]));
  const loans = await loansOf(db, user.countyCode, ids);
  if (unmasked)
    await auditUnmaskedView(db, user, { entityType: 'monitored_household', entityId: id, fields: ['idNumber', 'phone', 'healthNote'], count: members.length });
  const riskViews = risks.map((r) => ({
    id: r.id,
    riskType: r.riskType,
    riskTypeName: RISK_TYPES[r.riskType],
    state: r.state,
    stateName: RISK_STATES[r.state],
    identifiedOn: r.identifiedOn,
    note: r.note,
    removalDate: r.removalDate,
    removalConditions: r.removalConditions,
    removalConditionNames: r.removalConditions.map((c) => labelOf(REMOVAL_CONDITIONS, c)),
    removalNote: r.removalNote,
    removalIncomeFen: n(r.removalIncomeFen),
    removalLineFen: n(r.removalLineFen),
    requestedBy: n(r.requestedBy),
    requestedAt: r.requestedAt,
    townshipBy: n(r.townshipBy),
    townshipAt: r.townshipAt,
    countyBy: n(r.countyBy),
    countyAt: r.countyAt,
    returnedNote: r.returnedNote,
    sourceAlertId: n(r.sourceAlertId),
  }));
  const timeline: z.infer<typeof TimelineItem>[] = [
    {
      date: h.identifiedOn,
      kind: 'identified' as const,
      title: `识别为${CATEGORIES[h.category]}`,
      detail: `${IDENTIFIED_HOW[h.identifiedHow]}；帮扶责任人${h.responsibleName}`,
    },
    ...risks.map((r) => ({ date: r.identifiedOn, kind: 'risk' as const, title: `识别风险：${RISK_TYPES[r.riskType]}`, detail: r.note })),
    ...risks
      .filter((r) => r.removalDate)
      .map((r) => ({
        date: r.removalDate!,
        kind: 'removal' as const,
        title: `风险消除（${RISK_TYPES[r.riskType]}）：${RISK_STATES[r.state]}`,
        detail: r.removalNote,
      })),
    ...measures.map((m) => ({
      date: m.startOn,
      kind: 'measure' as const,
      title: `帮扶措施：${MEASURE_TYPES[m.measureType]}`,
      detail: `${m.description}${Number(m.amountFen) ? `，${(Number(m.amountFen) / 100).toFixed(2)}元` : ''}`,
    })),
    ...visits.map((v) => ({
      date: v.visitedOn,
      kind: 'visit' as const,
      title: `走访（${v.campaignName ?? ''}）`,
      detail: `${v.visitor}；未保障：${
        (Object.keys(VISIT_ITEMS) as VisitItem[])
          .filter((k) => !v[k])
          .map((k) => VISIT_ITEMS[k])
          .join('、') || '无'
      }`,
    })),
    ...alerts.map((a) => ({
      date: a.alertDate ?? a.decidedAt?.slice(0, 10) ?? h.identifiedOn,
      kind: 'alert' as const,
      title: `部门预警：${ALERT_SOURCES[a.source]}${labelOf(ALERT_TYPES, a.alertType)}（${ALERT_STATUSES[a.status]}）`,
      detail: a.evidence,
    })),
    ...(h.removedOn ? [{ date: h.removedOn, kind: 'removed' as const, title: '全部风险消除，退出监测', detail: '' }] : []),
  ].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const people = members.length;
  return {
    household: {
      ...item(
        {
          ...h,
          people,
          riskTypes: [...new Set(risks.map((r) => r.riskType))],
          openRisks: [...new Set(risks.filter((r) => r.state !== 'removed').map((r) => r.riskType))],
          pendingRemovals: risks.filter((r) => r.state.startsWith('pending')).length,
        },
        names,
      ),
      responsiblePhone: unmasked ? h.responsiblePhone : maskPhone(h.responsiblePhone),
      address: h.address,
      sourceAlertId: n(h.sourceAlertId),
      lineFen: h.incomeYear ? (lines.get(Number(h.incomeYear)) ?? null) : null,
    },
    members: members.map((m) => {
      const s = support.get(m.idNumber);
      return {
        id: m.id,
        name: m.name,
        idNumber: unmasked ? m.idNumber : maskId(m.idNumber),
        idValid: m.idValid,
        relation: m.relation,
        phone: unmasked ? m.phone : maskPhone(m.phone),
        healthNote: unmasked ? m.healthNote : m.healthNote ? '（已遮蔽）' : '',
        support: s ? { householdNo: s.householdNo, status: s.status, villageCode: s.villageCode } : null,
      };
    }),
    risks: riskViews,
    measures: measures.map((m) => ({
      id: m.id,
      riskId: n(m.riskId),
      measureType: m.measureType,
      measureTypeName: MEASURE_TYPES[m.measureType],
      description: m.description,
      startOn: m.startOn,
      endOn: m.endOn,
      amountFen: Number(m.amountFen),
    })),
    visits: visits.map(visitView),
    alerts: alerts.map((a) => alertView(a, unmasked, names)),
    loans: { available: loans !== null, items: (loans ?? []).map((l) => ({ ...l, idNumber: unmasked ? l.idNumber : maskId(l.idNumber) })) },
    timeline,
    masked: !unmasked,
  };
}

export async function figuresView(db: Db, user: SessionUser, from: string, to: string): Promise<z.infer<typeof FiguresResponse>> {
  need(user, 'monitoring.read');
  if (to < from) throw new AppError('VALIDATION', '结束日期早于开始日期');
  const rows = await hs.figureRows(db, user.countyCode, user.regionCode);
  const byHousehold = new Map<number, FigureHousehold>();
  for (const h of rows.households) byHousehold.set(h.id, { ...h, risks: [] });
  for (const r of rows.risks) byHousehold.get(r.householdId)?.risks.push(r);
  const f = computeFigures([...byHousehold.values()], from, to);
  const names = await regionNames(db, user);
  return {
    ...f,
    byTownship: f.byTownship.map((t) => ({ ...t, townshipName: names.get(t.townshipCode) ?? t.townshipCode })),
    riskByTownship: f.riskByTownship.map((t) => ({ ...t, townshipName: names.get(t.townshipCode) ?? t.townshipCode })),
  };
}

export async function removalQueueView(db: Db, user: SessionUser, step: 'township' | 'county') {
  need(user, 'monitoring.read');
  const [rows, names] = await Promise.all([
    hs.pendingRemovals(db, user.countyCode, user.regionCode, step === 'township' ? 'pending_township' : 'pending_county'),
    regionNames(db, user),
  ]);
  return {
    items: rows.map((r) => ({
      riskId: r.id,
      householdId: r.householdId,
      headName: r.headName,
      villageCode: r.villageCode,
      villageName: names.get(r.villageCode) ?? '',
      riskType: r.riskType,
      riskTypeName: RISK_TYPES[r.riskType],
      removalDate: r.removalDate,
      removalConditionNames: r.removalConditions.map((c) => labelOf(REMOVAL_CONDITIONS, c)),
      removalNote: r.removalNote,
      requestedBy: n(r.requestedBy),
      requestedAt: r.requestedAt,
    })),
  };
}

export async function campaignBoardView(db: Db, user: SessionUser, id: number) {
  need(user, 'monitoring.read');
  const c = await ss.getCampaign(db, user.countyCode, id);
  if (!c) throw new AppError('NOT_FOUND', '排查任务不存在');
  const [rows, names] = await Promise.all([ss.progressByVillage(db, user.countyCode, id, user.regionCode, todayIso()), regionNames(db, user)]);
  const villages: z.infer<typeof VillageProgressView>[] = rows.map((r) => ({
    ...r,
    villageName: names.get(r.villageCode) ?? '',
    townshipName: names.get(r.villageCode.slice(0, 9)) ?? '',
  }));
  const sum = (k: 'targets' | 'visited' | 'problems' | 'openProblems' | 'overdueProblems') => villages.reduce((s, v) => s + v[k], 0);
  return {
    campaign: c,
    villages,
    totals: {
      targets: sum('targets'),
      visited: sum('visited'),
      problems: sum('problems'),
      openProblems: sum('openProblems'),
      overdueProblems: sum('overdueProblems'),
    },
  };
}

export async function problemsView(
  db: Db,
  user: SessionUser,
  campaignId: number,
  status?: 'open' | 'cleared',
): Promise<{ problems: z.infer<typeof ProblemView>[] }> {
  need(user, 'monitoring.read');
  const [rows, names] = await Promise.all([ss.listProblems(db, user.countyCode, campaignId, user.regionCode, status), regionNames(db, user)]);
  const today = todayIso();
  return {
    problems: rows.map((p) => ({
      id: p.id,
      targetId: p.targetId,
      item: p.item,
      itemName: VISIT_ITEMS[p.item],
      description: p.description,
      owner: p.owner,
      dueOn: p.dueOn,
      status: p.status,
      statusName: PROBLEM_STATUSES[p.status],
      overdue: p.status === 'open' && p.dueOn < today,
      clearedOn: p.clearedOn,
      clearingNote: p.clearingNote,
      villageCode: p.villageCode,
      villageName: names.get(p.villageCode) ?? '',
      headName: p.headName,
    })),
  };
}

export async function targetsView(db: Db, user: SessionUser, campaignId: number, villageCode: string) {
  need(user, 'monitoring.read');
  if (!villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', '该村不在本辖区');
  const rows = await ss.listTargets(db, user.countyCode, campaignId, villageCode);
  return { targets: rows.map((t) => ({ ...t, kindName: t.kind === 'monitored' ? '监测户' : '后扶人口户' })) };
}

export async function visitsOfTargetView(db: Db, user: SessionUser, targetId: number) {
  need(user, 'monitoring.read');
  const t = await ss.getTarget(db, user.countyCode, targetId);
  if (!t || !t.villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', '走访对象不存在或不在本辖区');
  return { visits: (await ss.visitsOfTarget(db, user.countyCode, targetId)).map(visitView) };
}

export async function alertsView(
  db: Db,
  user: SessionUser,
  q: {
    status?: 'open' | 'included' | 'excluded';
    matchKind?: 'monitored' | 'support' | 'none';
    source?: keyof typeof ALERT_SOURCES;
    importId?: number;
    page: number;
    pageSize: number;
    unmask?: unknown;
  },
) {
  need(user, 'monitoring.read');
  const unmasked = wantsUnmask(user, q.unmask);
  const [r, counts, names] = await Promise.all([
    as.listAlerts(db, user.countyCode, user.regionCode, q, (q.page - 1) * q.pageSize, q.pageSize),
    as.alertCounts(db, user.countyCode, user.regionCode),
    regionNames(db, user),
  ]);
  if (unmasked)
    await auditUnmaskedView(db, user, { entityType: 'alert', fields: ['idNumber'], count: r.rows.length, detail: { query: { ...q, unmask: undefined } } });
  return { total: r.total, page: q.page, pageSize: q.pageSize, masked: !unmasked, items: r.rows.map((a) => alertView(a, unmasked, names)), counts };
}

export async function linesView(db: Db, user: SessionUser) {
  need(user, 'monitoring.read');
  return { lines: [...(await hs.monitoringLines(db, user.countyCode))].map(([year, lineFen]) => ({ year, lineFen })) };
}

export async function campaignsView(db: Db, user: SessionUser) {
  need(user, 'monitoring.read');
  return { campaigns: await ss.listCampaigns(db, user.countyCode) };
}

export async function alertImportsView(db: Db, user: SessionUser) {
  need(user, 'monitoring.read');
  return { imports: (await as.listImports(db, user.countyCode)).map((i) => ({ ...i, sourceName: ALERT_SOURCES[i.source] })) };
}

export async function importProblemsView(db: Db, user: SessionUser, importId: number) {
  need(user, 'monitoring.read');
  if (!(await as.getImport(db, user.countyCode, importId))) throw new AppError('NOT_FOUND', '导入记录不存在');
  return { problems: await as.importProblems(db, user.countyCode, importId) };
}
