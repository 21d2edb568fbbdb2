// 后扶项目: the list of the user's projects with filters (township, category, year, stage, and
// 待审批 / 逾期 / 停滞), stage badges and overdue / stalled marks, and the 新建项目 form.
import { useMemo, useState } from 'react';
import { Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, Segmented } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth.tsx';
import { useRegionTree } from '../../../shared/layout.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatWanYuan } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import {
  PROJECT_CATEGORIES,
  PROJECT_FLAG_NAMES,
  STAGE_CODES,
  STAGE_NAMES,
  stageColor,
  projectPath,
  projectsApi,
  type NewProjectInput,
  type ProjectItem,
  type StageCode,
} from '../projects-api.ts';

const FLAGS = [{ value: '', label: '全部' }, ...Object.entries(PROJECT_FLAG_NAMES).map(([value, label]) => ({ value, label }))];
/** the 新建项目 form's fields: the plan in yuan as typed */
type NewProjectForm = Omit<NewProjectInput, 'plannedFen'> & { plannedYuan: number };

export function StageBadge({ stage, pending }: { stage: StageCode | null; pending?: StageCode | null }) {
  return (
    <Space size={4}>
      <Tag color={stageColor(stage)} style={{ marginInlineEnd: 0 }}>
        {stage ? STAGE_NAMES[stage] : '未入库'}
      </Tag>
      {pending && (
        <Tooltip title={`“${STAGE_NAMES[pending]}”已提交，等待县中心审批`}>
          <Tag color="gold" style={{ marginInlineEnd: 0 }}>
            待审：{STAGE_NAMES[pending]}
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}

export function AlertTags({ p }: { p: Pick<ProjectItem, 'overdue' | 'stalled'> }) {
  return (
    <Space size={4} wrap>
      {p.overdue && (
        <Tooltip title={`计划${p.overdue.plannedOn}完成“${STAGE_NAMES[p.overdue.stage]}”`}>
          <Tag color="red">逾期{p.overdue.days}天</Tag>
        </Tooltip>
      )}
      {p.stalled && (
        <Tooltip title={`自${p.stalled.since}起未报送进度`}>
          <Tag color="volcano">停滞{p.stalled.days}天</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

function NewProject({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<NewProjectForm>();
  const nav = useNavigate();
  const qc = useQueryClient();
  const create = useMutation({
    mutationFn: ({ plannedYuan, ...v }: NewProjectForm) => projectsApi.create({ ...v, plannedFen: Math.round(Number(plannedYuan) * 100) }),
    onSuccess: (p) => {
      onClose();
      void qc.invalidateQueries({ queryKey: ['projects'] });
      notify.success(`已新建项目 ${p.projectNo}，请在项目页录入入库材料`);
      nav(projectPath(p.projectNo));
    },
  });
  return (
    <Modal
      title="新建项目"
      open={open}
      onCancel={onClose}
      okText="新建"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ year: new Date().getFullYear(), category: '基础设施' }} onFinish={(v) => create.mutate(v)}>
        <Space.Compact block>
          <Form.Item name="projectNo" label="项目编号" rules={[{ required: true, message: '请填写项目编号' }]} style={{ width: '40%' }}>
            <Input data-testid="np-no" placeholder="如 XM2026-061" />
          </Form.Item>
          <Form.Item name="year" label="年度" rules={[{ required: true }]} style={{ width: '20%' }}>
            <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="category" label="项目类别" rules={[{ required: true }]} style={{ width: '40%' }}>
            <Select options={PROJECT_CATEGORIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="name" label="项目名称" rules={[{ required: true, message: '请填写项目名称' }]}>
          <Input data-testid="np-name" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item
            name="villageCode"
            label="村代码（12位）"
            rules={[{ required: true, pattern: /^\d{12}$/, message: '村代码应为12位数字' }]}
            style={{ width: '50%' }}
          >
            <Input data-testid="np-village" />
          </Form.Item>
          <Form.Item name="plannedYuan" label="计划投资（元）" rules={[{ required: true, message: '请填写计划投资' }]} style={{ width: '50%' }}>
            <InputNumber data-testid="np-planned" min={0.01} precision={2} style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="leader" label="分管县领导" style={{ width: '33%' }}>
            <Input />
          </Form.Item>
          <Form.Item name="supervisingUnit" label="主管单位" style={{ width: '33%' }}>
            <Input />
          </Form.Item>
          <Form.Item name="unit" label="实施单位" style={{ width: '34%' }}>
            <Input data-testid="np-unit" />
          </Form.Item>
        </Space.Compact>
        <div style={{ color: '#888' }}>新建后在项目页上传申报书和村民代表会议决议，录入受益人口和资金来源，提交县中心审批入库。</div>
      </Form>
    </Modal>
  );
}

export default function ProjectsPage() {
  const { can, me } = useAuth();
  const [params, setParams] = useSearchParams();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(false);
  const tree = useRegionTree(can('registry.read'));
  const townships = useMemo(() => (tree.data?.[0]?.children ?? []).map((t) => ({ value: t.code, label: t.name || t.code })), [tree.data]);
  const f = Object.fromEntries(['township', 'category', 'year', 'stage', 'flag', 'q'].map((k) => [k, params.get(k) ?? undefined])) as Record<
    string,
    string | undefined
  >;
  const set = (k: string, v: string | number | undefined | null) => {
    const n = new URLSearchParams(params);
    if (v === undefined || v === null || v === '') n.delete(k);
    else n.set(k, String(v));
    setParams(n, { replace: true });
    setPage(1);
  };
  const q = useQuery({ queryKey: ['projects', 'list', f, page], queryFn: ({ signal }) => projectsApi.list({ ...f, page, pageSize: 30 }, signal) });
  const year = new Date().getFullYear();
  return (
    <>
      <PageHeader
        title="后扶项目"
        sub={`${me?.user.unit ? `${me.user.unit}的项目；` : ''}入库 → 立项 → 实施方案 → 招投标/自建 → 开工 → 完工 → 县级验收 → 移交管护 → 绩效评价；每一阶段由录入人提交、县中心另一人审批`}
        extra={
          can('projects.enter') && (
            <Button type="primary" data-testid="new-project" onClick={() => setOpen(true)}>
              新建项目
            </Button>
          )
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          {townships.length > 1 && (
            <Select
              allowClear
              placeholder="乡镇"
              style={{ width: 150 }}
              value={f.township}
              options={townships}
              onChange={(v) => set('township', v)}
              data-testid="f-township"
            />
          )}
          <Select
            allowClear
            placeholder="项目类别"
            style={{ width: 120 }}
            value={f.category}
            options={PROJECT_CATEGORIES.map((c) => ({ value: c, label: c }))}
            onChange={(v) => set('category', v)}
          />
          <Select
            allowClear
            placeholder="年度"
            style={{ width: 100 }}
            value={f.year}
            options={[year + 1, year, year - 1, year - 2, year - 3].map((y) => ({ value: String(y), label: `${y}年` }))}
            onChange={(v) => set('year', v)}
          />
          <Select
            allowClear
            placeholder="阶段"
            style={{ width: 130 }}
            value={f.stage}
            onChange={(v) => set('stage', v)}
            data-testid="f-stage"
            options={[{ value: 'none', label: '未入库' }, ...STAGE_CODES.map((s) => ({ value: s, label: STAGE_NAMES[s] }))]}
          />
          <Segmented options={FLAGS} value={f.flag ?? ''} onChange={(v) => set('flag', v as string)} data-testid="f-flag" />
          <Input.Search allowClear placeholder="项目名称或编号" style={{ width: 200 }} defaultValue={f.q} onSearch={(v) => set('q', v.trim())} />
        </Space>
      </Card>
      <Table<ProjectItem>
        data-testid="projects-table"
        rowKey="projectNo"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ current: page, pageSize: 30, total: q.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 个项目` }}
        columns={[
          { title: '项目编号', dataIndex: 'projectNo', width: 120, render: (v: string) => <Link to={projectPath(v)}>{v}</Link> },
          {
            title: '项目名称',
            dataIndex: 'name',
            render: (v: string, r) => (
              <>
                <Link to={projectPath(r.projectNo)}>{v}</Link>
                <div style={{ color: '#888', fontSize: 12 }}>
                  {r.year}年 · {r.category}
                </div>
              </>
            ),
          },
          {
            title: '乡镇 / 村',
            key: 'place',
            render: (_, r) => (
              <>
                {r.townshipName || r.townshipCode}
                <div style={{ color: '#888', fontSize: 12 }}>{r.villageName || r.villageCode}</div>
              </>
            ),
          },
          { title: '计划投资', dataIndex: 'plannedFen', align: 'right', width: 110, render: (v: number) => formatWanYuan(v) },
          {
            title: '主管 / 实施单位',
            key: 'units',
            render: (_, r) => (
              <>
                {r.supervisingUnit ?? '—'}
                <div style={{ color: '#888', fontSize: 12 }}>{r.unit ?? '—'}</div>
              </>
            ),
          },
          { title: '阶段', key: 'stage', render: (_, r) => <StageBadge stage={r.stage} pending={r.pendingStage} /> },
          {
            title: '进度',
            dataIndex: 'lastPercent',
            align: 'right',
            width: 70,
            render: (v: number | null, r) => (r.stage === 'started' ? (v === null ? '未报' : `${v}%`) : ''),
          },
          { title: '提醒', key: 'alerts', render: (_, r) => <AlertTags p={r} /> },
        ]}
      />
      <NewProject open={open} onClose={() => setOpen(false)} />
    </>
  );
}
