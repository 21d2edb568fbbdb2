// The risk state machine (风险消除): active → pending_township → pending_county → removed, or
// back to active when returned. Pure: it decides from the risk, the household's income, the
// monitoring line and who acts; the service loads those and writes the result.
import { isValidDate, type IsoDate } from '../shared/dates.ts';
import { REMOVAL_CONDITIONS, REQUIRED_CONDITIONS, RISK_TYPES, type RemovalCondition, type RiskState } from './codes.ts';

/** Why a step is refused; each code has one Chinese message. */
export const REFUSALS = {
  NOT_ACTIVE: '该风险不在“帮扶中”状态，不能申请消除',
  NO_CONDITIONS: '未记录风险消除条件，不能申请消除',
  MISSING_CONDITION: '风险消除条件不全',
  UNKNOWN_CONDITION: '风险消除条件不正确',
  NO_NOTE: '请填写风险消除的情况说明（核实了什么、依据是什么）',
  BAD_DATE: '风险消除日期不正确',
  DATE_BEFORE_IDENTIFIED: '风险消除日期早于风险识别日期',
  DATE_IN_FUTURE: '风险消除日期晚于今天',
  NO_INCOME: '未录入家庭人均纯收入（消除当年或上一年），不能认定收入稳定高于监测标准',
  NO_LINE: '未设置该年度的监测标准，无法判断收入是否达标',
  INCOME_BELOW_LINE: '家庭人均纯收入低于监测标准，不能以“收入稳定”为条件消除风险',
  NOT_PENDING_TOWNSHIP: '该风险不在“待乡镇审核”状态',
  NOT_PENDING_COUNTY: '该风险不在“待县级审定”状态，须先经乡镇审核',
  NOT_TOWNSHIP_USER: '乡镇审核须由乡镇账号办理',
  NOT_COUNTY_USER: '县级审定须由县级账号办理',
  SELF_APPROVAL: '录入（申请）人不能审核自己的申请',
  SAME_APPROVER: '县级审定与乡镇审核须由不同的人办理',
  NOT_PENDING: '该风险没有待审核的消除申请',
  NO_RETURN_REASON: '退回须填写原因',
} as const;
export type RefusalCode = keyof typeof REFUSALS;

export interface RiskFacts {
  state: RiskState;
  riskType: keyof typeof RISK_TYPES;
  identifiedOn: IsoDate;
  requestedBy: number | null;
  townshipBy: number | null;
}

export interface Actor {
  id: number;
  /** 6-digit county or 9-digit township */
  regionCode: string;
}

export interface RemovalRequest {
  removalDate: string;
  conditions: string[];
  note: string;
}

export interface IncomeFacts {
  /** the household's recorded per-capita income and its year (null: none recorded) */
  incomeYear: number | null;
  incomeFen: number | null;
  /** monitoring lines by year, fen */
  lines: ReadonlyMap<number, number>;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; code: RefusalCode; detail?: string };

const refuse = (code: RefusalCode, detail?: string): { ok: false; code: RefusalCode; detail?: string } => ({ ok: false, code, detail });

/** The message shown for a refusal, with its detail. */
export function refusalMessage(code: RefusalCode, detail?: string): string {
  return detail ? `${REFUSALS[code]}：${detail}` : REFUSALS[code];
}

export interface RemovalRecord {
  removalDate: IsoDate;
  conditions: RemovalCondition[];
  note: string;
  incomeFen: number;
  lineFen: number;
}

