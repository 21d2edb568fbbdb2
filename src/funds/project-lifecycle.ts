// The life cycle of a post-support project (后扶项目), pure: which stage comes next, what a
// stage needs before it can be entered (its data and its documents), who may approve it, what
// an approval writes to the ledger's project dates, and which projects are overdue or stalled.
// The service feeds it the project's recorded history; nothing here reads or writes a database.
import { addDays, isValidDate, type IsoDate } from '../shared/dates.ts';
import type { Fen } from '../shared/money.ts';

export const STAGES = ['library', 'approval', 'design', 'procurement', 'started', 'completed', 'accepted', 'handover', 'evaluated'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_NAMES: Record<Stage, string> = {
  library: '入库',
  approval: '立项批复',
  design: '实施方案',
  procurement: '招投标/自建',
  started: '开工',
  completed: '完工',
  accepted: '县级验收',
  handover: '移交管护',
  evaluated: '绩效评价',
};
/** What the date of each stage means, for forms and errors. */
export const STAGE_DATE_NAMES: Record<Stage, string> = {
  library: '入库日期',
  approval: '批复日期',
  design: '方案批复日期',
  procurement: '定标或自建协议日期',
  started: '开工日期',
  completed: '完工日期',
  accepted: '验收日期',
  handover: '移交日期',
  evaluated: '评价日期',
};

export const PROCUREMENT_MODES = ['tender', 'self_build'] as const;
export type ProcurementMode = (typeof PROCUREMENT_MODES)[number];
export const PROCUREMENT_MODE_NAMES: Record<ProcurementMode, string> = { tender: '招投标', self_build: '村民自建' };

export const ACCEPTANCE_CONCLUSIONS = ['合格', '限期整改'] as const;
export type AcceptanceConclusion = (typeof ACCEPTANCE_CONCLUSIONS)[number];
export const EVALUATION_GRADES = ['优', '良', '中', '差'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];

/** Document kinds an office files for a project (申报书, 批复, 合同, 照片 …). */
export const DOC_KINDS = [
  '项目申报书',
  '村民代表会议决议',
  '立项批复文件',
  '实施方案',
  '设计图纸',
  '招标文件',
  '中标通知书',
  '施工合同',
  '村民自建协议',
  '开工报告',
  '进度照片',
  '完工报告',
  '完工照片',
  '验收报告',
  '整改材料',
  '资产移交书',
  '管护制度',
  '绩效评价报告',
  '其他',
] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/** The documents a stage cannot be passed without (procurement by its mode). */
export function requiredDocs(stage: Stage, mode?: ProcurementMode): readonly DocKind[] {
  switch (stage) {
    case 'library':
      return ['项目申报书', '村民代表会议决议'];
    case 'approval':
      return ['立项批复文件'];
    case 'design':
      return ['实施方案'];
    case 'procurement':
      return mode === 'self_build' ? ['村民自建协议'] : ['中标通知书', '施工合同'];
    case 'started':
      return ['开工报告'];
    case 'completed':
      return ['完工报告', '完工照片'];
    case 'accepted':
      return ['验收报告'];
    case 'handover':
      return ['资产移交书'];
    case 'evaluated':
      return ['绩效评价报告'];
  }
}

/** 项目库 entry: where, what, for whom, and the planned investment by source (fen). */
export interface LibraryData {
  villageCode: string;
  category: string;
  keyVillage: boolean;
  households: number;
  persons: number;
  supportPersons: number;
  supportFundFen: Fen;
  countyMatchFen: Fen;
  selfRaisedFen: Fen;
}
export interface RectificationInput {
  item: string;
  deadline: IsoDate;
}

/** The facts a stage records besides its date and documents. */
export type StageData =
  | { stage: 'library'; library: LibraryData }
  | { stage: 'approval'; docNo: string }
  | { stage: 'design'; summary?: string }
  | { stage: 'procurement'; mode: ProcurementMode; contractor?: string; contractFen?: Fen }
  | { stage: 'started' }
  | { stage: 'completed' }
  | { stage: 'accepted'; group: string; conclusion: AcceptanceConclusion; rectifications: RectificationInput[] }
  | { stage: 'handover'; keeper: string }
  | { stage: 'evaluated'; grade: EvaluationGrade; score?: number };

export interface Submission {
  data: StageData;
  /** the date the stage happened (批复日期, 开工日期 …) */
  date: IsoDate;
  /** kinds of the documents attached */
  docKinds: readonly string[];
  enteredBy: number;
}

/** An approved stage in the project's history. */
export interface PassedStage {
  stage: Stage;
  date: IsoDate;
}
export interface Pending {
  stage: Stage;
  date: IsoDate;
  enteredBy: number;
}

/** What the checks need to know about a project. */
export interface ProjectState {
  /** approved stages, in order */
  passed: readonly PassedStage[];
  pending: Pending | null;
  /** 计划投资 of the ledger row */
  plannedFen: Fen;
  /** the latest progress report */
  lastProgress: { month: string; percent: number; reportedOn: IsoDate } | null;
  /** 整改 items not yet closed */
  openRectifications: number;
}

export const currentStage = (s: Pick<ProjectState, 'passed'>): Stage | null => s.passed.at(-1)?.stage ?? null;

/** The stage that comes after the current one (入库 when the project is not in the library). */
export function nextStage(s: Pick<ProjectState, 'passed'>): Stage | null {
  const cur = currentStage(s);
  if (cur === null) return 'library';
  const i = STAGES.indexOf(cur);
  return i + 1 < STAGES.length ? STAGES[i + 1] : null;
}

export const inLibrary = (s: Pick<ProjectState, 'passed'>): boolean => s.passed.some((p) => p.stage === 'library');

/** A library entry's own checks: counts that fit together, sources that sum to the plan. */
export function checkLibrary(d: LibraryData, plannedFen: Fen): string[] {
  const out: string[] = [];
  if (!/^\d{12}$/.test(d.villageCode)) out.push('村代码应为12位数字');
  for (const [k, name] of [
    ['households', '受益户数'],
    ['persons', '受益人数'],
    ['supportPersons', '其中后扶人数'],
  ] as const) {
    if (!Number.isInteger(d[k]) || d[k] < 0) out.push(`${name}应为非负整数`);
  }
  if (d.supportPersons > d.persons) out.push(`其中后扶人数${d.supportPersons}超过受益人数${d.persons}`);
  if (d.households > d.persons) out.push(`受益户数${d.households}多于受益人数${d.persons}`);
  for (const [k, name] of [
    ['supportFundFen', '后扶资金'],
    ['countyMatchFen', '县级配套'],
    ['selfRaisedFen', '自筹'],
  ] as const) {
    if (!Number.isSafeInteger(d[k]) || d[k] < 0) out.push(`${name}应为不小于0的金额（分）`);
  }
  const sum = d.supportFundFen + d.countyMatchFen + d.selfRaisedFen;
  if (sum !== plannedFen) out.push(`资金来源合计${yuan(sum)}元与计划投资${yuan(plannedFen)}元不符`);
  return out;
}

const yuan = (fen: Fen) => (fen < 0 ? '-' : '') + `${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/**
 * Problems with entering `sub` as the project's next stage (empty: it may be submitted for
 * approval). `today` bounds the dates: nothing is entered as having happened in the future.
 */
export function checkSubmission(s: ProjectState, sub: Submission, today: IsoDate): string[] {
  const stage = sub.data.stage;
  const name = STAGE_NAMES[stage];
  if (s.pending) return [`“${STAGE_NAMES[s.pending.stage]}”已提交待审批，审批或退回后才能录入下一阶段`];
  const next = nextStage(s);
  if (next === null) return ['项目已完成全部阶段'];
  if (stage !== next) {
    if (!inLibrary(s) && (stage === 'approval' || stage === 'accepted')) return [`项目未入库，不能${name}`];
    return [`当前应录入“${STAGE_NAMES[next]}”，不能跳到“${name}”`];
  }
  const out: string[] = [];
  if (!isValidDate(sub.date)) out.push(`${STAGE_DATE_NAMES[stage]}不是有效日期`);
  else {
    if (sub.date > today) out.push(`${STAGE_DATE_NAMES[stage]}${sub.date}晚于今天`);
    const prev = s.passed.at(-1);
    if (prev && sub.date < prev.date) out.push(`${STAGE_DATE_NAMES[stage]}${sub.date}早于${STAGE_NAMES[prev.stage]}日期${prev.date}`);
  }
  const mode = sub.data.stage === 'procurement' ? sub.data.mode : undefined;
  const missing = requiredDocs(stage, mode).filter((k) => !sub.docKinds.includes(k));
  if (missing.length) out.push(`${name}缺少材料：${missing.join('、')}`);
  const d = sub.data;
  switch (d.stage) {
    case 'library':
      out.push(...checkLibrary(d.library, s.plannedFen));
      break;
    case 'approval':
      if (!d.docNo.trim()) out.push('请填写立项批复文号');
      break;
    case 'procurement':
      if (d.mode === 'tender' && !d.contractor?.trim()) out.push('招投标须填写中标单位');
      if (d.contractFen !== undefined && (!Number.isSafeInteger(d.contractFen) || d.contractFen <= 0)) out.push('合同金额应大于0');
      break;
    case 'completed':
      if (!s.lastProgress || s.lastProgress.percent < 100)
        out.push(`完工前须有进度100%的进度报告（最近为${s.lastProgress ? s.lastProgress.percent + '%' : '无'}）`);
      break;
    case 'accepted':
      if (!d.group.trim()) out.push('请填写验收组成员');
      if (d.conclusion === '限期整改' && d.rectifications.length === 0) out.push('验收结论为限期整改，须列出整改事项');
      d.rectifications.forEach((r, i) => {
        if (!r.item.trim()) out.push(`第${i + 1}项整改事项未填写内容`);
        if (!isValidDate(r.deadline)) out.push(`第${i + 1}项整改事项的期限不是有效日期`);
        else if (isValidDate(sub.date) && r.deadline < sub.date) out.push(`第${i + 1}项整改期限${r.deadline}早于验收日期`);
      });
      break;
    case 'handover':
      if (!d.keeper.trim()) out.push('请填写管护主体');
      if (s.openRectifications > 0) out.push(`还有${s.openRectifications}项验收整改未完成，不能移交`);
      break;
    case 'evaluated':
      if (d.score !== undefined && (!Number.isFinite(d.score) || d.score < 0 || d.score > 100)) out.push('评价得分应在0到100之间');
      break;
  }
  return out;
}

/** Problems with `approverId` approving the pending stage (empty: approve). */
export function checkApproval(s: ProjectState, approverId: number): string[] {
  if (!s.pending) return ['没有待审批的阶段'];
  if (s.pending.enteredBy === approverId) return ['录入人不能审批自己录入的阶段，请由县中心另一名人员审批'];
  if (s.pending.stage !== 'library' && !inLibrary(s)) return [`项目未入库，不能审批“${STAGE_NAMES[s.pending.stage]}”`];
  if (s.pending.stage === 'handover' && s.openRectifications > 0) return [`还有${s.openRectifications}项验收整改未完成，不能移交`];
  return [];
}

/** The ledger dates an approved stage sets on the project (they drive 开工数/完工数/验收数 of §8.2). */
export function ledgerDatesOf(stage: Stage, date: IsoDate): { startedOn?: IsoDate; completedOn?: IsoDate; acceptedOn?: IsoDate } {
  if (stage === 'started') return { startedOn: date };
  if (stage === 'completed') return { completedOn: date };
  if (stage === 'accepted') return { acceptedOn: date };
  return {};
}

/** A progress report (% by month): only while under construction, never going backwards. */
export function checkProgress(s: ProjectState, r: { month: string; percent: number }, today: IsoDate): string[] {
  const cur = currentStage(s);
  if (cur !== 'started') return [cur === null || STAGES.indexOf(cur) < STAGES.indexOf('started') ? '项目尚未开工，不能报送进度' : '项目已完工，不再报送进度'];
  const out: string[] = [];
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(r.month)) out.push('月份应为YYYY-MM');
  else {
    const started = s.passed.find((p) => p.stage === 'started')!.date;
    if (r.month < started.slice(0, 7)) out.push(`进度月份${r.month}早于开工月份${started.slice(0, 7)}`);
    if (r.month > today.slice(0, 7)) out.push(`进度月份${r.month}晚于本月`);
    if (s.lastProgress && r.month < s.lastProgress.month) out.push(`进度月份${r.month}早于已报送的${s.lastProgress.month}`);
  }
  if (!Number.isInteger(r.percent) || r.percent < 0 || r.percent > 100) out.push('进度应为0到100的整数');
  else if (s.lastProgress && r.percent < s.lastProgress.percent) out.push(`进度${r.percent}%低于上次报送的${s.lastProgress.percent}%`);
  return out;
}

export const STALL_DAYS = 30;

/** Overdue: the stage the project works towards has a plan date before today. */
export function overdueStage(
  s: Pick<ProjectState, 'passed'>,
  plans: ReadonlyMap<Stage, IsoDate>,
  today: IsoDate,
): { stage: Stage; plannedOn: IsoDate; days: number } | null {
  const next = nextStage(s);
  if (!next) return null;
  const plannedOn = plans.get(next);
  if (!plannedOn || plannedOn >= today) return null;
  return { stage: next, plannedOn, days: daysBetween(plannedOn, today) };
}

/** Stalled: under construction and no progress report for 30 days (counted from 开工 when none). */
export function stalledSince(s: Pick<ProjectState, 'passed' | 'lastProgress'>, today: IsoDate): { since: IsoDate; days: number } | null {
  if (currentStage(s) !== 'started') return null;
  const started = s.passed.find((p) => p.stage === 'started')!.date;
  const since = s.lastProgress && s.lastProgress.reportedOn > started ? s.lastProgress.reportedOn : started;
  if (addDays(since, STALL_DAYS) > today) return null;
  return { since, days: daysBetween(since, today) };
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  const t = (d: IsoDate) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
  return Math.round((t(to) - t(from)) / 86400000);
}

/** Plan dates must follow the stage order (a later stage is never planned before an earlier one). */
export function checkPlans(plans: ReadonlyArray<{ stage: Stage; plannedOn: IsoDate }>): string[] {
  const out: string[] = [];
  const sorted = [...plans].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  let prev: { stage: Stage; plannedOn: IsoDate } | null = null;
  for (const p of sorted) {
    if (!isValidDate(p.plannedOn)) {
      out.push(`${STAGE_NAMES[p.stage]}的计划日期不是有效日期`);
      continue;
    }
    if (prev && p.plannedOn < prev.plannedOn) out.push(`${STAGE_NAMES[p.stage]}计划${p.plannedOn}早于${STAGE_NAMES[prev.stage]}计划${prev.plannedOn}`);
    prev = p;
  }
  return out;
}
