// 审计日志: GET /api/audit (filters, paging) and GET /api/audit/verify (hash chain check).
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Input, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, keepPreviousData } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { api } from '../../shared/api.ts';
import { useDebounced } from '../../shared/hooks.ts';
import { formatDateTime, formatCount } from '../../shared/format.ts';
import { PageHeader } from '../../shared/ui.tsx';
import type { AuditEntry, AuditVerify, Paged } from '../../shared/types.ts';

const ACTION_HINTS: Record<string, string> = {
  'auth.login': '登录', 'auth.logout': '退出', 'auth.login_failed': '登录失败', 'auth.password_change': '修改密码',
  'person.view_unmasked': '查看完整信息', 'person.search_unmasked': '查询（显示完整信息）', 'roster.import': '导入花名册', 'roster.export': '导出花名册',
  'user.create': '新建用户', 'user.update': '修改用户', 'user.reset_password': '重置密码', 'user.unlock': '解除锁定', 'user.change_password': '修改密码',
  'person.adjust': '调整生效', 'person.add': '核增入册', 'household.create': '建户', 'household.update': '户信息变更', 'household.delete': '撤户',
  'adjustment.create': '提交调整', 'adjustment.approve': '审批通过', 'adjustment.return': '退回', 'adjustment.withdraw': '撤回',
};

const ENTITY_NAMES: Record<string, string> = {
  user: '用户', person: '人员', household: '户', adjustment: '调整单', roster_import: '导入批次', person_search: '花名册查询', audit_log: '审计日志',
};

function short(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? s.slice(0, 160) + '…' : s;
}

const columns: TableColumnsType<AuditEntry> = [
  { title: '序号', dataIndex: 'seq', width: 80 },
  { title: '时间', dataIndex: 'at', width: 170, render: formatDateTime },
  { title: '用户', dataIndex: 'username', width: 110 },
  { title: '操作', dataIndex: 'action', width: 180, render: (a: string) => <span>{ACTION_HINTS[a] ? `${ACTION_HINTS[a]} ` : ''}<Typography.Text type="secondary" style={{ fontSize: 12 }}>{a}</Typography.Text></span> },
  { title: '对象', key: 'entity', width: 160, render: (_: unknown, r) => `${ENTITY_NAMES[r.entityType] ?? r.entityType}${r.entityId ? ' ' + r.entityId : ''}` },
  { title: '内容', key: 'detail', render: (_: unknown, r) => (
    <div style={{ fontSize: 12, wordBreak: 'break-all' }}>
      {r.before != null && <div>前：{short(r.before)}</div>}
      {r.after != null && <div>后：{short(r.after)}</div>}
      {r.detail != null && <div>{short(r.detail)}</div>}
    </div>
  ) },
];

export default function AuditPage() {
  const [username, setUsername] = useState('');
  const [action, setAction] = useState('');
  const [entityId, setEntityId] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const filters = {
    username: useDebounced(username.trim()), action: useDebounced(action.trim()), entityId: useDebounced(entityId.trim()),
    from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD'),
  };
  const list = useQuery({
    queryKey: ['audit', filters, page, pageSize],
    queryFn: ({ signal }) => api.get<Paged<AuditEntry>>('/audit', { ...filters, page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: () => api.get<AuditVerify>('/audit/verify') });
  const v = verify.data;

  return (
    <div>
      <PageHeader title="审计日志" sub="只可追加、按哈希链接：任何删除或篡改都能被校验发现"
        extra={<Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()} data-testid="audit-verify">校验哈希链</Button>} />
      {v && (v.ok
        ? <Alert type="success" showIcon style={{ marginBottom: 16 }} title={`校验通过：共 ${formatCount(v.entries)} 条记录，哈希链完整，未发现篡改。`} data-testid="audit-verify-result" />
        : <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`校验失败：第 ${v.brokenAt ?? '?'} 条记录处哈希链断开`} description={v.reason} data-testid="audit-verify-result" />)}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input placeholder="用户名" allowClear value={username} onChange={(e) => { setUsername(e.target.value); setPage(1); }} style={{ width: 140 }} />
          <Input placeholder="操作（如 auth. 或 person.unmask）" allowClear value={action} onChange={(e) => { setAction(e.target.value); setPage(1); }} style={{ width: 240 }} />
          <Input placeholder="对象编号" allowClear value={entityId} onChange={(e) => { setEntityId(e.target.value); setPage(1); }} style={{ width: 160 }} />
          <DatePicker.RangePicker value={range} onChange={(r) => { setRange(r as [Dayjs | null, Dayjs | null] | null); setPage(1); }} />
        </Space>
        <Table<AuditEntry> rowKey="seq" size="small" columns={columns} dataSource={list.data?.items ?? []} loading={list.isFetching}
          pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            onChange: (p, s) => { setPage(p); setPageSize(s); }, showTotal: (t) => `共 ${formatCount(t)} 条` }} />
      </Card>
    </div>
  );
}
