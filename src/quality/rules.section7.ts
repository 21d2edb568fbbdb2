// The FORMATS §7 rules, exactly as specified there (including its "precise readings").
// Every data-quality run includes them; file mode writes only these unless asked for more.
import { ID_INVALID_RULE } from '../shared/idnumber.ts';
import { addDays, addYears, wholeYearsBetween } from '../shared/dates.ts';
import type { CheckContext, GroupRule, Hit, HitResult, PersonFacts, PersonRule, Rule } from './types.ts';

const CUTOFF = '2006-06-30';

const byHousehold = (f: PersonFacts) => (f.p.householdNo === '' ? null : f.p.householdNo);

/** The single 户主 of a household (a removed head still counts), or null when there is not exactly one. */
export function soleHead(members: PersonFacts[]): PersonFacts | null {
  let head: PersonFacts | null = null;
  for (const m of members) {
    if (!m.isHead) continue;
    if (head) return null;
    head = m;
  }
  return head;
}

function person(r: Omit<PersonRule, 'kind' | 'set'>): PersonRule {
  return { kind: 'person', set: 'section7', ...r };
}
function group(r: Omit<GroupRule, 'kind' | 'set'>): GroupRule {
  return { kind: 'group', set: 'section7', ...r };
}

/** Relationship rules: households with exactly one 户主; the row names the member checked. */
function relationRule(code: string, name: string, relations: string[], minGap: number, older: boolean, description: string): GroupRule {
  const rels = new Set(relations);
  return group({
    code,
    name,
    severity: '提示',
    scope: 'household',
    version: 1,
    groupName: 'household',
    key: byHousehold,
    description,
    templates: older
      ? {
          default: `{relation}出生于{birth}，户主{head}出生于{headBirth}，{relation}仅比户主年长{gap}岁（应至少年长${minGap}岁）。请核对出生日期或与户主关系。`,
          younger: `{relation}出生于{birth}，户主{head}出生于{headBirth}，{relation}比户主年轻（应至少年长${minGap}岁）。请核对出生日期或与户主关系。`,
        }
      : {
          default: `{relation}出生于{birth}，户主{head}出生于{headBirth}，户主仅比其年长{gap}岁（应至少相差${minGap}岁）。请核对出生日期或与户主关系。`,
          younger: `{relation}出生于{birth}，户主{head}出生于{headBirth}，户主比其年轻（应至少相差${minGap}岁）。请核对出生日期或与户主关系。`,
        },
    check(members) {
      const head = soleHead(members);
      if (!head || !head.birthEff) return [];
      const hits: Hit[] = [];
      for (const m of members) {
        if (m === head || !rels.has(m.p.relation) || !m.birthEff) continue;
        // whole years from the elder's birth date to the younger's; negative when the order is reversed
        const gap = older ? wholeYearsBetween(m.birthEff, head.birthEff) : wholeYearsBetween(head.birthEff, m.birthEff);
        if (gap >= minGap) continue;
        const reversed = older ? m.birthEff > head.birthEff : head.birthEff > m.birthEff;
        hits.push({
          person: m.p.index,
          variant: reversed ? 'younger' : 'default',
          values: { relation: m.p.relation, birth: m.birthEff, head: head.p.name, headBirth: head.birthEff, gap },
        });
      }
      return hits;
    },
  });
}

