// 动态调整: 录入 (form), 待审批 (county: approve / return with a note), 我的提交 (withdraw),
// 全部. Lists from GET /api/registry/adjustments; decisions POST /:id/approve|return|withdraw.
import { useState } from 'react';
import { useSearchParams, Link } from 'react-router-dom';
import { Button, Card, Descriptions, Drawer, Input, Modal, Upload, Select, Space, Table, Tabs, Tag, Typography, Alert } from 'antd';
import type { TableColumnsType } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { download, errorMessage } from '../../../shared/api.ts';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { formatDate, formatDateTime } from '../../../shared/format.ts';
import { ADJUSTMENT_STATUS, AdjustmentStatusTag, PageHeader } from '../../../shared/ui.tsx';
import { KIND_NAMES, registryApi, type AdjustmentItemView, type AdjustmentKind, type AdjustmentStatus } from '../api.ts';
import { AdjustmentForm } from '../components/AdjustmentForm.tsx';
import { PlanView } from '../components/plan.tsx';
import { PersonLink, RegionName } from '../../../shared/names.tsx';

type ListMode = 'queue' | 'mine' | 'all';

/** The evidence described in words, kept in the request the adjustment was entered with. */
const evidenceNoteOf = (a: AdjustmentItemView) => (typeof a.payload.evidenceNote === 'string' ? a.payload.evidenceNote : '');

