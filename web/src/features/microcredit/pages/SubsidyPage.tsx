// 季度贴息: the quarters computed so far and computing one; a quarter's own page holds its lines,
// the review (by someone other than who computed it), the publication list (print, xlsx) and
// the bank file for payment.
import { useState } from 'react';
import { Button, Card, Descriptions, Input, Modal, Space, Switch, Table, Tag, Steps } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { download } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatDateTime, formatFen, formatYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { RUN_COLORS, RUN_STATES, RUN_STATE_NAMES, microcreditApi, type RunLines, type RunStep, type RunView } from '../api.ts';

function lastQuarter(): string {
  const d = dayjs(),
    q = Math.floor(d.month() / 3);
  return q === 0 ? `${d.year() - 1}Q4` : `${d.year()}Q${q}`;
}

export function SubsidyRunsPage() {
  const nav = useNavigate();
  const qc = useQueryClient();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  const [quarter, setQuarter] = useState(lastQuarter());
  const q = useQuery({ queryKey: ['microcredit', 'runs'], queryFn: ({ signal }) => microcreditApi.runs(signal) });
  const compute = useMutation({
    mutationFn: () => microcreditApi.computeRun({ quarter }),
    onSuccess: (r) => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['microcredit'] });
      notify.success(`${r.quarter}贴息：${r.loans}笔，${formatYuan(r.subsidyFen)}`);
      nav(`/microcredit/subsidy/${r.id}`);
    },
  });
  return (
    <>
      <PageHeader
        title="季度贴息"
        sub={<Link to="/microcredit">返回小额信贷</Link>}
        extra={
          can('microcredit.manage') && (
            <Button type="primary" onClick={() => setOpen(true)} data-testid="compute-quarter">
              计算季度贴息
            </Button>
          )
        }
      />
      <Table<RunView>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.runs ?? []}
        pagination={false}
        columns={[
          { title: '季度', dataIndex: 'quarter', render: (v, r) => <Link to={`/microcredit/subsidy/${r.id}`}>{v}</Link> },
          { title: '状态', dataIndex: 'stateName', render: (v, r) => <Tag color={RUN_COLORS[r.state]}>{v}</Tag> },
          { title: '笔数', dataIndex: 'loans', align: 'right' },
          { title: '其中逾期', dataIndex: 'overdue', align: 'right' },
          { title: '贴息金额', dataIndex: 'subsidyFen', align: 'right', render: formatYuan },
          { title: '计算', render: (_, r) => `${r.computedName} ${formatDateTime(r.computedAt)}` },
          { title: '审核', render: (_, r) => (r.reviewedName ? `${r.reviewedName} ${formatDateTime(r.reviewedAt)}` : '—') },
        ]}
      />
      <Modal title="计算季度贴息" open={open} onCancel={() => setOpen(false)} okText="计算" confirmLoading={compute.isPending} onOk={() => compute.mutate()}>
        <Space direction="vertical">
          <span>
            季度 <Input style={{ width: 120 }} value={quarter} onChange={(e) => setQuarter(e.target.value.trim().toUpperCase())} data-testid="quarter-input" />
          </span>
          <span style={{ color: '#888' }}>按已导入的台账，逐笔计算计息天数、余额积数和贴息金额（算头不算尾，四舍五入到分）。审核前可重新计算。</span>
        </Space>
      </Modal>
    </>
  );
}

