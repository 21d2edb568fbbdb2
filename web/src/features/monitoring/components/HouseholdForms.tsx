// The small forms of the household page: a risk, a measure, the income, a removal request
// (date, conditions, note) and a return.
import type { ReactNode } from 'react';
import { Alert, Checkbox, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../../shared/notify.ts';
import { todayIso } from '../../../shared/format.ts';
import {
  MEASURE_TYPES,
  REMOVAL_CONDITIONS,
  REQUIRED_CONDITIONS,
  RISK_TYPES,
  monitoringApi,
  yuanToFen,
  type HouseholdPage,
  type MeasureBody,
  type RemovalBody,
  type RiskBody,
} from '../api.ts';

type Risk = HouseholdPage['risks'][number];
const DATE = { pattern: /^\d{4}-\d{2}-\d{2}$/, message: '日期应为YYYY-MM-DD' };
const YUAN = {
  validator: (_: unknown, v: string) =>
    v === undefined || v === '' || yuanToFen(v) !== null ? Promise.resolve() : Promise.reject(new Error('金额为元，最多两位小数')),
};

function FormModal<T extends object>({
  title,
  initial,
  submit,
  onDone,
  onClose,
  children,
  testId,
}: {
  title: string;
  initial: Partial<T>;
  submit: (v: T) => Promise<unknown>;
  onDone: () => void;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}) {
  const [form] = Form.useForm<T>();
  const m = useMutation({
    mutationFn: submit,
    onSuccess: () => {
      notify.success('已保存');
      onDone();
    },
  });
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={m.isPending}
      okButtonProps={{ 'data-testid': `${testId}-submit` } as never}
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={initial as never} onFinish={(v) => m.mutate(v)} data-testid={testId}>
        {children}
      </Form>
    </Modal>
  );
}

export function RiskForm({ householdId, onDone, onClose }: { householdId: number; onDone: () => void; onClose: () => void }) {
  return (
    <FormModal<RiskBody>
      title="新增风险"
      testId="risk-form"
      initial={{ identifiedOn: todayIso() }}
      onDone={onDone}
      onClose={onClose}
      submit={(v) => monitoringApi.addRisk(householdId, v)}
    >
      <Form.Item name="riskType" label="风险类型" rules={[{ required: true, message: '请选择风险类型' }]}>
        <Select options={Object.entries(RISK_TYPES).map(([value, label]) => ({ value, label }))} data-testid="risk-type" />
      </Form.Item>
      <Form.Item name="identifiedOn" label="识别日期" rules={[{ required: true }, DATE]}>
        <Input />
      </Form.Item>
      <Form.Item name="note" label="情况说明">
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormModal>
  );
}

export function MeasureForm({ householdId, risks, onDone, onClose }: { householdId: number; risks: Risk[]; onDone: () => void; onClose: () => void }) {
  return (
    <FormModal<Omit<MeasureBody, 'amountFen'> & { amountYuan?: string }>
      title="新增帮扶措施"
      testId="measure-form"
      initial={{ startOn: todayIso() }}
      onDone={onDone}
      onClose={onClose}
      submit={(v) =>
        monitoringApi.addMeasure(householdId, {
          measureType: v.measureType,
          riskId: v.riskId ?? null,
          description: v.description,
          startOn: v.startOn,
          endOn: v.endOn || null,
          amountFen: v.amountYuan ? (yuanToFen(v.amountYuan) ?? 0) : 0,
        })
      }
    >
      <Form.Item name="measureType" label="措施类型" rules={[{ required: true, message: '请选择措施类型' }]}>
        <Select options={Object.entries(MEASURE_TYPES).map(([value, label]) => ({ value, label }))} data-testid="measure-type" />
      </Form.Item>
      <Form.Item name="riskId" label="针对的风险">
        <Select allowClear options={risks.filter((r) => r.state !== 'removed').map((r) => ({ value: r.id, label: r.riskTypeName }))} />
      </Form.Item>
      <Form.Item name="description" label="措施内容" rules={[{ required: true, message: '请填写措施内容' }]}>
        <Input data-testid="measure-description" />
      </Form.Item>
      <Form.Item name="startOn" label="开始日期" rules={[{ required: true }, DATE]}>
        <Input />
      </Form.Item>
      <Form.Item name="endOn" label="结束日期" rules={[DATE]}>
        <Input placeholder="可不填" />
      </Form.Item>
      <Form.Item name="amountYuan" label="金额（元）" rules={[YUAN]}>
        <Input data-testid="measure-amount" />
      </Form.Item>
    </FormModal>
  );
}

export function IncomeForm({ householdId, onDone, onClose }: { householdId: number; onDone: () => void; onClose: () => void }) {
  return (
    <FormModal<{ year: number; incomeYuan: string }>
      title="录入家庭人均纯收入"
      testId="income-form"
      initial={{ year: new Date().getFullYear() }}
      onDone={onDone}
      onClose={onClose}
      submit={(v) => monitoringApi.recordIncome(householdId, { year: v.year, incomeFen: yuanToFen(v.incomeYuan) ?? 0 })}
    >
      <Form.Item name="year" label="年度" rules={[{ required: true }]}>
        <InputNumber min={2000} max={2100} />
      </Form.Item>
      <Form.Item name="incomeYuan" label="人均纯收入（元）" rules={[{ required: true, message: '请填写收入' }, YUAN]}>
        <Input data-testid="income-yuan" />
      </Form.Item>
    </FormModal>
  );
}

export function RemovalForm({ risk, onDone, onClose }: { risk: Risk; onDone: () => void; onClose: () => void }) {
  return (
    <FormModal<RemovalBody>
      title={`申请风险消除：${risk.riskTypeName}`}
      testId="removal-form"
      initial={{ removalDate: todayIso(), conditions: [] }}
      onDone={onDone}
      onClose={onClose}
      submit={(v) => monitoringApi.requestRemoval(risk.id, v)}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message={`须满足：${REQUIRED_CONDITIONS.map((c) => REMOVAL_CONDITIONS[c]).join('；')}。提交后由乡镇审核、县级审定，录入人不能审核。`}
      />
      <Form.Item name="removalDate" label="消除日期" rules={[{ required: true }, DATE]}>
        <Input />
      </Form.Item>
      <Form.Item name="conditions" label="满足的条件" rules={[{ required: true, message: '请勾选满足的条件' }]}>
        <Checkbox.Group
          options={Object.entries(REMOVAL_CONDITIONS).map(([value, label]) => ({ value, label }))}
          style={{ display: 'grid', gap: 4 }}
          data-testid="removal-conditions"
        />
      </Form.Item>
      <Form.Item name="note" label="情况说明（核实了什么、依据是什么）" rules={[{ required: true, message: '请填写情况说明' }]}>
        <Input.TextArea rows={3} data-testid="removal-note" />
      </Form.Item>
    </FormModal>
  );
}

export function ReturnForm({ risk, onDone, onClose }: { risk: Risk; onDone: () => void; onClose: () => void }) {
  return (
    <FormModal<{ reason: string }>
      title={`退回风险消除申请：${risk.riskTypeName}`}
      testId="return-form"
      initial={{}}
      onDone={onDone}
      onClose={onClose}
      submit={(v) => monitoringApi.returnRemoval(risk.id, v)}
    >
      <Form.Item name="reason" label="退回原因" rules={[{ required: true, message: '请填写退回原因' }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
    </FormModal>
  );
}
