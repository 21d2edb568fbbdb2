// 导入花名册: upload → preview (POST /api/registry/imports/preview starts a job; progress from
// GET /api/jobs/:id) → the preview (GET /api/registry/imports/:id, lists paged on the server)
// → 确认导入 (POST /api/registry/imports/:id/apply, another job) → result.
// Nothing is written before 确认导入; the import itself is one transaction on the server.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Progress, Result, Row, Space, Statistic, Steps, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { InboxOutlined, DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { download, errorMessage } from '../../../shared/api.ts';
import { useJob, jobPercent } from '../../../shared/hooks.ts';
import { notify } from '../../../shared/notify.ts';
import { formatCount } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { ImportPrecheck } from '../../quality/index.tsx';
import { IMPORT_PROBLEM_LABELS, registryApi, type ImportPreviewRowView as ImportPreviewRow, type ImportProblemView as ImportProblem } from '../api.ts';

type Stage = 'upload' | 'previewing' | 'preview' | 'applying' | 'done';
type ListKey = 'added' | 'changed' | 'problems';

const PAGE = 20;

const rowColumns: TableColumnsType<ImportPreviewRow> = [
  { title: '行号', dataIndex: 'rowNumber', width: 70 },
  { title: '户编号', dataIndex: 'householdNo', width: 170 },
  { title: '姓名', dataIndex: 'name', width: 100 },
  { title: '身份证号', dataIndex: 'idNumber', width: 190 },
  { title: '村代码', dataIndex: 'villageCode', width: 130 },
  { title: '状态', dataIndex: 'status', width: 80 },
];

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '（空）' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const changedColumns: TableColumnsType<ImportPreviewRow> = [
  ...rowColumns.slice(0, 4),
  {
    title: '变更内容',
    dataIndex: 'changes',
    render: (v: ImportPreviewRow['changes']) =>
      (v ?? []).map((c) => (
        <div key={c.field}>
          {c.label || c.field}：{show(c.before)} → {show(c.after)}
        </div>
      )),
  },
];

const SEVERITY_COLORS: Record<ImportProblem['severity'], string> = { rejected: 'red', corrected: 'orange', error: 'volcano', warning: 'blue' };
const problemColumns: TableColumnsType<ImportProblem> = [
  { title: '行号', dataIndex: 'rowNumber', width: 70 },
  {
    title: '处理',
    dataIndex: 'severity',
    width: 80,
    render: (s: ImportProblem['severity']) => <Tag color={SEVERITY_COLORS[s]}>{IMPORT_PROBLEM_LABELS[s] ?? s}</Tag>,
  },
  { title: '列', dataIndex: 'column', width: 120 },
  { title: '内容', dataIndex: 'value', width: 200 },
  { title: '原因', dataIndex: 'reason' },
];

/** One list of the preview, paged on the server. */
function PreviewList({ id, list }: { id: string; list: ListKey }) {
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['registry', 'import', id, list, page],
    queryFn: ({ signal }) => registryApi.importView(id, (page - 1) * PAGE, PAGE, signal),
    placeholderData: keepPreviousData,
  });
  const pagination = {
    current: page,
    pageSize: PAGE,
    total: q.data?.totals[list] ?? 0,
    onChange: setPage,
    showSizeChanger: false,
    showTotal: (t: number) => `共 ${formatCount(t)} 行`,
  };
  if (list === 'problems') {
    return (
      <Table<ImportProblem>
        size="small"
        rowKey={(r) => `${r.rowNumber}-${r.column}-${r.reason}`}
        columns={problemColumns}
        dataSource={q.data?.problems ?? []}
        loading={q.isFetching}
        pagination={pagination}
        data-testid="import-problems"
      />
    );
  }
  return (
    <Table<ImportPreviewRow>
      size="small"
      rowKey={(r) => `${r.rowNumber}-${r.idNumber}`}
      columns={list === 'changed' ? changedColumns : rowColumns}
      dataSource={q.data?.[list] ?? []}
      loading={q.isFetching}
      pagination={pagination}
      scroll={{ x: 800 }}
    />
  );
}

