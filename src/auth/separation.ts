// Separation of duties (不相容岗位分离), the one rule every workflow calls: whoever did the
// first step of a change to people or money (entered an adjustment, built a roll, uploaded a
// roster that changes accounts or 状态 of existing people) may not do the second (approve,
// review, apply). A county with a single officer may allow it through its audited setting
// `allowSelfApproval`; the record then carries selfApproved = true. Pure: no I/O.
import { AppError } from '../shared/errors.ts';

export const DUTY_STEPS = {
  'adjustment.approve': { first: '录入', second: '审批', what: '调整' },
  'payroll.review': { first: '编制', second: '审核', what: '发放批次' },
  'roster.apply': { first: '上传', second: '确认导入', what: '会改变已有人员账号或状态的花名册' },
} as const;
export type DutyStep = keyof typeof DUTY_STEPS;

export interface DutyCheck {
  step: DutyStep;
  /** users who did the first step (null entries: done by the system or a command line without a user) */
  firstBy: (number | null)[];
  /** the user doing the second step */
  secondBy: number;
  /** the county's audited setting: a single officer may do both */
  allowSelfApproval: boolean;
}

export type DutyOutcome = { ok: true; selfApproved: boolean } | { ok: false; message: string };

export function separationOfDuties(c: DutyCheck): DutyOutcome {
  const same = c.firstBy.some((u) => u !== null && u === c.secondBy);
  if (!same) return { ok: true, selfApproved: false };
  if (c.allowSelfApproval) return { ok: true, selfApproved: true };
  const s = DUTY_STEPS[c.step];
  return { ok: false, message: `不相容岗位分离：${s.first}人不能${s.second}自己${s.first}的${s.what}，须由另一名有权限的人员${s.second}` };
}

/** Throws 403 FORBIDDEN (code SEPARATION in the details) when the same user would do both steps. */
export function assertSeparateDuties(c: DutyCheck): { selfApproved: boolean } {
  const r = separationOfDuties(c);
  if (!r.ok) throw new AppError('FORBIDDEN', r.message, { rule: 'SEPARATION_OF_DUTIES', step: c.step });
  return { selfApproved: r.selfApproved };
}
