// 监测户详情: members (linked to the post-support register), risks with their removal steps,
// measures, visits, alerts and loans in tabs, and one timeline of everything.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Empty, Result, Row, Skeleton, Space, Table, Tabs, Tag, Timeline } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { formatYuan } from '../../../shared/format.ts';
import { UNMASK_ROLES, type Role } from '../../../../../src/auth/permissions.ts';
import { STATE_COLORS, monitoringApi, type HouseholdPage as Page, type RemovalStep } from '../api.ts';
import { RiskBadges } from './MonitoringPage.tsx';
import { MeasureForm, RiskForm, IncomeForm, RemovalForm, ReturnForm } from '../components/HouseholdForms.tsx';

type Risk = Page['risks'][number];
const TIMELINE_COLORS: Record<string, string> = {
  identified: 'blue',
  risk: 'red',
  removal: 'orange',
  measure: 'green',
  visit: 'gray',
  alert: 'purple',
  removed: 'green',
};

export default function MonitoredHouseholdPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { can, me } = useAuth();
  const qc = useQueryClient();
  const [unmask, setUnmask] = useState(false);
  const [dialog, setDialog] = useState<null | { kind: 'risk' | 'measure' | 'income' } | { kind: 'removal' | 'return'; risk: Risk }>(null);
  const q = useQuery({ queryKey: ['monitoring', 'household', id, unmask], queryFn: ({ signal }) => monitoringApi.household(id, unmask, signal) });
  const approve = useMutation({
    mutationFn: ({ risk, step }: { risk: Risk; step: RemovalStep }) => monitoringApi.approveRemoval(risk.id, step),
    onSuccess: (r, v) => {
      notify.success(
        v.step === 'township' ? '乡镇审核通过' : r.householdStatus === 'removed' ? '县级审定通过，该户全部风险已消除' : '县级审定通过，风险已消除',
      );
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
    },
  });
  if (q.isPending) return <Skeleton active />;
  if (q.isError) {
    const e = q.error as ApiError;
    return (
      <Result
        status={e.status === 404 ? '404' : e.status === 403 ? '403' : 'error'}
        title={e.message}
        extra={<Button onClick={() => navigate(-1)}>返回</Button>}
      />
    );
  }
  const p = q.data;
  const h = p.household;
  const level = (me?.user.regionCode.length ?? 0) === 9 ? 'township' : 'county';
  const done = () => {
    setDialog(null);
    void qc.invalidateQueries({ queryKey: ['monitoring'] });
  };
  const riskActions = (r: Risk) => (
    <Space size={4} wrap>
      {r.state === 'active' && can('monitoring.enter') && (
        <Button size="small" onClick={() => setDialog({ kind: 'removal', risk: r })} data-testid={`request-removal-${r.riskType}`}>
          申请消除
        </Button>
      )}
      {r.state === 'pending_township' && level === 'township' && can('monitoring.approve') && (
        <Button
          size="small"
          type="primary"
          loading={approve.isPending}
          onClick={() => approve.mutate({ risk: r, step: 'township' })}
          data-testid={`approve-township-${r.riskType}`}
        >
          乡镇审核通过
        </Button>
      )}
      {r.state === 'pending_county' && level === 'county' && can('monitoring.approve') && (
        <Button
          size="small"
          type="primary"
          loading={approve.isPending}
          onClick={() => approve.mutate({ risk: r, step: 'county' })}
          data-testid={`approve-county-${r.riskType}`}
        >
          县级审定通过
        </Button>
      )}
      {((r.state === 'pending_township' && level === 'township') || (r.state === 'pending_county' && level === 'county')) && can('monitoring.approve') && (
        <Button size="small" danger onClick={() => setDialog({ kind: 'return', risk: r })}>
          退回
        </Button>
      )}
    </Space>
  );
  return (
    <div>
      <PageHeader
        title={`监测户：${h.headName}`}
        sub={`${h.townshipName}${h.villageName} · ${h.categoryName} · ${h.identifiedHowName}识别于 ${h.identifiedOn}`}
        extra={
          <>
            {p.masked && me && UNMASK_ROLES.has(me.user.role as Role) && <Button onClick={() => setUnmask(true)}>显示完整信息（记入审计）</Button>}
            {can('monitoring.enter') && (
              <>
                <Button onClick={() => setDialog({ kind: 'risk' })} data-testid="add-risk">
                  新增风险
                </Button>
                <Button onClick={() => setDialog({ kind: 'measure' })} data-testid="add-measure">
                  新增帮扶措施
                </Button>
                <Button onClick={() => setDialog({ kind: 'income' })} data-testid="record-income">
                  录入收入
                </Button>
              </>
            )}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label="状态">
                <Tag color={h.status === 'removed' ? 'success' : 'warning'} data-testid="household-status">
                  {h.statusName}
                  {h.removedOn ? `（${h.removedOn}）` : ''}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label="人数">{h.people} 人</Descriptions.Item>
              <Descriptions.Item label="风险">
                <RiskBadges open={h.openRisks} all={h.riskTypes} />
              </Descriptions.Item>
              <Descriptions.Item label="人均纯收入">{h.incomeFen === null ? '未录入' : `${formatYuan(h.incomeFen)}（${h.incomeYear}年）`}</Descriptions.Item>
              <Descriptions.Item label="当年监测标准">{h.lineFen === null ? '未设置' : formatYuan(h.lineFen)}</Descriptions.Item>
              <Descriptions.Item label="帮扶责任人">
                {h.responsibleName} {h.responsiblePhone}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Tabs
            items={[
              {
                key: 'members',
                label: `家庭成员（${p.members.length}）`,
                children: (
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={p.members}
                    columns={[
                      { title: '姓名', dataIndex: 'name' },
                      { title: '与户主关系', dataIndex: 'relation' },
                      { title: '身份证号', dataIndex: 'idNumber' },
                      { title: '电话', dataIndex: 'phone' },
                      { title: '健康状况', dataIndex: 'healthNote' },
                      {
                        title: '后扶人口',
                        render: (_, m) =>
                          m.support ? (
                            <Link to={`/households/${encodeURIComponent(m.support.householdNo)}`}>
                              户编号 {m.support.householdNo}（{m.support.status}）
                            </Link>
                          ) : (
                            '—'
                          ),
                      },
                    ]}
                  />
                ),
              },
              {
                key: 'risks',
                label: `风险（${p.risks.length}）`,
                children: (
                  <Table<Risk>
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={p.risks}
                    data-testid="risk-table"
                    columns={[
                      { title: '风险类型', dataIndex: 'riskTypeName' },
                      {
                        title: '状态',
                        render: (_, r) => (
                          <Tag color={STATE_COLORS[r.state]} data-testid={`risk-state-${r.riskType}`}>
                            {r.stateName}
                          </Tag>
                        ),
                      },
                      { title: '识别日期', dataIndex: 'identifiedOn' },
                      {
                        title: '消除',
                        render: (_, r) =>
                          r.removalDate ? (
                            <span>
                              {r.removalDate}：{r.removalConditionNames.join('；')}。{r.removalNote}
                            </span>
                          ) : r.returnedNote ? (
                            <Tag color="red">已退回：{r.returnedNote}</Tag>
                          ) : (
                            '—'
                          ),
                      },
                      { title: '操作', render: (_, r) => riskActions(r) },
                    ]}
                  />
                ),
              },
              {
                key: 'measures',
                label: `帮扶措施（${p.measures.length}）`,
                children: (
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={p.measures}
                    data-testid="measure-table"
                    columns={[
                      { title: '类型', dataIndex: 'measureTypeName' },
                      { title: '内容', dataIndex: 'description' },
                      { title: '开始', dataIndex: 'startOn' },
                      { title: '结束', dataIndex: 'endOn' },
                      { title: '金额', dataIndex: 'amountFen', align: 'right', render: (v) => formatYuan(v) },
                    ]}
                  />
                ),
              },
              {
                key: 'visits',
                label: `走访（${p.visits.length}）`,
                children: p.visits.length ? (
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={p.visits}
                    columns={[
                      { title: '日期', dataIndex: 'visitedOn' },
                      { title: '排查任务', dataIndex: 'campaignName' },
                      { title: '走访人', dataIndex: 'visitor' },
                      {
                        title: '两不愁三保障及饮水安全',
                        render: (_, v) => (
                          <Space size={2} wrap>
                            {v.findings.map((f) => (
                              <Tag key={f.item} color={f.ok ? 'green' : 'red'} title={f.note}>
                                {f.label}
                                {f.ok ? '' : `：${f.note}`}
                              </Tag>
                            ))}
                          </Space>
                        ),
                      },
                    ]}
                  />
                ) : (
                  <Empty description="暂无走访记录" />
                ),
              },
              {
                key: 'alerts',
                label: `部门预警（${p.alerts.length}）`,
                children: p.alerts.length ? (
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={p.alerts}
                    columns={[
                      { title: '来源', dataIndex: 'sourceName' },
                      { title: '类型', dataIndex: 'alertTypeName' },
                      { title: '日期', dataIndex: 'alertDate' },
                      { title: '证据', dataIndex: 'evidence' },
                      { title: '处理', dataIndex: 'statusName' },
                    ]}
                  />
                ) : (
                  <Empty description="暂无部门预警" />
                ),
              },
              {
                key: 'loans',
                label: '小额信贷',
                children: !p.loans.available ? (
                  <Empty description="小额信贷台账尚未启用：启用后这里显示该户成员的贷款、余额和到期情况" data-testid="loans-empty" />
                ) : p.loans.items.length ? (
                  <Table
                    rowKey="loanNo"
                    size="small"
                    pagination={false}
                    dataSource={p.loans.items}
                    columns={[
                      { title: '贷款编号', dataIndex: 'loanNo' },
                      { title: '借款人', dataIndex: 'name' },
                      { title: '银行', dataIndex: 'bank' },
                      { title: '发放', dataIndex: 'issuedOn' },
                      { title: '到期', dataIndex: 'dueOn' },
                      { title: '金额', dataIndex: 'amountFen', render: (v) => formatYuan(v) },
                      { title: '余额', dataIndex: 'balanceFen', render: (v) => formatYuan(v) },
                      { title: '状态', dataIndex: 'status' },
                    ]}
                  />
                ) : (
                  <Empty description="该户成员没有小额信贷" />
                ),
              },
            ]}
          />
          {p.masked && (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 12 }}
              message="身份证号、电话和健康状况已遮蔽；有权限的角色可点击“显示完整信息”，每次查看记入审计日志。"
            />
          )}
        </Col>
        <Col xs={24} xl={8}>
          <Card title="时间线" size="small">
            <Timeline
              items={p.timeline.map((t) => ({
                color: TIMELINE_COLORS[t.kind],
                children: (
                  <div>
                    <b>{t.date}</b> {t.title}
                    <div style={{ color: '#666' }}>{t.detail}</div>
                  </div>
                ),
              }))}
              data-testid="timeline"
            />
          </Card>
        </Col>
      </Row>
      {dialog?.kind === 'risk' && <RiskForm householdId={h.id} onDone={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'measure' && <MeasureForm householdId={h.id} risks={p.risks} onDone={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'income' && <IncomeForm householdId={h.id} onDone={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'removal' && <RemovalForm risk={dialog.risk} onDone={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'return' && <ReturnForm risk={dialog.risk} onDone={done} onClose={() => setDialog(null)} />}
    </div>
  );
}
