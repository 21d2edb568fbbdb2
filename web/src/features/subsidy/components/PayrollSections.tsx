// Beside a roll's lines: subtotals by township and village, and the people not on the roll with
// the reason (未列入), so a township can check its figures before the bank file goes out.
import { useState } from 'react';
import { Table, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { formatCount, formatYuan } from '../../../shared/format.ts';
import { PersonLink, RegionName } from '../../../shared/names.tsx';
import { subsidyApi, type Exclusion, type Subtotal } from '../api.ts';

export function Subtotals({ payrollId }: { payrollId: number }) {
  const q = useQuery({ queryKey: ['subsidy', 'payroll', payrollId, 'subtotals'], queryFn: ({ signal }) => subsidyApi.subtotals(payrollId, signal) });
  const villages = q.data?.villages ?? [];
  const total = (q.data?.townships ?? []).reduce(
    (a, t) => ({
      persons: a.persons + t.persons,
      amountFen: a.amountFen + t.amountFen,
      success: a.success + t.success,
      failure: a.failure + t.failure,
      pending: a.pending + t.pending,
    }),
    { persons: 0, amountFen: 0, success: 0, failure: 0, pending: 0 },
  );
  const columns = [
    {
      title: '乡镇 / 村',
      dataIndex: 'name',
      render: (n: string, r: Subtotal) => <span title={`区划代码 ${r.code}`}>{n || <RegionName code={r.code} />}</span>,
    },
    { title: '人数', dataIndex: 'persons', width: 90, align: 'right' as const, render: formatCount },
    { title: '金额', dataIndex: 'amountFen', width: 150, align: 'right' as const, render: formatYuan },
    { title: '成功', dataIndex: 'success', width: 90, align: 'right' as const, render: formatCount },
    {
      title: '失败',
      dataIndex: 'failure',
      width: 90,
      align: 'right' as const,
      render: (n: number) => (n ? <Typography.Text type="danger">{formatCount(n)}</Typography.Text> : 0),
    },
    { title: '待发放', dataIndex: 'pending', width: 90, align: 'right' as const, render: formatCount },
  ];
  return (
    <Table<Subtotal>
      size="small"
      rowKey="code"
      loading={q.isLoading}
      dataSource={q.data?.townships ?? []}
      pagination={false}
      columns={columns}
      data-testid="subtotals"
      expandable={{
        expandedRowRender: (t) => (
          <Table<Subtotal>
            size="small"
            rowKey="code"
            showHeader={false}
            pagination={false}
            columns={columns}
            dataSource={villages.filter((v) => v.township === t.code)}
          />
        ),
      }}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} />
          <Table.Summary.Cell index={1}>
            <b>合计</b>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right">
            <b>{formatCount(total.persons)}</b>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={3} align="right">
            <b>{formatYuan(total.amountFen)}</b>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={4} align="right">
            {formatCount(total.success)}
          </Table.Summary.Cell>
          <Table.Summary.Cell index={5} align="right">
            {formatCount(total.failure)}
          </Table.Summary.Cell>
          <Table.Summary.Cell index={6} align="right">
            {formatCount(total.pending)}
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

export function Exclusions({ payrollId, count }: { payrollId: number; count: number }) {
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['subsidy', 'payroll', payrollId, 'exclusions', page],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => subsidyApi.exclusions(payrollId, { page, pageSize: 20 }, signal),
  });
  return (
    <Table<Exclusion>
      size="small"
      rowKey={(r) => `${r.idNumber}-${r.personId}`}
      loading={q.isLoading}
      dataSource={q.data?.items ?? []}
      data-testid="exclusions"
      pagination={{
        current: page,
        pageSize: 20,
        total: count,
        onChange: setPage,
        showSizeChanger: false,
        showTotal: (t) => `共 ${formatCount(t)} 人未列入本批次`,
      }}
      columns={[
        { title: '姓名', dataIndex: 'name', width: 100, render: (n: string, r) => (r.personId ? <PersonLink id={r.personId} name={n} /> : n) },
        { title: '身份证号', dataIndex: 'idNumber', width: 180 },
        { title: '村', dataIndex: 'villageCode', width: 180, render: (v: string) => <RegionName code={v} withTownship /> },
        { title: '未列入原因', dataIndex: 'reason' },
      ]}
    />
  );
}
