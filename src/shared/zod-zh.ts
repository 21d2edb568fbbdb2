// Chinese for every zod message that a schema does not word itself: what the township officer
// reads when a request or an option is wrong. Installed once by the server and the CLI.
import { z } from 'zod';

const TYPES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是/否（true/false）',
  array: '列表',
  object: '对象',
  date: '日期',
  null: '空值',
  undefined: '空',
  nan: '数字',
  symbol: '符号',
  file: '文件',
};
const FORMATS: Record<string, string> = {
  uuid: '编号（UUID）',
  guid: '编号（UUID）',
  email: '电子邮箱',
  url: '网址',
  date: '日期（如 2024-07-01）',
  datetime: '日期时间（如 2024-07-01T08:00:00Z）',
  time: '时间',
  ipv4: 'IPv4地址',
  ipv6: 'IPv6地址',
  regex: '规定的格式',
  json_string: 'JSON文本',
};
const list = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('、');

type Issue = {
  code?: string;
  input?: unknown;
  expected?: string;
  values?: readonly unknown[];
  origin?: string;
  maximum?: unknown;
  minimum?: unknown;
  inclusive?: boolean;
  format?: string;
  divisor?: unknown;
  keys?: string[];
};

/** The Chinese message of one zod issue. */
export function zodMessageZh(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '必须填写';
      return `应为${TYPES[issue.expected ?? ''] ?? issue.expected}`;
    case 'invalid_value':
      return (issue.values?.length ?? 0) === 1 ? `应为 ${list(issue.values!)}` : `应为以下之一：${list(issue.values ?? [])}`;
    case 'too_big': {
      const n = String(issue.maximum);
      if (issue.origin === 'string') return `不能超过${n}个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `不能超过${n}项`;
      if (issue.origin === 'file') return `不能超过${n}字节`;
      return issue.inclusive ? `不能大于${n}` : `应小于${n}`;
    }
    case 'too_small': {
      const n = String(issue.minimum);
      if (issue.origin === 'string') return n === '1' ? '不能为空' : `至少需要${n}个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `至少需要${n}项`;
      return issue.inclusive ? `不能小于${n}` : `应大于${n}`;
    }
    case 'invalid_format':
      return `格式不正确，应为${FORMATS[issue.format ?? ''] ?? '规定的格式'}`;
    case 'not_multiple_of':
      return `应为${String(issue.divisor)}的倍数`;
    case 'unrecognized_keys':
      return `含有不认识的字段：${(issue.keys ?? []).join('、')}`;
    case 'invalid_key':
    case 'invalid_element':
    case 'invalid_union':
    default:
      return '内容不正确';
  }
}

/** Names of request fields as the pages call them; other fields are shown as 字段“name”. */
const FIELDS: Record<string, string> = {
  username: '用户名',
  password: '密码',
  oldPassword: '原密码',
  newPassword: '新密码',
  displayName: '姓名',
  role: '角色',
  regionCode: '辖区代码',
  active: '启用状态',
  page: '页码',
  pageSize: '每页条数',
  offset: '起始行',
  limit: '条数',
  q: '关键词',
  id: '编号',
  from: '开始日期',
  to: '结束日期',
  period: '发放期间',
  periods: '发放期间',
  kind: '类型',
  label: '说明',
  note: '意见',
  reason: '原因',
  evidence: '核实依据',
  verdict: '核实结论',
  remarks: '备注',
  amountFen: '金额',
  paidOn: '缴款日期',
  receiptNo: '收据号',
  idNumber: '身份证号',
  name: '姓名',
  villageCode: '村代码',
  township: '乡镇代码',
  village: '村代码',
  status: '状态',
  format: '格式',
  template: '模板',
  code: '代码',
  effectiveDate: '生效日期',
  inputIds: '核对数据',
  coverage: '覆盖范围',
  personId: '人员',
  householdNo: '户编号',
  unmask: '显示完整信息',
  action: '操作',
  entityType: '对象类型',
  entityId: '对象编号',
  userId: '用户',
  date: '日期',
  value: '取值',
  rule: '规则',
  expression: '表达式',
  title: '标题',
};
const WHERE: Record<string, string> = { body: '', querystring: '查询参数', params: '路径参数', headers: '请求头' };

/** "每页条数：不能大于500" — a path like /items/0/name becomes 第1项的姓名. */
export function fieldLabel(path: string, context?: string): string {
  const parts = path.replace(/^\//, '').split('/').filter(Boolean);
  const named = parts.map((p) => (/^\d+$/.test(p) ? `第${Number(p) + 1}项` : (FIELDS[p] ?? `字段“${p}”`))).join('的');
  const where = context ? (WHERE[context] ?? '') : '';
  return named ? `${where ? where + '中的' : ''}${named}` : where || '请求内容';
}

let installed = false;
/** Every zod message in Chinese from now on (a schema's own message still wins). */
export function installChineseZod(): void {
  if (installed) return;
  installed = true;
  z.config({ localeError: (issue) => zodMessageZh(issue as Issue) });
}
