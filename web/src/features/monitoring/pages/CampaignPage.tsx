// 全面排查: the campaign board (progress per village), a village's list of households with the
// visit form (两不愁三保障 and 饮水安全, yes/no with a note), and the problem ledger (动态清零).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Col, Form, Input, Modal, Progress, Radio, Row, Select, Space, Statistic, Table, Tabs, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { todayIso } from '../../../shared/format.ts';
import { VISIT_ITEMS, monitoringApi, type CampaignBody, type TargetList, type VisitBody } from '../api.ts';
import { VillagePicker } from '../components/IdentifyForm.tsx';

type Target = TargetList['targets'][number];

function NewCampaign({ onClose }: { onClose: (id?: number) => void }) {
  const [form] = Form.useForm<CampaignBody>();
  const m = useMutation({
    mutationFn: (v: CampaignBody) => monitoringApi.createCampaign(v),
    onSuccess: (r) => {
      notify.success('已建立排查任务和走访名单');
      onClose(r.id);
    },
  });
  const year = new Date().getFullYear();
  return (
    <Modal open title="新建排查任务" onCancel={() => onClose()} onOk={() => form.submit()} confirmLoading={m.isPending}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: `${year}年防返贫动态监测集中排查`, startOn: todayIso(), endOn: `${year}-12-31` }}
        onFinish={(v) => m.mutate(v)}
      >
        <Form.Item name="name" label="任务名称" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Space>
          <Form.Item name="startOn" label="开始日期" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="endOn" label="结束日期" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Space>
        <Form.Item name="villages" label="排查的村（监测户和后扶人口户全部列入名单）" rules={[{ required: true, message: '请选择村' }]}>
          <VillagePicker multiple />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function VisitForm({ target, onClose }: { target: Target; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      monitoringApi.recordVisit(target.id, {
        visitedOn: v.visitedOn as string,
        visitor: v.visitor as string,
        problemOwner: (v.problemOwner as string) || undefined,
        findings: Object.fromEntries(
          Object.keys(VISIT_ITEMS).map((k) => [k, { ok: v[`${k}_ok`] === true, note: (v[`${k}_note`] as string) || undefined }]),
        ) as VisitBody['findings'],
      }),
    onSuccess: (r) => {
      notify.success(r.problemIds.length ? `已录入走访，${r.problemIds.length} 个问题记入台账` : '已录入走访');
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
      onClose();
    },
  });
  return (
    <Modal open width={720} title={`走访：${target.headName}`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={m.isPending}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => m.mutate(v)}
        initialValues={{ visitedOn: todayIso(), ...Object.fromEntries(Object.keys(VISIT_ITEMS).map((k) => [`${k}_ok`, true])) }}
      >
        <Space>
          <Form.Item name="visitedOn" label="走访日期" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="visitor" label="走访人" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="problemOwner" label="问题整改责任人（默认走访人）">
            <Input />
          </Form.Item>
        </Space>
        {Object.entries(VISIT_ITEMS).map(([k, label]) => (
          <Space key={k} align="baseline" style={{ display: 'flex' }}>
            <span style={{ width: 130, display: 'inline-block' }}>{label}</span>
            <Form.Item name={`${k}_ok`} style={{ marginBottom: 8 }}>
              <Radio.Group
                options={[
                  { value: true, label: '是' },
                  { value: false, label: '否' },
                ]}
              />
            </Form.Item>
            <Form.Item name={`${k}_note`} style={{ marginBottom: 8, width: 360 }}>
              <Input placeholder="说明（选“否”时必填）" />
            </Form.Item>
          </Space>
        ))}
      </Form>
    </Modal>
  );
}

function Problems({ campaignId }: { campaignId: number }) {
  const qc = useQueryClient();
  const { can } = useAuth();
  const q = useQuery({ queryKey: ['monitoring', 'problems', campaignId], queryFn: ({ signal }) => monitoringApi.problems(campaignId, signal) });
  const clear = useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) => monitoringApi.clearProblem(id, { clearedOn: todayIso(), note }),
    onSuccess: () => {
      notify.success('已清零');
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
    },
  });
  const ask = (id: number) => {
    let note = '';
    Modal.confirm({
      title: '问题清零',
      content: (
        <Input.TextArea
          rows={3}
          placeholder="整改情况"
          onChange={(e) => {
            note = e.target.value;
          }}
        />
      ),
      onOk: () => clear.mutateAsync({ id, note }),
    });
  };
  return (
    <Table
      rowKey="id"
      size="small"
      loading={q.isPending}
      dataSource={q.data?.problems ?? []}
      columns={[
        { title: '村', dataIndex: 'villageName' },
        { title: '户主', dataIndex: 'headName' },
        { title: '问题', dataIndex: 'description' },
        { title: '责任人', dataIndex: 'owner' },
        {
          title: '整改期限',
          dataIndex: 'dueOn',
          render: (v, p) => (
            <span style={{ color: p.overdue ? '#cf1322' : undefined }}>
              {v}
              {p.overdue ? '（逾期）' : ''}
            </span>
          ),
        },
        {
          title: '状态',
          render: (_, p) =>
            p.status === 'cleared' ? (
              <Tag color="success" title={p.clearingNote}>
                已清零 {p.clearedOn}
              </Tag>
            ) : (
              <Tag color="error">未整改</Tag>
            ),
        },
        {
          title: '',
          render: (_, p) =>
            p.status === 'open' &&
            can('monitoring.enter') && (
              <Button size="small" onClick={() => ask(p.id)}>
                清零
              </Button>
            ),
        },
      ]}
    />
  );
}

