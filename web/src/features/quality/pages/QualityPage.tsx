// 数据清洗: problem lists that townships work down (filter, 确认无误 with a reason, 已更正,
// assignment), runs and the trend of open problems, and the rule catalogue with custom rules
// (checked as you type, previewed before saving, switched on and off).
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, DatePicker, Form, Input, Modal, Radio, Select, Space, Statistic, Switch, Table, Tabs, Tag, Tooltip } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatCount, formatDateTime } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { Chart } from '../../../shared/Chart.tsx';
import { RegionSelect, regionFilter } from '../../../shared/RegionSelect.tsx';
import { PersonLink, RegionName } from '../../../shared/names.tsx';
import {
  PROBLEM_STATUSES,
  RUN_KIND_LABELS,
  SEVERITIES,
  qualityApi,
  type CatalogueEntryView as Rule,
  type CatalogueView as Catalogue,
  type ProblemChange,
  type ProblemItemView as Problem,
} from '../api.ts';

const STATUS_COLOR: Record<string, string> = { 未处理: 'error', 已更正: 'success', 确认无误: 'default' };

function Problems({ rules }: { rules: Rule[] }) {
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const [filter, setFilter] = useState<Record<string, string | number | undefined>>({
    status: '未处理',
    severity: params.get('severity') ?? undefined,
    page: 1,
    pageSize: 50,
  });
  const [confirming, setConfirming] = useState<Problem | null>(null);
  const [reason, setReason] = useState('');
  const list = useQuery({
    queryKey: ['quality', 'problems', filter],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => qualityApi.problems(filter, signal),
  });
  const change = useMutation({
    mutationFn: (v: ProblemChange) => qualityApi.changeProblem(v),
    onSuccess: () => {
      notify.success('已保存');
      setConfirming(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['quality'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const set = (k: string, v: string | undefined) => setFilter((f) => ({ ...f, [k]: v || undefined, page: 1 }));
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <RegionSelect testId="problem-region" onChange={(code) => setFilter((f) => ({ ...f, ...regionFilter(code), page: 1 }))} />
        <Select
          placeholder="规则"
          allowClear
          style={{ width: 240 }}
          showSearch
          optionFilterProp="label"
          onChange={(v) => set('ruleCode', v)}
          options={rules.map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }))}
        />
        <Select
          placeholder="严重程度"
          allowClear
          style={{ width: 110 }}
          value={filter.severity as string | undefined}
          onChange={(v: string | undefined) => set('severity', v)}
          options={SEVERITIES.map((v) => ({ value: v, label: v }))}
        />
        <Radio.Group
          value={filter.status ?? ''}
          onChange={(e) => set('status', e.target.value)}
          optionType="button"
          options={[...PROBLEM_STATUSES.map((v) => ({ value: v, label: v })), { value: '', label: '全部' }]}
        />
        <Input.Search placeholder="指派给" allowClear onSearch={(v) => set('assignedTo', v)} style={{ width: 140 }} />
      </Space>
      <Table<Problem>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        tableLayout="fixed"
        data-testid="problems-table"
        pagination={{
          current: Number(filter.page),
          pageSize: Number(filter.pageSize),
          total: list.data?.total ?? 0,
          showTotal: (t) => `共 ${formatCount(t)} 条`,
          onChange: (page, pageSize) => setFilter((f) => ({ ...f, page, pageSize })),
        }}
        columns={[
          { title: '规则', dataIndex: 'ruleName', width: 170, ellipsis: true, render: (n, r) => <span title={`${n}（${r.ruleCode}）`}>{n}</span> },
          { title: '程度', dataIndex: 'severity', width: 64, render: (s) => <Tag color={s === '错误' ? 'red' : 'gold'}>{s}</Tag> },
          {
            title: '姓名',
            dataIndex: 'name',
            width: 84,
            ellipsis: true,
            render: (n, r) => <span title={`户编号 ${r.householdNo}`}>{r.personId ? <PersonLink id={r.personId} name={n || '（空）'} /> : n}</span>,
          },
          { title: '村', dataIndex: 'villageCode', width: 140, ellipsis: true, render: (v) => <RegionName code={v} withTownship /> },
          { title: '身份证号', dataIndex: 'idNumber', width: 168 },
          {
            title: '说明',
            dataIndex: 'message',
            ellipsis: { showTitle: false },
            render: (m: string) => (
              <Tooltip title={m} placement="topLeft">
                <span>{m}</span>
              </Tooltip>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            width: 84,
            render: (s, r) => (
              <Tag color={STATUS_COLOR[s]} title={r.reason ?? ''}>
                {s}
              </Tag>
            ),
          },
          { title: '指派', dataIndex: 'assignedTo', width: 64, ellipsis: true, render: (a) => a ?? '—' },
          {
            title: '操作',
            width: 196,
            render: (_, r) => (
              <Space size={4}>
                <Button size="small" disabled={r.status === '确认无误'} onClick={() => setConfirming(r)}>
                  确认无误
                </Button>
                <Button size="small" disabled={r.status !== '未处理'} onClick={() => change.mutate({ id: r.id, status: '已更正' })}>
                  已更正
                </Button>
                <Button
                  size="small"
                  onClick={() => {
                    const who = window.prompt('指派给（姓名）', r.assignedTo ?? '');
                    if (who !== null) change.mutate({ id: r.id, assignedTo: who.trim() || null });
                  }}
                >
                  指派
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!confirming}
        title="确认信息无误"
        okText="确认"
        cancelText="取消"
        onCancel={() => setConfirming(null)}
        okButtonProps={{ disabled: !reason.trim(), loading: change.isPending }}
        onOk={() => confirming && change.mutate({ id: confirming.id, status: '确认无误', reason })}
      >
        <p>{confirming?.message}</p>
        <Input.TextArea rows={3} placeholder="理由（必填），例如：已核对户口簿，信息正确" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </>
  );
}

function Runs() {
  const { can } = useAuth();
  const qc = useQueryClient();
  const [asOf, setAsOf] = useState<string | undefined>();
  const trend = useQuery({ queryKey: ['quality', 'trend'], queryFn: ({ signal }) => qualityApi.trend(signal) });
  const run = useMutation({
    mutationFn: () => qualityApi.run(asOf),
    onSuccess: (r) => {
      notify.success(`清洗完成：发现问题 ${r.found} 条，新增 ${r.newProblems} 条，核实更正 ${r.corrected} 条`);
      void qc.invalidateQueries({ queryKey: ['quality'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const runs = trend.data?.runs ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space size="large">
        <Statistic title="未处理" value={trend.data?.byStatus['未处理'] ?? 0} />
        <Statistic title="核实更正" value={trend.data?.corrected ?? 0} suffix="条" />
        <Statistic title="确认无误" value={trend.data?.byStatus['确认无误'] ?? 0} />
        {can('quality.run') && (
          <Space>
            <DatePicker placeholder="核查日期（默认今天）" onChange={(d) => setAsOf(d ? d.format('YYYY-MM-DD') : undefined)} />
            <Button type="primary" loading={run.isPending} onClick={() => run.mutate()}>
              运行数据清洗
            </Button>
          </Space>
        )}
      </Space>
      <Card size="small" title="未处理问题趋势">
        <Chart
          height={260}
          option={{
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: runs.map((r) => formatDateTime(r.at)) },
            yAxis: { type: 'value' },
            series: [
              { name: '未处理', type: 'line', data: runs.map((r) => r.openAfter) },
              { name: '核实更正', type: 'bar', data: runs.map((r) => r.corrected) },
            ],
          }}
        />
      </Card>
      <Table
        size="small"
        rowKey="id"
        dataSource={[...runs].reverse()}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: '时间', dataIndex: 'at', render: formatDateTime },
          { title: '方式', dataIndex: 'kind', render: (k: keyof typeof RUN_KIND_LABELS) => RUN_KIND_LABELS[k] },
          { title: '核查日期', dataIndex: 'asOf' },
          { title: '发现', dataIndex: 'found' },
          { title: '新增', dataIndex: 'newProblems' },
          { title: '核实更正', dataIndex: 'corrected' },
          { title: '运行后未处理', dataIndex: 'openAfter' },
        ]}
      />
    </Space>
  );
}

function Rules({ cat }: { cat?: Catalogue }) {
  const { can } = useAuth();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [check, setCheck] = useState<{ ok: boolean; error?: string } | null>(null);
  const [preview, setPreview] = useState<{ flagged: number; total: number } | null>(null);
  const toggle = useMutation({
    mutationFn: (v: { code: string; enabled: boolean }) => qualityApi.switchRule(v.code, v.enabled),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['quality', 'rules'] }),
    onError: (e) => notify.error(errorMessage(e)),
  });
  const save = useMutation({
    mutationFn: (v: unknown) => qualityApi.saveRule(v),
    onSuccess: (r) => {
      notify.success(`已保存：${r.name}（第${r.version}版）`);
      void qc.invalidateQueries({ queryKey: ['quality', 'rules'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const doCheck = async (expression: string) => {
    setPreview(null);
    setCheck(expression.trim() ? await qualityApi.checkExpression(expression) : null);
  };
  const doPreview = async () => {
    try {
      setPreview(await qualityApi.previewRule(await form.validateFields()));
    } catch (e) {
      if (e instanceof Error) notify.error(errorMessage(e));
    }
  };
  const editable = can('quality.rules');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<Rule>
        size="small"
        rowKey="code"
        dataSource={cat?.rules ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: '规则代码', dataIndex: 'code' },
          { title: '名称', dataIndex: 'name' },
          { title: '严重程度', dataIndex: 'severity' },
          { title: '来源', render: (_, r) => (r.custom ? `自定义 第${r.version}版` : r.set === 'section7' ? '内置（必查）' : '内置') },
          { title: '检查内容', render: (_, r) => r.expression ?? r.description },
          {
            title: '启用',
            render: (_, r) => <Switch size="small" checked={r.enabled} disabled={!editable} onChange={(enabled) => toggle.mutate({ code: r.code, enabled })} />,
          },
        ]}
      />
      {editable && (
        <Card size="small" title="新增或修改自定义规则（保存为新版本）">
          <Form form={form} layout="vertical" initialValues={{ severity: '提示', enabled: true }}>
            <Space wrap>
              <Form.Item
                name="code"
                label="规则代码"
                rules={[{ required: true, pattern: /^CUSTOM_[A-Z0-9_]+$/, message: '以CUSTOM_开头，大写字母、数字、下划线' }]}
              >
                <Input placeholder="CUSTOM_OLD_AGE" style={{ width: 220 }} />
              </Form.Item>
              <Form.Item name="name" label="规则名称" rules={[{ required: true, min: 2 }]}>
                <Input style={{ width: 220 }} />
              </Form.Item>
              <Form.Item name="severity" label="严重程度">
                <Radio.Group options={['错误', '提示']} optionType="button" />
              </Form.Item>
            </Space>
            <Form.Item
              name="expression"
              label="条件（为真时标出该人）"
              rules={[{ required: true }]}
              help={check && (check.ok ? '条件正确' : check.error)}
              validateStatus={check ? (check.ok ? 'success' : 'error') : undefined}
            >
              <Input.TextArea rows={2} placeholder='例如：年龄 >= 100 且 状态 = "正常"' onBlur={(e) => void doCheck(e.target.value)} />
            </Form.Item>
            <Form.Item name="message" label="说明（可用 {姓名} {户编号} {身份证号} {村代码} {与户主关系}）">
              <Input />
            </Form.Item>
            <Space>
              <Button onClick={() => void doPreview()}>预览</Button>
              <Button type="primary" loading={save.isPending} onClick={async () => save.mutate(await form.validateFields())}>
                保存
              </Button>
              {preview && <Alert type="info" showIcon message={`将标出 ${formatCount(preview.flagged)} 人（共 ${formatCount(preview.total)} 人）`} />}
            </Space>
          </Form>
          <details style={{ marginTop: 12 }}>
            <summary>字段与函数</summary>
            <p>{cat?.fields.map((f) => `${f.names.join('/')}（${f.type}）`).join('；')}</p>
            <ul>
              {cat?.functions.map((f) => (
                <li key={f.names[0]}>{f.doc}</li>
              ))}
            </ul>
          </details>
        </Card>
      )}
    </Space>
  );
}

export default function QualityPage() {
  const cat = useQuery({ queryKey: ['quality', 'rules'], queryFn: ({ signal }) => qualityApi.catalogue(signal) });
  return (
    <>
      <PageHeader title="数据清洗" sub="按规则检查花名册，乡镇逐条核实处理；问题消除后计入核实更正数。" />
      <Tabs
        items={[
          { key: 'problems', label: '问题清单', children: <Problems rules={cat.data?.rules ?? []} /> },
          { key: 'runs', label: '运行与趋势', children: <Runs /> },
          { key: 'rules', label: '清洗规则', children: <Rules cat={cat.data} /> },
        ]}
      />
    </>
  );
}
