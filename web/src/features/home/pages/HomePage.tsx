// 首页: what needs action (pending approvals, rolls to review, cases overdue, open quality
// errors — each a link), the year's money (GET /api/subsidy/dashboard: paid, bank success rate,
// over-paid found, recovered), the register's headline figures and persons by township.
import { useMemo } from 'react';
import { Card, Col, Row, Statistic, Empty, Skeleton, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { useRegionTree } from '../../../shared/layout.tsx';
import { Chart, type ChartOption } from '../../../shared/Chart.tsx';
import { FiguresResponse, type RegionNodeView as RegionNode } from '../../../../../src/registry/registry.contract.ts';
import { formatCount } from '../../../shared/format.ts';
import { Alerts, MoneyCards } from '../components/HomeSections.tsx';

function level(tree: RegionNode[] | undefined, want: RegionNode['level']): RegionNode[] {
  if (!tree) return [];
  const out: RegionNode[] = [];
  const walk = (n: RegionNode) => {
    if (n.level === want) out.push(n);
    else n.children?.forEach(walk);
  };
  tree.forEach(walk);
  return out;
}

export default function HomePage() {
  const { me, can } = useAuth();
  const figures = useQuery({
    queryKey: ['registry', 'figures'],
    queryFn: ({ signal }) => api.get(FiguresResponse, '/registry/figures', undefined, signal),
    enabled: can('registry.read'),
  });
  const tree = useRegionTree(can('registry.read'));
  // by township; a user who sees one township (or a county with one) gets its villages
  const townList = level(tree.data, 'township');
  const byVillage = townList.length <= 1;
  // largest first; past 15 bars a slider scrolls through the rest
  const towns = [...(byVillage ? level(tree.data, 'village') : townList)].sort((a, b) => b.active + b.removed - (a.active + a.removed));
  const many = towns.length > 15;

  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: ['在册（正常）', '已核减'], top: 0 },
      grid: { left: 48, right: 16, bottom: many ? 90 : 60, top: 40 },
      xAxis: { type: 'category', data: towns.map((t) => t.name), axisLabel: { interval: 0, rotate: towns.length > 8 ? 30 : 0 } },
      dataZoom: many
        ? [
            { type: 'slider', startValue: 0, endValue: 14, bottom: 8, height: 18, zoomLock: true, brushSelect: false },
            { type: 'inside', zoomLock: true },
          ]
        : [],
      yAxis: { type: 'value', name: '人' },
      series: [
        { name: '在册（正常）', type: 'bar', stack: 'p', barMaxWidth: 48, data: towns.map((t) => t.active), itemStyle: { color: '#1677ff' } },
        { name: '已核减', type: 'bar', stack: 'p', barMaxWidth: 48, data: towns.map((t) => t.removed), itemStyle: { color: '#bfbfbf' } },
      ],
    }),
    [towns, many],
  );

  const f = figures.data;
  const cards: { title: string; value: number | undefined; suffix: string; link?: string }[] = [
    { title: '户数', value: f?.households, suffix: '户' },
    { title: '后扶人口', value: f?.persons, suffix: '人' },
    { title: '在册（正常）', value: f?.active, suffix: '人', link: '/roster?status=正常' },
    { title: '本年核减', value: f?.removedThisYear, suffix: '人', link: '/roster?status=已核减' },
  ];

  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {me?.user.displayName || me?.user.username}，您好
      </Typography.Title>
      <Alerts pendingAdjustments={figures.data?.pendingAdjustments} />
      {can('subsidy.read') && <MoneyCards />}
      {!can('registry.read') ? (
        <Empty description="您的角色没有查看花名册的权限" />
      ) : (
        <>
          <Typography.Title level={5}>后扶人口</Typography.Title>
          <Row gutter={[16, 16]} data-testid="figures">
            {cards.map((c) => (
              <Col key={c.title} xs={12} md={8} xl={{ flex: '25%' }}>
                <Card hoverable={!!c.link}>
                  {figures.isPending ? (
                    <Skeleton active paragraph={false} />
                  ) : (
                    <Statistic
                      title={c.link ? <Link to={c.link}>{c.title}</Link> : c.title}
                      value={c.value ?? 0}
                      suffix={c.suffix}
                      formatter={(v) => formatCount(Number(v))}
                    />
                  )}
                </Card>
              </Col>
            ))}
          </Row>
          <Card title={byVillage ? `各村后扶人口${townList[0] ? `（${townList[0].name}）` : ''}` : '各乡镇后扶人口'} style={{ marginTop: 16 }}>
            {tree.isPending ? <Skeleton active /> : towns.length ? <Chart option={option} height={360} /> : <Empty description="暂无数据，请先导入花名册" />}
          </Card>
        </>
      )}
    </div>
  );
}
