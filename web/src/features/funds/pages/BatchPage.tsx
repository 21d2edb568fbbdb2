// One batch: its figures and the projects it funds, each sum linking to its entries.
import { useState } from 'react';
import { Card, DatePicker, Descriptions, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { formatFen } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { entriesLink, fundsApi, rateText, type BatchPageView, type EntryKind } from '../api.ts';

type Row = BatchPageView['projects'][number];

export default function BatchPage() {
  const { batchNo = '' } = useParams();
  const [asOf, setAsOf] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['funds', 'batch', batchNo, asOf], queryFn: ({ signal }) => fundsApi.batch(batchNo, asOf, signal) });
  const b = q.data?.batch;
  const link = (kind: EntryKind, projectNo?: string) => entriesLink({ batchNo, projectNo, kind, to: asOf });
  return (
    <>
      <PageHeader
        title={`资金批次 ${batchNo}`}
        extra={
          <Space>
            截至 <DatePicker allowClear placeholder="全部" value={asOf ? dayjs(asOf) : null} onChange={(d) => setAsOf(d ? d.format('YYYY-MM-DD') : null)} />
          </Space>
        }
      />
      <Card size="small" loading={q.isLoading} style={{ marginBottom: 12 }}>
        {b && (
          <Descriptions size="small" column={4}>
            <Descriptions.Item label="年度">{b.year}</Descriptions.Item>
            <Descriptions.Item label="级别">{b.level}</Descriptions.Item>
            <Descriptions.Item label="类别">{b.category}</Descriptions.Item>
            <Descriptions.Item label="文号">{b.docNo ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="下达日期">{b.issuedOn}</Descriptions.Item>
            <Descriptions.Item label="下达金额（元）">{formatFen(b.amountFen)}</Descriptions.Item>
            <Descriptions.Item label="安排（元）">
              <Link to={link('allocation')}>{formatFen(b.allocatedFen)}</Link>
            </Descriptions.Item>
            <Descriptions.Item label="尚未安排（元）">{formatFen(b.amountFen - b.allocatedFen)}</Descriptions.Item>
            <Descriptions.Item label="拨付（元）">
              <Link to={link('disbursement')}>{formatFen(b.disbursedFen)}</Link>
            </Descriptions.Item>
            <Descriptions.Item label="报账（元）">
              <Link to={link('reimbursement')}>{formatFen(b.reimbursedFen)}</Link>
            </Descriptions.Item>
            <Descriptions.Item label="结存（元）">{formatFen(b.balanceFen)}</Descriptions.Item>
            <Descriptions.Item label="拨付率 / 报账率 / 结存比例">
              {rateText(b.disbursedRate)} / {rateText(b.reimbursedRate)} /{' '}
              {b.overLimit ? <Tag color="error">{rateText(b.balanceRate)}</Tag> : rateText(b.balanceRate)}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Table<Row>
        rowKey="projectNo"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.projects ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: '项目编号', dataIndex: 'projectNo', render: (v) => <Link to={`/funds/projects/${encodeURIComponent(v)}`}>{v}</Link> },
          { title: '项目名称', dataIndex: 'name' },
          { title: '乡镇', dataIndex: 'townshipCode' },
          { title: '安排', dataIndex: 'allocatedFen', align: 'right', render: (v, r) => <Link to={link('allocation', r.projectNo)}>{formatFen(v)}</Link> },
          { title: '拨付', dataIndex: 'disbursedFen', align: 'right', render: (v, r) => <Link to={link('disbursement', r.projectNo)}>{formatFen(v)}</Link> },
          { title: '报账', dataIndex: 'reimbursedFen', align: 'right', render: (v, r) => <Link to={link('reimbursement', r.projectNo)}>{formatFen(v)}</Link> },
        ]}
      />
    </>
  );
}