export default function ImportPage() {
  const qc = useQueryClient();
  const [stage, setStage] = useState<Stage>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useJob(jobId);

  const view = useQuery({
    queryKey: ['registry', 'import', importId, 'summary', stage],
    queryFn: ({ signal }) => registryApi.importView(importId!, 0, 1, signal),
    enabled: !!importId && (stage === 'preview' || stage === 'done'),
  });

  const upload = useMutation({
    mutationFn: (f: File) => registryApi.startImport(f),
    meta: { silent: true },
    onMutate: () => {
      setError(null);
      setStage('previewing');
    },
    onSuccess: (r) => {
      setImportId(r.id);
      setJobId(r.jobId);
    },
    onError: (e) => {
      setError(errorMessage(e));
      setStage('upload');
    },
  });

  const apply = useMutation({
    mutationFn: () => registryApi.applyImport(importId!),
    meta: { silent: true },
    onMutate: () => {
      setError(null);
      setStage('applying');
    },
    onSuccess: (r) => setJobId(r.jobId),
    onError: (e) => {
      setError(errorMessage(e));
      setStage('preview');
    },
  });

  // follow the job (reading the file, or the import itself) to its end
  const j = job.data;
  const jobStatus = j?.status;
  useEffect(() => {
    if (!jobId || !j || (jobStatus !== 'done' && jobStatus !== 'failed')) return;
    setJobId(null);
    if (jobStatus === 'failed') {
      setError(j.message || '处理失败');
      setStage(stage === 'applying' ? 'preview' : 'upload');
    } else if (stage === 'applying') {
      setStage('done');
      void qc.invalidateQueries({ queryKey: ['registry'] });
      notify.success('花名册已导入');
    } else setStage('preview');
    // runs once per finished job: handling it clears jobId, and the guard above returns
  }, [jobId, j, jobStatus, stage, qc]);

  function reset() {
    setStage('upload');
    setFile(null);
    setImportId(null);
    setJobId(null);
    setError(null);
  }

  const v = view.data;
  const counts = v?.counts;
  const step = { upload: 0, previewing: 0, preview: 1, applying: 2, done: 3 }[stage];

  return (
    <div>
      <PageHeader
        title="导入花名册"
        sub="支持 xlsx（第一个工作表）和 csv（UTF-8 或 GBK 编码）。先预览核对，确认后再导入；导入是一次完整操作，失败不会留下部分数据。"
      />
      <Card>
        <Steps current={step} style={{ marginBottom: 24 }} items={[{ title: '选择文件' }, { title: '预览核对' }, { title: '导入' }, { title: '完成' }]} />
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="import-error" closable={{ onClose: () => setError(null) }} />
        )}

        {(stage === 'upload' || stage === 'previewing') && (
          <>
            <Upload.Dragger
              accept=".xlsx,.csv"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
              onRemove={() => setFile(null)}
              fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
              disabled={stage === 'previewing'}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">点击或将花名册文件拖到此处</p>
              <p className="ant-upload-hint">表头须包含：户编号、姓名、身份证号、与户主关系、村代码、扶持开始日期、状态</p>
            </Upload.Dragger>
            <div style={{ marginTop: 16, textAlign: 'right' }}>
              <Button type="primary" disabled={!file} loading={stage === 'previewing'} onClick={() => file && upload.mutate(file)} data-testid="import-preview">
                上传并预览
              </Button>
            </div>
            {stage === 'previewing' && <JobProgress job={j} label="正在读取和核对文件" />}
          </>
        )}

        {stage === 'preview' &&
          importId &&
          (!counts ? (
            <Typography.Text>正在载入预览…</Typography.Text>
          ) : (
            <div data-testid="import-preview-result">
              <Typography.Paragraph type="secondary">
                文件：{v?.filename}（{v?.format}
                {v?.encoding ? `，${v.encoding}` : ''}）
              </Typography.Paragraph>
              <Row gutter={16} style={{ marginBottom: 16 }}>
                <Col xs={8} md={4}>
                  <Statistic title="读取行数" value={counts.read} formatter={(x) => formatCount(Number(x))} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="新增" value={counts.added} styles={{ content: { color: '#389e0d' } }} formatter={(x) => formatCount(Number(x))} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="变更" value={counts.changed} styles={{ content: { color: '#1677ff' } }} formatter={(x) => formatCount(Number(x))} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="无变化" value={counts.unchanged} formatter={(x) => formatCount(Number(x))} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="拒绝" value={counts.rejected} styles={{ content: { color: counts.rejected ? '#cf1322' : undefined } }} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="已自动更正" value={counts.corrected} />
                </Col>
              </Row>
              {v?.warnings.map((w) => (
                <Alert key={w} type="warning" showIcon title={w} style={{ marginBottom: 8 }} />
              ))}
              {counts.notInFile > 0 && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 8 }}
                  title={`花名册中有 ${formatCount(counts.notInFile)} 人不在此文件中：导入不会删除或核减他们，减员请走“动态调整”。`}
                />
              )}
              {counts.added + counts.changed === 0 && (
                <Alert type="info" showIcon title="文件与花名册一致，导入不会改变任何数据。" style={{ marginBottom: 8 }} />
              )}
              <Tabs
                items={[
                  { key: 'added', label: `新增（${formatCount(counts.added)}）`, children: <PreviewList id={importId} list="added" /> },
                  { key: 'changed', label: `变更（${formatCount(counts.changed)}）`, children: <PreviewList id={importId} list="changed" /> },
                  {
                    key: 'problems',
                    label: `拒绝与更正（${formatCount(v?.totals.problems ?? 0)}）`,
                    children: (
                      <>
                        <Button
                          icon={<DownloadOutlined />}
                          style={{ marginBottom: 8 }}
                          disabled={!v?.totals.problems}
                          onClick={() =>
                            download(`/registry/imports/${importId}/problems.xlsx`, undefined, '导入问题清单.xlsx').catch((e) => notify.error(errorMessage(e)))
                          }
                        >
                          下载问题清单（xlsx）
                        </Button>
                        <PreviewList id={importId} list="problems" />
                      </>
                    ),
                  },
                  { key: 'quality', label: '数据清洗预检', children: <ImportPrecheck importId={importId} /> },
                ]}
              />
              <Space style={{ marginTop: 16, width: '100%', justifyContent: 'flex-end' }}>
                <Button onClick={reset}>放弃，重新选择</Button>
                <Button
                  type="primary"
                  onClick={() => apply.mutate()}
                  loading={apply.isPending}
                  disabled={counts.added + counts.changed === 0}
                  data-testid="import-apply"
                >
                  确认导入（新增 {formatCount(counts.added)}，变更 {formatCount(counts.changed)}）
                </Button>
              </Space>
            </div>
          ))}

        {stage === 'applying' && <JobProgress job={j} label="正在导入，请勿关闭页面" />}

        {stage === 'done' && (
          <Result
            status="success"
            title="导入完成"
            subTitle={
              counts
                ? `新增 ${formatCount(counts.added)} 人，变更 ${formatCount(counts.changed)} 人，无变化 ${formatCount(counts.unchanged)} 人，拒绝 ${formatCount(counts.rejected)} 处。`
                : '花名册已更新。'
            }
            extra={[
              <Link key="roster" to="/roster">
                <Button type="primary">查看花名册</Button>
              </Link>,
              <Button key="again" onClick={reset}>
                继续导入
              </Button>,
            ]}
            data-testid="import-done"
          />
        )}
      </Card>
    </div>
  );
}

function JobProgress({ job, label }: { job: ReturnType<typeof useJob>['data']; label: string }) {
  return (
    <div style={{ padding: 24, textAlign: 'center' }} data-testid="job-progress">
      <Progress percent={jobPercent(job)} status="active" />
      <Typography.Text type="secondary">
        {label}
        {job?.total ? `：${formatCount(job.done)} / ${formatCount(job.total)}` : ''}
        {job?.message ? `（${job.message}）` : ''}
      </Typography.Text>
    </div>
  );
}
