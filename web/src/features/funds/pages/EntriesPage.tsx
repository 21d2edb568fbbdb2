// 资金明细: the entries behind a figure (filters from the link), corrections by reversal
// (requested here, approved by someone else below), and the pending reversal requests.
import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatDateTime, formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { fundsApi, KIND_LABELS, yuanToFen, type EntryKind, type FundEntryView, type ReversalView } from '../api.ts';

function Reversals() {
  const qc = useQueryClient();
  const { can } = useAuth();
  const q = useQuery({ queryKey: ['funds', 'reversals'], queryFn: ({ signal }) => fundsApi.reversals('pending', signal) });
  const decide = useMutation({
    mutationFn: (v: { id: number; approve: boolean }) => fundsApi.decideReversal(v.id, { approve: v.approve }),
    onSuccess: () => {
      notify.success('已处理冲销申请');
      void qc.invalidateQueries({ queryKey: ['funds'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  if (!q.data?.rows.length) return null;
  return (
    <Card size="small" title="待审批的冲销申请（申请人不能审批自己的申请）" style={{ marginBottom: 12 }}>
      <Table<ReversalView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data.rows}
        columns={[
          { title: '记录号', dataIndex: 'entryId' },
          { title: '冲销金额', dataIndex: 'amountFen', align: 'right', render: formatFen },
          { title: '冲销日期', dataIndex: 'date' },
          { title: '原因', dataIndex: 'reason' },
          { title: '申请时间', dataIndex: 'requestedAt', render: formatDateTime },
          {
            title: '',
            key: 'x',
            render: (_, r) =>
              can('funds.approve') && (
                <Space>
                  <Button size="small" type="primary" onClick={() => decide.mutate({ id: r.id, approve: true })}>
                    批准冲销
                  </Button>
                  <Button size="small" onClick={() => decide.mutate({ id: r.id, approve: false })}>
                    驳回
                  </Button>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}

export default function EntriesPage() {
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const [reverse, setReverse] = useState<FundEntryView | null>(null);
  const [form] = Form.useForm();
  const filter = Object.fromEntries(['batchNo', 'projectNo', 'kind', 'townshipCode', 'unit', 'from', 'to'].map((k) => [k, params.get(k) ?? undefined]));
  const q = useQuery({ queryKey: ['funds', 'entries', filter, page], queryFn: ({ signal }) => fundsApi.entries({ ...filter, page, pageSize: 50 }, signal) });
  const request = useMutation({
    mutationFn: (v: { amount: string; date: dayjs.Dayjs; reason: string }) =>
      fundsApi.requestReversal(reverse!.id, { amountFen: yuanToFen(v.amount) ?? undefined, date: v.date.format('YYYY-MM-DD'), reason: v.reason }),
    onSuccess: () => {
      setReverse(null);
      form.resetFields();
      notify.success('已提交冲销申请，待他人审批');
      void qc.invalidateQueries({ queryKey: ['funds', 'reversals'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const desc = [
    filter.kind && KIND_LABELS[filter.kind as EntryKind],
    filter.batchNo && `批次 ${filter.batchNo}`,
    filter.projectNo && `项目 ${filter.projectNo}`,
    filter.townshipCode && `乡镇 ${filter.townshipCode}`,
    filter.unit !== undefined && `实施单位 ${filter.unit || '（未填）'}`,
    filter.to && `截至 ${filter.to}`,
  ]
    .filter(Boolean)
    .join('，');
  return (
    <>
      <PageHeader
        title="资金明细"
        sub={desc || '全部资金记录'}
        extra={
          can('funds.manage') && (
            <Link to="/funds/entry">
              <Button type="primary">录入资金</Button>
            </Link>
          )
        }
      />
      <Reversals />
      <Table<FundEntryView>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.rows ?? []}
        title={() =>
          q.data && (
            <span data-testid="entries-sum">
              共 {q.data.total} 条，合计 {formatFen(q.data.sumFen)} 元
            </span>
          )
        }
        pagination={{ current: page, pageSize: 50, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: '记录号', dataIndex: 'id' },
          { title: '类型', dataIndex: 'kindName' },
          { title: '日期', dataIndex: 'date' },
          { title: '批次', dataIndex: 'batchNo', render: (v) => <Link to={`/funds/batches/${encodeURIComponent(v)}`}>{v}</Link> },
          { title: '项目', dataIndex: 'projectNo', render: (v) => <Link to={`/funds/projects/${encodeURIComponent(v)}`}>{v}</Link> },
          {
            title: '金额（元）',
            dataIndex: 'amountFen',
            align: 'right',
            render: (v: number) => <span style={{ color: v < 0 ? '#cf1322' : undefined }}>{formatFen(v)}</span>,
          },
          { title: '凭证号', dataIndex: 'voucherNo' },
          { title: '附件', dataIndex: 'attachmentId', render: (v) => v && <a href={`/api/funds/files/${v}`}>下载</a> },
          {
            title: '说明',
            dataIndex: 'note',
            render: (v, r) => (
              <>
                {r.reversesId && <Tag color="red">冲销 {r.reversesId}</Tag>}
                {v}
                {r.importId && <Tag>台账导入</Tag>}
              </>
            ),
          },
          { title: '录入', dataIndex: 'createdAt', render: (v, r) => `${r.createdByName ?? ''} ${formatDateTime(v)}` },
          {
            title: '',
            key: 'x',
            render: (_, r) =>
              can('funds.manage') &&
              r.amountFen > 0 && (
                <Button size="small" onClick={() => setReverse(r)}>
                  申请冲销
                </Button>
              ),
          },
        ]}
      />
      <Modal
        title={`申请冲销记录 ${reverse?.id ?? ''}`}
        open={!!reverse}
        onCancel={() => setReverse(null)}
        okText="提交申请"
        confirmLoading={request.isPending}
        onOk={() => form.submit()}
      >
        <p>
          原记录：{reverse && `${reverse.kindName} ${formatFen(reverse.amountFen)} 元（${reverse.date}）`}
          。冲销以红字记录入账，原记录不改动；须由另一位有审批权限的人员批准。
        </p>
        <Form form={form} layout="vertical" initialValues={{ date: dayjs() }} onFinish={(v) => request.mutate(v)}>
          <Form.Item name="amount" label="冲销金额（元，不填为全部未冲销金额）">
            <Input />
          </Form.Item>
          <Form.Item name="date" label="冲销日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="reason" label="原因" rules={[{ required: true, min: 2, message: '请写明冲销原因' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
