// The project life cycle as a workflow: who may see a project (region and unit scope), entering
// a stage with its documents, approval by another user of the county, progress reports, plan
// dates, the task decomposition and 整改 items. Each change is one transaction, locked on the
// project's ledger row, and written to the audit log.
import type { Kysely } from 'kysely';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso, type IsoDate } from '../shared/dates.ts';
import { hasPermission, ownsProject, actorOf, type SessionUser } from '../auth/index.ts';
import {
  STAGES,
  STAGE_NAMES,
  PROCUREMENT_MODES,
  checkSubmission,
  checkApproval,
  checkProgress,
  checkPlans,
  ledgerDatesOf,
  nextStage,
  overdueStage,
  stalledSince,
  requiredDocs,
  type ProjectState,
  type Stage,
  type StageData,
} from './project-lifecycle.ts';
import * as store from './projects.store.ts';
import { lockFundData } from './funds.store.ts';
import {
  PREVIEW_MIMES,
  MAX_DOCUMENT_BYTES,
  type ProjectDetail,
  type ProjectListItem,
  type ProjectListQuery,
  type SubmitStageBody,
  type NewProjectBody,
} from './projects.contract.ts';
import type { Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;
const NOT_FOUND = (no: string) => new AppError('NOT_FOUND', `项目“${no}”不存在或不是您负责的项目`);

function stateOf(p: store.ProjectRow): ProjectState {
  return { passed: p.passed, pending: p.pending, plannedFen: p.plannedFen, lastProgress: p.lastProgress, openRectifications: p.openRectifications };
}

function itemOf(p: store.ProjectRow, today: IsoDate): ProjectListItem {
  const s = stateOf(p);
  return {
    projectNo: p.projectNo,
    name: p.name,
    year: p.year,
    villageCode: p.villageCode,
    villageName: p.villageName,
    townshipCode: p.townshipCode,
    townshipName: p.townshipName,
    category: p.category,
    plannedFen: p.plannedFen,
    unit: p.unit,
    supervisingUnit: p.supervisingUnit,
    leader: p.leader,
    stage: s.passed.at(-1)?.stage ?? null,
    pendingStage: p.pending?.stage ?? null,
    lastPercent: p.lastProgress?.percent ?? null,
    overdue: overdueStage(s, new Map(Object.entries(p.plans) as [Stage, string][]), today),
    stalled: stalledSince(s, today),
  };
}

const filterOf = (user: SessionUser) => ({ region: user.regionCode, unit: user.unit ?? null });

/** The user's projects, filtered; overdue and stalled judged as of `today`. */
export async function listProjects(db: Db, user: SessionUser, q: ProjectListQuery, today = todayIso()) {
  const rows = await store.selectProjects(db, user.countyCode, { ...filterOf(user), township: q.township, category: q.category, year: q.year, q: q.q });
  let items = rows.filter((r) => ownsProject(user, r)).map((r) => itemOf(r, today));
  if (q.stage) items = items.filter((i) => (q.stage === 'none' ? i.stage === null : i.stage === q.stage));
  if (q.flag === 'overdue') items = items.filter((i) => i.overdue);
  if (q.flag === 'stalled') items = items.filter((i) => i.stalled);
  if (q.flag === 'pending') items = items.filter((i) => i.pendingStage);
  const start = (q.page - 1) * q.pageSize;
  return { items: items.slice(start, start + q.pageSize), total: items.length, asOf: today };
}

/** Overdue and stalled projects of a region (the CLI's list and the officers' worklist). */
export async function alerts(db: Db, countyCode: string, region: string, today = todayIso()) {
  const items = (await store.selectProjects(db, countyCode, { region })).map((r) => itemOf(r, today));
  return { overdue: items.filter((i) => i.overdue), stalled: items.filter((i) => i.stalled) };
}

async function loadOwned(db: Db, user: SessionUser, projectNo: string, forUpdate = false): Promise<store.ProjectRow> {
  const [p] = await store.selectProjects(db, user.countyCode, { ...filterOf(user), projectNo }, forUpdate);
  if (!p || !ownsProject(user, p)) throw NOT_FOUND(projectNo);
  return p;
}

const preview = (mime: string) => (PREVIEW_MIMES as readonly string[]).includes(mime);

export async function getProject(db: Db, user: SessionUser, projectNo: string, today = todayIso()): Promise<ProjectDetail> {
  const p = await loadOwned(db, user, projectNo);
  const county = user.countyCode;
  const [stages, docs, progress, rects, profile] = await Promise.all([
    store.selectStages(db, county, projectNo),
    store.selectDocuments(db, county, projectNo),
    store.selectProgress(db, county, projectNo),
    store.selectRectifications(db, county, projectNo),
    store.selectProfile(db, county, projectNo),
  ]);
  const docView = (d: store.DocumentRow) => ({ ...d, previewable: preview(d.mime) });
  const s = stateOf(p);
  const next = nextStage(s);
  const nextDocs: Record<string, string[]> = {};
  if (next === 'procurement') for (const m of PROCUREMENT_MODES) nextDocs[m] = [...requiredDocs(next, m)];
  else if (next) nextDocs.default = [...requiredDocs(next)];
  const reached = new Map(p.passed.map((x) => [x.stage, x.date]));
  return {
    ...itemOf(p, today),
    startedOn: p.startedOn,
    completedOn: p.completedOn,
    acceptedOn: p.acceptedOn,
    profile,
    stages: stages.map((st) => ({ ...st, documents: docs.filter((d) => d.stageId === st.id).map(docView) })),
    plans: STAGES.filter((st) => p.plans[st]).map((st) => ({ stage: st, plannedOn: p.plans[st], reachedOn: reached.get(st) ?? null })),
    progress: progress.map((g) => ({ ...g, photos: docs.filter((d) => d.progressId === g.id).map(docView) })),
    rectifications: rects.map((r) => ({ ...r, overdue: !r.closedOn && r.deadline < today })),
    documents: docs.map(docView),
    nextStage: next,
    nextDocs,
    may: {
      enter: hasPermission(user, 'projects.enter') && !p.pending && next !== null,
      approve: hasPermission(user, 'projects.approve') && !!p.pending && p.pending.enteredBy !== user.id,
      plan: hasPermission(user, 'projects.plan'),
    },
  };
}

/** A new ledger project with its task decomposition, not yet in the library. */
export async function createProject(db: Db, user: SessionUser, b: NewProjectBody, today = todayIso()): Promise<ProjectDetail> {
  if (!ownsProject(user, { villageCode: b.villageCode, unit: b.unit, supervisingUnit: b.supervisingUnit })) {
    throw new AppError('FORBIDDEN', '只能新建本辖区、本单位的项目');
  }
  await db.transaction().execute(async (trx) => {
    // a new ledger row: the cached rate tables must see it (and writers queue in one order)
    await lockFundData(trx);
    const ok = await store.insertLedgerProject(trx, user.countyCode, { ...b, createdBy: user.id });
    if (!ok) throw new AppError('CONFLICT', `项目编号“${b.projectNo}”已存在`);
    await store.upsertTask(trx, user.countyCode, b.projectNo, b, user.id);
    await appendAudit(trx, actorOf(user), { action: 'project.create', entityType: 'project', entityId: b.projectNo, countyCode: user.countyCode, after: b });
  });
  return getProject(db, user, b.projectNo, today);
}

export async function uploadDocument(db: Db, user: SessionUser, projectNo: string, doc: { kind: string; filename: string; mime: string; content: Buffer }) {
  if (!doc.content.length) throw new AppError('FILE_EMPTY', '文件是空的');
  if (doc.content.length > MAX_DOCUMENT_BYTES) throw new AppError('TOO_LARGE', `单个材料不能超过${MAX_DOCUMENT_BYTES / 1024 / 1024}MB`);
  return db.transaction().execute(async (trx) => {
    await loadOwned(trx, user, projectNo, true);
    const id = await store.insertDocument(trx, user.countyCode, projectNo, user.id, doc);
    const [d] = await store.selectDocuments(trx, user.countyCode, projectNo, [id]);
    await appendAudit(trx, actorOf(user), {
      action: 'project.document_upload',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      after: { documentId: id, kind: d.kind, filename: d.filename, size: d.size, sha256: d.sha256 },
    });
    return { ...d, previewable: preview(d.mime) };
  });
}

export async function documentContent(db: Db, user: SessionUser, projectNo: string, id: number) {
  await loadOwned(db, user, projectNo);
  const c = await store.selectDocumentContent(db, user.countyCode, projectNo, id);
  if (!c) throw new AppError('NOT_FOUND', `材料${id}不存在`);
  return { ...c, inline: preview(c.mime) };
}

/** Documents named in a submission: the project's own, not already filed with a live stage or a report. */
async function usableDocuments(trx: Db, county: string, projectNo: string, ids: number[]) {
  const docs = await store.selectDocuments(trx, county, projectNo, ids);
  const missing = ids.filter((id) => !docs.some((d) => d.id === id));
  if (missing.length) throw new AppError('VALIDATION', `材料${missing.join('、')}不属于本项目`);
  const stages = await store.selectStages(trx, county, projectNo);
  const used = docs.filter((d) => d.progressId !== null || (d.stageId !== null && stages.find((s) => s.id === d.stageId)?.status !== 'returned'));
  if (used.length) throw new AppError('VALIDATION', `材料“${used.map((d) => d.filename).join('、')}”已用于其他阶段或进度报告`);
  return docs;
}

export async function submitStage(db: Db, user: SessionUser, projectNo: string, b: SubmitStageBody, today = todayIso()) {
  await db.transaction().execute(async (trx) => {
    const p = await loadOwned(trx, user, projectNo, true);
    const docs = await usableDocuments(trx, user.countyCode, projectNo, b.documentIds);
    const data = b.data as StageData;
    if (data.stage === 'library' && !ownsProject(user, { villageCode: data.library.villageCode, unit: p.unit, supervisingUnit: p.supervisingUnit })) {
      throw new AppError('FORBIDDEN', '项目所在村不在您的辖区');
    }
    const problems = checkSubmission(stateOf(p), { data, date: b.date, docKinds: docs.map((d) => d.kind), enteredBy: user.id }, today);
    if (problems.length) throw new AppError('VALIDATION', problems.join('；'), { problems });
    const id = await store.insertStage(trx, user.countyCode, projectNo, { stage: data.stage, date: b.date, data, note: b.note, enteredBy: user.id });
    await store.attachDocuments(trx, user.countyCode, b.documentIds, { stageId: id });
    await appendAudit(trx, actorOf(user), {
      action: 'project.stage_submit',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      after: { stageId: id, stage: data.stage, date: b.date, data, documentIds: b.documentIds },
    });
  });
  return getProject(db, user, projectNo, today);
}

export async function approveStage(db: Db, user: SessionUser, projectNo: string, stageId: number, note: string, today = todayIso()) {
  await db.transaction().execute(async (trx) => {
    // approvals write the ledger's dates (开工数/完工数/验收数): move the ledger's change counter first
    await lockFundData(trx);
    const p = await loadOwned(trx, user, projectNo, true);
    if (!p.pending || p.pending.id !== stageId) throw new AppError('CONFLICT', '该阶段已审批或退回，请刷新');
    const problems = checkApproval(stateOf(p), user.id);
    if (problems.length) throw new AppError(problems[0].startsWith('录入人') ? 'FORBIDDEN' : 'CONFLICT', problems.join('；'));
    const stage = (await store.selectStages(trx, user.countyCode, projectNo)).find((s) => s.id === stageId)!;
    const data = stage.data as StageData;
    await store.decideStage(trx, user.countyCode, stageId, 'approved', user.id, note);
    const dates = ledgerDatesOf(stage.stage, stage.date);
    if (data.stage === 'library') {
      await store.upsertLibraryProfile(trx, user.countyCode, projectNo, data.library, user.id);
      await store.updateLedgerProject(trx, user.countyCode, projectNo, { villageCode: data.library.villageCode, category: data.library.category });
    }
    if (data.stage === 'accepted') await store.insertRectifications(trx, user.countyCode, projectNo, stageId, data.rectifications);
    if (Object.keys(dates).length) await store.updateLedgerProject(trx, user.countyCode, projectNo, dates);
    await appendAudit(trx, actorOf(user), {
      action: 'project.stage_approve',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      before: { stage: p.passed.at(-1)?.stage ?? null, startedOn: p.startedOn, completedOn: p.completedOn, acceptedOn: p.acceptedOn },
      after: { stageId, stage: stage.stage, date: stage.date, ...dates },
      detail: { note, enteredBy: stage.enteredById },
    });
  });
  return getProject(db, user, projectNo, today);
}

export async function returnStage(db: Db, user: SessionUser, projectNo: string, stageId: number, note: string, today = todayIso()) {
  await db.transaction().execute(async (trx) => {
    const p = await loadOwned(trx, user, projectNo, true);
    if (!p.pending || p.pending.id !== stageId) throw new AppError('CONFLICT', '该阶段已审批或退回，请刷新');
    if (p.pending.enteredBy === user.id) throw new AppError('FORBIDDEN', '录入人不能审批自己录入的阶段；如需修改，请由县中心退回');
    await store.decideStage(trx, user.countyCode, stageId, 'returned', user.id, note);
    await appendAudit(trx, actorOf(user), {
      action: 'project.stage_return',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      after: { stageId, stage: p.pending.stage },
      detail: { note },
    });
  });
  return getProject(db, user, projectNo, today);
}

export async function reportProgress(
  db: Db,
  user: SessionUser,
  projectNo: string,
  b: { month: string; percent: number; note: string; problems: string; nextStep: string; documentIds: number[] },
  today = todayIso(),
) {
  await db.transaction().execute(async (trx) => {
    const p = await loadOwned(trx, user, projectNo, true);
    const problems = checkProgress(stateOf(p), b, today);
    if (problems.length) throw new AppError('VALIDATION', problems.join('；'), { problems });
    if (await store.progressMonthTaken(trx, user.countyCode, projectNo, b.month)) throw new AppError('CONFLICT', `${b.month}的进度已报送`);
    const docs = await usableDocuments(trx, user.countyCode, projectNo, b.documentIds);
    const id = await store.insertProgress(trx, user.countyCode, projectNo, { ...b, reportedOn: today, enteredBy: user.id });
    await store.attachDocuments(trx, user.countyCode, b.documentIds, { progressId: id });
    await appendAudit(trx, actorOf(user), {
      action: 'project.progress',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      before: p.lastProgress,
      after: { id, month: b.month, percent: b.percent, problems: b.problems, photos: docs.length },
    });
  });
  return getProject(db, user, projectNo, today);
}

export async function setPlans(db: Db, user: SessionUser, projectNo: string, plans: { stage: Stage; plannedOn: string | null }[], today = todayIso()) {
  await db.transaction().execute(async (trx) => {
    const p = await loadOwned(trx, user, projectNo, true);
    const merged = new Map(Object.entries(p.plans) as [Stage, string | null][]);
    for (const x of plans) merged.set(x.stage, x.plannedOn);
    const problems = checkPlans([...merged].filter(([, d]) => d !== null).map(([stage, plannedOn]) => ({ stage, plannedOn: plannedOn! })));
    if (problems.length) throw new AppError('VALIDATION', problems.join('；'), { problems });
    await store.replacePlans(trx, user.countyCode, projectNo, plans, user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'project.plan',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      before: p.plans,
      after: Object.fromEntries(merged),
    });
  });
  return getProject(db, user, projectNo, today);
}

