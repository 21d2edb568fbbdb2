// The tabs of a project page: documents (with preview), progress (ECharts chart, reports,
// the monthly report form), 整改 items, plan dates and the task decomposition, and the money
// (allocations, 拨付 and 报账 by batch with what is left, from the funds routes).
import { useState } from 'react';
import { Button, Empty, Form, Image, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { notify } from '../../../shared/notify.ts';
import { Chart } from '../../../shared/Chart.tsx';
import { formatDate, formatDateTime, formatYuan, todayIso } from '../../../shared/format.ts';
import { DocUpload } from './StageForm.tsx';
import {
  documentUrl,
  projectsApi,
  STAGE_CODES,
  STAGE_NAMES,
  type CloseRectificationInput,
  type Doc,
  type ProgressInput,
  type Project,
  type StageCode,
  type TaskInput,
} from '../projects-api.ts';
import { fundsApi } from '../api.ts';

/** the plan and task form: a date per stage ('' for none) and the three names */
type PlansForm = Partial<Record<StageCode, string>> & TaskInput;

export function DocLink({ projectNo, d }: { projectNo: string; d: Doc }) {
  const url = documentUrl(projectNo, d.id);
  if (d.mime.startsWith('image/')) return <Image width={72} height={48} style={{ objectFit: 'cover', borderRadius: 4 }} src={url} alt={d.filename} />;
  return (
    <a href={url} target="_blank" rel="noreferrer">
      {d.filename}
    </a>
  );
}

export function Documents({ project }: { project: Project }) {
  const stageOf = new Map(project.stages.map((s) => [s.id, s]));
  return (
    <Table<Doc>
      rowKey="id"
      size="small"
      dataSource={project.documents}
      pagination={{ pageSize: 20 }}
      locale={{ emptyText: '尚无材料' }}
      columns={[
        { title: '类别', dataIndex: 'kind', width: 130 },
        {
          title: '文件',
          key: 'file',
          render: (_, d) => (
            <Space>
              <DocLink projectNo={project.projectNo} d={d} />
              {d.mime.startsWith('image/') && <span>{d.filename}</span>}
            </Space>
          ),
        },
        {
          title: '用于',
          key: 'use',
          render: (_, d) => (d.stageId ? (STAGE_NAMES[stageOf.get(d.stageId)?.stage as StageCode] ?? '') : d.progressId ? '进度报告' : ''),
        },
        {
          title: '大小',
          dataIndex: 'size',
          align: 'right',
          render: (v: number) => (v > 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(v / 1024))} KB`),
        },
        { title: '上传', key: 'by', render: (_, d) => `${d.uploadedBy} ${formatDateTime(d.uploadedAt)}` },
        {
          title: '校验值',
          dataIndex: 'sha256',
          render: (v: string) => (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} copyable={{ text: v }}>
              {v.slice(0, 12)}…
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}

export function Progress({ project, canReport, onDone }: { project: Project; canReport: boolean; onDone: (p: Project) => void }) {
  const [open, setOpen] = useState(false);
  const [photos, setPhotos] = useState<Doc[]>([]);
  const [form] = Form.useForm<Omit<ProgressInput, 'documentIds'>>();
  const report = useMutation({
    mutationFn: (v: Omit<ProgressInput, 'documentIds'>) => projectsApi.reportProgress(project.projectNo, { ...v, documentIds: photos.map((p) => p.id) }),
    onSuccess: (p) => {
      setOpen(false);
      setPhotos([]);
      form.resetFields();
      notify.success('进度已报送');
      onDone(p);
    },
  });
  const g = project.progress;
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    grid: { left: 48, right: 24, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: g.map((x) => x.month) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'line', name: '累计完成', data: g.map((x) => x.percent), areaStyle: { opacity: 0.15 }, label: { show: true, formatter: '{c}%' }, smooth: false },
    ],
  };
  return (
    <>
      {canReport && project.stage === 'started' && (
        <Button type="primary" style={{ marginBottom: 12 }} data-testid="report-progress" onClick={() => setOpen(true)}>
          报送本月进度
        </Button>
      )}
      {g.length ? <Chart option={option} height={240} /> : <Empty description={project.stage === 'started' ? '开工后尚未报送进度' : '开工后按月报送进度'} />}
      {g.length > 0 && (
        <Table
          rowKey="id"
          size="small"
          dataSource={[...g].reverse()}
          pagination={false}
          style={{ marginTop: 8 }}
          columns={[
            { title: '月份', dataIndex: 'month', width: 90 },
            { title: '完成', dataIndex: 'percent', width: 70, render: (v: number) => `${v}%` },
            { title: '进展', dataIndex: 'note' },
            { title: '存在问题', dataIndex: 'problems', render: (v: string) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—') },
            { title: '下步计划', dataIndex: 'nextStep' },
            {
              title: '照片',
              dataIndex: 'photos',
              render: (ps: Doc[]) => (
                <Image.PreviewGroup>
                  <Space>
                    {ps.map((d) => (
                      <DocLink key={d.id} projectNo={project.projectNo} d={d} />
                    ))}
                  </Space>
                </Image.PreviewGroup>
              ),
            },
            { title: '报送', key: 'by', render: (_, r) => `${r.enteredBy} ${r.reportedOn}` },
          ]}
        />
      )}
      <Modal
        title="报送月度进度"
        open={open}
        onCancel={() => setOpen(false)}
        okText="报送"
        confirmLoading={report.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ month: todayIso().slice(0, 7), percent: g.at(-1)?.percent ?? 0 }}
          onFinish={(v) => report.mutate(v)}
        >
          <Space>
            <Form.Item name="month" label="月份" rules={[{ required: true }]}>
              <Input type="month" data-testid="pg-month" />
            </Form.Item>
            <Form.Item name="percent" label="累计完成（%）" rules={[{ required: true }]}>
              <InputNumber min={g.at(-1)?.percent ?? 0} max={100} data-testid="pg-percent" />
            </Form.Item>
          </Space>
          <Form.Item name="note" label="本月进展">
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="problems" label="存在问题">
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="nextStep" label="下步计划">
            <Input />
          </Form.Item>
          <Space direction="vertical">
            现场照片
            <DocUpload projectNo={project.projectNo} kind="进度照片" onChange={(d) => setPhotos((x) => [...x, d])} testId="pg-photo" />
            {photos.map((p) => (
              <span key={p.id}>{p.filename}</span>
            ))}
          </Space>
        </Form>
      </Modal>
    </>
  );
}

export function Rectifications({ project, canClose, onDone }: { project: Project; canClose: boolean; onDone: (p: Project) => void }) {
  const [closing, setClosing] = useState<number | null>(null);
  const [doc, setDoc] = useState<Doc | undefined>();
  const [form] = Form.useForm<Omit<CloseRectificationInput, 'documentIds'>>();
  const close = useMutation({
    mutationFn: (v: Omit<CloseRectificationInput, 'documentIds'>) =>
      projectsApi.closeRectification(project.projectNo, closing!, { ...v, documentIds: doc ? [doc.id] : [] }),
    onSuccess: (p) => {
      setClosing(null);
      setDoc(undefined);
      notify.success('整改事项已销号');
      onDone(p);
    },
  });
  if (!project.rectifications.length) return <Empty description="县级验收未提出整改事项" />;
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        dataSource={project.rectifications}
        pagination={false}
        columns={[
          { title: '整改事项', dataIndex: 'item' },
          { title: '期限', dataIndex: 'deadline', width: 110 },
          {
            title: '状态',
            key: 's',
            width: 110,
            render: (_, r) =>
              r.closedOn ? <Tag color="green">已销号 {r.closedOn}</Tag> : r.overdue ? <Tag color="red">超期未改</Tag> : <Tag color="orange">整改中</Tag>,
          },
          { title: '整改情况', dataIndex: 'closingNote', render: (v: string, r) => (v ? `${v}（${r.closedBy}）` : '—') },
          {
            title: '',
            key: 'a',
            width: 80,
            render: (_, r) =>
              !r.closedOn && canClose ? (
                <Button size="small" onClick={() => setClosing(r.id)}>
                  销号
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        title="整改销号"
        open={closing !== null}
        onCancel={() => setClosing(null)}
        okText="销号"
        okButtonProps={{ disabled: !doc }}
        confirmLoading={close.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ closedOn: todayIso() }} onFinish={(v) => close.mutate(v)}>
          <Form.Item name="closedOn" label="整改完成日期" rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="note" label="整改情况" rules={[{ required: true, message: '请填写整改情况' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Space>
            整改材料 <DocUpload projectNo={project.projectNo} kind="整改材料" value={doc} onChange={setDoc} />
          </Space>
        </Form>
      </Modal>
    </>
  );
}

export function Plans({ project, canPlan, onDone }: { project: Project; canPlan: boolean; onDone: (p: Project) => void }) {
  const [edit, setEdit] = useState(false);
  const [form] = Form.useForm<PlansForm>();
  const planned = new Map(project.plans.map((p) => [p.stage, p]));
  const reached = new Map(project.stages.filter((s) => s.status === 'approved').map((s) => [s.stage, s.date]));
  const save = useMutation({
    mutationFn: async (v: PlansForm) => {
      const p = await projectsApi.setPlans(project.projectNo, { plans: STAGE_CODES.map((s) => ({ stage: s, plannedOn: v[s] || null })) });
      return projectsApi
        .setTask(project.projectNo, { leader: v.leader || null, supervisingUnit: v.supervisingUnit || null, unit: v.unit || null })
        .then(() => p);
    },
    onSuccess: (p) => {
      setEdit(false);
      notify.success('计划和任务分解已保存');
      onDone(p);
    },
  });
  const rows = STAGE_CODES.map((s) => ({ stage: s, plannedOn: planned.get(s)?.plannedOn ?? null, reachedOn: reached.get(s) ?? null }));
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {canPlan && (
          <Button
            onClick={() => {
              form.setFieldsValue({
                ...Object.fromEntries(rows.map((r) => [r.stage, r.plannedOn ?? ''])),
                leader: project.leader,
                supervisingUnit: project.supervisingUnit,
                unit: project.unit,
              });
              setEdit(true);
            }}
          >
            修改计划和任务分解
          </Button>
        )}
      </Space>
      <Table
        rowKey="stage"
        size="small"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '阶段', dataIndex: 'stage', render: (s: StageCode) => STAGE_NAMES[s] },
          { title: '计划日期', dataIndex: 'plannedOn', render: formatDate },
          { title: '实际日期', dataIndex: 'reachedOn', render: formatDate },
          {
            title: '',
            key: 'late',
            render: (_, r) =>
              r.plannedOn && r.reachedOn && r.reachedOn > r.plannedOn ? (
                <Tag color="orange">晚于计划</Tag>
              ) : project.overdue?.stage === r.stage ? (
                <Tag color="red">逾期{project.overdue.days}天</Tag>
              ) : null,
          },
        ]}
      />
      <Modal
        title="计划日期和任务分解"
        open={edit}
        onCancel={() => setEdit(false)}
        okText="保存"
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
        width={560}
      >
        <Form form={form} layout="horizontal" labelCol={{ span: 7 }} onFinish={(v) => save.mutate(v)}>
          {STAGE_CODES.map((s) => (
            <Form.Item key={s} name={s} label={`${STAGE_NAMES[s]}计划`} style={{ marginBottom: 8 }}>
              <Input type="date" disabled={reached.has(s)} style={{ width: 180 }} />
            </Form.Item>
          ))}
          <Form.Item name="leader" label="分管县领导">
            <Input />
          </Form.Item>
          <Form.Item name="supervisingUnit" label="主管单位">
            <Input />
          </Form.Item>
          <Form.Item name="unit" label="实施单位">
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Money of the project from the funds routes, by batch: 安排, 拨付, 报账 and what is left of the allocation. */
export function Money({ project }: { project: Project }) {
  const q = useQuery({
    queryKey: ['funds', 'entries', 'project', project.projectNo],
    queryFn: ({ signal }) => fundsApi.entries({ projectNo: project.projectNo, pageSize: 500 }, signal),
  });
  const byBatch = new Map<string, { batchNo: string; allocation: number; disbursement: number; reimbursement: number }>();
  for (const e of q.data?.rows ?? []) {
    const b = byBatch.get(e.batchNo) ?? { batchNo: e.batchNo, allocation: 0, disbursement: 0, reimbursement: 0 };
    b[e.kind] += e.amountFen;
    byBatch.set(e.batchNo, b);
  }
  const rows = [...byBatch.values()].sort((a, b) => (a.batchNo < b.batchNo ? -1 : 1));
  const total = rows.reduce(
    (s, r) => ({
      batchNo: '合计',
      allocation: s.allocation + r.allocation,
      disbursement: s.disbursement + r.disbursement,
      reimbursement: s.reimbursement + r.reimbursement,
    }),
    { batchNo: '合计', allocation: 0, disbursement: 0, reimbursement: 0 },
  );
  const link = (batchNo: string, kind: string | undefined, v: number) => (
    <Link
      to={`/funds/entries?projectNo=${encodeURIComponent(project.projectNo)}${batchNo !== '合计' ? `&batchNo=${encodeURIComponent(batchNo)}` : ''}${kind ? `&kind=${kind}` : ''}`}
    >
      {formatYuan(v)}
    </Link>
  );
  return (
    <Table
      data-testid="project-money"
      rowKey="batchNo"
      size="small"
      loading={q.isLoading}
      pagination={false}
      dataSource={rows.length ? [...rows, total] : []}
      locale={{ emptyText: q.isError ? '无法读取资金记录' : '尚未安排资金' }}
      columns={[
        {
          title: '资金批次',
          dataIndex: 'batchNo',
          render: (v: string) => (v === '合计' ? <b>合计</b> : <Link to={`/funds/batches/${encodeURIComponent(v)}`}>{v}</Link>),
        },
        { title: '安排', dataIndex: 'allocation', align: 'right', render: (v: number, r) => link(r.batchNo, 'allocation', v) },
        { title: '拨付', dataIndex: 'disbursement', align: 'right', render: (v: number, r) => link(r.batchNo, 'disbursement', v) },
        { title: '报账', dataIndex: 'reimbursement', align: 'right', render: (v: number, r) => link(r.batchNo, 'reimbursement', v) },
        { title: '尚可拨付', key: 'td', align: 'right', render: (_, r) => formatYuan(r.allocation - r.disbursement) },
        { title: '尚可报账', key: 'tr', align: 'right', render: (_, r) => formatYuan(r.allocation - r.reimbursement) },
      ]}
    />
  );
}
