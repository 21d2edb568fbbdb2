// 导入资金台账: one workbook, or the five CSV files chosen (or dropped) together; the page shows
// which of the five are there before sending them, then every rejected row (sheet or file, row,
// code, reason) and what would be added; nothing is written until 确认导入 sends the same files
// again.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../shared/api.ts';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { fundsApi, LEDGER_CSV_NAMES, LEDGER_UPLOAD, type ImportResultView } from '../api.ts';

type Rejected = ImportResultView['rejected'][number];
type CsvName = (typeof LEDGER_CSV_NAMES)[number];

const isCsv = (f: File) => /\.csv$/i.test(f.name);
// the server's reading of a name: trimmed before the extension
const csvNameOf = (f: File): CsvName | null => {
  if (!isCsv(f)) return null;
  const name = `${f.name.slice(0, -4).trim()}.csv`;
  return LEDGER_CSV_NAMES.find((n) => n === name) ?? null;
};

/** What the chosen files make: a workbook, the five CSV files (some perhaps missing), and what cannot be used. */
function classify(files: readonly File[]) {
  const workbook = files.length === 1 && !isCsv(files[0]) ? files[0] : null;
  const present = new Map<CsvName, File>();
  const problems: string[] = [];
  if (!workbook) {
    for (const f of files) {
      const n = csvNameOf(f);
      if (!n) problems.push(/\.xlsx$/i.test(f.name) ? `XLSX工作簿“${f.name}”须单独上传，不能与其他文件一起上传` : `无法识别的文件“${f.name}”`);
      else if (present.has(n)) problems.push(`选了两个${n}，请只选择一个`);
      else present.set(n, f);
    }
  }
  const missing = workbook || !files.length ? [] : LEDGER_CSV_NAMES.filter((n) => !present.has(n));
  return { workbook, present, missing, problems, ready: !!workbook || (files.length > 0 && !missing.length && !problems.length) };
}

function Summary({ r }: { r: ImportResultView }) {
  return (
    <Descriptions size="small" bordered column={4}>
      <Descriptions.Item label="县">{r.countyCode}</Descriptions.Item>
      <Descriptions.Item label="资金批次">
        新增 {r.batches.added}，已有 {r.batches.present}
      </Descriptions.Item>
      <Descriptions.Item label="项目">
        新增 {r.projects.added}，已有 {r.projects.present}
      </Descriptions.Item>
      <Descriptions.Item label="资金记录">
        新增 {r.entries.added}，已有 {r.entries.present}
      </Descriptions.Item>
      <Descriptions.Item label="被拒绝的行">
        <b>{r.rejected.length}</b>
      </Descriptions.Item>
      <Descriptions.Item label="文件" span={3}>
        {r.filename}
      </Descriptions.Item>
    </Descriptions>
  );
}

function Chosen({ files }: { files: readonly File[] }) {
  const c = classify(files);
  if (!files.length) return null;
  return (
    <div style={{ marginTop: 12 }} data-testid="ledger-files">
      {c.workbook ? (
        <Space>
          <span>工作簿：</span>
          <Tag color="success">{c.workbook.name}</Tag>
        </Space>
      ) : (
        <Space wrap>
          <span>CSV文件：</span>
          {LEDGER_CSV_NAMES.map((n) =>
            c.present.has(n) ? (
              <Tag key={n} color="success" data-testid="ledger-file-present">
                ✓ {n}
              </Tag>
            ) : (
              <Tag key={n} color="error" data-testid="ledger-file-missing">
                缺 {n}
              </Tag>
            ),
          )}
        </Space>
      )}
      {!c.ready && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          data-testid="ledger-files-problem"
          title={[...c.problems, ...(c.missing.length ? [`还缺少：${c.missing.join('、')}（可再选择缺少的文件）`] : [])].join('；')}
        />
      )}
    </div>
  );
}

