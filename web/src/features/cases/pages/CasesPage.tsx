// 交叉核对与追缴: upload extracts and run a check (with progress), the cases township officers
// verify (their own township only), and the recovery ledger with totals by township and year.
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Upload,
  DatePicker,
} from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { UploadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { useJob, jobPercent } from '../../../shared/hooks.ts';
import { notify } from '../../../shared/notify.ts';
import { formatCount, formatDateTime, formatYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { RegionName } from '../../../shared/names.tsx';
import {
  casesApi,
  canBecomeRemoval,
  CASE_STATUSES,
  FINDING_CODES,
  FINDING_LABELS,
  INPUT_KINDS,
  INPUT_KIND_LABELS,
  RUN_STATUS_LABELS,
  VERDICTS,
  VERDICT_LABELS,
  type Case,
  type CaseStatus,
  type Finding,
  type FindingCode,
  type InputKind,
  type RecoveryItem,
  type RecoveryTotal,
  type Run,
  type StoredInput,
  type VerifyBody,
} from '../api.ts';

/** how many findings a run's summary counts (codes with none may be left out) */
const findingCount = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

/** One run's findings, paged, by code: the check's result read in the app, not only as a CSV. */
function RunFindings({ run, onClose }: { run: Run | null; onClose: () => void }) {
  const [page, setPage] = useState(1);
  const [code, setCode] = useState<FindingCode | undefined>();
  const q = useQuery({
    queryKey: ['cc', 'findings', run?.id, code, page],
    enabled: !!run,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => casesApi.findings(run!.id, { code, page, pageSize: 20 }, signal),
  });
  const counts = run?.summary?.counts ?? {};
  return (
    <Drawer
      open={!!run}
      onClose={onClose}
      size={1100}
      title={run ? `核对 ${run.id} 发现的问题（${formatDateTime(run.createdAt)}）` : ''}
      destroyOnHidden
      data-testid="run-findings"
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Radio.Group
          value={code ?? ''}
          optionType="button"
          onChange={(e) => {
            setCode(e.target.value || undefined);
            setPage(1);
          }}
          options={[
            { value: '', label: `全部（${findingCount(counts)}）` },
            ...(Object.keys(counts) as FindingCode[])
              .filter((c) => (counts[c] ?? 0) > 0)
              .map((c) => ({ value: c, label: `${FINDING_LABELS[c] ?? c}（${counts[c]}）` })),
          ]}
        />
      </Space>
      <Table<Finding>
        size="small"
        rowKey={(f) => `${f.code}-${f.idNumber}`}
        loading={q.isFetching}
        dataSource={q.data?.findings ?? []}
        pagination={{
          current: page,
          pageSize: 20,
          total: q.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (t) => `共 ${formatCount(t)} 条`,
        }}
        expandable={{ expandedRowRender: (f) => f.explanation }}
        columns={[
          { title: '问题类型', dataIndex: 'label', width: 140 },
          { title: '姓名', dataIndex: 'name', width: 90 },
          { title: '身份证号', dataIndex: 'idNumber', width: 170 },
          { title: '村', dataIndex: 'villageCode', width: 150, render: (v: string) => (v ? <RegionName code={v} withTownship /> : '—') },
          { title: '期间', dataIndex: 'periods', render: (p: string[]) => p.join('、') },
          { title: '多发', dataIndex: 'overFen', width: 110, align: 'right', render: formatYuan },
          { title: '少发', dataIndex: 'underFen', width: 110, align: 'right', render: formatYuan },
        ]}
      />
    </Drawer>
  );
}

// an uploaded payments file is history: the recorded payments are read from the database anyway
const KINDS = INPUT_KINDS.map((k) => ({ value: k, label: k === 'payments' ? `${INPUT_KIND_LABELS[k]}（历史）` : INPUT_KIND_LABELS[k] }));

function Runs() {
  const qc = useQueryClient();
  const [kind, setKind] = useState<InputKind>('deaths');
  const [chosen, setChosen] = useState<number[]>([]);
  const [jobId, setJobId] = useState<string | null>(null);
  const [openRun, setOpenRun] = useState<Run | null>(null);
  const job = useJob(jobId);
  const inputs = useQuery({ queryKey: ['cc', 'inputs'], queryFn: ({ signal }) => casesApi.inputs(signal) });
  const runs = useQuery({ queryKey: ['cc', 'runs', job.data?.status], queryFn: ({ signal }) => casesApi.runs(signal) });
  const start = useMutation({
    mutationFn: () => casesApi.startRun({ inputIds: chosen }),
    onSuccess: (r) => {
      setJobId(r.jobId);
      void qc.invalidateQueries({ queryKey: ['cc'] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title="1. 上传核对数据">
        <Space>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} options={KINDS} optionType="button" />
          <Upload
            accept=".csv,.xlsx"
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              try {
                const r = await casesApi.upload(kind, file as File);
                notify.success(`已上传：${r.rows} 行可用${r.problemCount ? `，${r.problemCount} 行有问题` : ''}`);
                setChosen((c) => [...new Set([...c, r.id])]);
                void qc.invalidateQueries({ queryKey: ['cc', 'inputs'] });
                onSuccess?.(r);
              } catch (e) {
                notify.error(errorMessage(e));
                onError?.(e as Error);
              }
            }}
          >
            <Button icon={<UploadOutlined />}>选择文件</Button>
          </Upload>
        </Space>
        <Table<StoredInput>
          style={{ marginTop: 8 }}
          size="small"
          rowKey="id"
          dataSource={inputs.data?.inputs ?? []}
          pagination={{ pageSize: 5 }}
          rowSelection={{ selectedRowKeys: chosen, onChange: (k) => setChosen(k as number[]) }}
          columns={[
            { title: '类型', dataIndex: 'kind', render: (k) => KINDS.find((x) => x.value === k)?.label },
            { title: '文件', dataIndex: 'filename' },
            { title: '行数', dataIndex: 'rows', align: 'right', render: formatCount },
            { title: '校验值', dataIndex: 'sha256', render: (s: string) => s.slice(0, 12) },
            { title: '上传时间', dataIndex: 'uploadedAt', render: formatDateTime },
          ]}
        />
      </Card>
      <Card size="small" title="2. 核对花名册和已记录的发放结果">
        {chosen.length === 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 8 }}
            title="请先在上面上传或勾选至少一个核对文件（死亡名单、户籍信息、其他县花名册或发放明细），再开始核对。"
          />
        )}
        <Space>
          <Button
            type="primary"
            data-testid="start-run"
            disabled={chosen.length === 0}
            onClick={() => start.mutate()}
            loading={start.isPending || job.data?.status === 'running'}
          >
            开始核对（已选 {chosen.length} 个文件）
          </Button>
          {jobId && <Progress style={{ width: 300 }} percent={jobPercent(job.data)} status={job.data?.status === 'failed' ? 'exception' : undefined} />}
          {job.data?.status === 'failed' && <span style={{ color: '#cf1322' }}>{job.data.message}</span>}
        </Space>
      </Card>
      <Table<Run>
        size="small"
        rowKey="id"
        dataSource={runs.data?.runs ?? []}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: '编号', dataIndex: 'id' },
          { title: '时间', dataIndex: 'createdAt', render: formatDateTime },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Run['status']) => <Tag color={s === 'done' ? 'success' : s === 'failed' ? 'error' : 'processing'}>{RUN_STATUS_LABELS[s]}</Tag>,
          },
          { title: '期间', dataIndex: 'periods', render: (p: string[]) => p.join('、') },
          {
            title: '输入',
            dataIndex: 'inputs',
            render: (i: Run['inputs']) => i.map((x) => `${x.name ?? x.kind}${x.filename ? `（${x.filename}）` : ''} ${x.rows}行`).join('；'),
          },
          { title: '问题数', render: (_, r) => (r.summary ? findingCount(r.summary.counts) : '—') },
          { title: '多发 / 少发', render: (_, r) => (r.summary ? `${formatYuan(r.summary.overFen)} / ${formatYuan(r.summary.underFen)}` : '—') },
          {
            title: '',
            render: (_, r) =>
              r.status === 'done' && (
                <Space>
                  <Button size="small" type="link" data-testid={`open-run-${r.id}`} onClick={() => setOpenRun(r)}>
                    查看问题
                  </Button>
                  <Button size="small" onClick={() => casesApi.findingsCsv(r.id).catch((e) => notify.error(errorMessage(e)))}>
                    导出核查结果
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <RunFindings run={openRun} onClose={() => setOpenRun(null)} />
    </Space>
  );
}

