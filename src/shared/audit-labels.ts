// The audit log in Chinese, in one place beside the audit actions: what each action, entity
// and field is called, what coded values mean, and a readable summary of each entry with its
// before/after as a field-by-field list. Pure: the audit log route, the history of a person
// and the web app (through auth.contract.ts) all use these.

/** Every action written with appendAudit, by its code. A new action gets its label here. */
export const ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.login_failed': '登录失败',
  'auth.locked': '账号锁定',
  'access.denied': '越权访问被拒绝',
  'user.create': '新建用户',
  'user.update': '修改用户',
  'user.reset_password': '重置密码',
  'user.unlock': '解锁账号',
  'user.change_password': '修改密码',
  'system.first_start': '系统首次启动',
  'settings.update': '修改发放设置',
  'county.controls_update': '修改县级控制设置（允许本人审批等）',
  'person_search.search_by_id': '按身份证号查询',
  'roster.import': '导入花名册',
  'roster.export': '导出花名册',
  'roster.export_unmasked': '导出花名册（完整信息）',
  'person.add': '核增入册',
  'person.adjust': '调整生效',
  'person.update': '人员信息修改',
  'person.import': '导入',
  'person.create': '新建人员',
  'person.view_unmasked': '查看人员完整信息',
  'person.search_unmasked': '查询花名册（完整信息）',
  'household.create': '建户',
  'household.update': '户信息变更',
  'household.delete': '撤户',
  'household.view_unmasked': '查看户完整信息',
  'adjustment.create': '录入动态调整',
  'adjustment.edit': '修改动态调整',
  'adjustment.resubmit': '重新提交动态调整',
  'adjustment.approve': '审批通过动态调整',
  'adjustment.return': '退回动态调整',
  'adjustment.withdraw': '撤回动态调整',
  'adjustment.file_add': '上传佐证材料',
  'adjustment.file_download': '下载佐证材料',
  'payroll.build': '编制发放批次',
  'payroll.rebuild': '重新生成发放批次',
  'payroll.review': '审核发放批次',
  'payroll.close': '关闭发放批次',
  'payroll.delete': '删除发放批次',
  'payroll.export_bank_file': '导出银行文件',
  'payroll.import_results': '导入银行回盘',
  'payroll.notice_export': '导出公示名单',
  'bank_template.save': '保存银行文件模板',
  'crosscheck.upload': '上传核对数据',
  'crosscheck.run': '运行交叉核对',
  'crosscheck.findings_export': '导出核查结果',
  'crosscheck_run.view_unmasked': '查看核查结果（完整信息）',
  'case.view_unmasked': '查看疑似问题（完整信息）',
  'case.verify': '核实疑似问题',
  'case.to_adjustment': '疑似问题转核减',
  'recovery.create': '生成追缴记录',
  'recovery.cancel': '撤销追缴记录',
  'recovery.instalment': '登记追缴收款',
  'recovery.writeoff_request': '申请核销',
  'recovery.writeoff_approve': '批准核销',
  'quality.rule.save': '保存清洗规则',
  'quality.rule.enable': '启用清洗规则',
  'quality.rule.disable': '停用清洗规则',
  'quality.problem.update': '处理清洗问题',
  'quality.problems.export': '导出清洗问题清单',
  // funds and projects
  'fund_batch.create': '新建资金批次',
  'fund_project.create': '新建项目（台账）',
  'fund_plan.save': '保存年度资金用途计划',
  'fund_entry.allocation': '录入资金安排',
  'fund_entry.disbursement': '录入拨付',
  'fund_entry.reimbursement': '录入报账',
  'fund_entry.reverse': '红字冲销',
  'fund_reversal.request': '申请冲销',
  'fund_reversal.approve': '批准冲销',
  'fund_reversal.reject': '驳回冲销',
  'fund_ledger.import': '导入资金项目台账',
  'fund_ledger.demo': '载入演示资金',
  'funds.rates_export': '导出资金执行情况',
  'funds.dispatch_export': '导出资金调度表',
  'project.create': '项目入库',
  'project.document_upload': '上传项目材料',
  'project.stage_submit': '提交项目阶段',
  'project.stage_approve': '批准项目阶段',
  'project.stage_return': '退回项目阶段',
  'project.progress': '报告项目进度',
  'project.plan': '修改阶段计划日期',
  'project.task': '修改任务分解',
  'project.rectification_close': '整改销号',
  'project.demo_load': '载入演示项目进展',
  // microcredit
  'microcredit.import': '导入贷款台账',
  'microcredit.loan_handling': '登记到期贷款处理',
  'microcredit.notice_export': '导出贴息公示',
  'microcredit.bank_file': '导出贴息银行文件',
  'microcredit.subsidy_compute': '计算季度贴息',
  'microcredit.subsidy_recompute': '重新计算季度贴息',
  'microcredit.subsidy_review': '审核季度贴息',
  'microcredit.subsidy_publish': '公示季度贴息',
  'microcredit.subsidy_pay': '发放季度贴息',
  // monitoring
  'monitored_household.identify': '识别监测对象',
  'monitored_household.income': '登记人均纯收入',
  'monitored_household.removed': '监测户退出监测',
  'monitored_risk.add': '登记风险',
  'monitored_risk.request_removal': '申请风险消除',
  'monitored_risk.approve_township': '乡镇审核风险消除',
  'monitored_risk.approve_county': '县级审定风险消除',
  'monitored_risk.return_removal': '退回风险消除申请',
  'assistance_measure.add': '登记帮扶措施',
  'monitoring_line.set': '设置监测收入线',
  'monitoring.demo_load': '载入演示监测数据',
  'survey_campaign.create': '新建排查',
  'survey_campaign.close': '结束排查',
  'survey_visit.record': '登记走访',
  'survey_problem.clear': '问题清零',
  'alert.import': '导入部门预警',
  'alert.include': '预警纳入监测',
  'alert.exclude': '预警不纳入监测',
};

