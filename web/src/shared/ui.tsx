// Small pieces used on many pages: status tags and the page title bar.
import type { ReactNode } from 'react';
import { Tag, Typography, Space } from 'antd';
import type { AdjustmentStatus } from '../../../src/registry/registry.contract.ts';

export function PersonStatusTag({ status }: { status: string }) {
  return <Tag color={status === '正常' ? 'green' : 'default'}>{status}</Tag>;
}

export const ADJUSTMENT_STATUS: Record<AdjustmentStatus, { label: string; color: string }> = {
  pending: { label: '待审批', color: 'processing' },
  approved: { label: '已通过', color: 'success' },
  returned: { label: '已退回', color: 'warning' },
  withdrawn: { label: '已撤回', color: 'default' },
};

export function AdjustmentStatusTag({ status }: { status: AdjustmentStatus }) {
  const s = ADJUSTMENT_STATUS[status] ?? { label: status, color: 'default' };
  return <Tag color={s.color}>{s.label}</Tag>;
}

export function PageHeader({ title, extra, sub }: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16, gap: 16, flexWrap: 'wrap' }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {sub && <Typography.Text type="secondary">{sub}</Typography.Text>}
      </div>
      {extra && <Space wrap>{extra}</Space>}
    </div>
  );
}

export const RELATIONS = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲', '儿媳', '女婿', '兄弟姐妹', '其他'];
export const REMOVAL_REASONS = ['死亡', '农转非', '财政供养', '服刑', '迁出', '重复登记', '其他'];
export const ADD_REASONS = ['新出生', '婚姻迁入', '漏登补录', '核减错误恢复', '其他'];
