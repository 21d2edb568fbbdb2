// Further built-in rules a county wants beyond FORMATS §7. They run with `--all-rules`, in
// database runs, and in the web app; the §7 file output leaves them out unless asked.
import { soleHead, termLatest } from './rules.section7.ts';
import type { GroupRule, HitResult, PersonFacts, PersonRule, Rule } from './types.ts';
import { luhnOk } from '../shared/luhn.ts';

export const RELATIONS = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲', '儿媳', '女婿', '兄弟姐妹', '其他'];
export const REMOVAL_REASONS = ['死亡', '农转非', '财政供养', '服刑', '迁出', '重复登记', '其他'];
const RELATION_SET = new Set(RELATIONS);
const REASON_SET = new Set(REMOVAL_REASONS);
const SUPPORT_POLICY_START = '2006-07-01';
const MAX_HOUSEHOLD = 12;

export { luhnOk };

/** Mobile (1[3-9] + 9 digits, optional +86) or landline (0 + area code, 7–8 digits, optional extension). */
export function phoneOk(text: string): boolean {
  const s = text.replace(/[\s\u3000-]/g, '').replace(/^(\+?86)(?=1)/, '');
  return /^1[3-9]\d{9}$/.test(s) || /^0\d{2,3}\d{7,8}(?:转\d{1,6})?$/.test(s) || /^\(0\d{2,3}\)\d{7,8}$/.test(s);
}

const byHousehold = (f: PersonFacts) => (f.p.householdNo === '' ? null : f.p.householdNo);
function person(r: Omit<PersonRule, 'kind' | 'set' | 'version'> & { version?: number }): PersonRule {
  return { kind: 'person', set: 'extra', version: 1, ...r };
}
function household(r: Omit<GroupRule, 'kind' | 'set' | 'version' | 'groupName' | 'key' | 'scope'>): GroupRule {
  return { kind: 'group', set: 'extra', version: 1, groupName: 'household', key: byHousehold, scope: 'household', ...r };
}
const one = (values: HitResult['values'], variant?: string): HitResult => (variant ? { variant, values } : { values });

const DATE_COLUMNS = [
  ['出生日期', 'birthCol', 'birthDate'],
  ['搬迁日期', 'moveDate', 'moveDate'],
  ['扶持开始日期', 'supportStart', 'supportStart'],
  ['扶持截止日期', 'supportEnd', 'supportEnd'],
  ['核减日期', 'removalDate', 'removalDate'],
] as const;

