// 数据清洗预检: the county's cleaning rules over an import preview, before anything is written.
import { Alert, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../shared/api.ts';
import { formatCount } from '../../../shared/format.ts';

import { qualityApi } from '../api.ts';

const severityTag = (s: string) => <Tag color={s === '错误' ? 'red' : 'gold'}>{s}</Tag>;

export function ImportPrecheck({ importId }: { importId: string }) {
  const q = useQuery({
    queryKey: ['quality', 'import-check', importId],
    queryFn: ({ signal }) => qualityApi.importCheck(importId, signal),
    staleTime: Infinity,
  });
  if (q.isError) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  const d = q.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-precheck">
      {d && (
        <Alert
          type={d.total ? 'warning' : 'success'}
          showIcon
          title={
            d.total
              ? `按本县数据清洗规则检查文件中的 ${formatCount(d.persons)} 人（核查日期 ${d.asOf}），发现 ${formatCount(d.total)} 个问题。导入后这些问题会出现在“数据清洗”问题清单中，建议先在文件中更正。`
              : `按本县数据清洗规则检查文件中的 ${formatCount(d.persons)} 人，未发现问题。`
          }
        />
      )}
      <Table
        size="small"
        rowKey="code"
        loading={q.isFetching}
        pagination={false}
        dataSource={d?.byRule ?? []}
        columns={[
          {
            title: '规则',
            dataIndex: 'name',
            render: (n: string, r) => (
              <>
                {n} <RuleCode code={r.code} />
              </>
            ),
          },
          { title: '严重程度', dataIndex: 'severity', width: 100, render: severityTag },
          { title: '问题数', dataIndex: 'count', width: 100, align: 'right', render: (n: number) => formatCount(n) },
        ]}
      />
      {!!d?.items.length && (
        <Table
          size="small"
          rowKey={(r) => `${r.rowNumber}-${r.code}`}
          dataSource={d.items}
          scroll={{ x: 900 }}
          pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (t) => (d.total > t ? `前 ${t} 条（共 ${formatCount(d.total)} 条）` : `共 ${t} 条`) }}
          columns={[
            { title: '行号', dataIndex: 'rowNumber', width: 70 },
            { title: '规则', dataIndex: 'name', width: 160 },
            { title: '严重程度', dataIndex: 'severity', width: 90, render: severityTag },
            { title: '户编号', dataIndex: 'householdNo', width: 160 },
            { title: '姓名', dataIndex: 'personName', width: 90 },
            { title: '身份证号', dataIndex: 'idNumber', width: 180 },
            { title: '说明', dataIndex: 'message' },
          ]}
        />
      )}
    </Space>
  );
}

function RuleCode({ code }: { code: string }) {
  return <span style={{ color: '#999', fontSize: 12 }}>{code}</span>;
}
