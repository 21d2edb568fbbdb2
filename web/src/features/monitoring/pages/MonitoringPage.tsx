// 监测户: the list (region tree, filters from the URL so figures drill here, risk badges), the
// identification form, and the removal review queues for township and county reviewers.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Badge, Button, Card, Col, Input, Row, Select, Space, Table, Tabs, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../../../shared/auth.tsx';
import { PageHeader } from '../../../shared/ui.tsx';
import { formatCount, formatYuan } from '../../../shared/format.ts';
import { RegionTree } from '../../../shared/RegionTree.tsx';
import { CATEGORIES, HOUSEHOLD_STATUSES, RISK_COLORS, RISK_TYPES, monitoringApi, type HouseholdItem, type RemovalStep } from '../api.ts';
import { IdentifyForm } from '../components/IdentifyForm.tsx';

const FILTERS = ['status', 'category', 'riskType', 'region', 'identifiedFrom', 'identifiedTo', 'removedFrom', 'removedTo', 'q'] as const;

export function RiskBadges({ open, all }: { open: string[]; all: string[] }) {
  return (
    <Space size={2} wrap>
      {all.map((r) => (
        <Tag
          key={r}
          color={open.includes(r) ? RISK_COLORS[r] : undefined}
          style={open.includes(r) ? undefined : { textDecoration: 'line-through', color: '#999' }}
          title={open.includes(r) ? '风险未消除' : '风险已消除'}
        >
          {RISK_TYPES[r as keyof typeof RISK_TYPES] ?? r}
        </Tag>
      ))}
    </Space>
  );
}

function HouseholdTable() {
  const [params, setParams] = useSearchParams();
  const [page, setPage] = useState(1);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p);
    setPage(1);
  };
  const q = useQuery({
    queryKey: ['monitoring', 'households', filter, page],
    queryFn: ({ signal }) => monitoringApi.households({ ...filter, page, pageSize: 20 }, signal),
  });
  const drillNote = ['identifiedFrom', 'identifiedTo', 'removedFrom', 'removedTo']
    .filter((k) => params.get(k))
    .map((k) => `${k.startsWith('identified') ? '识别' : '消除'}${k.endsWith('From') ? '自' : '至'}${params.get(k)}`)
    .join('，');
  return (
    <Row gutter={16}>
      <Col xs={24} lg={6}>
        <Card size="small" title="区划">
          <RegionTree value={params.get('region') ?? ''} onChange={(c) => set('region', c || undefined)} />
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder="监测状态"
            style={{ width: 130 }}
            value={filter.status}
            onChange={(v) => set('status', v)}
            options={Object.entries(HOUSEHOLD_STATUSES).map(([value, label]) => ({ value, label }))}
          />
          <Select
            allowClear
            placeholder="监测对象类别"
            style={{ width: 160 }}
            value={filter.category}
            onChange={(v) => set('category', v)}
            options={Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))}
          />
          <Select
            allowClear
            placeholder="未消除风险"
            style={{ width: 150 }}
            value={filter.riskType}
            onChange={(v) => set('riskType', v)}
            options={Object.entries(RISK_TYPES).map(([value, label]) => ({ value, label }))}
          />
          <Input.Search
            allowClear
            placeholder="户主、成员姓名或身份证号"
            style={{ width: 240 }}
            defaultValue={filter.q}
            onSearch={(v) => set('q', v.trim() || undefined)}
            data-testid="monitoring-search"
          />
          {drillNote && (
            <Tag
              closable
              onClose={() => {
                const p = new URLSearchParams(params);
                for (const k of ['identifiedFrom', 'identifiedTo', 'removedFrom', 'removedTo']) p.delete(k);
                setParams(p);
              }}
            >
              {drillNote}
            </Tag>
          )}
        </Space>
        <Table<HouseholdItem>
          rowKey="id"
          size="small"
          loading={q.isPending}
          dataSource={q.data?.items ?? []}
          data-testid="monitoring-list"
          pagination={{
            current: page,
            pageSize: 20,
            total: q.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => `共 ${formatCount(n)} 户 ${formatCount(q.data?.people)} 人`,
          }}
          columns={[
            { title: '户主', dataIndex: 'headName', render: (v, h) => <Link to={`/monitoring/households/${h.id}`}>{v}</Link> },
            { title: '乡镇 / 村', render: (_, h) => `${h.townshipName}${h.villageName}` },
            { title: '类别', dataIndex: 'categoryName' },
            { title: '人数', dataIndex: 'people', align: 'right' },
            { title: '风险', render: (_, h) => <RiskBadges open={h.openRisks} all={h.riskTypes} /> },
            { title: '识别日期', dataIndex: 'identifiedOn', render: (v, h) => <span title={h.identifiedHowName}>{v}</span> },
            { title: '人均纯收入', render: (_, h) => (h.incomeFen === null ? '—' : `${formatYuan(h.incomeFen)}（${h.incomeYear}年）`) },
            {
              title: '状态',
              render: (_, h) =>
                h.pendingRemovals ? (
                  <Badge status="processing" text={`待审核 ${h.pendingRemovals}`} />
                ) : (
                  <Badge status={h.status === 'removed' ? 'success' : 'warning'} text={h.statusName} />
                ),
            },
            { title: '帮扶责任人', dataIndex: 'responsibleName' },
          ]}
        />
      </Col>
    </Row>
  );
}

function RemovalQueueTable({ step }: { step: RemovalStep }) {
  const q = useQuery({ queryKey: ['monitoring', 'removals', step], queryFn: ({ signal }) => monitoringApi.removals(step, signal) });
  return (
    <Table
      rowKey="riskId"
      size="small"
      loading={q.isPending}
      dataSource={q.data?.items ?? []}
      pagination={false}
      data-testid={`removal-queue-${step}`}
      columns={[
        { title: '户主', dataIndex: 'headName', render: (v, r) => <Link to={`/monitoring/households/${r.householdId}`}>{v}</Link> },
        { title: '村', dataIndex: 'villageName' },
        { title: '风险', dataIndex: 'riskTypeName' },
        { title: '消除日期', dataIndex: 'removalDate' },
        { title: '满足条件', render: (_, r) => r.removalConditionNames.join('；') },
        { title: '情况说明', dataIndex: 'removalNote' },
      ]}
    />
  );
}

export default function MonitoringPage() {
  const { can, me } = useAuth();
  const [identifying, setIdentifying] = useState(false);
  const county = (me?.user.regionCode.length ?? 0) === 6;
  return (
    <div>
      <PageHeader
        title="防返贫监测对象"
        sub="脱贫不稳定户、边缘易致贫户、突发严重困难户：识别、帮扶、风险消除"
        extra={
          can('monitoring.enter') && (
            <Button type="primary" onClick={() => setIdentifying(true)} data-testid="identify-button">
              识别纳入监测
            </Button>
          )
        }
      />
      <Tabs
        items={[
          { key: 'list', label: '监测户', children: <HouseholdTable /> },
          ...(can('monitoring.approve')
            ? [
                {
                  key: 'queue',
                  label: county ? '风险消除待县级审定' : '风险消除待乡镇审核',
                  children: <RemovalQueueTable step={county ? 'county' : 'township'} />,
                },
              ]
            : []),
        ]}
      />
      {identifying && <IdentifyForm onClose={() => setIdentifying(false)} />}
    </div>
  );
}