export const EXTRA_RULES: Rule[] = [
  person({
    code: 'NAME_MISSING',
    name: '姓名为空',
    severity: '错误',
    scope: 'person',
    description: '姓名未填写',
    templates: { default: '姓名为空。请按户口簿补填姓名。' },
    check: (f) => (f.p.name === '' ? one({}) : null),
  }),
  person({
    code: 'NAME_INVALID',
    name: '姓名含数字、字母或空格',
    severity: '错误',
    scope: 'person',
    description: '姓名含有数字、拉丁字母或空格（少数民族姓名中的间隔号“·”不算问题）',
    templates: { default: '姓名“{name}”含有{what}。请按户口簿更正姓名。' },
    check(f): HitResult | null {
      const n = f.p.name;
      const what = [/[0-9０-９]/.test(n) ? '数字' : '', /[A-Za-zＡ-Ｚａ-ｚ]/.test(n) ? '字母' : '', /[\s\u3000]/.test(n) ? '空格' : ''].filter(Boolean);
      return what.length ? one({ name: n, what: what.join('、') }) : null;
    },
  }),
  person({
    code: 'HOUSEHOLD_NO_MISSING',
    name: '户编号为空',
    severity: '错误',
    scope: 'person',
    description: '户编号未填写，无法归户',
    templates: { default: '户编号为空，无法归户核查。请补填户编号。' },
    check: (f) => (f.p.householdNo === '' ? one({}) : null),
  }),
  person({
    code: 'SEX_VALUE_INVALID',
    name: '性别填写不规范',
    severity: '错误',
    scope: 'person',
    description: '性别填写了“男”“女”以外的内容',
    templates: { default: '性别填写为“{sex}”，应为“男”或“女”。请更正。' },
    check: (f) => (f.p.sex !== '' && f.p.sex !== '男' && f.p.sex !== '女' ? one({ sex: f.p.sex }) : null),
  }),
  person({
    code: 'RELATION_INVALID',
    name: '与户主关系不规范',
    severity: '错误',
    scope: 'person',
    description: '与户主关系为空或不在规定的取值之内',
    templates: { default: '与户主关系为“{relation}”，应为：' + RELATIONS.join('、') + '。请更正。' },
    check: (f) => (RELATION_SET.has(f.p.relation) ? null : one({ relation: f.p.relation })),
  }),
  person({
    code: 'STATUS_INVALID',
    name: '状态不规范',
    severity: '错误',
    scope: 'person',
    description: '状态不是“正常”或“已核减”',
    templates: { default: '状态为“{status}”，应为“正常”或“已核减”。请更正。' },
    check: (f) => (f.isActive || f.isRemoved ? null : one({ status: f.p.status })),
  }),
  person({
    code: 'REMOVAL_REASON_INVALID',
    name: '核减原因不规范',
    severity: '提示',
    scope: 'person',
    description: '核减原因不在规定的取值之内',
    templates: { default: '核减原因为“{reason}”，应为：' + REMOVAL_REASONS.join('、') + '。请更正。' },
    check: (f) => (f.p.removalReason !== '' && !REASON_SET.has(f.p.removalReason) ? one({ reason: f.p.removalReason }) : null),
  }),
  person({
    code: 'CATEGORY_INVALID',
    name: '人口类别不规范',
    severity: '提示',
    scope: 'person',
    description: '人口类别填写了“现状人口”“原迁人口”以外的内容',
    templates: { default: '人口类别为“{category}”，应为“现状人口”或“原迁人口”。请更正。' },
    check: (f) => (f.p.category !== '' && f.p.category !== '现状人口' && f.p.category !== '原迁人口' ? one({ category: f.p.category }) : null),
  }),
  person({
    code: 'DATE_UNREADABLE',
    name: '日期无法识别',
    severity: '错误',
    scope: 'person',
    description: '出生、搬迁、扶持起止或核减日期填写了无法识别的日期',
    templates: { default: '{columns}无法识别为日期（应为YYYY-MM-DD）。请更正。' },
    check(f): HitResult | null {
      const bad = DATE_COLUMNS.filter(([, k]) => f[k] === null).map(([label, , field]) => `${label}“${f.p[field]}”`);
      return bad.length ? one({ columns: bad.join('、') }) : null;
    },
  }),
  person({
    code: 'SUPPORT_START_MISSING',
    name: '缺少扶持开始日期',
    severity: '错误',
    scope: 'person',
    description: '扶持开始日期未填写',
    templates: { default: '扶持开始日期为空，无法计算应发金额。请补填扶持开始日期。' },
    check: (f) => (f.p.supportStart === '' ? one({}) : null),
  }),
  person({
    code: 'SUPPORT_BEFORE_POLICY',
    name: '扶持开始早于政策实施',
    severity: '提示',
    scope: 'person',
    description: '扶持开始日期早于后期扶持政策实施日2006-07-01',
    templates: { default: `扶持开始日期{start}早于后期扶持政策实施日${SUPPORT_POLICY_START}。请核对扶持开始日期。` },
    check: (f) => (f.supportStart && f.supportStart < SUPPORT_POLICY_START ? one({ start: f.supportStart }) : null),
  }),
  person({
    code: 'SUPPORT_BEFORE_MOVE',
    name: '原迁人口扶持开始早于搬迁',
    severity: '错误',
    scope: 'person',
    description: '原迁人口的扶持开始日期早于搬迁日期（原迁人口自搬迁完成后开始扶持）',
    templates: { default: '原迁人口扶持开始日期{start}早于搬迁日期{move}。请核对扶持开始日期或搬迁日期。' },
    check: (f) =>
      f.p.category === '原迁人口' && f.supportStart && f.moveDate && f.supportStart < f.moveDate ? one({ start: f.supportStart, move: f.moveDate }) : null,
  }),
  person({
    code: 'MOVE_DATE_MISSING',
    name: '缺少搬迁日期',
    severity: '提示',
    scope: 'person',
    description: '搬迁日期未填写，无法核对人口类别',
    templates: { default: '搬迁日期为空，无法核对人口类别“{category}”。请补填搬迁日期。' },
    check: (f) => (f.p.moveDate === '' ? one({ category: f.p.category || '（空）' }) : null),
  }),
  person({
    code: 'BIRTH_BEFORE_1900',
    name: '出生日期早于1900年',
    severity: '错误',
    scope: 'person',
    description: '出生日期早于1900-01-01',
    templates: { default: '出生日期{birth}早于1900-01-01。请核对出生日期。' },
    check: (f) => (f.birthEff && f.birthEff < '1900-01-01' ? one({ birth: f.birthEff }) : null),
  }),
  person({
    code: 'REMOVAL_BEFORE_SUPPORT',
    name: '核减日期早于扶持开始',
    severity: '提示',
    scope: 'person',
    description: '已核减人员的核减日期早于扶持开始日期',
    templates: { default: '核减日期{removal}早于扶持开始日期{start}。请核对核减日期或扶持开始日期。' },
    check: (f) =>
      f.isRemoved && f.removalDate && f.supportStart && f.removalDate < f.supportStart ? one({ removal: f.removalDate, start: f.supportStart }) : null,
  }),
  person({
    code: 'REMOVAL_IN_FUTURE',
    name: '核减日期晚于核查日期',
    severity: '提示',
    scope: 'person',
    description: '核减日期晚于核查日期',
    templates: { default: '核减日期{removal}晚于核查日期{asOf}。请核对核减日期。' },
    check: (f, ctx) => (f.removalDate && f.removalDate > ctx.asOf ? one({ removal: f.removalDate, asOf: ctx.asOf }) : null),
  }),
  person({
    code: 'DEAD_WITH_ACCOUNT',
    name: '死亡核减人员仍留有账号',
    severity: '提示',
    scope: 'account',
    description: '因死亡核减的人员仍登记有银行账号（应停止发放并注销或变更账号）',
    templates: { default: '已因死亡核减（核减日期{removal}），但仍登记银行账号{account}。请停止向该账号发放并更新账号信息。' },
    check: (f) => (f.isRemoved && f.p.removalReason === '死亡' && f.account !== '' ? one({ removal: f.removalDate || '未填', account: f.account }) : null),
  }),
  person({
    code: 'ACCOUNT_LUHN',
    name: '银行卡号校验失败',
    severity: '提示',
    scope: 'account',
    description: '银行账号为16–19位数字的卡号，但不能通过卡号校验（Luhn）',
    templates: { default: '银行卡号{account}未通过卡号校验位检查，可能抄录有误。请对照银行卡更正。' },
    check: (f) => (/^\d{16,19}$/.test(f.account) && !luhnOk(f.account) ? one({ account: f.account }) : null),
  }),
  person({
    code: 'ACCOUNT_MALFORMED',
    name: '银行账号格式异常',
    severity: '提示',
    scope: 'account',
    description: '银行账号含有数字以外的字符，或少于8位、多于30位',
    templates: { default: '银行账号“{account}”{why}。请对照银行卡或存折更正。' },
    check(f): HitResult | null {
      const a = f.account;
      if (a === '') return null;
      if (!/^\d+$/.test(a)) return one({ account: a, why: '含有数字以外的字符' });
      if (a.length < 8 || a.length > 30) return one({ account: a, why: `长度为${a.length}位` });
      return null;
    },
  }),
  person({
    code: 'ACTIVE_NO_ACCOUNT',
    name: '正常人员无银行账号',
    severity: '提示',
    scope: 'account',
    description: '状态为正常但未登记银行账号，无法发放',
    templates: { default: '状态为正常，但未登记银行账号，补助无法发放。请补录一卡通账号。' },
    check: (f) => (f.isActive && f.account === '' ? one({}) : null),
  }),
  person({
    code: 'PHONE_INVALID',
    name: '联系电话格式错误',
    severity: '提示',
    scope: 'person',
    description: '联系电话既不是11位手机号，也不是带区号的固定电话',
    templates: { default: '联系电话“{phone}”格式不正确（应为11位手机号或带区号的固定电话）。请更正。' },
    check: (f) => (f.p.phone !== '' && !phoneOk(f.p.phone) ? one({ phone: f.p.phone }) : null),
  }),
  household({
    code: 'HOLDER_OUTSIDE_HOUSEHOLD',
    name: '持卡人不是本户成员',
    severity: '提示',
    description: '持卡人姓名既不是本人，也不是本户任何成员',
    templates: { default: '持卡人“{holder}”不是本人，也不是本户成员。请核实账号归属。' },
    check(members) {
      const names = new Set(members.map((m) => m.p.name));
      return members.filter((m) => m.p.holder !== '' && !names.has(m.p.holder)).map((m) => ({ person: m.p.index, values: { holder: m.p.holder } }));
    },
  }),
  household({
    code: 'HEAD_REMOVED_MEMBERS_ACTIVE',
    name: '户主已核减但户内仍有正常人员',
    severity: '提示',
    description: '户主已核减，户内仍有状态为正常的成员（应变更户主）；记在仍为正常的成员名下',
    templates: { default: '户主{head}已核减（{reason}），本户仍有{active}名正常人员。请变更户主。' },
    check(members) {
      const head = soleHead(members);
      if (!head || !head.isRemoved) return [];
      const active = members.filter((m) => m.isActive);
      return active.map((m) => ({ person: m.p.index, values: { head: head.p.name, reason: head.p.removalReason || '原因未填', active: active.length } }));
    },
  }),
  household({
    code: 'HOUSEHOLD_TOO_LARGE',
    name: '户人数超过12人',
    severity: '提示',
    description: '一户登记超过12人（户内每人一条）',
    templates: { default: `户编号{household}共{count}人，超过${MAX_HOUSEHOLD}人。请核实是否应分户或有重复登记。` },
    check(members) {
      if (members.length <= MAX_HOUSEHOLD) return [];
      return members.map((m) => ({ person: m.p.index, values: { household: m.p.householdNo, count: members.length } }));
    },
  }),
  household({
    code: 'HOUSEHOLD_SPLIT_VILLAGES',
    name: '同户人员村代码不一致',
    severity: '提示',
    description: '同一户的成员登记在不同的村代码下',
    templates: { default: '户编号{household}的成员分属{count}个村代码（{codes}）。请核对村代码。' },
    check(members) {
      const codes = [...new Set(members.map((m) => m.p.villageCode))];
      if (codes.length < 2) return [];
      codes.sort();
      return members.map((m) => ({ person: m.p.index, values: { household: m.p.householdNo, count: codes.length, codes: codes.join('、') } }));
    },
  }),
  household({
    code: 'SPOUSE_MULTIPLE',
    name: '户内多名配偶',
    severity: '提示',
    description: '一户中登记了两名或以上配偶',
    templates: { default: '户编号{household}登记了{count}名配偶（{names}）。请核对与户主关系。' },
    check(members) {
      const sp = members.filter((m) => m.p.relation === '配偶');
      if (sp.length < 2) return [];
      const names = sp.map((m) => m.p.name).join('、');
      return sp.map((m) => ({ person: m.p.index, values: { household: m.p.householdNo, count: sp.length, names } }));
    },
  }),
  person({
    code: 'HOUSEHOLD_NO_VILLAGE_MISMATCH',
    name: '户编号与村代码不符',
    severity: '提示',
    scope: 'person',
    description: '16位户编号的前12位（村代码）与本人村代码不同',
    templates: { default: '户编号{household}的前12位与村代码{code}不同。请核对户编号或村代码。' },
    check: (f) =>
      /^\d{16}$/.test(f.p.householdNo) && /^\d{12}$/.test(f.p.villageCode) && !f.p.householdNo.startsWith(f.p.villageCode)
        ? one({ household: f.p.householdNo, code: f.p.villageCode })
        : null,
  }),
  person({
    code: 'SUPPORT_ENDED_ACTIVE',
    name: '扶持期满仍为正常',
    severity: '提示',
    scope: 'person',
    description: '扶持截止日期（未填时按开始日期加20年减1天）早于核查日期，状态仍为正常',
    templates: { default: '扶持期限已于{end}届满，状态仍为正常。请核实是否应核减或延续扶持。' },
    check(f, ctx): HitResult | null {
      if (!f.isActive || !f.supportStart || f.supportEnd === null) return null;
      const end = f.supportEnd ?? termLatest(f.supportStart);
      return end < ctx.asOf ? one({ end }) : null;
    },
  }),
];
