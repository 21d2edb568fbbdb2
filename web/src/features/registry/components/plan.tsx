// What an adjustment will change, told in Chinese (from the server's plan: errors, warnings, ops).
import { Alert, Card, List } from 'antd';
import type { ReactNode } from 'react';
import { PersonLink, RegionName } from '../../../shared/names.tsx';
// the server's one table of field labels (shared with the audit log)
import { FIELD_NAMES, type PlanOpView, type AdjustmentPlanView } from '../api.ts';

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    const a = v as { accountNo?: string; bankName?: string };
    if (a.accountNo) return `${a.accountNo} ${a.bankName ?? ''}`;
    return JSON.stringify(v);
  }
  return String(v);
}

function fields(o: Record<string, unknown>) {
  return Object.entries(o)
    .map(([k, v]) => `${FIELD_NAMES[k] ?? k}：${valueText(v)}`)
    .join('；');
}

/** A changed value: village codes by name. */
function valueNode(k: string, v: unknown): ReactNode {
  return k === 'villageCode' && typeof v === 'string' && v ? <RegionName code={v} withTownship /> : valueText(v);
}

function changes(op: { before: Record<string, unknown>; after: Record<string, unknown> }): ReactNode {
  return Object.keys(op.after).map((k, i) => (
    <span key={k}>
      {i > 0 && '；'}
      {FIELD_NAMES[k] ?? k} {valueNode(k, op.before[k])} → {valueNode(k, op.after[k])}
    </span>
  ));
}

/** One change that approval will write, in Chinese, people by name. */
export function opText(op: PlanOpView): ReactNode {
  switch (op.op) {
    case 'insertHousehold':
      return `新立户 ${op.householdNo}（${fields(op.after)}）`;
    case 'deleteHousehold':
      return `撤销户 ${op.householdNo}`;
    case 'updateHousehold':
      return (
        <>
          户 {op.householdNo}：{changes(op)}
        </>
      );
    case 'insertPerson':
      return `新增人员 ${String(op.after.name ?? '')}（${String(op.after.relation ?? '')}，户 ${String(op.after.householdNo ?? '')}）`;
    case 'updatePerson':
      return (
        <>
          <PersonLink id={op.personId} />：{changes(op)}
        </>
      );
  }
}

export function PlanView({ plan, title = '审批通过后将写入花名册的变更' }: { plan: AdjustmentPlanView; title?: string }) {
  return (
    <div style={{ marginTop: 12 }} data-testid="plan">
      {plan.errors.map((e) => (
        <Alert key={`e-${e}`} type="error" showIcon title={e} style={{ marginBottom: 4 }} data-testid="plan-error" />
      ))}
      {plan.warnings.map((w) => (
        <Alert key={`w-${w}`} type="warning" showIcon title={w} style={{ marginBottom: 4 }} />
      ))}
      {plan.ops.length > 0 && (
        <Card size="small" title={title} style={{ marginTop: 8 }}>
          <List size="small" dataSource={plan.ops} renderItem={(op) => <List.Item>{opText(op)}</List.Item>} />
        </Card>
      )}
    </div>
  );
}
