// 资金调度: the 调度表 as of a date (one row a project) with the rankings of townships and
// implementing units, and the same as an xlsx. A past date gives that day's figures.
import { useState } from 'react';
import { Button, DatePicker, Space, Table, Tabs } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { download, errorMessage } from '../../../shared/api.ts';
import { notify } from '../../../shared/notify.ts';
import { formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { ENTRY_KINDS, entriesLink, fundsApi, rateText, type DispatchView } from '../api.ts';

type Rank = DispatchView['townships'][number];

export default function DispatchPage() {
  const [asOf, setAsOf] = useState(dayjs().format('YYYY-MM-DD'));
  const q = useQuery({ queryKey: ['funds', 'dispatch', asOf], queryFn: ({ signal }) => fundsApi.dispatch(asOf, signal) });
  const rank = (kind: 'township' | 'unit') => [
    { title: '名次', dataIndex: 'rank', width: 60 },
    { title: kind === 'township' ? '乡镇' : '实施单位', dataIndex: 'name' },
    { title: '项目数', dataIndex: 'projects', align: 'right' as const },
    ...(['allocatedFen', 'disbursedFen', 'reimbursedFen'] as const).map((f, i) => ({
      title: ['安排', '拨付', '报账'][i],
      dataIndex: f,
      align: 'right' as const,
      render: (v: number, r: Rank) => (
        <Link to={entriesLink({ kind: ENTRY_KINDS[i], to: asOf, ...(kind === 'township' ? { townshipCode: r.key } : { unit: r.key }) })}>{formatFen(v)}</Link>
      ),
    })),
    { title: '拨付率', dataIndex: 'disbursedRate', align: 'right' as const, render: rateText },
    { title: '报账率', dataIndex: 'reimbursedRate', align: 'right' as const, render: rateText },
    { title: '完工数', dataIndex: 'completed', align: 'right' as const },
  ];
  return (
    <>
      <PageHeader
        title="资金调度"
        sub="每个项目一行；排名按拨付率、再按报账率；选择过去的日期即得当日的调度数字"
        extra={
          <Space>
            截至 <DatePicker allowClear={false} value={dayjs(asOf)} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} />
            <Button
              type="primary"
              data-testid="dispatch-xlsx"
              onClick={() => download('/funds/dispatch.xlsx', { asOf }, '资金调度表.xlsx').catch((e) => notify.error(errorMessage(e)))}
            >
              下载调度表（xlsx）
            </Button>
          </Space>
        }
      />
      <Tabs
        items={[
          {
            key: 'townships',
            label: '乡镇排名',
            children: (
              <Table<Rank> rowKey="key" size="small" pagination={false} loading={q.isLoading} dataSource={q.data?.townships ?? []} columns={rank('township')} />
            ),
          },
          {
            key: 'units',
            label: '实施单位排名',
            children: (
              <Table<Rank> rowKey="key" size="small" pagination={false} loading={q.isLoading} dataSource={q.data?.units ?? []} columns={rank('unit')} />
            ),
          },
          {
            key: 'rows',
            label: `调度表（${q.data?.rows.length ?? 0} 个项目）`,
            children: (
              <Table
                rowKey="projectNo"
                size="small"
                loading={q.isLoading}
                dataSource={q.data?.rows ?? []}
                pagination={{ pageSize: 50 }}
                scroll={{ x: 1500 }}
                columns={[
                  { title: '乡镇', dataIndex: 'townshipName', render: (v, r) => v || r.townshipCode },
                  { title: '项目', dataIndex: 'name', render: (v, r) => <Link to={`/funds/projects/${encodeURIComponent(r.projectNo)}`}>{v}</Link> },
                  { title: '类别', dataIndex: 'category' },
                  { title: '实施单位', dataIndex: 'unit' },
                  { title: '计划投资', dataIndex: 'plannedFen', align: 'right', render: formatFen },
                  {
                    title: '安排',
                    dataIndex: 'allocatedFen',
                    align: 'right',
                    render: (v, r) => <Link to={entriesLink({ projectNo: r.projectNo, kind: 'allocation', to: asOf })}>{formatFen(v)}</Link>,
                  },
                  {
                    title: '拨付',
                    dataIndex: 'disbursedFen',
                    align: 'right',
                    render: (v, r) => <Link to={entriesLink({ projectNo: r.projectNo, kind: 'disbursement', to: asOf })}>{formatFen(v)}</Link>,
                  },
                  {
                    title: '报账',
                    dataIndex: 'reimbursedFen',
                    align: 'right',
                    render: (v, r) => <Link to={entriesLink({ projectNo: r.projectNo, kind: 'reimbursement', to: asOf })}>{formatFen(v)}</Link>,
                  },
                  { title: '拨付率', dataIndex: 'disbursedRate', align: 'right', render: rateText },
                  { title: '报账率', dataIndex: 'reimbursedRate', align: 'right', render: rateText },
                  { title: '进度%', dataIndex: 'progressPct', align: 'right', render: (v) => v ?? '—' },
                  { title: '阶段', dataIndex: 'stage' },
                  { title: '存在问题', dataIndex: 'problems' },
                  { title: '下步措施', dataIndex: 'nextStep' },
                ]}
              />
            ),
          },
        ]}
      />
    </>
  );
}