export default function FundsImportPage() {
  const qc = useQueryClient();
  const [files, setFiles] = useState<File[]>([]);
  const [preview, setPreview] = useState<ImportResultView | null>(null);
  const [done, setDone] = useState<ImportResultView | null>(null);
  const check = useMutation({
    mutationFn: (fs: File[]) => fundsApi.importPreview(fs),
    onSuccess: (r) => {
      setPreview(r);
      setDone(null);
    },
    onError: (e) => notify.error(errorMessage(e)),
  });
  const confirm = useMutation({
    mutationFn: () => fundsApi.importConfirm(files, preview!.sha256),
    onSuccess: (r) => {
      setDone(r);
      setPreview(null);
      notify.success(`已导入：新增资金记录 ${r.entries.added} 条`);
      void qc.invalidateQueries({ queryKey: ['funds'] });
    },
    onError: (e) => notify.error(errorMessage(e)),
  });

  // CSV files chosen after CSV files join them (a missing one can be added); anything else starts over
  const choose = (chosen: File[]) => {
    const next =
      chosen.every(isCsv) && files.length && files.every(isCsv)
        ? [...files.filter((f) => !chosen.some((c) => csvNameOf(c) !== null && csvNameOf(c) === csvNameOf(f))), ...chosen]
        : chosen;
    setFiles(next);
    setPreview(null);
    setDone(null);
    if (classify(next).ready) check.mutate(next);
  };
  const shown = done ?? preview;
  const isCsvLedger = files.length > 1 || (files.length === 1 && isCsv(files[0]));
  return (
    <>
      <PageHeader
        title="导入资金台账"
        sub={`一个XLSX工作簿（资金批次、项目、资金安排、拨付、报账五张工作表），或同时选择五个CSV文件：${LEDGER_CSV_NAMES.join('、')}（UTF-8或GB18030编码，FORMATS §8）。先预览：列出每一条被拒绝的行，确认前不写入任何数据；同一台账重复导入不会重复记账。`}
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Upload.Dragger
          accept=".xlsx,.csv"
          multiple
          showUploadList={false}
          disabled={check.isPending || confirm.isPending}
          beforeUpload={(f, list) => {
            if (f === list[0]) choose([...list]);
            return false;
          }}
          data-testid="ledger-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">点击选择或拖入台账：一个XLSX工作簿，或五个CSV文件一起</p>
          <p className="ant-upload-hint">合计不超过{LEDGER_UPLOAD.maxBytes / 1024 / 1024}MB</p>
        </Upload.Dragger>
        <Chosen files={files} />
        <Space style={{ marginTop: 12 }}>
          {check.isPending && <span>正在核对……</span>}
          {files.length > 0 && (
            <Button
              onClick={() => {
                setFiles([]);
                setPreview(null);
                setDone(null);
              }}
              disabled={confirm.isPending}
            >
              清空所选文件
            </Button>
          )}
          {preview && (
            <Button type="primary" danger loading={confirm.isPending} onClick={() => confirm.mutate()} data-testid="ledger-confirm">
              确认导入（{preview.batches.added + preview.projects.added + preview.entries.added} 行，跳过 {preview.rejected.length} 行被拒绝的）
            </Button>
          )}
        </Space>
      </Card>
      {preview && <Alert type="info" showIcon style={{ marginBottom: 12 }} title="这是预览，尚未写入任何数据。" />}
      {done && <Alert type="success" showIcon style={{ marginBottom: 12 }} title="已导入，下面列出未导入（被拒绝）的行。" />}
      {shown && (
        <>
          <Summary r={shown} />
          <Table<Rejected>
            style={{ marginTop: 12 }}
            rowKey={(r) => `${r.sheet}-${r.row}`}
            size="small"
            dataSource={shown.rejected}
            pagination={{ pageSize: 100 }}
            title={() => `被拒绝的行：${shown.rejected.length}`}
            columns={[
              { title: isCsvLedger ? '文件' : '工作表', dataIndex: 'sheet', width: 110, render: (v: string) => (isCsvLedger ? `${v}.csv` : v) },
              { title: '行号', dataIndex: 'row', width: 70 },
              {
                title: '问题代码',
                dataIndex: 'code',
                width: 170,
                render: (v, r) => (
                  <Tag color="error">
                    {v} {r.codeName}
                  </Tag>
                ),
              },
              { title: '说明', dataIndex: 'reason' },
            ]}
          />
        </>
      )}
    </>
  );
}
