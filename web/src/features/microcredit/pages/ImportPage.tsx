// Import the banks' three files: check first (every rejected row listed with file, row and
// reason, nothing written), then import in one go. The same files twice change nothing.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Table, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { microcreditApi, type ImportResult } from '../api.ts';

const FILES = [
  ['loans', '贷款台账'],
  ['repayments', '还款记录'],
  ['rates', '贴息利率表'],
] as const;
type Key = (typeof FILES)[number][0];

export default function ImportPage() {
  const qc = useQueryClient();
  const [files, setFiles] = useState<Partial<Record<Key, File>>>({});
  const [result, setResult] = useState<ImportResult | null>(null);
  const ready = FILES.every(([k]) => files[k]);
  const run = useMutation({
    mutationFn: (dryRun: boolean) => microcreditApi.importBook(files as Record<Key, File>, dryRun),
    onSuccess: (r) => {
      setResult(r);
      if (!r.dryRun) {
        void qc.invalidateQueries({ queryKey: ['microcredit'] });
        notify.success(r.unchanged ? '与上次导入的文件相同，未作任何改动' : `已导入：贷款${r.loans}笔，还款${r.repayments}条`);
      }
    },
  });
  return (
    <>
      <PageHeader title="导入银行文件" sub={<Link to="/microcredit">返回小额信贷</Link>} />
      <Card size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          {FILES.map(([k, label]) => (
            <Space key={k}>
              <span style={{ width: 90, display: 'inline-block' }}>{label}</span>
              <Upload
                accept=".csv,.xlsx"
                maxCount={1}
                beforeUpload={(f) => {
                  setFiles((x) => ({ ...x, [k]: f }));
                  setResult(null);
                  return false;
                }}
                onRemove={() => setFiles((x) => ({ ...x, [k]: undefined }))}
                data-testid={`file-${k}`}
              >
                <Button icon={<UploadOutlined />}>选择文件（CSV或xlsx）</Button>
              </Upload>
            </Space>
          ))}
          <Alert type="info" showIcon message="每次导入银行送来的完整台账：三个文件一并检查、在一个事务中写入；有问题的行逐行列出且不计入，其余照常导入。" />
          <Space>
            <Button disabled={!ready} loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)} data-testid="check-files">
              检查（不写入）
            </Button>
            <Button
              type="primary"
              disabled={!ready}
              loading={run.isPending && run.variables === false}
              onClick={() => run.mutate(false)}
              data-testid="import-files"
            >
              导入
            </Button>
          </Space>
        </Space>
      </Card>
      {result && (
        <Card
          size="small"
          style={{ marginTop: 16 }}
          title={result.dryRun ? '检查结果（未写入）' : result.unchanged ? '文件与上次相同，未作改动' : '导入结果'}
          data-testid="import-result"
        >
          <Descriptions size="small" column={4}>
            <Descriptions.Item label="接受的贷款">{result.loans} 笔</Descriptions.Item>
            <Descriptions.Item label="接受的还款">{result.repayments} 条</Descriptions.Item>
            <Descriptions.Item label="贴息利率">{result.rates} 行</Descriptions.Item>
            <Descriptions.Item label="拒收">{result.rejected.length} 行</Descriptions.Item>
            {!result.dryRun && !result.unchanged && (
              <Descriptions.Item label="变化" span={4}>
                新增 {result.changes.added} 笔，变更 {result.changes.changed} 笔，移除 {result.changes.removed} 笔，记录展期/续贷 {result.changes.events} 项
              </Descriptions.Item>
            )}
          </Descriptions>
          <Table
            rowKey={(r) => `${r.file}-${r.row}`}
            size="small"
            dataSource={result.rejected}
            pagination={{ pageSize: 20 }}
            data-testid="rejected-rows"
            columns={[
              { title: '文件', dataIndex: 'file', width: 110 },
              { title: '行号', dataIndex: 'row', width: 80, align: 'right' },
              { title: '原因', dataIndex: 'reason' },
            ]}
          />
        </Card>
      )}
    </>
  );
}
