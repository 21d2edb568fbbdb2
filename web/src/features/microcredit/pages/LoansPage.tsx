// 小额信贷: the loans (list, filtered or drilled from a figure), the due board (loans falling due
// in a period and how each was handled), the overdue board, balances by township and bank with
// the monthly balance chart, and the figures, each number opening the loans behind it.
import { useMemo, useState } from 'react';
import { Button, Card, Col, DatePicker, Input, Radio, Row, Select, Space, Statistic, Table, Tabs, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { useAuth } from '../../../shared/auth.tsx';
import { Chart } from '../../../shared/Chart.tsx';
import { formatCount, formatYuan, formatWanYuan, todayIso } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import {
  DRILL_NAMES,
  HANDLING_COLORS,
  LOAN_STATUSES,
  LOAN_STATUS_NAMES,
  microcreditApi,
  type Drill,
  type DueList,
  type Figures,
  type LoanStatus,
  type LoanView,
} from '../api.ts';

function halfYear(): [string, string] {
  const d = dayjs();
  return d.month() < 6 ? [`${d.year()}-01-01`, `${d.year()}-06-30`] : [`${d.year()}-07-01`, `${d.year()}-12-31`];
}

function StatusTag({ l }: { l: LoanView }) {
  if (l.overdue) return <Tag color="error">逾期</Tag>;
  if (l.balanceFen === 0) return <Tag color="success">已还清</Tag>;
  return <Tag color="processing">在贷</Tag>;
}

export function loanColumns(extra: { title: string; render: (l: LoanView) => React.ReactNode }[] = []) {
  return [
    { title: '贷款编号', dataIndex: 'loanNo', render: (v: string) => <Link to={`/microcredit/loans/${encodeURIComponent(v)}`}>{v}</Link> },
    { title: '借款人', dataIndex: 'name' },
    { title: '身份证号', dataIndex: 'idNumber' },
    { title: '村代码', dataIndex: 'villageCode' },
    { title: '贷款银行', dataIndex: 'bank' },
    { title: '类型', dataIndex: 'kind' },
    { title: '发放日期', dataIndex: 'issuedOn' },
    {
      title: '到期日期',
      dataIndex: 'dueOn',
      render: (v: string, l: LoanView) =>
        l.extendedTo ? (
          <span>
            {v}
            <br />
            <Tag color="purple">展期至{l.extendedTo}</Tag>
          </span>
        ) : (
          v
        ),
    },
    { title: '贷款金额', dataIndex: 'amountFen', align: 'right' as const, render: formatYuan },
    { title: '余额', dataIndex: 'balanceFen', align: 'right' as const, render: formatYuan },
    ...extra.map((x) => ({ title: x.title, key: x.title, render: (_: unknown, l: LoanView) => x.render(l) })),
  ];
}

function LoansTab({ drill, clearDrill }: { drill: { kind: Drill; from: string; to: string; asOf: string } | null; clearDrill: () => void }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<LoanStatus>('all');
  const [asOf, setAsOf] = useState(todayIso());
  const [page, setPage] = useState(1);
  const query = drill ? { drill: drill.kind, from: drill.from, to: drill.to, asOf: drill.asOf, page, pageSize: 20 } : { q, status, asOf, page, pageSize: 20 };
  const r = useQuery({ queryKey: ['microcredit', 'loans', query], queryFn: ({ signal }) => microcreditApi.loans(query, signal) });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        {drill ? (
          <Tag color="blue" closable onClose={clearDrill} data-testid="drill-tag">
            {DRILL_NAMES[drill.kind]}（{drill.from} 至 {drill.to}，截至{drill.asOf}）：{r.data?.total ?? '…'} 笔
          </Tag>
        ) : (
          <>
            <Input.Search
              placeholder="贷款编号或姓名"
              allowClear
              onSearch={(v) => {
                setQ(v.trim());
                setPage(1);
              }}
              style={{ width: 220 }}
              data-testid="loan-search"
            />
            <Select
              value={status}
              onChange={(v) => {
                setStatus(v);
                setPage(1);
              }}
              style={{ width: 120 }}
              options={LOAN_STATUSES.map((s) => ({ value: s, label: LOAN_STATUS_NAMES[s] }))}
            />
            截至 <DatePicker value={dayjs(asOf)} allowClear={false} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} />
          </>
        )}
      </Space>
      <Table<LoanView>
        rowKey="loanNo"
        size="small"
        loading={r.isLoading}
        dataSource={r.data?.loans ?? []}
        columns={loanColumns([{ title: '状态', render: (l) => <StatusTag l={l} /> }])}
        pagination={{ current: page, pageSize: 20, total: r.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 笔` }}
        scroll={{ x: 1100 }}
      />
    </>
  );
}

function DueTab() {
  const [[from, to], setRange] = useState<[string, string]>(halfYear());
  const r = useQuery({ queryKey: ['microcredit', 'due', from, to], queryFn: ({ signal }) => microcreditApi.due({ from, to }, signal) });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        到期日期{' '}
        <DatePicker.RangePicker
          value={[dayjs(from), dayjs(to)]}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
        />
        {Object.entries(r.data?.counts ?? {}).map(([k, n]) => (
          <Tag key={k} color={HANDLING_COLORS[k]} data-testid={`due-${k}`}>
            {k} {n} 笔
          </Tag>
        ))}
      </Space>
      <Table
        rowKey="loanNo"
        size="small"
        loading={r.isLoading}
        dataSource={r.data?.loans ?? []}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 1100 }}
        columns={loanColumns([
          {
            title: '处理',
            render: (l) => <Tag color={HANDLING_COLORS[(l as DueList['loans'][number]).handling]}>{(l as DueList['loans'][number]).handling}</Tag>,
          },
        ])}
      />
    </>
  );
}

function OverdueTab() {
  const [asOf, setAsOf] = useState(todayIso());
  const r = useQuery({ queryKey: ['microcredit', 'overdue', asOf], queryFn: ({ signal }) => microcreditApi.overdue({ asOf }, signal) });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        截至 <DatePicker value={dayjs(asOf)} allowClear={false} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} />
        <span>
          逾期 {formatCount(r.data?.total)} 笔，余额 {formatYuan(r.data?.balanceFen)}
        </span>
      </Space>
      <Table<LoanView>
        rowKey="loanNo"
        size="small"
        loading={r.isLoading}
        dataSource={r.data?.loans ?? []}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 1100 }}
        columns={loanColumns([{ title: '逾期天数', render: (l) => dayjs(asOf).diff(dayjs(l.extendedTo ?? l.dueOn), 'day') }])}
      />
    </>
  );
}

function BalancesTab() {
  const [by, setBy] = useState<'township' | 'bank'>('township');
  const asOf = todayIso();
  const b = useQuery({ queryKey: ['microcredit', 'balances', by], queryFn: ({ signal }) => microcreditApi.balances({ by, asOf }, signal) });
  const [[from, to], setMonths] = useState<[string, string]>([dayjs().subtract(23, 'month').format('YYYY-MM'), dayjs().format('YYYY-MM')]);
  const m = useQuery({ queryKey: ['microcredit', 'monthly', from, to], queryFn: ({ signal }) => microcreditApi.monthly({ from, to }, signal) });
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: ['余额（万元）', '在贷笔数'] },
      grid: { left: 60, right: 60, bottom: 30, top: 40 },
      xAxis: { type: 'category', data: (m.data?.points ?? []).map((p) => p.month) },
      yAxis: [
        { type: 'value', name: '万元' },
        { type: 'value', name: '笔' },
      ],
      series: [
        { name: '余额（万元）', type: 'bar', data: (m.data?.points ?? []).map((p) => Math.round(p.balanceFen / 10000) / 100) },
        { name: '在贷笔数', type: 'line', yAxisIndex: 1, data: (m.data?.points ?? []).map((p) => p.loans) },
      ],
    }),
    [m.data],
  );
  return (
    <Row gutter={16}>
      <Col xs={24} lg={10}>
        <Radio.Group
          value={by}
          onChange={(e) => setBy(e.target.value)}
          style={{ marginBottom: 12 }}
          options={[
            { value: 'township', label: '按乡镇' },
            { value: 'bank', label: '按银行' },
          ]}
          optionType="button"
        />
        <Table
          rowKey="key"
          size="small"
          loading={b.isLoading}
          dataSource={b.data?.groups ?? []}
          pagination={false}
          columns={[
            { title: by === 'bank' ? '银行' : '乡镇', dataIndex: 'name' },
            { title: '笔数', dataIndex: 'loans', align: 'right', render: formatCount },
            { title: '余额', dataIndex: 'balanceFen', align: 'right', render: formatYuan },
          ]}
        />
      </Col>
      <Col xs={24} lg={14}>
        <Card
          size="small"
          title="各月末贷款余额"
          extra={
            <DatePicker.RangePicker
              picker="month"
              allowClear={false}
              value={[dayjs(from + '-01'), dayjs(to + '-01')]}
              onChange={(v) => v?.[0] && v[1] && setMonths([v[0].format('YYYY-MM'), v[1].format('YYYY-MM')])}
              data-testid="chart-months"
            />
          }
        >
          <div data-testid="balance-chart">
            <Chart option={option} height={340} />
          </div>
        </Card>
      </Col>
    </Row>
  );
}

function FiguresTab({ onDrill }: { onDrill: (kind: Drill, from: string, to: string, asOf: string) => void }) {
  const [[from, to], setRange] = useState<[string, string]>(halfYear());
  const asOf = to < todayIso() ? to : todayIso();
  const f = useQuery({ queryKey: ['microcredit', 'figures', from, to], queryFn: ({ signal }) => microcreditApi.figures({ from, to, asOf }, signal) });
  const d = f.data;
  const card = (kind: Drill, value: number, fen?: number) => (
    <Col xs={12} md={8} lg={4} key={kind}>
      <Card size="small" hoverable onClick={() => onDrill(kind, from, to, asOf)} data-testid={`figure-${kind}`}>
        <Statistic title={DRILL_NAMES[kind]} value={value} suffix="笔" />
        {fen !== undefined && <div style={{ color: '#888' }}>{formatWanYuan(fen)}</div>}
      </Card>
    </Col>
  );
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        期间{' '}
        <DatePicker.RangePicker
          value={[dayjs(from), dayjs(to)]}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
        />
        <span style={{ color: '#888' }}>余额和逾期截至 {asOf}；点数字查看对应贷款</span>
      </Space>
      {d && (
        <Row gutter={[12, 12]}>
          {card('outstanding', d.outstanding.loans, d.outstanding.balanceFen)}
          {card('issued', d.issued.loans, d.issued.amountFen)}
          {card('repaid', d.repaid.loans, d.repaid.amountFen)}
          {card('renewed', d.renewed.loans)}
          {card('extended', d.extended.loans)}
          {card('overdue', d.overdue.loans, d.overdue.balanceFen)}
        </Row>
      )}
      <Card size="small" title="各季度贴息" style={{ marginTop: 16 }}>
        <Table
          rowKey="runId"
          size="small"
          dataSource={d?.subsidyByQuarter ?? []}
          pagination={false}
          columns={[
            {
              title: '季度',
              dataIndex: 'quarter',
              render: (v: string, r: Figures['subsidyByQuarter'][number]) => <Link to={`/microcredit/subsidy/${r.runId}`}>{v}</Link>,
            },
            { title: '状态', dataIndex: 'state' },
            { title: '笔数', dataIndex: 'loans', align: 'right' },
            { title: '贴息金额', dataIndex: 'subsidyFen', align: 'right', render: formatYuan },
          ]}
        />
      </Card>
    </>
  );
}

export default function LoansPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'loans';
  const drillKind = params.get('drill') as Drill | null;
  const drill = drillKind ? { kind: drillKind, from: params.get('from') ?? '', to: params.get('to') ?? '', asOf: params.get('asOf') ?? todayIso() } : null;
  return (
    <>
      <PageHeader
        title="扶贫小额信贷"
        sub="贷款台账、到期与逾期、余额和指标"
        extra={
          <Space>
            {can('microcredit.manage') && (
              <Link to="/microcredit/import">
                <Button data-testid="go-import">导入银行文件</Button>
              </Link>
            )}
            <Link to="/microcredit/subsidy">
              <Button type="primary" data-testid="go-subsidy">
                季度贴息
              </Button>
            </Link>
          </Space>
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k })}
        items={[
          { key: 'loans', label: '贷款', children: <LoansTab drill={drill} clearDrill={() => setParams({ tab: 'loans' })} /> },
          { key: 'due', label: '到期', children: <DueTab /> },
          { key: 'overdue', label: '逾期', children: <OverdueTab /> },
          { key: 'balances', label: '余额', children: <BalancesTab /> },
          {
            key: 'figures',
            label: '指标',
            children: <FiguresTab onDrill={(kind, from, to, asOf) => setParams({ tab: 'loans', drill: kind, from, to, asOf })} />,
          },
        ]}
      />
    </>
  );
}
