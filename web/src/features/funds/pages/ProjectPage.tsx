// 项目页: what the project is (ledger, library facts, task decomposition), where it stands
// (the stage steps, what waits for approval), and its record: stage history with documents,
// progress, money, 整改, plans. Entering the next stage and approving it happen here.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, Modal, Space, Spin, Steps, Tabs, Tag, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatDateTime, formatYuan, formatCount } from '../../../shared/format.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { StageBadge, AlertTags } from './ProjectsPage.tsx';
import { StageForm } from '../components/StageForm.tsx';
import { DocLink, Documents, Money, Plans, Progress, Rectifications } from '../components/ProjectPanels.tsx';
import {
  PROCUREMENT_MODE_NAMES,
  projectsApi,
  STAGE_CODES,
  STAGE_NAMES,
  STAGE_STATUS_NAMES,
  type Project,
  type StageCode,
  type StageData,
  type StageEntry,
} from '../projects-api.ts';

const STATUS_COLOR = { pending: 'gold', approved: 'green', returned: 'red' } as const;
// approving these writes the ledger dates that 开工数 / 完工数 / 验收数 count
const LEDGER_STAGES: Partial<Record<StageCode, string>> = { started: '开工日期', completed: '完工日期', accepted: '验收日期' };

function stageFacts(s: StageEntry): string {
  // the facts the stage was submitted with (the contract's StageDataSchema), as stored
  const d = { ...s.data, stage: s.stage } as StageData;
  switch (d.stage) {
    case 'library': {
      const l: Partial<Extract<StageData, { stage: 'library' }>['library']> = d.library ?? {};
      return `${l.keyVillage ? '重点移民村；' : ''}受益${l.households}户${l.persons}人（后扶${l.supportPersons}人）；后扶资金${formatYuan(l.supportFundFen)}、县级配套${formatYuan(l.countyMatchFen)}、自筹${formatYuan(l.selfRaisedFen)}`;
    }
    case 'approval':
      return `批复文号：${d.docNo}`;
    case 'design':
      return d.summary ?? '';
    case 'procurement':
      return `${PROCUREMENT_MODE_NAMES[d.mode] ?? ''}${d.contractor ? `；中标单位：${d.contractor}` : ''}${d.contractFen ? `；合同金额${formatYuan(d.contractFen)}` : ''}`;
    case 'accepted':
      return `验收组：${d.group}；结论：${d.conclusion}${d.rectifications?.length ? `；整改${d.rectifications.length}项` : ''}`;
    case 'handover':
      return `管护主体：${d.keeper}`;
    case 'evaluated':
      return `评价等次：${d.grade}${d.score !== undefined ? `（${d.score}分）` : ''}`;
    default:
      return '';
  }
}

function History({ project }: { project: Project }) {
  return (
    <Timeline
      style={{ marginTop: 8 }}
      items={[...project.stages].reverse().map((s) => ({
        color: STATUS_COLOR[s.status],
        children: (
          <div data-testid={`history-${s.stage}-${s.status}`}>
            <Space>
              <b>{STAGE_NAMES[s.stage]}</b>
              <span>{s.date}</span>
              <Tag color={STATUS_COLOR[s.status]}>{STAGE_STATUS_NAMES[s.status]}</Tag>
            </Space>
            <div>{stageFacts(s)}</div>
            {s.note && <div style={{ color: '#555' }}>说明：{s.note}</div>}
            <Space wrap size={[12, 4]} style={{ margin: '4px 0' }}>
              {s.documents.map((d) => (
                <Space key={d.id} size={4}>
                  <span style={{ color: '#888' }}>{d.kind}</span>
                  <DocLink projectNo={project.projectNo} d={d} />
                </Space>
              ))}
            </Space>
            <div style={{ color: '#888', fontSize: 12 }}>
              录入：{s.enteredBy} {formatDateTime(s.enteredAt)}
              {s.decidedBy ? `；${s.status === 'approved' ? '审批' : '退回'}：${s.decidedBy} ${formatDateTime(s.decidedAt)}` : ''}
              {s.decisionNote ? `（${s.decisionNote}）` : ''}
            </div>
          </div>
        ),
      }))}
    />
  );
}

function Approval({ project, onDone }: { project: Project; onDone: (p: Project) => void }) {
  const { me } = useAuth();
  const s = project.stages.find((x) => x.status === 'pending');
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (v: { action: 'approve' | 'return' }) => projectsApi.decide(project.projectNo, s!.id, v.action, { note }),
    onSuccess: (p, v) => {
      setNote('');
      notify.success(v.action === 'approve' ? `“${STAGE_NAMES[s!.stage]}”已审批通过` : '已退回录入人');
      onDone(p);
    },
  });
  if (!s) return null;
  const ledger = LEDGER_STAGES[s.stage];
  const approve = () =>
    Modal.confirm({
      title: `审批通过“${STAGE_NAMES[s.stage]}”？`,
      content: <>通过后不能撤销{ledger ? `，项目台账的${ledger}将记为 ${s.date}，计入资金执行情况的${STAGE_NAMES[s.stage]}数` : ''}。</>,
      okText: '审批通过',
      cancelText: '再看看',
      onOk: () => decide.mutateAsync({ action: 'approve' }),
    });
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="pending-stage"
      message={
        <Space wrap>
          <b>待审批：{STAGE_NAMES[s.stage]}</b>
          <span>{s.date}</span>
          <span>{stageFacts(s)}</span>
        </Space>
      }
      description={
        <>
          <div style={{ marginBottom: 8 }}>
            由 {s.enteredBy} 于 {formatDateTime(s.enteredAt)} 提交；材料：{s.documents.map((d) => d.kind).join('、') || '无'}
          </div>
          {project.may.approve ? (
            <Space wrap>
              <Input
                placeholder="审批意见（退回时必填）"
                style={{ width: 320 }}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                data-testid="decision-note"
              />
              <Button type="primary" onClick={approve} loading={decide.isPending} data-testid="approve-stage">
                审批通过
              </Button>
              <Button danger disabled={!note.trim()} onClick={() => decide.mutate({ action: 'return' })} data-testid="return-stage">
                退回
              </Button>
            </Space>
          ) : (
            <span style={{ color: '#888' }}>{s.enteredById === me?.user.id ? '您是录入人，须由县中心另一名人员审批。' : '等待县中心审批。'}</span>
          )}
        </>
      }
    />
  );
}