export default function CampaignPage() {
  const { can } = useAuth();
  const qc = useQueryClient();
  const [chosen, setChosen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [village, setVillage] = useState<string | null>(null);
  const [visiting, setVisiting] = useState<Target | null>(null);
  const list = useQuery({ queryKey: ['monitoring', 'campaigns'], queryFn: ({ signal }) => monitoringApi.campaigns(signal) });
  const id = chosen ?? list.data?.campaigns[0]?.id ?? null;
  const board = useQuery({ queryKey: ['monitoring', 'campaign', id], enabled: !!id, queryFn: ({ signal }) => monitoringApi.campaign(id as number, signal) });
  const targets = useQuery({
    queryKey: ['monitoring', 'targets', id, village],
    enabled: !!id && !!village,
    queryFn: ({ signal }) => monitoringApi.targets(id as number, village as string, signal),
  });
  const t = board.data?.totals;
  return (
    <div>
      <PageHeader
        title="全面排查"
        sub="逐村逐户走访：两不愁三保障及饮水安全，问题台账动态清零"
        extra={
          <>
            <Select
              style={{ width: 300 }}
              value={id ?? undefined}
              onChange={(v) => {
                setChosen(v);
                setVillage(null);
              }}
              placeholder="选择排查任务"
              options={(list.data?.campaigns ?? []).map((c) => ({ value: c.id, label: `${c.name}${c.status === 'closed' ? '（已结束）' : ''}` }))}
            />
            {can('monitoring.enter') && (
              <Button type="primary" onClick={() => setCreating(true)}>
                新建排查任务
              </Button>
            )}
          </>
        }
      />
      {t && (
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col span={5}>
            <Card size="small">
              <Statistic title="应走访户数" value={t.targets} />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic
                title="已走访"
                value={t.visited}
                suffix={<Progress type="circle" size={28} percent={t.targets ? Math.round((t.visited / t.targets) * 100) : 0} />}
              />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title="发现问题" value={t.problems} />
            </Card>
          </Col>
          <Col span={5}>
            <Card size="small">
              <Statistic title="未清零" value={t.openProblems} valueStyle={{ color: t.openProblems ? '#cf1322' : '#3f8600' }} />
            </Card>
          </Col>
          <Col span={4}>
            <Card size="small">
              <Statistic title="逾期未清零" value={t.overdueProblems} />
            </Card>
          </Col>
        </Row>
      )}
      {id && (
        <Tabs
          items={[
            {
              key: 'board',
              label: '各村进度',
              children: (
                <Row gutter={16}>
                  <Col xs={24} xl={12}>
                    <Table
                      rowKey="villageCode"
                      size="small"
                      loading={board.isPending}
                      dataSource={board.data?.villages ?? []}
                      pagination={false}
                      data-testid="campaign-board"
                      onRow={(v) => ({
                        onClick: () => setVillage(v.villageCode),
                        style: { cursor: 'pointer', background: v.villageCode === village ? '#e6f4ff' : undefined },
                      })}
                      columns={[
                        { title: '乡镇', dataIndex: 'townshipName' },
                        { title: '村', dataIndex: 'villageName' },
                        { title: '应访', dataIndex: 'targets', align: 'right' },
                        {
                          title: '进度',
                          render: (_, v) => (
                            <Progress
                              percent={v.targets ? Math.round((v.visited / v.targets) * 100) : 0}
                              size="small"
                              format={() => `${v.visited}/${v.targets}`}
                            />
                          ),
                        },
                        { title: '问题', dataIndex: 'problems', align: 'right' },
                        {
                          title: '未清零',
                          dataIndex: 'openProblems',
                          align: 'right',
                          render: (n: number) => <span style={{ color: n ? '#cf1322' : undefined }}>{n}</span>,
                        },
                      ]}
                    />
                  </Col>
                  <Col xs={24} xl={12}>
                    {village ? (
                      <Card size="small" title="走访名单">
                        <Table<Target>
                          rowKey="id"
                          size="small"
                          loading={targets.isPending}
                          dataSource={targets.data?.targets ?? []}
                          pagination={{ pageSize: 15 }}
                          columns={[
                            {
                              title: '户主',
                              dataIndex: 'headName',
                              render: (v, x) => (x.monitoredHouseholdId ? <Link to={`/monitoring/households/${x.monitoredHouseholdId}`}>{v}</Link> : v),
                            },
                            { title: '类别', dataIndex: 'kindName' },
                            { title: '走访', dataIndex: 'visits', render: (n: number) => (n ? <Tag color="success">已访 {n} 次</Tag> : <Tag>未访</Tag>) },
                            { title: '问题', dataIndex: 'openProblems', render: (n: number) => (n ? <Tag color="error">{n} 个未清零</Tag> : '') },
                            {
                              title: '',
                              render: (_, x) =>
                                can('monitoring.enter') &&
                                board.data?.campaign.status === 'open' && (
                                  <Button size="small" onClick={() => setVisiting(x)}>
                                    录入走访
                                  </Button>
                                ),
                            },
                          ]}
                        />
                      </Card>
                    ) : (
                      <Card size="small">
                        <span style={{ color: '#888' }}>点击左侧的村查看走访名单</span>
                      </Card>
                    )}
                  </Col>
                </Row>
              ),
            },
            { key: 'problems', label: '问题台账', children: <Problems campaignId={id} /> },
          ]}
        />
      )}
      {creating && (
        <NewCampaign
          onClose={(newId) => {
            setCreating(false);
            if (newId) {
              setChosen(newId);
              void qc.invalidateQueries({ queryKey: ['monitoring'] });
            }
          }}
        />
      )}
      {visiting && <VisitForm target={visiting} onClose={() => setVisiting(null)} />}
    </div>
  );
}
