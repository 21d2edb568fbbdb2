// 部门预警: upload an office's file (rejected rows listed with row, column, reason), the inbox
// of matched alerts with their evidence, and the decision that closes each one.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../../shared/auth.tsx';
import { notify } from '../../../shared/notify.ts';
import { PageHeader } from '../../../shared/ui.tsx';
import { formatYuan } from '../../../shared/format.ts';
import { ALERT_SOURCES, ALERT_STATUSES, CATEGORIES, MATCH_KINDS, monitoringApi, type AlertView, type DecisionBody, type ImportResult } from '../api.ts';
import { VillagePicker } from '../components/IdentifyForm.tsx';

const MATCH_COLORS: Record<string, string> = { monitored: 'orange', support: 'blue', none: 'default' };

function ImportCard() {
  const qc = useQueryClient();
  const [source, setSource] = useState<string>('medical');
  const [result, setResult] = useState<ImportResult | null>(null);
  const up = useMutation({
    mutationFn: (file: File) => monitoringApi.importAlerts(source, file),
    onSuccess: (r) => {
      setResult(r);
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
    },
  });
  return (
    <Card size="small" title="导入部门预警数据" style={{ marginBottom: 16 }}>
      <Space wrap>
        <Select
          value={source}
          onChange={setSource}
          style={{ width: 120 }}
          options={Object.entries(ALERT_SOURCES).map(([value, label]) => ({ value, label }))}
        />
        <Upload
          accept=".csv,.xlsx"
          showUploadList={false}
          beforeUpload={(f) => {
            up.mutate(f);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={up.isPending}>
            选择文件（CSV 或 xlsx）
          </Button>
        </Upload>
        <span style={{ color: '#888' }}>列：身份证号、姓名、预警类型（必填），来源、金额、日期、说明、村代码（可选）</span>
      </Space>
      {result && (
        <div style={{ marginTop: 12 }}>
          <Alert
            type={result.rejected ? 'warning' : 'success'}
            showIcon
            message={
              result.duplicate
                ? '同一文件已导入过，本次未作任何改动'
                : `共 ${result.rows} 行：接受 ${result.accepted} 行（监测户 ${result.matched.monitored}，后扶人口 ${result.matched.support}，未在册 ${result.matched.none}），拒绝 ${result.rejected} 行`
            }
            description={result.warnings.join('；') || undefined}
          />
          {result.problems.length > 0 && (
            <Table
              size="small"
              rowKey={(p) => `${p.rowNumber}-${p.column}`}
              style={{ marginTop: 8 }}
              dataSource={result.problems}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: '行号', dataIndex: 'rowNumber', width: 80 },
                { title: '列', dataIndex: 'column', width: 100 },
                { title: '原因', dataIndex: 'reason' },
              ]}
            />
          )}
        </div>
      )}
    </Card>
  );
}

