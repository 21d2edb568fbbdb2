// 导入花名册: upload → preview (POST /api/registry/imports/preview) → apply
// (POST /api/registry/imports/:id/apply, progress from GET /api/jobs/:id) → result.
// Nothing is written before 确认导入; the import itself is one transaction on the server.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Progress, Result, Row, Space, Statistic, Steps, Table, Tabs, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { InboxOutlined, DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, download, errorMessage } from '../../shared/api.ts';
import { useJob, jobPercent } from '../../shared/hooks.ts';
import { notify } from '../../shared/notify.ts';
import { formatCount } from '../../shared/format.ts';
import { PageHeader } from '../../shared/ui.tsx';
import type { ImportPreview, ImportPreviewRow, ImportProblem, Job } from '../../shared/types.ts';

type Stage = 'upload' | 'previewing' | 'preview' | 'applying' | 'done';

interface StartAnswer { id?: string; importId?: string; jobId?: string }

const rowColumns: TableColumnsType<ImportPreviewRow> = [
  { title: '行号', dataIndex: 'rowNumber', width: 70 },
  { title: '户编号', dataIndex: 'householdNo', width: 170 },
  { title: '姓名', dataIndex: 'name', width: 100 },
  { title: '身份证号', dataIndex: 'idNumber', width: 190 },
  { title: '村代码', dataIndex: 'villageCode', width: 130 },
  { title: '状态', dataIndex: 'status', width: 80 },
];

function changeText(c: NonNullable<ImportPreviewRow['changes']>[number]): string {
  if (typeof c === 'string') return c;
  return `${c.label ?? c.field}：${String(c.before ?? '（空）')} → ${String(c.after ?? '（空）')}`;
}

const changedColumns: TableColumnsType<ImportPreviewRow> = [
  ...rowColumns.slice(0, 4),
  { title: '变更内容', dataIndex: 'changes', render: (v: ImportPreviewRow['changes']) => (v ?? []).map((c, i) => <div key={i}>{changeText(c)}</div>) },
];

const problemColumns: TableColumnsType<ImportProblem> = [
  { title: '行号', dataIndex: 'rowNumber', width: 80 },
  { title: '列', dataIndex: 'column', width: 120 },
  { title: '原值', dataIndex: 'value', width: 200, render: (v?: string) => v ?? '' },
  { title: '原因', dataIndex: 'reason' },
];

