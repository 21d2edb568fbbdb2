// The home page's two upper sections: what needs the officer's action now, and the year's money.
import { Alert, Card, Col, Row, Skeleton, Space, Statistic, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { casesApi } from '../../cases/index.tsx';
import { subsidyApi } from '../../subsidy/index.tsx';
import { qualityApi } from '../../quality/index.tsx';
import { useAuth } from '../../../shared/auth.tsx';
import { formatCount, formatWanYuan, formatYuan } from '../../../shared/format.ts';

const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

export function MoneyCards() {
  const d = useQuery({ queryKey: ['subsidy', 'dashboard'], queryFn: ({ signal }) => casesApi.dashboard(undefined, signal) });
  const x = d.data;
  const cards = [
    { title: `${x?.year ?? ''}年已发放`, value: x ? formatWanYuan(x.paid.paidFen) : '', sub: x ? `${formatCount(x.paid.persons)} 人` : '', link: '/subsidy' },
    { title: '银行发放成功率', value: pct(x?.paid.successRate), sub: x ? `失败 ${formatCount(x.paid.failedLines)} 笔` : '', link: '/subsidy' },
    {
      title: '核查发现多发',
      value: x ? formatYuan(x.overPayment.foundFen) : '',
      sub: x ? `${formatCount(x.overPayment.cases)} 件，已确认 ${formatYuan(x.overPayment.confirmedFen)}` : '',
      link: '/crosscheck',
    },
    {
      title: '已追回',
      value: x ? formatYuan(x.recovery.recoveredFen) : '',
      sub: x ? `应追缴 ${formatYuan(x.recovery.dueFen)}，追回率 ${pct(x.recovery.rate)}` : '',
      link: '/crosscheck?tab=recovery',
    },
  ];
  return (
    <>
      <Typography.Title level={5}>资金</Typography.Title>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="money">
        {cards.map((c) => (
          <Col key={c.title} xs={12} xl={6}>
            <Card hoverable>
              {d.isPending ? (
                <Skeleton active paragraph={false} />
              ) : (
                <Link to={c.link} style={{ color: 'inherit' }}>
                  <Statistic title={c.title} value={c.value} />
                  <Typography.Text type="secondary">{c.sub}</Typography.Text>
                </Link>
              )}
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}

/** Things waiting for this user: each a count and a link; nothing shown when nothing waits. */
export function Alerts({ pendingAdjustments }: { pendingAdjustments: number | undefined }) {
  const { can } = useAuth();
  const rolls = useQuery({ queryKey: ['subsidy', 'payrolls'], enabled: can('subsidy.read'), queryFn: ({ signal }) => subsidyApi.payrolls(signal) });
  const openCases = useQuery({
    queryKey: ['cases', 'open-count'],
    enabled: can('subsidy.read'),
    queryFn: ({ signal }) => casesApi.cases({ status: '待核实', pageSize: 1 }, signal),
  });
  const overdue = useQuery({
    queryKey: ['cases', 'overdue-count'],
    enabled: can('subsidy.read'),
    queryFn: ({ signal }) => casesApi.cases({ status: '待核实', olderThanDays: 30, pageSize: 1 }, signal),
  });
  const errors = useQuery({
    queryKey: ['quality', 'open-errors'],
    enabled: can('quality.work'),
    queryFn: ({ signal }) => qualityApi.problems({ status: '未处理', severity: '错误', pageSize: 1 }, signal),
  });
  const hints = useQuery({
    queryKey: ['quality', 'open-hints'],
    enabled: can('quality.work'),
    queryFn: ({ signal }) => qualityApi.problems({ status: '未处理', severity: '提示', pageSize: 1 }, signal),
  });

  const drafts = (rolls.data?.payrolls ?? []).filter((r) => r.status === 'draft');
  const exported = (rolls.data?.payrolls ?? []).filter((r) => r.status === 'exported');
  const items: { key: string; text: string; link: string; type: 'warning' | 'info' | 'error' }[] = [];
  if (pendingAdjustments && can('adjustment.approve'))
    items.push({ key: 'adj', type: 'warning', text: `${pendingAdjustments} 件动态调整待审批`, link: '/adjustments?tab=queue' });
  else if (pendingAdjustments) items.push({ key: 'adj', type: 'info', text: `${pendingAdjustments} 件动态调整等待县中心审批`, link: '/adjustments' });
  if (drafts.length && can('subsidy.manage'))
    items.push({
      key: 'rolls',
      type: 'warning',
      text: `${drafts.length} 个发放批次待审核（${drafts.map((r) => r.batchNo).join('、')}）`,
      link: drafts.length === 1 ? `/subsidy/payrolls/${drafts[0].id}` : '/subsidy',
    });
  if (exported.length && can('subsidy.manage'))
    items.push({
      key: 'bank',
      type: 'info',
      text: `${exported.length} 个批次已报送银行，等待导入回盘`,
      link: exported.length === 1 ? `/subsidy/payrolls/${exported[0].id}` : '/subsidy',
    });
  if (overdue.data?.total) items.push({ key: 'overdue', type: 'error', text: `${overdue.data.total} 条疑似问题超过30天未核实`, link: '/crosscheck?tab=cases' });
  if (openCases.data?.total)
    items.push({ key: 'cases', type: 'warning', text: `${openCases.data.total} 条交叉核对疑似问题待核实`, link: '/crosscheck?tab=cases' });
  if (errors.data?.total) items.push({ key: 'qerr', type: 'error', text: `${errors.data.total} 条数据清洗错误未处理`, link: '/quality?severity=错误' });
  if (hints.data?.total) items.push({ key: 'qhint', type: 'info', text: `${hints.data.total} 条数据清洗提示待核实`, link: '/quality?severity=提示' });
  if (!items.length) return null;
  return (
    <Card size="small" title="待办提醒" style={{ marginBottom: 16 }} data-testid="alerts">
      <Space direction="vertical" style={{ width: '100%' }}>
        {items.map((i) => (
          <Alert key={i.key} type={i.type} showIcon title={<Link to={i.link}>{i.text}</Link>} />
        ))}
      </Space>
    </Card>
  );
}