export const ENTITY_LABELS: Record<string, string> = {
  person: '人员',
  household: '户',
  adjustment: '动态调整',
  payroll: '发放批次',
  user: '用户',
  county: '县',
  settings: '发放设置',
  setting: '设置',
  roster_import: '花名册导入',
  person_search: '花名册查询',
  bank_template: '银行文件模板',
  crosscheck_input: '核对数据',
  crosscheck_run: '交叉核对',
  county_controls: '县级控制设置',
  case: '疑似问题',
  recovery: '追缴记录',
  quality_rule: '清洗规则',
  quality_problem: '清洗问题',
  route: '接口',
  fund_batch: '资金批次',
  fund_project: '项目',
  fund_plan: '资金用途计划',
  fund_entry: '资金记录',
  fund_import: '资金台账导入',
  fund_rates: '资金执行情况',
  fund_dispatch: '资金调度表',
  project: '后扶项目',
  microcredit_import: '贷款台账导入',
  microcredit_loan: '贷款',
  microcredit_run: '季度贴息',
  monitored_household: '监测户',
  monitored_risk: '监测风险',
  monitoring_line: '监测收入线',
  survey_campaign: '排查',
  survey_problem: '排查问题',
  survey_target: '排查对象',
  alert: '部门预警',
  alert_import: '部门预警导入',
};

/** Field names in before/after and detail, as the officer knows them. */
export const FIELD_LABELS: Record<string, string> = {
  householdNo: '户编号',
  idNumber: '身份证号',
  idNumberRaw: '身份证号（原文）',
  idValid: '身份证号有效',
  name: '姓名',
  sex: '性别',
  birthDate: '出生日期',
  relation: '与户主关系',
  villageCode: '村代码',
  townshipName: '乡镇',
  villageName: '村',
  groupName: '组',
  category: '人口类别',
  reservoir: '所属水库',
  moveDate: '搬迁日期',
  supportStart: '扶持开始日期',
  supportEnd: '扶持截止日期',
  status: '状态',
  removalDate: '核减日期',
  removalReason: '核减原因',
  phone: '联系电话',
  account: '银行账号',
  accountNo: '银行账号',
  bankName: '开户银行',
  holderName: '持卡人姓名',
  username: '登录名',
  displayName: '姓名',
  role: '角色',
  regionCode: '辖区',
  active: '启用',
  batchNo: '批次号',
  period: '发放期间',
  kind: '类型',
  persons: '人数',
  total: '金额',
  excluded: '未列入人数',
  rules: '发放规则',
  verdict: '核实结论',
  evidence: '核实依据',
  remarks: '备注',
  reason: '原因',
  due: '应追缴',
  received: '已追回',
  paidOn: '收款日期',
  receiptNo: '收据编号',
  filename: '文件名',
  rows: '行数',
  succeeded: '成功',
  failed: '失败',
  unchanged: '未变',
  missing: '缺少',
  unknown: '不在批次中',
  problems: '问题行',
  adjustmentId: '动态调整编号',
  personIds: '人员',
  summary: '摘要',
  effectiveDate: '生效日期',
  decisionNote: '审批意见',
  countyName: '县名',
  standard: '补助标准',
  periodKind: '发放周期',
  termYears: '扶持年限',
  accountFallback: '无账号时',
  effectiveFrom: '生效日期',
  method: '请求方式',
  path: '地址',
  message: '提示',
  count: '条数',
  fields: '字段',
  template: '模板',
  noAccount: '无银行账号',
  selfApproved: '本人审批',
  allowSelfApproval: '允许本人审批',
  deathDate: '死亡日期',
  added: '新增',
  changed: '变更',
  rejected: '拒绝',
  corrected: '已更正',
  warnings: '提示',
  failedAttempts: '连续失败次数',
  sha256: '校验值',
};

