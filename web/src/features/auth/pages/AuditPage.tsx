// 审计日志: GET /api/audit (filters, paging) and GET /api/audit/verify (hash chain check).
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Input, Select, Space, Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, keepPreviousData } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { useDebounced } from '../../../shared/hooks.ts';
import { formatDateTime, formatCount } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { ACTION_LABELS } from '../../../../../src/auth/auth.contract.ts';
import { listAudit, verifyAudit, type AuditEntryView as AuditEntry } from '../api.ts';

// the server's one table of labels (src/shared/audit-labels.ts), for the action filter
const ACTION_GROUPS: { value: string; label: string }[] = [
  { value: 'auth.', label: '登录与退出' },
  { value: 'access.', label: '越权访问' },
  { value: 'user.', label: '用户管理' },
  { value: 'person.', label: '人员' },
  { value: 'household.', label: '户' },
  { value: 'adjustment.', label: '动态调整' },
  { value: 'roster.', label: '花名册导入导出' },
  { value: 'payroll.', label: '发放批次' },
  { value: 'settings.', label: '发放设置' },
  { value: 'crosscheck.', label: '交叉核对' },
  { value: 'case.', label: '疑似问题' },
  { value: 'recovery.', label: '追缴' },
  { value: 'quality.', label: '数据清洗' },
];
const ACTION_OPTIONS = [
  ...ACTION_GROUPS.map((g) => ({ value: g.value, label: `${g.label}（全部）` })),
  ...Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label })),
];

const columns: TableColumnsType<AuditEntry> = [
  { title: '序号', dataIndex: 'seq', width: 70 },
  { title: '时间', dataIndex: 'at', width: 160, render: formatDateTime },
  { title: '用户', dataIndex: 'userName', width: 110, render: (n: string, r) => <span title={`登录名 ${r.username}`}>{n}</span> },
  { title: '操作', dataIndex: 'actionName', width: 150, render: (n: string, r) => <span title={r.action}>{n}</span> },
  {
    title: '内容',
    key: 'summary',
    render: (_: unknown, r) => (
      <div style={{ fontSize: 13 }}>
        <div>{r.summary || `${r.entityName}${r.entityId ? ' ' + r.entityId : ''}`}</div>
        {r.changes.length > 0 && (r.before != null || r.after != null) && (
          <details style={{ color: '#666' }}>
            <summary>变更明细（{r.changes.length} 项）</summary>
            <table style={{ borderCollapse: 'collapse', marginTop: 4 }}>
              <tbody>
                {r.changes.map((c) => (
                  <tr key={c.field}>
                    <td style={{ paddingRight: 12, whiteSpace: 'nowrap' }}>{c.label}</td>
                    <td style={{ paddingRight: 8 }}>{c.before || (r.before == null ? '' : '（空）')}</td>
                    <td style={{ paddingRight: 8 }}>{r.before != null && r.after != null ? '→' : ''}</td>
                    <td>{c.after}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </div>
    ),
  },
];

export default function AuditPage() {
  const [username, setUsername] = useState('');
  const [action, setAction] = useState('');
  const [entityId, setEntityId] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const filters = {
    username: useDebounced(username.trim()),
    action: useDebounced(action.trim()),
    entityId: useDebounced(entityId.trim()),
    from: range?.[0]?.format('YYYY-MM-DD'),
    to: range?.[1]?.format('YYYY-MM-DD'),
  };
  const list = useQuery({
    queryKey: ['audit', filters, page, pageSize],
    queryFn: ({ signal }) => listAudit(filters, page, pageSize, signal),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: () => verifyAudit() });
  const v = verify.data;

  return (
    <div>
      <PageHeader
        title="审计日志"
        sub="只可追加、按哈希链接：任何删除或篡改都能被校验发现"
        extra={
          <Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()} data-testid="audit-verify">
            校验哈希链
          </Button>
        }
      />
      {v &&
        (v.ok ? (
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 16 }}
            title={`校验通过：共 ${formatCount(v.entries)} 条记录，哈希链完整，未发现篡改。`}
            data-testid="audit-verify-result"
          />
        ) : (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={`校验失败：第 ${v.brokenAt ?? '?'} 条记录处哈希链断开`}
            description={v.reason}
            data-testid="audit-verify-result"
          />
        ))}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input
            placeholder="登录名"
            allowClear
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              setPage(1);
            }}
            style={{ width: 140 }}
          />
          <Select
            placeholder="操作（全部）"
            allowClear
            showSearch
            optionFilterProp="label"
            value={action || undefined}
            options={ACTION_OPTIONS}
            onChange={(v: string | undefined) => {
              setAction(v ?? '');
              setPage(1);
            }}
            style={{ width: 240 }}
            data-testid="audit-action"
          />
          <Input
            placeholder="对象编号"
            allowClear
            value={entityId}
            onChange={(e) => {
              setEntityId(e.target.value);
              setPage(1);
            }}
            style={{ width: 160 }}
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(r) => {
              setRange(r as [Dayjs | null, Dayjs | null] | null);
              setPage(1);
            }}
          />
        </Space>
        <Table<AuditEntry>
          rowKey="seq"
          size="small"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
            showTotal: (t) => `共 ${formatCount(t)} 条`,
          }}
        />
      </Card>
    </div>
  );
}
