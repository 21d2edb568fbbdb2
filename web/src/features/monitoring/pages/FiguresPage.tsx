// 监测统计: households and people by category, risk and township, identified and removed in a
// period, by month — every number a link to the records behind it — and the monitoring line.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Col, Input, InputNumber, Row, Space, Button, Table, Statistic } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { Chart, type ChartOption } from '../../../shared/Chart.tsx';
import { formatYuan, todayIso } from '../../../shared/format.ts';
import { RISK_TYPES, drillQuery, monitoringApi, yuanToFen, type Figures } from '../api.ts';

type Fig = Figures['monitoring'];
const N = ({ f, people }: { f: Fig; people?: boolean }) => (
  <Link to={`/monitoring?${drillQuery(f.drill)}`} title="查看这些户">
    {people ? f.people : f.households}
  </Link>
);

function LineSetting() {
  const qc = useQueryClient();
  const lines = useQuery({ queryKey: ['monitoring', 'lines'], queryFn: ({ signal }) => monitoringApi.lines(signal) });
  const [year, setYear] = useState(new Date().getFullYear());
  const [yuan, setYuan] = useState('');
  const save = useMutation({
    mutationFn: () => monitoringApi.setLine(year, { lineFen: yuanToFen(yuan) ?? 0 }),
    onSuccess: () => {
      notify.success('已设置');
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
    },
  });
  return (
    <Card size="small" title="监测标准（人均纯收入）" style={{ marginBottom: 16 }}>
      <Space wrap>
        {(lines.data?.lines ?? []).map((l) => (
          <span key={l.year}>
            {l.year}年：{formatYuan(l.lineFen)}
          </span>
        ))}
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => setYear(v ?? year)} />
        <Input style={{ width: 140 }} placeholder="元" value={yuan} onChange={(e) => setYuan(e.target.value)} data-testid="line-yuan" />
        <Button onClick={() => save.mutate()} disabled={yuanToFen(yuan) === null} loading={save.isPending} data-testid="line-save">
          设置
        </Button>
      </Space>
    </Card>
  );
}

export default function FiguresPage() {
  const { can, me } = useAuth();
  const year = new Date().getFullYear();
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(todayIso());
  const q = useQuery({ queryKey: ['monitoring', 'figures', from, to], queryFn: ({ signal }) => monitoringApi.figures({ from, to }, signal) });
  const f = q.data;
  const riskChart = useMemo<ChartOption>(() => {
    const towns = [...new Map((f?.riskByTownship ?? []).map((r) => [r.townshipCode, r.townshipName])).entries()];
    const types = Object.keys(RISK_TYPES).filter((t) => f?.riskByTownship.some((r) => r.riskType === t));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 40, right: 10, top: 50, bottom: 60 },
      xAxis: { type: 'category', data: towns.map(([, n]) => n), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: '户' },
      series: types.map((t) => ({
        name: RISK_TYPES[t as keyof typeof RISK_TYPES],
        type: 'bar',
        stack: 'risk',
        data: towns.map(([code]) => f?.riskByTownship.find((r) => r.townshipCode === code && r.riskType === t)?.households ?? 0),
      })),
    };
  }, [f]);
  const monthChart = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: (f?.byMonth ?? []).map((m) => m.month) },
      yAxis: { type: 'value', name: '户', minInterval: 1 },
      series: [
        { name: '新识别', type: 'bar', data: (f?.byMonth ?? []).map((m) => m.identified) },
        { name: '风险消除', type: 'line', data: (f?.byMonth ?? []).map((m) => m.removed) },
      ],
    }),
    [f],
  );
  return (
    <div>
      <PageHeader
        title="监测统计"
        sub="每个数字可点击，查看对应的监测户"
        extra={
          <Space>
            <span>统计期间</span>
            <Input style={{ width: 120 }} value={from} onChange={(e) => setFrom(e.target.value)} />
            <span>至</span>
            <Input style={{ width: 120 }} value={to} onChange={(e) => setTo(e.target.value)} />
          </Space>
        }
      />
      {can('monitoring.approve') && me?.user.regionCode.length === 6 && <LineSetting />}
      {f && (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title="监测中（户 / 人）"
                  valueRender={() => (
                    <span>
                      <N f={f.monitoring} /> / <N f={f.monitoring} people />
                    </span>
                  )}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title="期内新识别（户 / 人）"
                  valueRender={() => (
                    <span>
                      <N f={f.identified} /> / <N f={f.identified} people />
                    </span>
                  )}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title="期内风险消除（户 / 人）"
                  valueRender={() => (
                    <span>
                      <N f={f.removed} /> / <N f={f.removed} people />
                    </span>
                  )}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic title="统计期间" value={`${f.from} 至 ${f.to}`} valueStyle={{ fontSize: 16 }} />
              </Card>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} xl={12}>
              <Card size="small" title="各乡镇未消除风险（按类型）" style={{ marginBottom: 16 }}>
                <Chart option={riskChart} height={320} />
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card size="small" title="按月新识别与风险消除（户）" style={{ marginBottom: 16 }}>
                <Chart option={monthChart} height={320} />
              </Card>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} xl={8}>
              <Card size="small" title="按监测对象类别（监测中）">
                <Table
                  rowKey="label"
                  size="small"
                  pagination={false}
                  dataSource={f.byCategory}
                  columns={[
                    { title: '类别', dataIndex: 'label' },
                    { title: '户数', render: (_, x) => <N f={x} /> },
                    { title: '人数', render: (_, x) => <N f={x} people /> },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card size="small" title="按风险类型（未消除）">
                <Table
                  rowKey="label"
                  size="small"
                  pagination={false}
                  dataSource={f.byRisk.filter((x) => x.households)}
                  columns={[
                    { title: '风险', dataIndex: 'label' },
                    { title: '户数', render: (_, x) => <N f={x} /> },
                    { title: '人数', render: (_, x) => <N f={x} people /> },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card size="small" title="按乡镇">
                <Table
                  rowKey="townshipCode"
                  size="small"
                  pagination={false}
                  dataSource={f.byTownship}
                  columns={[
                    { title: '乡镇', dataIndex: 'townshipName' },
                    { title: '监测中', render: (_, x) => <N f={x.monitoring} /> },
                    { title: '期内识别', render: (_, x) => <N f={x.identified} /> },
                    { title: '期内消除', render: (_, x) => <N f={x.removed} /> },
                  ]}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </div>
  );
}
