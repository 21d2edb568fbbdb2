// Payment rolls (发放批次): states, their Chinese names, allowed moves. Pure.
import { AppError } from '../shared/errors.ts';

export const PAYROLL_STATUSES = ['draft', 'reviewed', 'exported', 'results_imported', 'closed'] as const;
export type PayrollStatus = (typeof PAYROLL_STATUSES)[number];

export const STATUS_NAMES: Record<PayrollStatus, string> = {
  draft: '草稿', reviewed: '已审核', exported: '已导出银行文件', results_imported: '已导入回盘', closed: '已关闭',
};

export type PayrollKind = 'regular' | 'supplementary';
export const KIND_NAMES: Record<PayrollKind, string> = { regular: '正常发放', supplementary: '补发' };

export const RESULT_NAMES = { pending: '待发放', success: '成功', failure: '失败' } as const;
export type LineResult = keyof typeof RESULT_NAMES;

export const FLAG_NAMES: Record<string, string> = {
  no_account: '无银行账号', invalid_id: '身份证号无效', duplicate_registry: '花名册重复登记', head_account: '使用户主账户',
};

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
    throw new AppError('CONFLICT', `批次当前状态为“${STATUS_NAMES[status]}”，不能${ACTION_NAMES[action]}（需要：${FROM[action].map((s) => STATUS_NAMES[s]).join('或')}）`);
  }
}

/** Batch number printed in the bank file: county-period-sequence, e.g. 430582-2025-01. */
export function batchNoOf(countyCode: string, period: string, seq: number): string {
  return `${countyCode}-${period}-${String(seq).padStart(2, '0')}`;
}