export default function ImportPage() {
  const qc = useQueryClient();
  const [stage, setStage] = useState<Stage>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [result, setResult] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useJob(jobId);

  const preview = useQuery({
    queryKey: ['registry', 'import', importId],
    queryFn: ({ signal }) => api.get<ImportPreview>(`/registry/imports/${importId}`, undefined, signal),
    enabled: !!importId && (stage === 'preview' || stage === 'done'),
    staleTime: Infinity,
  });

  const upload = useMutation({
    mutationFn: (f: File) => api.upload<StartAnswer & Partial<ImportPreview>>('/registry/imports/preview', { file: f }),
    meta: { silent: true },
    onMutate: () => { setError(null); setStage('previewing'); },
    onSuccess: (r) => {
      const id = r.id ?? r.importId ?? null;
      setImportId(id);
      if (r.counts && id) qc.setQueryData(['registry', 'import', id], r);
      if (r.jobId && !r.counts) setJobId(r.jobId); else setStage('preview');
    },
    onError: (e) => { setError(errorMessage(e)); setStage('upload'); },
  });

  const apply = useMutation({
    mutationFn: () => api.post<StartAnswer & { result?: unknown }>(`/registry/imports/${importId}/apply`),
    meta: { silent: true },
    onMutate: () => { setError(null); setStage('applying'); },
    onSuccess: (r) => {
      if (r.jobId) setJobId(r.jobId);
      else finishApply(r.result ?? r);
    },
    onError: (e) => { setError(errorMessage(e)); setStage('preview'); },
  });

  function finishApply(r: unknown) {
    setResult(r);
    setJobId(null);
    setStage('done');
    void qc.invalidateQueries({ queryKey: ['registry'] });
    notify.success('花名册已导入');
  }

  // follow the job: preview parsing or the import itself
  const j: Job | undefined = job.data;
  const jobStatus = j?.status;
  useEffect(() => {
    if (!jobId || !j || (jobStatus !== 'done' && jobStatus !== 'failed')) return;
    if (jobStatus === 'failed') {
      setError(j.message || '处理失败');
      setJobId(null);
      setStage(stage === 'applying' ? 'preview' : 'upload');
    } else if (stage === 'applying') finishApply(j.result);
    else { setJobId(null); setStage('preview'); }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId, jobStatus]);

  function reset() {
    setStage('upload'); setFile(null); setImportId(null); setJobId(null); setResult(null); setError(null);
  }

  const p = preview.data;
  const counts = p?.counts;
  const problems = p?.rejected ?? p?.problems ?? [];
  const step = { upload: 0, previewing: 0, preview: 1, applying: 2, done: 3 }[stage];

  return (
    <div>
      <PageHeader title="导入花名册" sub="支持 xlsx（第一个工作表）和 csv（UTF-8 或 GBK 编码）。先预览，确认无误后再导入；导入为一次完整操作，失败不会留下部分数据。" />
      <Card>
        <Steps current={step} style={{ marginBottom: 24 }} items={[{ title: '选择文件' }, { title: '预览核对' }, { title: '导入' }, { title: '完成' }]} />
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="import-error" closable onClose={() => setError(null)} />}

        {(stage === 'upload' || stage === 'previewing') && (
          <>
            <Upload.Dragger
              accept=".xlsx,.csv"
              maxCount={1}
              beforeUpload={(f) => { setFile(f); return false; }}
              onRemove={() => setFile(null)}
              fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
              disabled={stage === 'previewing'}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">点击或将花名册文件拖到此处</p>
              <p className="ant-upload-hint">表头须包含：户编号、姓名、身份证号、与户主关系、村代码、扶持开始日期、状态</p>
            </Upload.Dragger>
            <div style={{ marginTop: 16, textAlign: 'right' }}>
              <Button type="primary" disabled={!file} loading={stage === 'previewing'} onClick={() => file && upload.mutate(file)} data-testid="import-preview">
                上传并预览
              </Button>
            </div>
            {stage === 'previewing' && jobId && <JobProgress job={j} label="正在读取和核对文件" />}
          </>
        )}

        {stage === 'preview' && (preview.isPending ? <Typography.Text>正在载入预览…</Typography.Text> : counts && (
          <div data-testid="import-preview-result">
            <Row gutter={16} style={{ marginBottom: 16 }}>
              <Col span={4}><Statistic title="读取行数" value={counts.read} formatter={(v) => formatCount(Number(v))} /></Col>
              <Col span={4}><Statistic title="新增" value={counts.added} styles={{ content: { color: '#389e0d' } }} /></Col>
              <Col span={4}><Statistic title="变更" value={counts.changed} styles={{ content: { color: '#1677ff' } }} /></Col>
              <Col span={4}><Statistic title="无变化" value={counts.unchanged} /></Col>
              <Col span={4}><Statistic title="拒绝" value={counts.rejected} styles={{ content: { color: counts.rejected ? '#cf1322' : undefined } }} /></Col>
              {counts.corrected !== undefined && <Col span={4}><Statistic title="已自动更正" value={counts.corrected} /></Col>}
            </Row>
            {p?.warnings?.map((w, i) => <Alert key={i} type="warning" showIcon title={w} style={{ marginBottom: 8 }} />)}
            {counts.added + counts.changed === 0 && <Alert type="info" showIcon title="文件与花名册一致，导入不会改变任何数据。" style={{ marginBottom: 8 }} />}
            <Tabs
              items={[
                { key: 'added', label: `新增（${counts.added}）`, children: <Table size="small" rowKey={(r) => `${r.rowNumber}-${r.idNumber}`} columns={rowColumns} dataSource={p?.added ?? []} pagination={{ pageSize: 10 }} scroll={{ x: 800 }} /> },
                { key: 'changed', label: `变更（${counts.changed}）`, children: <Table size="small" rowKey={(r) => `${r.rowNumber}-${r.idNumber}`} columns={changedColumns} dataSource={p?.changed ?? []} pagination={{ pageSize: 10 }} scroll={{ x: 900 }} /> },
                { key: 'problems', label: `拒绝与更正（${problems.length}）`, children: (
                  <>
                    <Button icon={<DownloadOutlined />} style={{ marginBottom: 8 }} disabled={!problems.length}
                      onClick={() => download(`/registry/imports/${importId}/problems.xlsx`, undefined, '导入问题清单.xlsx').catch((e) => notify.error(errorMessage(e)))}>
                      下载问题清单（xlsx）
                    </Button>
                    <Table size="small" rowKey={(r, i) => `${r.rowNumber}-${r.column}-${i}`} columns={problemColumns} dataSource={problems} pagination={{ pageSize: 10 }} data-testid="import-problems" />
                  </>
                ) },
              ]}
            />
            <Space style={{ marginTop: 16, width: '100%', justifyContent: 'flex-end' }}>
              <Button onClick={reset}>放弃，重新选择</Button>
              <Button type="primary" onClick={() => apply.mutate()} loading={apply.isPending} data-testid="import-apply">
                确认导入（新增 {counts.added}，变更 {counts.changed}）
              </Button>
            </Space>
          </div>
        ))}

        {stage === 'applying' && <JobProgress job={j} label="正在导入，请勿关闭页面" />}

        {stage === 'done' && (
          <Result
            status="success"
            title="导入完成"
            subTitle={resultText(result, counts)}
            extra={[
              <Link key="roster" to="/roster"><Button type="primary">查看花名册</Button></Link>,
              <Button key="again" onClick={reset}>继续导入</Button>,
            ]}
            data-testid="import-done"
          />
        )}
      </Card>
    </div>
  );
}

function resultText(r: unknown, counts: ImportPreview['counts'] | undefined): string {
  const c = (r && typeof r === 'object' && 'counts' in r ? (r as { counts: ImportPreview['counts'] }).counts : (r as ImportPreview['counts'] | null)) ?? counts;
  if (!c || typeof c.added !== 'number') return '花名册已更新。';
  return `新增 ${c.added} 人，变更 ${c.changed} 人，无变化 ${c.unchanged} 人，拒绝 ${c.rejected} 行。`;
}

function JobProgress({ job, label }: { job: Job | undefined; label: string }) {
  return (
    <div style={{ padding: 24, textAlign: 'center' }} data-testid="job-progress">
      <Progress percent={jobPercent(job)} status="active" />
      <Typography.Text type="secondary">
        {label}{job?.total ? `：${formatCount(job.done)} / ${formatCount(job.total)}` : ''}{job?.message ? `（${job.message}）` : ''}
      </Typography.Text>
    </div>
  );
}
