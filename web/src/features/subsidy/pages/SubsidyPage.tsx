// 直补发放: rolls (build, list), the re-issue list, the county settings. A roll's own page is
// PayrollPage.tsx (lines, review, bank file, results, notice).
import { useState } from 'react';
import { Button, Card, Descriptions, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tabs, Tag, DatePicker } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import dayjs, { type Dayjs } from 'dayjs';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatCount, formatDateTime, formatYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { subsidyApi, type FailureLine, type Payroll, type SettingsBody } from '../api.ts';

const STATUS_COLORS: Record<Payroll['status'], string> = {
  draft: 'default',
  reviewed: 'processing',
  exported: 'blue',
  results_imported: 'orange',
  closed: 'success',
};

function Rolls() {
  const nav = useNavigate();
  const qc = useQueryClient();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const q = useQuery({ queryKey: ['subsidy', 'payrolls'], queryFn: ({ signal }) => subsidyApi.payrolls(signal) });
  const build = useMutation({
    mutationFn: (v: { period: string; kind: Payroll['kind'] }) => subsidyApi.build(v),
    onSuccess: (p) => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['subsidy'] });
      notify.success(`已编制批次 ${p.batchNo}：${p.persons}人，${formatYuan(p.totalFen)}`);
      nav(`/subsidy/payrolls/${p.id}`);
    },
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {can('subsidy.manage') && (
          <Button type="primary" data-testid="build-roll" onClick={() => setOpen(true)}>
            编制发放批次
          </Button>
        )}
      </Space>
      <Table<Payroll>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.payrolls ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: '批次号', dataIndex: 'batchNo', render: (v, r) => <Link to={`/subsidy/payrolls/${r.id}`}>{v}</Link> },
          { title: '期间', dataIndex: 'period' },
          { title: '类型', dataIndex: 'kindName' },
          { title: '状态', dataIndex: 'statusName', render: (v, r) => <Tag color={STATUS_COLORS[r.status]}>{v}</Tag> },
          { title: '人数', dataIndex: 'persons', align: 'right', render: formatCount },
          { title: '金额', dataIndex: 'totalFen', align: 'right', render: formatYuan },
          { title: '标准（元/年）', dataIndex: ['rules', 'standardFen'], align: 'right', render: (v: number) => (v / 100).toFixed(2) },
          { title: '编制时间', dataIndex: 'createdAt', render: formatDateTime },
        ]}
      />
      <Modal title="编制发放批次" open={open} onCancel={() => setOpen(false)} okText="编制" confirmLoading={build.isPending} onOk={() => form.submit()}>
        <Form form={form} layout="vertical" initialValues={{ kind: 'regular', period: String(dayjs().year()) }} onFinish={(v) => build.mutate(v)}>
          <Form.Item
            name="period"
            label="发放期间"
            rules={[{ required: true, pattern: /^\d{4}(H[12])?$/, message: '如 2025（按年）或 2025H1、2025H2（按半年）' }]}
          >
            <Input placeholder="2025" data-testid="roll-period" />
          </Form.Item>
          <Form.Item name="kind" label="类型">
            <Radio.Group
              options={[
                { value: 'regular', label: '正常发放' },
                { value: 'supplementary', label: '补发（新增人员和发放失败人员）' },
              ]}
            />
          </Form.Item>
          <div style={{ color: '#888' }}>按期间首日的花名册和当日生效的设置计算；每人金额都列出依据。</div>
        </Form>
      </Modal>
    </>
  );
}

function Failures() {
  const [period, setPeriod] = useState(String(dayjs().year()));
  const q = useQuery({
    queryKey: ['subsidy', 'failures', period],
    queryFn: ({ signal }) => subsidyApi.failures(period, signal),
    enabled: /^\d{4}(H[12])?$/.test(period),
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        发放期间 <Input data-testid="failures-period" style={{ width: 120 }} value={period} onChange={(e) => setPeriod(e.target.value.trim().toUpperCase())} />
        <span>共 {formatCount(q.data?.total ?? 0)} 人待补发（编制补发批次即可重新发放）</span>
      </Space>
      <Table<FailureLine>
        data-testid="failures-table"
        rowKey={(r) => `${r.batchNo}-${r.lineNo}`}
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.lines ?? []}
        columns={[
          { title: '批次号', dataIndex: 'batchNo' },
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号', dataIndex: 'idNumber' },
          { title: '乡镇', dataIndex: 'townshipName' },
          { title: '村', dataIndex: 'villageName' },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: formatYuan },
          { title: '账号', dataIndex: 'accountNo' },
          { title: '失败原因', dataIndex: 'resultReason' },
        ]}
      />
    </>
  );
}

