// Payment rolls (发放批次): states, their Chinese names, allowed moves. Pure.
import { AppError } from '../shared/errors.ts';
import { STATUS_NAMES, type PayrollStatus } from './subsidy.contract.ts';
import { parsePeriod, type Period } from '../shared/periods.ts';

export {
  PAYROLL_STATUSES,
  STATUS_NAMES,
  KIND_NAMES,
  RESULT_NAMES,
  FLAG_NAMES,
  type PayrollStatus,
  type PayrollKind,
  type LineResult,
} from './subsidy.contract.ts';

/** Which states an action may start from. */
const FROM: Record<string, PayrollStatus[]> = {
  review: ['draft'],
  export: ['reviewed', 'exported', 'results_imported'],
  import: ['exported', 'results_imported'],
  close: ['results_imported'],
  delete: ['draft'],
  rebuild: ['draft'],
};
const ACTION_NAMES: Record<string, string> = { review: '审核', export: '导出银行文件', import: '导入回盘', close: '关闭', delete: '删除', rebuild: '重新生成' };

export function assertCan(action: keyof typeof FROM, status: PayrollStatus): void {
  if (!FROM[action].includes(status)) {
    throw new AppError(
      'CONFLICT',
      `批次当前状态为“${STATUS_NAMES[status]}”，不能${ACTION_NAMES[action]}（需要：${FROM[action].map((s) => STATUS_NAMES[s]).join('或')}）`,
    );
  }
}

/** Batch number printed in the bank file: county-period-sequence, e.g. 430582-2025-01. */
export function batchNoOf(countyCode: string, period: string, seq: number): string {
  return `${countyCode}-${period}-${String(seq).padStart(2, '0')}`;
}

/** A period as written by a person, or a Chinese refusal. */
export function requirePeriod(text: string): Period {
  const p = parsePeriod(text);
  if (!p) throw new AppError('VALIDATION', `发放期间“${text}”无效，应为如2025（按年）或2025H1/2025H2（按半年）`);
  return p;
}
