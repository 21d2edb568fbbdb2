// 资金批次: every batch with its allocations, 拨付, 报账 and 结存 (as of a date), the year's
// plan by use checked against the batches, and a form to register a batch.
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { entriesLink, FUND_CATEGORIES, FUND_LEVELS, fundsApi, PLAN_USE_LIST, rateText, yuanToFen, type BatchInput, type BatchSummaryView } from '../api.ts';

const USES = PLAN_USE_LIST;

/** the 登记批次 form's fields, as the form holds them */
type BatchForm = Omit<BatchInput, 'issuedOn' | 'amountFen' | 'docNo'> & { issuedOn: dayjs.Dayjs; amount: string; docNo?: string };

function Plan({ year }: { year: number }) {
  const qc = useQueryClient();
  const { can } = useAuth();
  const q = useQuery({ queryKey: ['funds', 'plan', year], queryFn: ({ signal }) => fundsApi.plan(year, signal) });
  const [parts, setParts] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      fundsApi.savePlan(year, {
        parts: Object.fromEntries(USES.map((u) => [u, yuanToFen(parts[u] ?? formatFen(q.data?.parts[u] ?? 0)) ?? -1])) as Record<(typeof USES)[number], number>,
      }),
    onSuccess: () => {
      notify.success('已保存年度资金用途分配');
      void qc.invalidateQueries({ queryKey: ['funds', 'plan'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const p = q.data;
  return (
    <Card
      size="small"
      title={`${year}年资金按用途分配`}
      style={{ marginBottom: 12 }}
      extra={p && (p.balanced ? <Tag color="success">与批次下达合计相符</Tag> : <Tag color="error">与批次下达合计不符</Tag>)}
    >
      {p && (
        <Descriptions size="small" column={6}>
          <Descriptions.Item label="批次下达合计（元）">{formatFen(p.batchesFen)}</Descriptions.Item>
          {USES.map((u) => (
            <Descriptions.Item key={u} label={u}>
              {can('funds.manage') ? (
                <Input
                  size="small"
                  style={{ width: 130 }}
                  value={parts[u] ?? formatFen(p.parts[u]).replace(/,/g, '')}
                  onChange={(e) => setParts({ ...parts, [u]: e.target.value })}
                  data-testid={`plan-${u}`}
                />
              ) : (
                formatFen(p.parts[u])
              )}
            </Descriptions.Item>
          ))}
          <Descriptions.Item label="用途合计（元）">{formatFen(p.plannedFen)}</Descriptions.Item>
        </Descriptions>
      )}
      {can('funds.manage') && (
        <Button size="small" onClick={() => save.mutate()} loading={save.isPending}>
          保存分配
        </Button>
      )}
    </Card>
  );
}

export default function BatchesPage() {
  const qc = useQueryClient();
  const { can } = useAuth();
  const [asOf, setAsOf] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<BatchForm>();
  const q = useQuery({ queryKey: ['funds', 'batches', asOf], queryFn: ({ signal }) => fundsApi.batches(asOf, signal) });
  const create = useMutation({
    mutationFn: ({ amount, issuedOn, docNo, ...v }: BatchForm) =>
      fundsApi.createBatch({ ...v, issuedOn: issuedOn.format('YYYY-MM-DD'), amountFen: yuanToFen(String(amount)) ?? 0, docNo: docNo || null }),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      notify.success('已登记资金批次');
      void qc.invalidateQueries({ queryKey: ['funds'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const years = [...new Set((q.data?.batches ?? []).map((b) => b.year))].sort().reverse();
  const to = asOf;
  return (
    <>
      <PageHeader
        title="资金批次"
        sub="上级下达的每一批资金及其安排、拨付、报账和结存"
        extra={
          <Space>
            截至 <DatePicker allowClear placeholder="全部" value={asOf ? dayjs(asOf) : null} onChange={(d) => setAsOf(d ? d.format('YYYY-MM-DD') : null)} />
            {can('funds.manage') && (
              <Button type="primary" onClick={() => setOpen(true)} data-testid="new-batch">
                登记批次
              </Button>
            )}
          </Space>
        }
      />
      {(q.data?.batches ?? []).some((b) => b.overLimit) && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={`有批次结存比例超过设定的 ${formatFen(q.data!.limitBp)}%，请加快拨付`} />
      )}
      {years.slice(0, 1).map((y) => (
        <Plan key={y} year={y} />
      ))}
      <Table<BatchSummaryView>
        rowKey="batchNo"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.batches ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: '批次编号', dataIndex: 'batchNo', render: (v) => <Link to={`/funds/batches/${encodeURIComponent(v)}`}>{v}</Link> },
          { title: '年度', dataIndex: 'year' },
          { title: '级别', dataIndex: 'level' },
          { title: '类别', dataIndex: 'category' },
          { title: '文号', dataIndex: 'docNo' },
          { title: '下达日期', dataIndex: 'issuedOn' },
          { title: '下达金额', dataIndex: 'amountFen', align: 'right', render: formatFen },
          {
            title: '安排',
            dataIndex: 'allocatedFen',
            align: 'right',
            render: (v, r) => <Link to={entriesLink({ batchNo: r.batchNo, kind: 'allocation', to })}>{formatFen(v)}</Link>,
          },
          {
            title: '拨付',
            dataIndex: 'disbursedFen',
            align: 'right',
            render: (v, r) => <Link to={entriesLink({ batchNo: r.batchNo, kind: 'disbursement', to })}>{formatFen(v)}</Link>,
          },
          {
            title: '报账',
            dataIndex: 'reimbursedFen',
            align: 'right',
            render: (v, r) => <Link to={entriesLink({ batchNo: r.batchNo, kind: 'reimbursement', to })}>{formatFen(v)}</Link>,
          },
          { title: '结存', dataIndex: 'balanceFen', align: 'right', render: formatFen },
          { title: '拨付率', dataIndex: 'disbursedRate', align: 'right', render: rateText },
          { title: '报账率', dataIndex: 'reimbursedRate', align: 'right', render: rateText },
          {
            title: '结存比例',
            dataIndex: 'balanceRate',
            align: 'right',
            render: (v, r) => (r.overLimit ? <Tag color="error">{rateText(v)}</Tag> : rateText(v)),
          },
          { title: '计入比率', dataIndex: 'countsInRates', render: (v) => (v ? '是' : <Tag>否</Tag>) },
        ]}
      />
      <Modal title="登记资金批次" open={open} onCancel={() => setOpen(false)} okText="登记" confirmLoading={create.isPending} onOk={() => form.submit()}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ year: dayjs().year(), countsInRates: true, level: '中央', category: '到县资金' }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item name="batchNo" label="批次编号" rules={[{ required: true, message: '请填写批次编号' }]}>
            <Input />
          </Form.Item>
          <Space>
            <Form.Item name="year" label="年度" rules={[{ required: true }]}>
              <InputNumber min={2000} max={2100} />
            </Form.Item>
            <Form.Item name="level" label="资金级别">
              <Select style={{ width: 100 }} options={FUND_LEVELS.map((v) => ({ value: v, label: v }))} />
            </Form.Item>
            <Form.Item name="category" label="资金类别">
              <Select style={{ width: 160 }} options={FUND_CATEGORIES.map((v) => ({ value: v, label: v }))} />
            </Form.Item>
          </Space>
          <Form.Item name="docNo" label="文号">
            <Input />
          </Form.Item>
          <Space>
            <Form.Item name="issuedOn" label="下达日期" rules={[{ required: true, message: '请选择下达日期' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item
              name="amount"
              label="金额（元）"
              rules={[
                {
                  required: true,
                  validator: (_, v) => (yuanToFen(String(v ?? '')) ? Promise.resolve() : Promise.reject(new Error('金额为元，最多两位小数，且大于0'))),
                },
              ]}
            >
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="countsInRates" label="计入比率" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </>
  );
}
