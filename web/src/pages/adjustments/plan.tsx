// What an adjustment will change, told in Chinese (from the server's plan: errors, warnings, ops).
import { Alert, Card, List } from 'antd';
import type { Plan, PlanOp } from '../../shared/types.ts';

const FIELD_NAMES: Record<string, string> = {
  householdNo: '户编号', idNumber: '身份证号', idNumberRaw: '身份证号（原文）', idValid: '身份证号有效', name: '姓名', sex: '性别', birthDate: '出生日期',
  relation: '与户主关系', villageCode: '村代码', townshipName: '乡镇', villageName: '村', groupName: '组', category: '人口类别', reservoir: '所属水库',
  moveDate: '搬迁日期', supportStart: '扶持开始日期', supportEnd: '扶持截止日期', status: '状态', removalDate: '核减日期', removalReason: '核减原因',
  phone: '联系电话', account: '银行账号',
};

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
  return Object.entries(o).map(([k, v]) => `${FIELD_NAMES[k] ?? k}：${valueText(v)}`).join('；');
}

/** One change that approval will write, in Chinese. */
export function opText(op: PlanOp): string {
  switch (op.op) {
    case 'insertHousehold': return `新立户 ${op.householdNo}（${fields(op.after)}）`;
    case 'deleteHousehold': return `撤销户 ${op.householdNo}`;
    case 'updateHousehold': return `户 ${op.householdNo}：` + Object.keys(op.after).map((k) => `${FIELD_NAMES[k] ?? k} ${valueText(op.before[k])} → ${valueText(op.after[k])}`).join('；');
    case 'insertPerson': return `新增人员 ${String(op.after.name ?? '')}（${String(op.after.relation ?? '')}，户 ${String(op.after.householdNo ?? '')}）`;
    case 'updatePerson': return `人员 #${op.personId}：` + Object.keys(op.after).map((k) => `${FIELD_NAMES[k] ?? k} ${valueText(op.before[k])} → ${valueText(op.after[k])}`).join('；');
  }
}

export function PlanView({ plan, title = '审批通过后将写入花名册的变更' }: { plan: Plan; title?: string }) {
  return (
    <div style={{ marginTop: 12 }} data-testid="plan">
      {plan.errors.map((e, i) => <Alert key={'e' + i} type="error" showIcon title={e} style={{ marginBottom: 4 }} data-testid="plan-error" />)}
      {plan.warnings.map((w, i) => <Alert key={'w' + i} type="warning" showIcon title={w} style={{ marginBottom: 4 }} />)}
      {plan.ops.length > 0 && (
        <Card size="small" title={title} style={{ marginTop: 8 }}>
          <List size="small" dataSource={plan.ops} renderItem={(op) => <List.Item>{opText(op)}</List.Item>} />
        </Card>
      )}
    </div>
  );
}