const FIELD_OF: Record<string, string> = {
  'subsidy.standard_fen': '补助标准',
  'subsidy.period_kind': '发放期间类型',
  'subsidy.term_years': '扶持年限',
  'subsidy.account_fallback': '无本人账户时',
};
const show = (key: string, v: unknown) =>
  key === 'subsidy.standard_fen'
    ? `${(Number(v) / 100).toFixed(2)} 元/人·年`
    : key === 'subsidy.period_kind'
      ? v === 'annual'
        ? '按年'
        : '按半年'
      : key === 'subsidy.account_fallback'
        ? v === 'head'
          ? '使用户主账户'
          : '仅本人账户（无账户的标记待补）'
        : `${v} 年`;

/** the settings form: only the fields filled in change */
interface SettingsForm {
  effectiveFrom: Dayjs;
  standardYuan?: number;
  periodKind?: SettingsBody['values']['periodKind'];
  termYears?: number;
  accountFallback?: SettingsBody['values']['accountFallback'];
}

function Settings() {
  const qc = useQueryClient();
  const { can } = useAuth();
  const [form] = Form.useForm();
  const q = useQuery({ queryKey: ['subsidy', 'settings'], queryFn: ({ signal }) => subsidyApi.settings(signal) });
  const save = useMutation({
    mutationFn: (v: SettingsForm) =>
      subsidyApi.saveSettings({
        effectiveFrom: v.effectiveFrom.format('YYYY-MM-DD'),
        values: {
          ...(v.standardYuan ? { standardFen: Math.round(v.standardYuan * 100) } : {}),
          ...(v.periodKind ? { periodKind: v.periodKind } : {}),
          ...(v.termYears ? { termYears: v.termYears } : {}),
          ...(v.accountFallback ? { accountFallback: v.accountFallback } : {}),
        },
      }),
    onSuccess: () => {
      notify.success('已保存；此前的期间仍按原规则');
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['subsidy', 'settings'] });
    },
  });
  const f = q.data?.inForce;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {f && (
        <Descriptions
          title="今天生效的设置"
          size="small"
          bordered
          column={2}
          items={[
            { label: '补助标准', children: show('subsidy.standard_fen', f.standardFen) },
            { label: '发放期间', children: show('subsidy.period_kind', f.periodKind) },
            { label: '扶持年限', children: show('subsidy.term_years', f.termYears) },
            { label: '无本人账户时', children: show('subsidy.account_fallback', f.accountFallback) },
          ]}
        />
      )}
      <Table
        size="small"
        rowKey={(r) => r.key + r.effectiveFrom}
        dataSource={q.data?.rows ?? []}
        pagination={false}
        columns={[
          { title: '设置', dataIndex: 'key', render: (k: string) => FIELD_OF[k] ?? k },
          { title: '自', dataIndex: 'effectiveFrom' },
          { title: '值', render: (_, r) => show(r.key, r.value) },
        ]}
      />
      {can('settings.manage') && (
        <Card size="small" title="自某日起修改（只填要改的项）">
          <Form<SettingsForm> form={form} layout="inline" onFinish={(v) => save.mutate(v)}>
            <Form.Item name="effectiveFrom" label="生效日期" rules={[{ required: true, message: '请选择生效日期' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="standardYuan" label="标准（元/年）">
              <InputNumber min={1} precision={2} />
            </Form.Item>
            <Form.Item name="periodKind" label="期间">
              <Select
                style={{ width: 100 }}
                allowClear
                options={[
                  { value: 'annual', label: '按年' },
                  { value: 'half-year', label: '按半年' },
                ]}
              />
            </Form.Item>
            <Form.Item name="termYears" label="年限">
              <InputNumber min={1} max={50} />
            </Form.Item>
            <Form.Item name="accountFallback" label="无账户">
              <Select
                style={{ width: 140 }}
                allowClear
                options={[
                  { value: 'own', label: '仅本人账户' },
                  { value: 'head', label: '户主账户' },
                ]}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              保存
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}

export default function SubsidyPage() {
  return (
    <>
      <PageHeader title="直补发放" sub="编制批次 → 审核 → 导出银行文件 → 导入回盘 → 失败补发" />
      <Tabs
        items={[
          { key: 'rolls', label: '发放批次', children: <Rolls /> },
          { key: 'failures', label: '失败待补发', children: <Failures /> },
          { key: 'settings', label: '发放设置', children: <Settings /> },
        ]}
      />
    </>
  );
}