export const SECTION7_RULES: Rule[] = [
  person({
    ...ID_INVALID_RULE,
    scope: 'person',
    version: 1,
    description: '身份证号不符合GB 11643（按规范化形式校验；有效的15位旧号码不算问题）',
    templates: { default: '身份证号“{id}”不符合GB 11643校验：{reason}。请对照户口簿或身份证原件更正。' },
    check: (f) => (f.idValid ? null : { values: { id: f.p.idRaw.trim(), reason: f.idReason } }),
  }),
  person({
    code: 'ID_SEX_MISMATCH',
    name: '性别与身份证号不符',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '填写了性别，且与身份证号顺序码（第17位，旧号码第15位）的奇偶不符',
    templates: { default: '性别填写为“{sex}”，身份证号第{position}位为{parity}（{idSex}）。请核对性别或身份证号。' },
    check(f): HitResult | null {
      if (f.p.sex === '' || !f.idSex || (f.p.sex !== '男' && f.p.sex !== '女') || f.p.sex === f.idSex) return null;
      return { values: { sex: f.p.sex, position: f.idClean.length === 15 ? 15 : 17, parity: f.idSex === '男' ? '奇数' : '偶数', idSex: f.idSex } };
    },
  }),
  person({
    code: 'ID_BIRTH_MISMATCH',
    name: '出生日期与身份证号不符',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '填写了出生日期，且与身份证号中的出生日期不同',
    templates: { default: '出生日期填写为{birth}，身份证号中的出生日期为{idBirth}。请核对出生日期或身份证号。' },
    check(f): HitResult | null {
      if (!f.birthCol || !f.idBirth || f.birthCol === f.idBirth) return null;
      return { values: { birth: f.birthCol, idBirth: f.idBirth } };
    },
  }),
  group({
    code: 'DUP_ID',
    name: '身份证号重复',
    severity: '错误',
    scope: 'roster',
    version: 1,
    groupName: 'id',
    minMembers: 2,
    description: '同一规范化身份证号在花名册中出现多次（每个相关行一条）',
    templates: { default: '规范化后的身份证号{id}在花名册中出现{count}次：{list}。请核实是否重复登记。' },
    key: (f) => (f.idNorm === '' ? null : f.idNorm),
    check(members) {
      if (members.length < 2) return [];
      const list = members.map((m) => `户编号${m.p.householdNo}（${m.p.name}）`).join('、');
      return members.map((m) => ({ person: m.p.index, values: { id: m.idNorm, count: members.length, list } }));
    },
  }),
  group({
    code: 'HOUSEHOLD_NO_HEAD',
    name: '户无户主',
    severity: '错误',
    scope: 'household',
    version: 1,
    groupName: 'household',
    key: byHousehold,
    description: '户内没有登记为户主的人员（户内每人一条）',
    templates: { default: '户编号{household}共{count}人，无人登记为户主。请确定并登记户主。' },
    check(members) {
      if (members.some((m) => m.isHead)) return [];
      return members.map((m) => ({ person: m.p.index, values: { household: m.p.householdNo, count: members.length } }));
    },
  }),
  group({
    code: 'HOUSEHOLD_MULTI_HEAD',
    name: '户有多个户主',
    severity: '错误',
    scope: 'household',
    version: 1,
    groupName: 'household',
    key: byHousehold,
    description: '户内有两人或以上登记为户主（户内每人一条）',
    templates: { default: '户编号{household}共{count}人，其中{heads}人登记为户主（{names}）。请确定唯一户主。' },
    check(members) {
      const heads = members.filter((m) => m.isHead);
      if (heads.length < 2) return [];
      const names = heads.map((h) => h.p.name).join('、');
      return members.map((m) => ({ person: m.p.index, values: { household: m.p.householdNo, count: members.length, heads: heads.length, names } }));
    },
  }),
  group({
    code: 'SPOUSE_SAME_SEX',
    name: '配偶与户主性别相同',
    severity: '提示',
    scope: 'household',
    version: 1,
    groupName: 'household',
    key: byHousehold,
    description: '配偶与户主性别相同（仅限恰有一名户主的户；记在配偶名下）',
    templates: { default: '配偶性别为{sex}，户主{head}的性别也为{sex}。请核对与户主关系或性别。' },
    check(members) {
      const head = soleHead(members);
      if (!head || !head.sexEff) return [];
      return members
        .filter((m) => m !== head && m.p.relation === '配偶' && m.sexEff === head.sexEff)
        .map((m) => ({ person: m.p.index, values: { sex: m.sexEff!, head: head.p.name } }));
    },
  }),
  relationRule('CHILD_AGE_GAP', '子女与户主年龄差过小', ['子', '女', '儿媳', '女婿'], 15, false, '子、女、儿媳、女婿比户主年轻不足15周岁（恰好15岁不算问题）'),
  relationRule('GRANDCHILD_AGE_GAP', '孙辈与户主年龄差过小', ['孙子', '孙女'], 30, false, '孙子、孙女比户主年轻不足30周岁（恰好30岁不算问题）'),
  relationRule('PARENT_AGE_GAP', '父母与户主年龄差过小', ['父亲', '母亲'], 15, true, '父亲、母亲比户主年长不足15周岁（恰好15岁不算问题）'),
  person({
    code: 'AGE_IMPLAUSIBLE',
    name: '年龄异常',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '出生日期晚于核查日期，或至核查日期年满110岁以上（超过110岁）',
    templates: {
      future: '出生日期{birth}晚于核查日期{asOf}。请核对出生日期。',
      default: '出生日期{birth}，至核查日期{asOf}已{age}岁，超过110岁。请核实是否健在、出生日期是否有误。',
    },
    check(f, ctx): HitResult | null {
      const b = f.birthEff;
      if (!b) return null;
      if (b > ctx.asOf) return { variant: 'future', values: { birth: b, asOf: ctx.asOf } };
      const age = wholeYearsBetween(b, ctx.asOf);
      return age > 110 ? { values: { birth: b, asOf: ctx.asOf, age } } : null;
    },
  }),
  person({
    code: 'MINOR_HEAD',
    name: '户主未满16周岁',
    severity: '提示',
    scope: 'person',
    version: 1,
    description: '户主在核查日期未满16周岁',
    templates: {
      default: '户主出生于{birth}，至核查日期{asOf}仅{age}岁，未满16周岁。请核实户主登记。',
      future: '户主出生于{birth}，晚于核查日期{asOf}，未满16周岁。请核实户主登记。',
    },
    check(f, ctx): HitResult | null {
      if (!f.isHead || !f.birthEff) return null;
      if (f.birthEff > ctx.asOf) return { variant: 'future', values: { birth: f.birthEff, asOf: ctx.asOf } };
      const age = wholeYearsBetween(f.birthEff, ctx.asOf);
      return age < 16 ? { values: { birth: f.birthEff, asOf: ctx.asOf, age } } : null;
    },
  }),
  person({
    code: 'SUPPORT_BEFORE_BIRTH',
    name: '扶持开始早于出生',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '扶持开始日期早于出生日期',
    templates: { default: '扶持开始日期{start}早于出生日期{birth}。扶持开始后出生的人员不属于后扶人口，请核实。' },
    check: (f) => (f.supportStart && f.birthEff && f.supportStart < f.birthEff ? { values: { start: f.supportStart, birth: f.birthEff } } : null),
  }),
  person({
    code: 'CATEGORY_DATE_CONFLICT',
    name: '人口类别与搬迁日期不符',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '现状人口的搬迁日期晚于2006-06-30，或原迁人口的搬迁日期在2006-06-30及以前',
    templates: { default: `人口类别为{category}，搬迁日期为{move}；现状人口应于${CUTOFF}及以前搬迁，原迁人口应在其后。请核对人口类别或搬迁日期。` },
    check(f): HitResult | null {
      const d = f.moveDate;
      if (!d) return null;
      const c = f.p.category;
      if ((c === '现状人口' && d > CUTOFF) || (c === '原迁人口' && d <= CUTOFF)) return { values: { category: c, move: d } };
      return null;
    },
  }),
  person({
    code: 'TERM_INVALID',
    name: '扶持期限异常',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '扶持截止日期早于扶持开始日期，或晚于开始日期加20年减1天',
    templates: {
      before: '扶持截止日期{end}早于扶持开始日期{start}。请核对扶持期限。',
      default: '扶持期限{start}至{end}超过20年（截止日期应不晚于{latest}）。请核对扶持期限。',
    },
    check(f): HitResult | null {
      const s = f.supportStart,
        e = f.supportEnd;
      if (!s || !e) return null;
      if (e < s) return { variant: 'before', values: { start: s, end: e } };
      const latest = termLatest(s);
      return e > latest ? { values: { start: s, end: e, latest } } : null;
    },
  }),
  person({
    code: 'REMOVED_INCOMPLETE',
    name: '核减信息不全',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '状态为已核减，但缺少核减日期或核减原因',
    templates: { default: '状态为已核减，但缺少{missing}。请补全核减信息。' },
    check(f): HitResult | null {
      if (!f.isRemoved) return null;
      const missing = [f.p.removalDate === '' ? '核减日期' : '', f.p.removalReason === '' ? '核减原因' : ''].filter(Boolean);
      return missing.length ? { values: { missing: missing.join('、') } } : null;
    },
  }),
  person({
    code: 'ACTIVE_WITH_REMOVAL',
    name: '正常人员有核减信息',
    severity: '提示',
    scope: 'person',
    version: 1,
    description: '状态为正常，但填有核减日期或核减原因',
    templates: { default: '状态为正常，但填有{filled}。请核实是否已核减，或清除核减信息。' },
    check(f): HitResult | null {
      if (!f.isActive) return null;
      const filled = [f.p.removalDate !== '' ? `核减日期“${f.p.removalDate}”` : '', f.p.removalReason !== '' ? `核减原因“${f.p.removalReason}”` : ''].filter(
        Boolean,
      );
      return filled.length ? { values: { filled: filled.join('、') } } : null;
    },
  }),
  group({
    code: 'ACCOUNT_SHARED',
    name: '银行账号跨户使用',
    severity: '提示',
    scope: 'account',
    version: 1,
    groupName: 'account',
    minMembers: 2,
    description: '同一银行账号被多个户的人员使用（每个使用该账号的行一条，含账号所属户）',
    templates: { default: '银行账号{account}被{households}户共{count}人使用（户编号{list}）。请核实账号归属，一卡通应发放到本人或本户账户。' },
    key: (f) => (f.account === '' ? null : f.account),
    check(members) {
      if (members.length < 2) return [];
      const hh = [...new Set(members.map((m) => m.p.householdNo))];
      if (hh.length < 2) return [];
      hh.sort();
      const values = { account: members[0].account, households: hh.length, count: members.length, list: hh.join('、') };
      return members.map((m) => ({ person: m.p.index, values }));
    },
  }),
  person({
    code: 'VILLAGE_CODE_INVALID',
    name: '村代码无效',
    severity: '错误',
    scope: 'person',
    version: 1,
    description: '村代码不是12位数字，或其前6位不是本次核查的县（用户指定；默认为占花名册至少1%人数的县级代码）',
    templates: {
      default: '村代码“{code}”不是12位数字（统计用区划代码）。请更正村代码。',
      county: '村代码“{code}”的县级代码{county}不在本次核查的县（{counties}）之内。请更正村代码或核对核查范围。',
    },
    check(f, ctx: CheckContext): HitResult | null {
      const c = f.p.villageCode;
      if (!isTwelveDigits(c)) return { values: { code: c } };
      const county = c.slice(0, 6);
      if (ctx.counties.has(county)) return null;
      return { variant: 'county', values: { code: c, county, counties: [...ctx.counties].sort().join('、') } };
    },
  }),
];

const latestCache = new Map<string, string>();
/** The latest allowed 扶持截止日期 for a start date: start + 20 years − 1 day (memoised: starts repeat). */
export function termLatest(start: string): string {
  let v = latestCache.get(start);
  if (v === undefined) {
    v = addDays(addYears(start, 20), -1);
    if (latestCache.size > 100_000) latestCache.clear();
    latestCache.set(start, v);
  }
  return v;
}

export function isTwelveDigits(s: string): boolean {
  if (s.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