/** Step 1: the request to remove a risk, with its date, conditions and note. */
export function requestRemoval(risk: RiskFacts, req: RemovalRequest, income: IncomeFacts, today: IsoDate): Decision<RemovalRecord> {
  if (risk.state !== 'active') return refuse('NOT_ACTIVE');
  const conditions = [...new Set(req.conditions.map((c) => c.trim()).filter(Boolean))];
  if (!conditions.length) return refuse('NO_CONDITIONS');
  const unknown = conditions.filter((c) => !(c in REMOVAL_CONDITIONS));
  if (unknown.length) return refuse('UNKNOWN_CONDITION', unknown.join('、'));
  const missing = REQUIRED_CONDITIONS.filter((c) => !conditions.includes(c));
  if (missing.length) return refuse('MISSING_CONDITION', `还须满足${missing.map((c) => `“${REMOVAL_CONDITIONS[c]}”`).join('、')}`);
  if (!req.note.trim()) return refuse('NO_NOTE');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(req.removalDate) || !isValidDate(req.removalDate)) return refuse('BAD_DATE', req.removalDate);
  if (req.removalDate < risk.identifiedOn) return refuse('DATE_BEFORE_IDENTIFIED', `识别日期${risk.identifiedOn}`);
  if (req.removalDate > today) return refuse('DATE_IN_FUTURE', req.removalDate);
  // income of the removal year, or of the year before (incomes are known after the year closes)
  const year = Number(req.removalDate.slice(0, 4));
  if (income.incomeYear === null || income.incomeFen === null || (income.incomeYear !== year && income.incomeYear !== year - 1)) {
    return refuse('NO_INCOME', income.incomeYear === null ? undefined : `已录入的是${income.incomeYear}年的收入`);
  }
  const line = income.lines.get(income.incomeYear);
  if (line === undefined) return refuse('NO_LINE', `${income.incomeYear}年`);
  if (income.incomeFen < line) return refuse('INCOME_BELOW_LINE', `${income.incomeYear}年人均${yuan(income.incomeFen)}元，监测标准${yuan(line)}元`);
  return {
    ok: true,
    value: { removalDate: req.removalDate, conditions: conditions as RemovalCondition[], note: req.note.trim(), incomeFen: income.incomeFen, lineFen: line },
  };
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** Step 2: the township's review, by a township user who did not request it. */
export function approveTownship(risk: RiskFacts, actor: Actor): Decision<'pending_county'> {
  if (risk.state !== 'pending_township') return refuse('NOT_PENDING_TOWNSHIP');
  if (actor.regionCode.length !== 9) return refuse('NOT_TOWNSHIP_USER');
  if (actor.id === risk.requestedBy) return refuse('SELF_APPROVAL');
  return { ok: true, value: 'pending_county' };
}

/** Step 3: the county's decision, by a county user who neither requested nor reviewed it. */
export function approveCounty(risk: RiskFacts, actor: Actor): Decision<'removed'> {
  if (risk.state !== 'pending_county' || risk.townshipBy === null) return refuse('NOT_PENDING_COUNTY');
  if (actor.regionCode.length !== 6) return refuse('NOT_COUNTY_USER');
  if (actor.id === risk.requestedBy) return refuse('SELF_APPROVAL');
  if (actor.id === risk.townshipBy) return refuse('SAME_APPROVER');
  return { ok: true, value: 'removed' };
}

/** Either reviewer may send the request back (with a reason); the risk is active again. */
export function returnRemoval(risk: RiskFacts, actor: Actor, reason: string): Decision<'active'> {
  if (risk.state !== 'pending_township' && risk.state !== 'pending_county') return refuse('NOT_PENDING');
  if (risk.state === 'pending_township' && actor.regionCode.length !== 9) return refuse('NOT_TOWNSHIP_USER');
  if (risk.state === 'pending_county' && actor.regionCode.length !== 6) return refuse('NOT_COUNTY_USER');
  if (actor.id === risk.requestedBy) return refuse('SELF_APPROVAL');
  if (!reason.trim()) return refuse('NO_RETURN_REASON');
  return { ok: true, value: 'active' };
}

/**
 * A household leaves monitoring when it has risks and every one is removed; the date is the
 * latest removal. Any risk not removed keeps it (or puts it back) under monitoring.
 */
export function householdStatusOf(risks: { state: RiskState; removalDate: IsoDate | null }[]): { status: 'monitoring' | 'removed'; removedOn: IsoDate | null } {
  if (!risks.length || risks.some((r) => r.state !== 'removed' || !r.removalDate)) return { status: 'monitoring', removedOn: null };
  const last = risks
    .map((r) => r.removalDate!)
    .sort()
    .at(-1)!;
  return { status: 'removed', removedOn: last };
}