function Cases() {
  const qc = useQueryClient();
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const [f, setF] = useState<{ status?: CaseStatus; code?: FindingCode; q?: string }>({ status: '待核实' });
  const [current, setCurrent] = useState<Case | null>(null);
  const [form] = Form.useForm<VerifyBody>();
  const q = useQuery({
    queryKey: ['cases', page, f],
    queryFn: ({ signal }) => casesApi.cases({ ...f, page, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({
    mutationFn: (v: VerifyBody) => casesApi.verify(current!.id, v),
    onSuccess: () => {
      setCurrent(null);
      notify.success('已核实');
      void qc.invalidateQueries({ queryKey: ['cases'] });
      void qc.invalidateQueries({ queryKey: ['recovery'] });
    },
  });
  // 转核减: the date comes from the evidence (the death date), shown for the officer to confirm or change — never today
  const [toRemove, setToRemove] = useState<Case | null>(null);
  const [removalDate, setRemovalDate] = useState<Dayjs | null>(null);
  const removal = useMutation({
    mutationFn: (c: Case) => casesApi.removal(c.id, removalDate ? { effectiveDate: removalDate.format('YYYY-MM-DD') } : {}),
    onSuccess: (r) => {
      setToRemove(null);
      notify.success(`已生成核减调整 ${r.adjustmentId}，待县中心审批`);
    },
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          style={{ width: 110 }}
          value={f.status}
          allowClear
          placeholder="状态"
          onChange={(v) => {
            setPage(1);
            setF((x) => ({ ...x, status: v }));
          }}
          options={CASE_STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <Select
          style={{ width: 220 }}
          allowClear
          placeholder="问题类型"
          onChange={(v) => {
            setPage(1);
            setF((x) => ({ ...x, code: v }));
          }}
          options={FINDING_CODES.map((c) => ({ value: c, label: FINDING_LABELS[c] }))}
        />
        <Input.Search
          allowClear
          placeholder="姓名或身份证号"
          onSearch={(v) => {
            setPage(1);
            setF((x) => ({ ...x, q: v }));
          }}
        />
        <span>
          共 {formatCount(q.data?.total ?? 0)} 条，涉及多发 {formatYuan(q.data?.overFen ?? 0)}
        </span>
      </Space>
      <Table<Case>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.cases ?? []}
        pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        expandable={{
          expandedRowRender: (r) => (
            <div>
              <div>说明：{r.explanation}</div>
              {r.evidence && (
                <div>
                  核实依据：{r.evidence} {r.remarks}
                </div>
              )}
            </div>
          ),
        }}
        columns={[
          { title: '问题类型', dataIndex: 'label' },
          { title: '姓名', dataIndex: 'name', render: (n: string, r) => <Link to={`/roster?q=${encodeURIComponent(n)}&region=${r.villageCode}`}>{n}</Link> },
          { title: '身份证号', dataIndex: 'idNumber' },
          { title: '村', dataIndex: 'villageCode', render: (v: string) => <RegionName code={v} withTownship /> },
          { title: '期间', dataIndex: 'periods', render: (p: string[]) => p.join('、') },
          { title: '多发', dataIndex: 'overFen', align: 'right', render: formatYuan },
          { title: '少发', dataIndex: 'underFen', align: 'right', render: formatYuan },
          {
            title: '状态',
            render: (_, r) => <Tag color={r.status === '待核实' ? 'processing' : r.verdict === '违规' ? 'error' : 'default'}>{r.verdict ?? r.status}</Tag>,
          },
          {
            title: '',
            render: (_, r) => (
              <Space>
                {can('cases.work') && (
                  <Button
                    size="small"
                    onClick={() => {
                      setCurrent(r);
                      form.setFieldsValue({ verdict: r.verdict ?? '违规', evidence: r.evidence, remarks: r.remarks });
                    }}
                  >
                    核实
                  </Button>
                )}
                {can('adjustment.enter') && canBecomeRemoval(r) && (
                  <Button
                    size="small"
                    onClick={() => {
                      setToRemove(r);
                      setRemovalDate(r.deathDate ? dayjs(r.deathDate) : null);
                    }}
                  >
                    转核减
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title={toRemove ? `转为核减：${toRemove.name}（${toRemove.label}）` : ''}
        open={!!toRemove}
        onCancel={() => setToRemove(null)}
        okText="生成核减调整"
        okButtonProps={{ disabled: !removalDate }}
        confirmLoading={removal.isPending}
        onOk={() => toRemove && removal.mutate(toRemove)}
        data-testid="case-removal"
      >
        <p>佐证材料记载的死亡日期：{toRemove?.deathDate ?? '无（核对数据中没有死亡日期，请按证明材料填写）'}</p>
        <Form layout="vertical">
          <Form.Item label="核减日期（默认取死亡日期，可改）" required>
            <DatePicker value={removalDate} onChange={setRemovalDate} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
        {removal.isError && <p style={{ color: '#cf1322' }}>{errorMessage(removal.error)}</p>}
      </Modal>
      <Modal
        title={current ? `核实：${current.name}（${current.label}）` : ''}
        open={!!current}
        onCancel={() => setCurrent(null)}
        onOk={() => form.submit()}
        confirmLoading={verify.isPending}
        okText="保存"
      >
        <Form<VerifyBody> form={form} layout="vertical" onFinish={(v) => verify.mutate(v)}>
          <Form.Item name="verdict" label="结论">
            <Radio.Group options={VERDICTS.map((v) => ({ value: v, label: VERDICT_LABELS[v] }))} />
          </Form.Item>
          <Form.Item name="evidence" label="核实依据" rules={[{ required: true, message: '请填写核实依据' }]}>
            <Input.TextArea rows={3} placeholder="走访、死亡证明、户籍证明等" />
          </Form.Item>
          <Form.Item name="remarks" label="备注">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** the instalment form: yuan as typed, turned into fen when sent */
interface InstalmentForm {
  paidOn: Dayjs;
  yuan: number;
  receiptNo: string;
}

function Recovery() {
  const qc = useQueryClient();
  const { can, me } = useAuth();
  const user = me?.user;
  const [pay, setPay] = useState<RecoveryItem | null>(null);
  const [form] = Form.useForm<InstalmentForm>();
  const items = useQuery({ queryKey: ['recovery', 'items'], queryFn: ({ signal }) => casesApi.recovery({ pageSize: 200 }, signal) });
  const totals = useQuery({ queryKey: ['recovery', 'totals'], queryFn: ({ signal }) => casesApi.recoveryTotals(signal) });
  const done = () => {
    void qc.invalidateQueries({ queryKey: ['recovery'] });
  };
  const add = useMutation({
    mutationFn: (v: InstalmentForm) =>
      casesApi.addInstalment(pay!.id, { paidOn: v.paidOn.format('YYYY-MM-DD'), amountFen: Math.round(v.yuan * 100), receiptNo: v.receiptNo }),
    onSuccess: () => {
      setPay(null);
      form.resetFields();
      done();
    },
  });
  const ask = useMutation({ mutationFn: (i: RecoveryItem) => casesApi.requestWriteOff(i.id, window.prompt('核销原因') ?? ''), onSuccess: done });
  const approve = useMutation({ mutationFn: (i: RecoveryItem) => casesApi.approveWriteOff(i.id), onSuccess: done });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<RecoveryTotal>
        size="small"
        rowKey={(r) => `${r.townshipCode}-${r.year}`}
        dataSource={totals.data?.totals ?? []}
        pagination={false}
        title={() => '按乡镇、年度合计'}
        columns={[
          { title: '年度', dataIndex: 'year' },
          { title: '乡镇', dataIndex: 'townshipCode', render: (v: string) => <RegionName code={v} /> },
          { title: '笔数', dataIndex: 'items' },
          { title: '应追缴', dataIndex: 'dueFen', render: formatYuan },
          { title: '已追回', dataIndex: 'receivedFen', render: formatYuan },
          { title: '已核销', dataIndex: 'writtenOffFen', render: formatYuan },
          { title: '尚欠', dataIndex: 'outstandingFen', render: formatYuan },
          { title: '追回率', dataIndex: 'rate', render: (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`) },
        ]}
      />
      <Table<RecoveryItem>
        size="small"
        rowKey="id"
        dataSource={items.data?.items ?? []}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号', dataIndex: 'idNumber' },
          { title: '年度', dataIndex: 'year' },
          { title: '应追缴', dataIndex: 'dueFen', render: formatYuan },
          { title: '已追回', dataIndex: 'receivedFen', render: formatYuan },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s, r) => (
              <Tag color={s === '已结清' ? 'success' : s === '核销' ? 'default' : 'processing'}>
                {s}
                {r.writeoffRequestedBy && s === '追缴中' ? '（已申请核销）' : ''}
              </Tag>
            ),
          },
          {
            title: '',
            render: (_, r) =>
              can('recovery.manage') &&
              r.status === '追缴中' && (
                <Space>
                  <Button size="small" onClick={() => setPay(r)}>
                    登记收款
                  </Button>
                  {!r.writeoffRequestedBy && (
                    <Button size="small" onClick={() => ask.mutate(r)}>
                      申请核销
                    </Button>
                  )}
                  {r.writeoffRequestedBy && r.writeoffRequestedBy !== user?.id && (
                    <Popconfirm
                      title="批准核销？"
                      description={`核销后 ${formatYuan(r.outstandingFen)} 不再追缴，不能撤销。`}
                      okText="批准核销"
                      okButtonProps={{ danger: true }}
                      cancelText="取消"
                      onConfirm={() => approve.mutateAsync(r)}
                    >
                      <Button size="small" danger loading={approve.isPending}>
                        批准核销
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <Modal
        title={pay ? `登记收款：${pay.name}（尚欠 ${formatYuan(pay.outstandingFen)}）` : ''}
        open={!!pay}
        onCancel={() => setPay(null)}
        onOk={() => form.submit()}
        confirmLoading={add.isPending}
      >
        <Form<InstalmentForm> form={form} layout="vertical" onFinish={(v) => add.mutate(v)}>
          <Form.Item name="paidOn" label="收款日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="yuan" label="金额（元）" rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} />
          </Form.Item>
          <Form.Item name="receiptNo" label="收据编号" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

export default function CasesPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  return (
    <>
      <PageHeader title="交叉核对与追缴" sub="对照死亡名单、户籍信息和其他县花名册 → 乡镇核实 → 违规多发金额追缴" />
      <Tabs
        activeKey={params.get('tab') ?? (can('crosscheck.run') ? 'runs' : 'cases')}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        items={[
          ...(can('crosscheck.run') ? [{ key: 'runs', label: '核对', children: <Runs /> }] : []),
          { key: 'cases', label: '疑似问题核实', children: <Cases /> },
          { key: 'recovery', label: '追缴台账', children: <Recovery /> },
        ]}
      />
    </>
  );
}