export function SubsidyRunPage() {
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const { can, me } = useAuth();
  const [page, setPage] = useState(1);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const run = useQuery({ queryKey: ['microcredit', 'run', id], queryFn: ({ signal }) => microcreditApi.run(id, signal) });
  const lines = useQuery({
    queryKey: ['microcredit', 'run', id, 'lines', page, overdueOnly],
    queryFn: ({ signal }) => microcreditApi.runLines(id, { page, pageSize: 50, overdue: overdueOnly ? '1' : undefined }, signal),
  });
  const step = useMutation({
    mutationFn: (s: RunStep) => microcreditApi.advanceRun(id, s),
    onSuccess: (r) => {
      notify.success(`已${r.stateName}`);
      void qc.invalidateQueries({ queryKey: ['microcredit'] });
    },
  });
  const r = run.data;
  const mine = r && me && r.computedName === me.user.username;
  return (
    <>
      <PageHeader
        title={`${r?.quarter ?? ''} 扶贫小额信贷贴息`}
        sub={<Link to="/microcredit/subsidy">返回季度贴息</Link>}
        extra={
          r && (
            <Space>
              {r.state === 'computed' && can('microcredit.approve') && (
                <Button
                  type="primary"
                  disabled={!!mine}
                  title={mine ? '审核人不能是计算人' : undefined}
                  onClick={() =>
                    Modal.confirm({
                      title: `审核 ${r.quarter} 贴息`,
                      content: `${r.loans}笔，合计${formatYuan(r.subsidyFen)}。审核后不能再重新计算。`,
                      okText: '审核通过',
                      onOk: () => step.mutateAsync('review'),
                    })
                  }
                  data-testid="review-run"
                >
                  审核
                </Button>
              )}
              {r.state === 'reviewed' && can('microcredit.manage') && (
                <Button type="primary" onClick={() => step.mutate('publish')} data-testid="publish-run">
                  公示
                </Button>
              )}
              {r.state !== 'computed' && (
                <Button onClick={() => window.open(`/api/microcredit/runs/${id}/notice`, '_blank')} data-testid="print-notice">
                  打印公示名单
                </Button>
              )}
              {r.state !== 'computed' && (
                <Button
                  onClick={() => download(`/microcredit/runs/${id}/notice`, { format: 'xlsx' }, '贴息公示.xlsx').catch((e) => notify.error(e.message))}
                  data-testid="notice-xlsx"
                >
                  公示名单（Excel）
                </Button>
              )}
              {(r.state === 'published' || r.state === 'paid') && can('microcredit.manage') && (
                <Button
                  onClick={() => download(`/microcredit/runs/${id}/bank-file`, undefined, '银行发放文件', 'POST').catch((e) => notify.error(e.message))}
                  data-testid="bank-file"
                >
                  银行发放文件
                </Button>
              )}
              {r.state === 'published' && can('microcredit.manage') && (
                <Button onClick={() => step.mutate('pay')} data-testid="pay-run">
                  标记已发放
                </Button>
              )}
            </Space>
          )
        }
      />
      {r && (
        <Card size="small">
          <Steps
            size="small"
            current={RUN_STATES.indexOf(r.state)}
            items={RUN_STATES.map((s) => ({ title: RUN_STATE_NAMES[s] }))}
            style={{ marginBottom: 16 }}
          />
          <Descriptions size="small" column={{ xs: 1, md: 4 }}>
            <Descriptions.Item label="状态">
              <Tag color={RUN_COLORS[r.state]} data-testid="run-state">
                {r.stateName}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label="贷款笔数">{r.loans}</Descriptions.Item>
            <Descriptions.Item label="其中逾期">{r.overdue}</Descriptions.Item>
            <Descriptions.Item label="贴息金额">
              <b data-testid="run-total">{formatYuan(r.subsidyFen)}</b>
            </Descriptions.Item>
            <Descriptions.Item label="计算">
              {r.computedName} {formatDateTime(r.computedAt)}
            </Descriptions.Item>
            <Descriptions.Item label="审核">{r.reviewedName ? `${r.reviewedName} ${formatDateTime(r.reviewedAt)}` : '待审核'}</Descriptions.Item>
            <Descriptions.Item label="批次号">{r.batchNo}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card
        size="small"
        style={{ marginTop: 16 }}
        title="贴息明细"
        extra={
          <Space>
            只看逾期{' '}
            <Switch
              checked={overdueOnly}
              onChange={(v) => {
                setOverdueOnly(v);
                setPage(1);
              }}
            />
          </Space>
        }
      >
        <Table
          rowKey="loanNo"
          size="small"
          loading={lines.isLoading}
          dataSource={lines.data?.lines ?? []}
          scroll={{ x: 1100 }}
          pagination={{ current: page, pageSize: 50, total: lines.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 笔` }}
          columns={[
            { title: '贷款编号', dataIndex: 'loanNo', render: (v: string) => <Link to={`/microcredit/loans/${encodeURIComponent(v)}`}>{v}</Link> },
            { title: '借款人', dataIndex: 'name' },
            { title: '身份证号', dataIndex: 'idNumber' },
            { title: '村代码', dataIndex: 'villageCode' },
            { title: '计息天数', dataIndex: 'days', align: 'right' },
            { title: '余额积数（元）', dataIndex: 'productFen', align: 'right', render: (v: number) => formatFen(v) },
            { title: '贴息利率（%）', dataIndex: 'rate', align: 'right' },
            { title: '贴息金额', dataIndex: 'subsidyFen', align: 'right', render: formatYuan },
            { title: '说明', dataIndex: 'note', render: (v: string, l: RunLines['lines'][number]) => (l.overdue ? <Tag color="error">{v}</Tag> : v) },
          ]}
        />
      </Card>
    </>
  );
}

export default SubsidyRunsPage;
