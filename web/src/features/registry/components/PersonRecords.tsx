// The person page's records from the other capabilities: payments of every roll, cross-check
// cases, data-quality problems — each only when the user's role may see it.
import { Card, Empty, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../../../shared/api.ts';
import { subsidyApi, type PersonPayment } from '../../subsidy/index.tsx';
import { casesApi, type Case } from '../../cases/index.tsx';
import { ProblemList } from '../../../../../src/quality/quality.contract.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { formatDate, formatYuan } from '../../../shared/format.ts';

const RESULT_COLORS: Record<string, string> = { pending: 'default', success: 'success', failure: 'error' };

export function PersonRecords({ personId, householdNo }: { personId: number; householdNo: string }) {
  const { can } = useAuth();
  const pays = useQuery({
    queryKey: ['subsidy', 'person', personId],
    enabled: can('subsidy.read'),
    queryFn: ({ signal }) => subsidyApi.personPayments(personId, signal),
  });
  const cases = useQuery({
    queryKey: ['cases', 'person', personId],
    enabled: can('subsidy.read'),
    queryFn: ({ signal }) => casesApi.personCases(personId, signal),
  });
  const problems = useQuery({
    queryKey: ['quality', 'problems', 'household', householdNo],
    enabled: can('quality.work'),
    queryFn: ({ signal }) => api.get(ProblemList, '/quality/problems', { householdNo, status: '未处理', pageSize: 200 }, signal),
  });
  const mine = (problems.data?.items ?? []).filter((x) => x.personId === personId);
  return (
    <>
      {can('subsidy.read') && (
        <Card title="发放记录" size="small" style={{ marginBottom: 16 }} data-testid="person-payments">
          <Table<PersonPayment>
            size="small"
            rowKey={(r) => `${r.payrollId}-${r.period}`}
            loading={pays.isLoading}
            dataSource={pays.data?.payments ?? []}
            pagination={false}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有发放记录" /> }}
            columns={[
              { title: '期间', dataIndex: 'period', width: 80 },
              { title: '批次', dataIndex: 'batchNo', render: (b: string, r) => <Link to={`/subsidy/payrolls/${r.payrollId}`}>{b}</Link> },
              { title: '类型', dataIndex: 'kindName', width: 80 },
              { title: '月数', dataIndex: 'months', width: 60, align: 'right' },
              { title: '金额', dataIndex: 'amountFen', width: 110, align: 'right', render: formatYuan },
              {
                title: '结果',
                dataIndex: 'resultName',
                width: 150,
                render: (v: string, r) => (
                  <>
                    <Tag color={RESULT_COLORS[r.result]}>{v}</Tag>
                    {r.result === 'success' ? formatDate(r.paidDate) : r.resultReason}
                  </>
                ),
              },
            ]}
          />
        </Card>
      )}
      {can('subsidy.read') && (cases.data?.cases.length ?? 0) > 0 && (
        <Card title="交叉核对问题" size="small" style={{ marginBottom: 16 }} data-testid="person-cases">
          <Table<Case>
            size="small"
            rowKey="id"
            dataSource={cases.data?.cases ?? []}
            pagination={false}
            expandable={{ expandedRowRender: (c) => c.explanation }}
            columns={[
              { title: '问题', dataIndex: 'label' },
              { title: '期间', dataIndex: 'periods', render: (p: string[]) => p.join('、') },
              { title: '多发', dataIndex: 'overFen', align: 'right', render: formatYuan },
              {
                title: '状态',
                render: (_, c) => <Tag color={c.status === '待核实' ? 'processing' : c.verdict === '违规' ? 'error' : 'default'}>{c.verdict ?? c.status}</Tag>,
              },
              {
                title: '',
                render: (_, c) =>
                  c.adjustmentId ? (
                    <Link to={`/adjustments?tab=all&open=${c.adjustmentId}`}>核减调整单 {c.adjustmentId}</Link>
                  ) : (
                    <Link to="/crosscheck?tab=cases">去核实</Link>
                  ),
              },
            ]}
          />
        </Card>
      )}
      {can('quality.work') && mine.length > 0 && (
        <Card title="数据清洗问题" size="small" style={{ marginBottom: 16 }} data-testid="person-problems">
          {mine.map((x) => (
            <div key={x.id} style={{ marginBottom: 4 }}>
              <Tag color={x.severity === '错误' ? 'red' : 'gold'}>{x.severity}</Tag>
              {x.ruleName}：{x.message}
            </div>
          ))}
        </Card>
      )}
    </>
  );
}