export default function ProjectPage() {
  const { projectNo = '' } = useParams();
  const qc = useQueryClient();
  const { can } = useAuth();
  const [entering, setEntering] = useState(false);
  const key = ['projects', 'one', projectNo];
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => projectsApi.get(projectNo, signal) });
  const done = (p: Project) => {
    qc.setQueryData(key, p);
    setEntering(false);
    void qc.invalidateQueries({ queryKey: ['projects', 'list'] });
  };
  if (q.isLoading) return <Spin />;
  if (!q.data) return <Alert type="error" message={q.error?.message ?? '项目不存在'} />;
  const p = q.data;
  const current = p.stage ? STAGE_CODES.indexOf(p.stage) : -1;
  const pf = p.profile;
  return (
    <>
      <PageHeader
        title={
          <Space>
            {p.name}
            <StageBadge stage={p.stage} pending={p.pendingStage} />
            <AlertTags p={p} />
          </Space>
        }
        sub={
          <>
            <Link to="/funds/projects">后扶项目</Link> / {p.projectNo}
          </>
        }
        extra={
          p.may.enter &&
          !entering && (
            <Button type="primary" data-testid="enter-stage" onClick={() => setEntering(true)}>
              录入“{STAGE_NAMES[p.nextStage as StageCode]}”
            </Button>
          )
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Steps
          size="small"
          labelPlacement="vertical"
          current={p.pendingStage ? current + 1 : current}
          status={p.pendingStage ? 'process' : 'finish'}
          style={{ marginBottom: 16 }}
          items={STAGE_CODES.map((s, i) => ({
            title: STAGE_NAMES[s],
            description:
              p.stages.find((x) => x.stage === s && x.status === 'approved')?.date ??
              (i === current + 1 && p.pendingStage
                ? '待审批'
                : p.plans.find((x) => x.stage === s)
                  ? `计划 ${p.plans.find((x) => x.stage === s)!.plannedOn}`
                  : ''),
          }))}
        />
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label="项目编号">{p.projectNo}</Descriptions.Item>
          <Descriptions.Item label="年度 / 类别">
            {p.year}年 · {p.category}
          </Descriptions.Item>
          <Descriptions.Item label="乡镇 / 村">
            {p.townshipName || p.townshipCode} {p.villageName || p.villageCode}
            {pf?.keyVillage && (
              <Tag color="purple" style={{ marginLeft: 8 }}>
                重点移民村
              </Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label="计划投资">{formatYuan(p.plannedFen)}</Descriptions.Item>
          <Descriptions.Item label="资金来源">
            {pf ? `后扶资金 ${formatYuan(pf.supportFundFen)}，县级配套 ${formatYuan(pf.countyMatchFen)}，自筹 ${formatYuan(pf.selfRaisedFen)}` : '入库后填写'}
          </Descriptions.Item>
          <Descriptions.Item label="受益">
            {pf ? `${formatCount(pf.households)}户 ${formatCount(pf.persons)}人，其中后扶 ${formatCount(pf.supportPersons)}人` : '入库后填写'}
          </Descriptions.Item>
          <Descriptions.Item label="分管县领导">{p.leader ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="主管单位">{p.supervisingUnit ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="实施单位">{p.unit ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="台账日期">
            开工 {p.startedOn ?? '—'}，完工 {p.completedOn ?? '—'}，验收 {p.acceptedOn ?? '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Approval project={p} onDone={done} />
      {entering && (
        <Card
          size="small"
          title={`录入“${STAGE_NAMES[p.nextStage as StageCode]}”`}
          extra={<Button onClick={() => setEntering(false)}>取消</Button>}
          style={{ marginBottom: 12 }}
        >
          <StageForm project={p} onDone={done} />
        </Card>
      )}
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'history',
              label: `阶段记录（${p.stages.length}）`,
              children: p.stages.length ? (
                <History project={p} />
              ) : (
                <Typography.Text type="secondary">尚未入库。{p.may.enter ? '点右上角录入入库材料。' : ''}</Typography.Text>
              ),
            },
            { key: 'progress', label: `进度（${p.progress.length}）`, children: <Progress project={p} canReport={can('projects.enter')} onDone={done} /> },
            ...(can('funds.read') ? [{ key: 'money', label: '资金', children: <Money project={p} /> }] : []),
            { key: 'docs', label: `材料（${p.documents.length}）`, children: <Documents project={p} /> },
            {
              key: 'rect',
              label: `整改（${p.rectifications.filter((r) => !r.closedOn).length}/${p.rectifications.length}）`,
              children: <Rectifications project={p} canClose={can('projects.approve')} onDone={done} />,
            },
            { key: 'plans', label: '计划与任务分解', children: <Plans project={p} canPlan={p.may.plan} onDone={done} /> },
          ]}
        />
      </Card>
    </>
  );
}