function DecisionModal({ alert, onClose }: { alert: AlertView; onClose: () => void }) {
  const [form] = Form.useForm<DecisionBody>();
  const qc = useQueryClient();
  const decision = Form.useWatch('decision', form);
  const m = useMutation({
    mutationFn: (v: DecisionBody) => monitoringApi.decideAlert(alert.id, v),
    onSuccess: () => {
      notify.success('已研判');
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
      onClose();
    },
  });
  const newHousehold = decision === 'include' && alert.matchKind !== 'monitored';
  return (
    <Modal
      open
      title={`预警研判：${alert.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={m.isPending}
      okButtonProps={{ 'data-testid': 'decision-submit' } as never}
    >
      <p style={{ color: '#555' }}>{alert.evidence}</p>
      <Form form={form} layout="vertical" initialValues={{ decision: 'include' }} onFinish={(v) => m.mutate(v)}>
        <Form.Item name="decision" label="研判结论">
          <Select
            options={[
              { value: 'include', label: alert.matchKind === 'monitored' ? '纳入监测（该户新增风险）' : '纳入监测（识别为监测户）' },
              { value: 'exclude', label: '不纳入' },
            ]}
          />
        </Form.Item>
        {newHousehold && (
          <>
            <Form.Item name="category" label="监测对象类别" rules={[{ required: true, message: '请选择类别' }]}>
              <Select options={Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="responsibleName" label="帮扶责任人" rules={[{ required: true, message: '请填写帮扶责任人' }]}>
              <Input />
            </Form.Item>
            {!alert.villageCode && (
              <Form.Item name="villageCode" label="所在村" rules={[{ required: true, message: '请选择村' }]}>
                <VillagePicker />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="reason" label={decision === 'exclude' ? '不纳入理由' : '研判意见'} rules={[{ required: true, message: '请填写' }]}>
          <Input.TextArea rows={3} data-testid="decision-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function AlertsPage() {
  const { can } = useAuth();
  const [filter, setFilter] = useState<{ status?: string; matchKind?: string; source?: string }>({ status: 'open' });
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<AlertView | null>(null);
  const q = useQuery({
    queryKey: ['monitoring', 'alerts', filter, page],
    queryFn: ({ signal }) => monitoringApi.alerts({ ...filter, page, pageSize: 20 }, signal),
  });
  const count = (status: string) => (q.data?.counts ?? []).filter((c) => c.status === status).reduce((s, c) => s + c.n, 0);
  return (
    <div>
      <PageHeader
        title="部门预警"
        sub={`医保、残联、民政、教育、住建等部门数据比对监测户和后扶人口 · 待研判 ${count('open')} 条，已纳入 ${count('included')} 条，不纳入 ${count('excluded')} 条`}
      />
      {can('monitoring.enter') && <ImportCard />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder="处理状态"
          style={{ width: 120 }}
          value={filter.status}
          onChange={(v) => {
            setFilter({ ...filter, status: v });
            setPage(1);
          }}
          options={Object.entries(ALERT_STATUSES).map(([value, label]) => ({ value, label }))}
        />
        <Select
          allowClear
          placeholder="比对结果"
          style={{ width: 170 }}
          value={filter.matchKind}
          onChange={(v) => {
            setFilter({ ...filter, matchKind: v });
            setPage(1);
          }}
          options={Object.entries(MATCH_KINDS).map(([value, label]) => ({ value, label }))}
        />
        <Select
          allowClear
          placeholder="来源部门"
          style={{ width: 120 }}
          value={filter.source}
          onChange={(v) => {
            setFilter({ ...filter, source: v });
            setPage(1);
          }}
          options={Object.entries(ALERT_SOURCES).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <Table<AlertView>
        rowKey="id"
        size="small"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        data-testid="alert-inbox"
        pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号', dataIndex: 'idNumber' },
          { title: '来源 / 类型', render: (_, a) => `${a.sourceName} · ${a.alertTypeName}` },
          { title: '日期', dataIndex: 'alertDate' },
          { title: '金额', dataIndex: 'amountFen', render: (v) => (v === null ? '—' : formatYuan(v)) },
          { title: '比对结果', render: (_, a) => <Tag color={MATCH_COLORS[a.matchKind]}>{a.matchKindName}</Tag> },
          { title: '村', dataIndex: 'villageName' },
          { title: '证据', dataIndex: 'evidence', width: 360 },
          {
            title: '处理',
            render: (_, a) =>
              a.status !== 'open' ? (
                <span>
                  {a.statusName}
                  {a.monitoredHouseholdId ? (
                    <>
                      {' '}
                      · <Link to={`/monitoring/households/${a.monitoredHouseholdId}`}>监测户</Link>
                    </>
                  ) : null}
                  <div style={{ color: '#888' }}>{a.decisionReason}</div>
                </span>
              ) : can('monitoring.enter') ? (
                <Button size="small" type="primary" onClick={() => setDeciding(a)}>
                  研判
                </Button>
              ) : (
                a.statusName
              ),
          },
        ]}
      />
      {deciding && <DecisionModal alert={deciding} onClose={() => setDeciding(null)} />}
    </div>
  );
}