function AdjustmentTable({ mode, onOpen }: { mode: ListMode; onOpen: (id: number) => void }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<string>(mode === 'queue' ? 'pending' : '');
  const [kind, setKind] = useState<string>('');
  const { me } = useAuth();
  // the server lists by region; "mine" is the user's own among the newest 200 of the region
  const mine = mode === 'mine';
  const query = { status: mode === 'queue' ? 'pending' : status, kind, page: mine ? 1 : page, pageSize: mine ? 200 : 20 };
  const list = useQuery({
    queryKey: ['adjustments', mode, query],
    queryFn: ({ signal }) => registryApi.adjustments(query, signal),
    placeholderData: keepPreviousData,
  });
  const rows = mine ? (list.data?.items ?? []).filter((a) => a.enteredBy === me?.user.id) : (list.data?.items ?? []);
  const columns: TableColumnsType<AdjustmentItemView> = [
    { title: '编号', dataIndex: 'id', width: 70, render: (id: number) => <Typography.Link onClick={() => onOpen(id)}>#{id}</Typography.Link> },
    { title: '类型', dataIndex: 'kind', width: 90, render: (k: AdjustmentKind) => <Tag>{KIND_NAMES[k] ?? k}</Tag> },
    { title: '内容', dataIndex: 'summary' },
    { title: '原因', dataIndex: 'reason', width: 110 },
    { title: '生效日期', dataIndex: 'effectiveDate', width: 110, render: formatDate },
    { title: '录入人', dataIndex: 'enteredByName', width: 100 },
    { title: '录入时间', dataIndex: 'enteredAt', width: 160, render: formatDateTime },
    { title: '状态', dataIndex: 'status', width: 90, render: (s: AdjustmentStatus) => <AdjustmentStatusTag status={s} /> },
    {
      title: '',
      key: 'op',
      width: 80,
      render: (_: unknown, a) => (
        <Button size="small" type={mode === 'queue' ? 'primary' : 'default'} onClick={() => onOpen(a.id)} data-testid={`open-adjustment-${a.id}`}>
          {mode === 'queue' ? '审批' : '查看'}
        </Button>
      ),
    },
  ];
  return (
    <div>
      <Space style={{ marginBottom: 12 }} wrap>
        {mode !== 'queue' && (
          <Select
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            style={{ width: 130 }}
            options={[{ value: '', label: '全部状态' }, ...Object.entries(ADJUSTMENT_STATUS).map(([k, v]) => ({ value: k, label: v.label }))]}
          />
        )}
        <Select
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          style={{ width: 130 }}
          options={[{ value: '', label: '全部类型' }, ...Object.entries(KIND_NAMES).map(([k, v]) => ({ value: k, label: v }))]}
        />
      </Space>
      <Table<AdjustmentItemView>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={list.isFetching}
        scroll={{ x: 1000 }}
        pagination={
          mine
            ? { pageSize: 20, showTotal: (t) => `共 ${t} 件` }
            : { current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 件` }
        }
        data-testid={`adjustments-${mode}`}
      />
    </div>
  );
}

function AdjustmentDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const qc = useQueryClient();
  const { me, can } = useAuth();
  const [note, setNote] = useState('');
  const q = useQuery({
    queryKey: ['adjustments', 'one', id],
    queryFn: ({ signal }) => registryApi.adjustment(id!, signal),
    enabled: id !== null,
  });
  const decide = useMutation({
    mutationFn: ({ action, note }: { action: 'approve' | 'return' | 'withdraw'; note?: string }) =>
      ({ approve: registryApi.approveAdjustment, return: registryApi.returnAdjustment, withdraw: registryApi.withdrawAdjustment })[action](id!, note ?? ''),
    onSuccess: (_a, v) => {
      void qc.invalidateQueries({ queryKey: ['adjustments'] });
      void qc.invalidateQueries({ queryKey: ['registry'] });
      notify.success({ approve: '已审批通过，变更已写入花名册', return: '已退回', withdraw: '已撤回' }[v.action]);
      setNote('');
      onClose();
    },
  });
  const a = q.data?.adjustment;
  const plan = q.data?.preview;
  const files = q.data?.files ?? [];
  const mayApprove = can('adjustment.approve') && a?.status === 'pending';
  const mayAddFiles = can('adjustment.enter') && (a?.status === 'pending' || a?.status === 'returned');
  const [evidence, setEvidence] = useState<string | null>(null);
  const addFile = useMutation({
    mutationFn: (f: File) => registryApi.addAdjustmentFile(id!, f),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['adjustments'] });
      notify.success('佐证材料已上传');
    },
  });
  // a returned adjustment goes back to the queue with the added evidence / explanation
  const resubmit = useMutation({
    mutationFn: () => registryApi.resubmitAdjustment(id!, { ...a!.payload, evidenceNote: evidence ?? evidenceNoteOf(a!) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['adjustments'] });
      void qc.invalidateQueries({ queryKey: ['registry'] });
      notify.success('已重新提交审批');
      setEvidence(null);
    },
  });
  const mayWithdraw = a?.status === 'pending' && a.enteredBy === me?.user.id;

  function askReturn() {
    if (!note.trim()) {
      notify.error('退回时请填写退回意见');
      return;
    }
    decide.mutate({ action: 'return', note });
  }

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={640}
      title={a ? `调整单 #${a.id} · ${KIND_NAMES[a.kind] ?? a.kind}` : '调整单'}
      destroyOnHidden
      data-testid="adjustment-drawer"
    >
      {a && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="状态">
              <AdjustmentStatusTag status={a.status} />
            </Descriptions.Item>
            <Descriptions.Item label="内容">{a.summary ?? '—'}</Descriptions.Item>
            {a.personIds.length > 0 && (
              <Descriptions.Item label="人员">
                {a.personIds.map((pid, i) => (
                  <span key={pid}>
                    {i > 0 && '、'}
                    <PersonLink id={pid} />
                  </span>
                ))}
              </Descriptions.Item>
            )}
            {a.townshipCode && (
              <Descriptions.Item label="乡镇">
                <RegionName code={a.townshipCode} />
              </Descriptions.Item>
            )}
            {a.householdNo && (
              <Descriptions.Item label="户编号">
                <Link to={`/households/${encodeURIComponent(a.householdNo)}`}>{a.householdNo}</Link>
              </Descriptions.Item>
            )}
            <Descriptions.Item label="原因">{a.reason || '—'}</Descriptions.Item>
            <Descriptions.Item label="生效日期">{formatDate(a.effectiveDate)}</Descriptions.Item>
            <Descriptions.Item label="佐证说明">{evidenceNoteOf(a) || '—'}</Descriptions.Item>
            <Descriptions.Item label="备注">{a.remarks || '—'}</Descriptions.Item>
            <Descriptions.Item label="录入">
              {a.enteredByName || a.enteredBy} · {formatDateTime(a.enteredAt)}
            </Descriptions.Item>
            {a.decidedAt && (
              <Descriptions.Item label={a.status === 'pending' ? '上次审批（退回）' : '审批'}>
                {a.decidedByName || a.decidedBy} · {formatDateTime(a.decidedAt)}
              </Descriptions.Item>
            )}
            {a.decisionNote && <Descriptions.Item label={a.status === 'pending' ? '上次审批意见' : '审批意见'}>{a.decisionNote}</Descriptions.Item>}
          </Descriptions>
          {a.warnings.map((w) => (
            <Alert key={`aw-${w}`} type="warning" showIcon title={w} style={{ marginTop: 8 }} />
          ))}
          {plan && <PlanView plan={plan} />}
          <Card size="small" title="佐证材料" style={{ marginTop: 12 }}>
            {files.length ? (
              files.map((f) => (
                <div key={f.id}>
                  <Typography.Link
                    onClick={() => download(`/registry/adjustments/${a.id}/files/${f.id}`, undefined, f.filename).catch((e) => notify.error(errorMessage(e)))}
                  >
                    {f.filename}
                  </Typography.Link>
                  <Typography.Text type="secondary"> （{Math.ceil(f.size / 1024)} KB）</Typography.Text>
                </div>
              ))
            ) : (
              <Typography.Text type="secondary">无上传文件</Typography.Text>
            )}
          </Card>
          {mayAddFiles && (
            <Card size="small" style={{ marginTop: 12 }} title={a.status === 'returned' ? '补充材料后重新提交' : '补传佐证材料'}>
              <Upload
                beforeUpload={(f) => {
                  addFile.mutate(f);
                  return false;
                }}
                showUploadList={false}
              >
                <Button icon={<UploadOutlined />} loading={addFile.isPending}>
                  上传文件
                </Button>
              </Upload>
              {a.status === 'returned' && a.enteredBy === me?.user.id && (
                <div style={{ marginTop: 8 }}>
                  <Input
                    placeholder="佐证说明"
                    value={evidence ?? evidenceNoteOf(a)}
                    onChange={(e) => setEvidence(e.target.value)}
                    style={{ marginBottom: 8 }}
                  />
                  <Button type="primary" loading={resubmit.isPending} onClick={() => resubmit.mutate()}>
                    重新提交审批
                  </Button>
                </div>
              )}
            </Card>
          )}
          {(mayApprove || mayWithdraw) && (
            <Card size="small" style={{ marginTop: 12 }}>
              {mayApprove && (
                <>
                  <Input.TextArea
                    rows={2}
                    placeholder="审批意见（退回时必填）"
                    value={note}
                    onChange={(e) => setNote(e.target.value)}
                    style={{ marginBottom: 8 }}
                    data-testid="decision-note"
                  />
                  <Space>
                    <Button
                      type="primary"
                      loading={decide.isPending}
                      data-testid="approve"
                      disabled={!!plan?.errors.length}
                      title={plan?.errors.length ? '存在上面列出的问题，不能通过，可退回' : undefined}
                      onClick={() =>
                        Modal.confirm({
                          title: '审批通过？',
                          content: '通过后变更立即写入花名册，并记入该人员的变更历史。',
                          okText: '通过',
                          cancelText: '取消',
                          onOk: () => decide.mutateAsync({ action: 'approve', note }),
                        })
                      }
                    >
                      审批通过
                    </Button>
                    <Button danger loading={decide.isPending} onClick={askReturn} data-testid="return">
                      退回
                    </Button>
                  </Space>
                </>
              )}
              {mayWithdraw && !mayApprove && (
                <Button onClick={() => decide.mutate({ action: 'withdraw' })} loading={decide.isPending}>
                  撤回
                </Button>
              )}
              {mayWithdraw && mayApprove && (
                <Button type="link" onClick={() => decide.mutate({ action: 'withdraw' })}>
                  撤回（本人提交）
                </Button>
              )}
            </Card>
          )}
        </>
      )}
    </Drawer>
  );
}

export default function AdjustmentsPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const newKind = params.get('new') as AdjustmentKind | null;
  const openId = params.get('open');
  const canEnter = can('adjustment.enter');
  const canApprove = can('adjustment.approve');
  const defaultTab = newKind && canEnter ? 'new' : canApprove ? 'queue' : canEnter ? 'mine' : 'all';
  const tab = params.get('tab') ?? defaultTab;
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const open = (id: number | null) => set({ open: id === null ? null : String(id) });

  const items = [
    canEnter && {
      key: 'new',
      label: '录入调整',
      children: (
        <AdjustmentForm
          key={`${newKind}-${params.get('person')}-${params.get('household')}`}
          initialKind={newKind ?? undefined}
          personId={params.get('person') ? Number(params.get('person')) : undefined}
          householdNo={params.get('household') ?? undefined}
          onDone={(a) => set({ tab: 'mine', new: null, person: null, household: null, open: String(a.id) })}
        />
      ),
    },
    canApprove && { key: 'queue', label: '待审批', children: <AdjustmentTable mode="queue" onOpen={open} /> },
    canEnter && { key: 'mine', label: '我的提交', children: <AdjustmentTable mode="mine" onOpen={open} /> },
    { key: 'all', label: '全部调整', children: <AdjustmentTable mode="all" onOpen={open} /> },
  ].filter(Boolean) as { key: string; label: string; children: React.ReactNode }[];

  return (
    <div>
      <PageHeader title="动态调整" sub="乡镇录入核增、核减和户变更，县中心审批；审批通过后写入花名册并留下完整历史" />
      <Card size="small">
        <Tabs activeKey={tab} onChange={(k) => set({ tab: k })} items={items} destroyOnHidden />
      </Card>
      <AdjustmentDrawer id={openId ? Number(openId) : null} onClose={() => open(null)} />
    </div>
  );
}
