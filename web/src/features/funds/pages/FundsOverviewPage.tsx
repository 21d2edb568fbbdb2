// 资金总览: totals as of a date, 结存比例 warnings, rates by township, monthly cumulative 拨付
// against the 序时进度 line, 结存 by batch. Every figure links to the entries behind it.
import { useMemo, useState } from 'react';
import { Alert, Card, Col, DatePicker, Row, Space, Statistic, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import dayjs from 'dayjs';
import { Chart, type ChartOption } from '../../../shared/Chart.tsx';
import { formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { entriesLink, fundsApi, rateText } from '../api.ts';

const wan = (fen: number) => Math.round(fen / 100) / 10000; // for chart axes only; tables show exact 元

export default function FundsOverviewPage() {
  const nav = useNavigate();
  const [asOf, setAsOf] = useState(dayjs().format('YYYY-MM-DD'));
  const q = useQuery({ queryKey: ['funds', 'overview', asOf], queryFn: ({ signal }) => fundsApi.overview(asOf, signal) });
  const o = q.data;
  const townships = useMemo(() => (o?.townships.rows ?? []).filter((r) => r[0] !== '合计'), [o]);

  const townChart: ChartOption = useMemo(() => {
    const hdr = (name: string) => o?.townships.headers.indexOf(name) ?? -1;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['拨付率', '报账率'] },
      grid: { top: 40, left: 50, right: 20, bottom: 60 },
      xAxis: { type: 'category', data: townships.map((r) => o?.townshipNames[r[0]] || r[0]), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: '%', max: 100 },
      series: [
        { name: '拨付率', type: 'bar', data: townships.map((r) => Number(r[hdr('拨付率')] || 0)) },
        { name: '报账率', type: 'bar', data: townships.map((r) => Number(r[hdr('报账率')] || 0)) },
      ],
    };
  }, [townships, o]);
  const monthChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['累计拨付', '序时进度'] },
      grid: { top: 40, left: 60, right: 20 },
      xAxis: { type: 'category', data: (o?.monthly ?? []).map((m) => m.month) },
      yAxis: { type: 'value', name: '万元' },
      series: [
        { name: '累计拨付', type: 'line', data: (o?.monthly ?? []).map((m) => wan(m.cumulativeFen)), areaStyle: { opacity: 0.15 } },
        { name: '序时进度', type: 'line', lineStyle: { type: 'dashed' }, data: (o?.monthly ?? []).map((m) => wan(m.planFen)) },
      ],
    }),
    [o],
  );
  const batchChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['已拨付', '结存'] },
      grid: { top: 40, left: 60, right: 20, bottom: 60 },
      xAxis: { type: 'category', data: (o?.batches ?? []).map((b) => b.batchNo), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: '万元' },
      series: [
        { name: '已拨付', type: 'bar', stack: 'b', data: (o?.batches ?? []).map((b) => wan(b.disbursedFen)) },
        {
          name: '结存',
          type: 'bar',
          stack: 'b',
          data: (o?.batches ?? []).map((b) => ({ value: wan(b.balanceFen), itemStyle: b.overLimit ? { color: '#cf1322' } : undefined })),
        },
      ],
    }),
    [o],
  );

  const to = o?.asOf;
  return (
    <>
      <PageHeader
        title="资金总览"
        sub={`截至 ${asOf} 的批次、安排、拨付、报账（点击数字查看明细）`}
        extra={
          <Space>
            截至 <DatePicker allowClear={false} value={dayjs(asOf)} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} data-testid="funds-asof" />
          </Space>
        }
      />
      {!!o?.warnings.length && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={`${o.warnings.length} 个批次结存比例超过设定的 ${formatFen(o.limitBp)}%`}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {o.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          }
        />
      )}
      <Row gutter={12} style={{ marginBottom: 12 }}>
        {o &&
          [
            ['下达金额（元）', o.totals.issuedFen, '/funds/batches'],
            ['安排金额（元）', o.totals.allocatedFen, entriesLink({ kind: 'allocation', to })],
            ['拨付金额（元）', o.totals.disbursedFen, entriesLink({ kind: 'disbursement', to })],
            ['报账金额（元）', o.totals.reimbursedFen, entriesLink({ kind: 'reimbursement', to })],
            ['结存金额（元）', o.totals.balanceFen, '/funds/batches'],
          ].map(([title, fen, link]) => (
            <Col span={4} key={title as string}>
              <Card size="small" hoverable onClick={() => nav(link as string)}>
                <Statistic title={title as string} value={formatFen(fen as number)} />
              </Card>
            </Col>
          ))}
        {o && (
          <Col span={4}>
            <Card size="small">
              <Statistic
                title="拨付率 / 报账率 / 结存比例"
                value={`${rateText(o.totals.disbursedRate)} / ${rateText(o.totals.reimbursedRate)} / ${rateText(o.totals.balanceRate)}`}
                valueStyle={{ fontSize: 16 }}
              />
            </Card>
          </Col>
        )}
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Card size="small" title="各乡镇拨付率、报账率" loading={q.isLoading}>
            <Chart option={townChart} height={300} />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={`${asOf.slice(0, 4)}年累计拨付与序时进度`} loading={q.isLoading}>
            <Chart option={monthChart} height={300} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={`各批次结存（红色：结存比例超过 ${o ? formatFen(o.limitBp) : ''}%）`} style={{ marginTop: 12 }} loading={q.isLoading}>
        <Chart option={batchChart} height={280} />
      </Card>
      <Card size="small" title="各乡镇资金执行情况" style={{ marginTop: 12 }}>
        <Table
          size="small"
          rowKey={(r) => r[0]}
          pagination={false}
          loading={q.isLoading}
          dataSource={o?.townships.rows ?? []}
          columns={(o?.townships.headers ?? []).map((h, i) => ({
            title: h,
            key: h,
            align: i === 0 ? ('left' as const) : ('right' as const),
            render: (_: unknown, r: string[]) => {
              const t = r[0] === '合计' ? undefined : r[0];
              if (i === 0) return t ? `${o?.townshipNames[t] || ''} ${t}` : '合计';
              const kind = h === '安排金额' ? 'allocation' : h === '拨付金额' ? 'disbursement' : h === '报账金额' ? 'reimbursement' : undefined;
              return kind ? <Link to={entriesLink({ kind, townshipCode: t, to })}>{r[i]}</Link> : r[i];
            },
          }))}
        />
      </Card>
    </>
  );
}