export async function setTask(
  db: Db,
  user: SessionUser,
  projectNo: string,
  t: { leader: string | null; supervisingUnit: string | null; unit: string | null },
  today = todayIso(),
) {
  await db.transaction().execute(async (trx) => {
    await lockFundData(trx); // 实施单位 is a ledger column (the dispatch ranks by it)
    const p = await loadOwned(trx, user, projectNo, true);
    const clean = { leader: t.leader || null, supervisingUnit: t.supervisingUnit || null, unit: t.unit || null };
    await store.upsertTask(trx, user.countyCode, projectNo, clean, user.id);
    await appendAudit(trx, actorOf(user), {
      action: 'project.task',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      before: { leader: p.leader, supervisingUnit: p.supervisingUnit, unit: p.unit },
      after: clean,
    });
  });
  return getProject(db, user, projectNo, today);
}

/** Closing a 整改 item needs its 整改材料 and is done by the county (projects.approve). */
export async function closeRectification(
  db: Db,
  user: SessionUser,
  projectNo: string,
  id: number,
  b: { closedOn: string; note: string; documentIds: number[] },
  today = todayIso(),
) {
  await db.transaction().execute(async (trx) => {
    await loadOwned(trx, user, projectNo, true);
    if (b.closedOn > today) throw new AppError('VALIDATION', `整改完成日期${b.closedOn}晚于今天`);
    const docs = await usableDocuments(trx, user.countyCode, projectNo, b.documentIds);
    if (!docs.some((d) => d.kind === '整改材料')) throw new AppError('VALIDATION', '销号须附整改材料');
    const rect = (await store.selectRectifications(trx, user.countyCode, projectNo)).find((r) => r.id === id);
    if (!rect) throw new AppError('NOT_FOUND', `整改事项${id}不存在`);
    if (!(await store.closeRectification(trx, user.countyCode, projectNo, id, { closedOn: b.closedOn, note: b.note, by: user.id })))
      throw new AppError('CONFLICT', '该整改事项已销号');
    await appendAudit(trx, actorOf(user), {
      action: 'project.rectification_close',
      entityType: 'project',
      entityId: projectNo,
      countyCode: user.countyCode,
      after: { id, item: rect.item, closedOn: b.closedOn, note: b.note, documentIds: b.documentIds },
    });
  });
  return getProject(db, user, projectNo, today);
}