/** Coded values shown in Chinese (statuses of rolls, adjustments, lines; kinds; roles). */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  status: {
    draft: '草稿',
    reviewed: '已审核',
    exported: '已导出银行文件',
    results_imported: '已导入回盘',
    closed: '已关闭',
    pending: '待审批',
    approved: '已通过',
    returned: '已退回',
    withdrawn: '已撤回',
    open: '未处理',
    confirmed: '确认无误',
    fixed: '已更正',
  },
  kind: {
    regular: '正常发放',
    supplementary: '补发',
    add: '核增',
    remove: '核减',
    update: '信息变更',
    split: '分户',
    merge: '并户',
    change_head: '户主变更',
    move: '迁移（村间）',
  },
  role: { admin: '系统管理员', county: '县中心业务股', township: '乡镇移民专干', finance: '财务', leader: '领导', auditor: '审计/巡察' },
  active: { true: '是', false: '否' },
  idValid: { true: '是', false: '否' },
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** A field's label; `xxxFen` amounts are labelled as `xxx` (the value is shown in 元). */
export function fieldLabel(key: string): string {
  if (FIELD_LABELS[key]) return FIELD_LABELS[key];
  if (key.endsWith('Fen')) return FIELD_LABELS[key.slice(0, -3)] ?? key.slice(0, -3);
  return key;
}

/** One value as text: amounts in fen as 元, coded values in Chinese, lists and objects short. */
export function valueText(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (key.endsWith('Fen') && typeof v === 'number') return `${(v / 100).toFixed(2)}元`;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return VALUE_LABELS[key]?.[String(v)] ?? String(v);
  if (Array.isArray(v))
    return v.length > 8
      ? `${v
          .slice(0, 8)
          .map((x) => valueText(key, x))
          .join('、')} 等${v.length}项`
      : v.map((x) => valueText(key, x)).join('、');
  const o = v as Record<string, unknown>;
  return Object.keys(o)
    .map((k) => `${fieldLabel(k)} ${valueText(k, o[k])}`)
    .join('，');
}

export interface AuditChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

/** before/after as a field-by-field list (only fields that differ when both sides are given). */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = (before && typeof before === 'object' && !Array.isArray(before) ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' && !Array.isArray(after) ? after : {}) as Record<string, unknown>;
  const both = before != null && after != null;
  const out: AuditChange[] = [];
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
    if (both && JSON.stringify(b[k]) === JSON.stringify(a[k])) continue;
    out.push({ field: k, label: fieldLabel(k), before: k in b ? valueText(k, b[k]) : '', after: k in a ? valueText(k, a[k]) : '' });
  }
  return out;
}

/** A one-line account of an entry: what was done to what, and the gist of its detail. */
export function auditSummary(e: { action: string; entityType: string; entityId: string; before: unknown; after: unknown; detail: unknown }): string {
  const entity = e.entityType ? `${ENTITY_LABELS[e.entityType] ?? e.entityType}${e.entityId ? ` ${e.entityId}` : ''}` : '';
  const parts: string[] = [];
  const d = (e.detail && typeof e.detail === 'object' ? e.detail : {}) as Record<string, unknown>;
  const changes = auditChanges(e.before, e.after);
  if (changes.length && e.before != null && e.after != null)
    parts.push(
      changes
        .slice(0, 3)
        .map((c) => `${c.label}：${c.before} → ${c.after}`)
        .join('；'),
    );
  for (const k of ['summary', 'reason', 'message', 'filename', 'path']) if (typeof d[k] === 'string' && d[k]) parts.push(`${fieldLabel(k)}：${d[k]}`);
  if (typeof d.count === 'number') parts.push(`${d.count}条`);
  return [entity, ...parts].filter(Boolean).join('，');
}
