// 导入资金台账: upload the ledger workbook, see every rejected row (sheet, row, code, reason)
// and what would be added; nothing is written until 确认导入 sends the same file again.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Upload } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../shared/api.ts';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { fundsApi, type ImportResultView } from '../api.ts';

type Rejected = ImportResultView['rejected'][number];

function Summary({ r }: { r: ImportResultView }) {
  return (
    <Descriptions size="small" bordered column={4}>
      <Descriptions.Item label="县">{r.countyCode}</Descriptions.Item>
      <Descriptions.Item label="资金批次">新增 {r.batches.added}，已有 {r.batches.present}</Descriptions.Item>
      <Descriptions.Item label="项目">新增 {r.projects.added}，已有 {r.projects.present}</Descriptions.Item>
      <Descriptions.Item label="资金记录">新增 {r.entries.added}，已有 {r.entries.present}</Descriptions.Item>
      <Descriptions.Item label="被拒绝的行"><b>{r.rejected.length}</b></Descriptions.Item>
      <Descriptions.Item label="文件">{r.filename}</Descriptions.Item>
    </Descriptions>
  );
}

export default function FundsImportPage() {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportResultView | null>(null);
  const [done, setDone] = useState<ImportResultView | null>(null);
  const check = useMutation({
    mutationFn: (f: File) => fundsApi.importPreview(f),
    onSuccess: (r) => { setPreview(r); setDone(null); },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const confirm = useMutation({
    mutationFn: () => fundsApi.importConfirm(file!, preview!.sha256),
    onSuccess: (r) => { setDone(r); setPreview(null); notify.success(`已导入：新增资金记录 ${r.entries.added} 条`); void qc.invalidateQueries({ queryKey: ['funds'] }); },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const shown = done ?? preview;
  return (
    <>
      <PageHeader title="导入资金台账" sub="资金批次、项目、资金安排、拨付、报账五张工作表（FORMATS §8）。先预览：列出每一条被拒绝的行，确认前不写入任何数据；同一台账重复导入不会重复记账。" />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space>
          <Upload accept=".xlsx" maxCount={1} beforeUpload={(f) => { setFile(f); setPreview(null); setDone(null); check.mutate(f); return false; }} showUploadList={false}>
            <Button type="primary" loading={check.isPending} data-testid="ledger-upload">选择台账文件并预览</Button>
          </Upload>
          {file && <span>{file.name}</span>}
          {preview && <Button type="primary" danger loading={confirm.isPending} onClick={() => confirm.mutate()} data-testid="ledger-confirm">
            确认导入（{preview.batches.added + preview.projects.added + preview.entries.added} 行，跳过 {preview.rejected.length} 行被拒绝的）</Button>}
        </Space>
      </Card>
      {preview && <Alert type="info" showIcon style={{ marginBottom: 12 }} message="这是预览，尚未写入任何数据。" />}
      {done && <Alert type="success" showIcon style={{ marginBottom: 12 }} message="已导入，下面列出未导入（被拒绝）的行。" />}
      {shown && <>
        <Summary r={shown} />
        <Table<Rejected> style={{ marginTop: 12 }} rowKey={(r) => `${r.sheet}-${r.row}`} size="small" dataSource={shown.rejected} pagination={{ pageSize: 100 }}
          title={() => `被拒绝的行：${shown.rejected.length}`}
          columns={[
            { title: '工作表', dataIndex: 'sheet', width: 100 }, { title: '行号', dataIndex: 'row', width: 70 },
            { title: '问题代码', dataIndex: 'code', width: 170, render: (v, r) => <Tag color="error">{v} {r.codeName}</Tag> },
            { title: '说明', dataIndex: 'reason' },
          ]} />
      </>}
    </>
  );
}