export { STAGE_NAMES };

const NEXT_STEPS: Record<Stage, string> = {
  library: '办理立项批复',
  approval: '编制实施方案',
  design: '组织招投标或村民自建',
  procurement: '尽快开工',
  started: '加快施工进度',
  completed: '组织县级验收',
  accepted: '办理移交管护',
  handover: '开展绩效评价',
  evaluated: '后续管护',
};

/**
 * Stage, progress %, problems and next step of each tracked project as of a day, for the
 * dispatch (调度表). Projects without any life-cycle record are left out, so the caller keeps
 * its reading of the ledger dates for them. Dated by the stage dates, so a past month's
 * dispatch comes out the same later.
 */
export async function lifecycleForDispatch(db: Db, county: string, asOf: IsoDate, region = county) {
  const out = new Map<string, { progressPct: number | null; stage: string; problems: string; nextStep: string }>();
  for (const x of await store.selectStatusAsOf(db, county, asOf, region)) {
    if (!x.tracked) continue;
    const after = x.stage ? STAGES.indexOf(x.stage) : -1;
    const pct = after >= STAGES.indexOf('completed') ? 100 : x.stage === 'started' ? (x.progress?.percent ?? 0) : 0;
    out.set(x.projectNo, {
      progressPct: pct,
      stage: x.stage ? STAGE_NAMES[x.stage] : '未入库',
      problems: x.stage === 'started' ? (x.progress?.problems ?? '') : '',
      nextStep: (x.stage === 'started' && x.progress?.nextStep) || (x.stage ? NEXT_STEPS[x.stage] : '申报入库'),
    });
  }
  return out;
}

/** The county a command works on: the one given, or the only one holding projects. */
export async function projectCounty(db: Db, given?: string): Promise<string> {
  if (given) return given;
  const counties = await store.projectCounties(db);
  if (counties.length === 1) return counties[0];
  throw new AppError('VALIDATION', counties.length ? '数据库中有多个县的项目，请用 --county 指定县级区划代码' : '数据库中还没有项目');
}
