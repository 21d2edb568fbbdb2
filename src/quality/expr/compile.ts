// Type checker and compiler of the expression language: every node is checked once (clear
// Chinese errors with the position) and becomes a closure; evaluation never uses eval/Function.
// Empty values are null: a comparison with an empty value is false; is_empty() tests for it.
import { addDays, addYears, wholeYearsBetween, type IsoDate } from '../../shared/dates.ts';
import { isValidDate } from '../../shared/dates.ts';
import type { PersonFacts } from '../types.ts';
import { ExprError } from './lexer.ts';
import { parse, type Node } from './parser.ts';

export type ExprType = 'number' | 'string' | 'date' | 'bool' | 'household';
export const TYPE_LABEL: Record<ExprType, string> = { number: '数值', string: '文字', date: '日期', bool: '条件（真/假）', household: '本户' };

export interface Env {
  f: PersonFacts;
  members: readonly PersonFacts[];
  head: PersonFacts | null;
  asOf: IsoDate;
}
type Value = number | string | boolean | null | readonly PersonFacts[];
type Fn = (e: Env) => Value;
interface Typed {
  type: ExprType;
  fn: Fn;
}

interface FieldDef {
  type: ExprType;
  names: string[];
  get: (f: PersonFacts, e: Env) => Value;
  label: string;
}
const str = (get: (f: PersonFacts) => string) => (f: PersonFacts) => get(f);
const FIELDS: FieldDef[] = [
  { names: ['姓名', 'name'], type: 'string', label: '姓名', get: str((f) => f.p.name) },
  { names: ['身份证号', 'id'], type: 'string', label: '身份证号（规范化）', get: str((f) => f.idNorm) },
  { names: ['性别', 'sex'], type: 'string', label: '性别（填写或由身份证号得出）', get: (f) => f.sexEff ?? '' },
  { names: ['出生日期', 'birth'], type: 'date', label: '出生日期（填写或由身份证号得出）', get: (f) => f.birthEff },
  { names: ['与户主关系', '关系', 'relation'], type: 'string', label: '与户主关系', get: str((f) => f.p.relation) },
  { names: ['户编号', 'household_no'], type: 'string', label: '户编号', get: str((f) => f.p.householdNo) },
  { names: ['村代码', 'village_code'], type: 'string', label: '村代码', get: str((f) => f.p.villageCode) },
  { names: ['乡镇', 'township'], type: 'string', label: '乡镇', get: str((f) => f.p.township) },
  { names: ['村', 'village'], type: 'string', label: '村', get: str((f) => f.p.village) },
  { names: ['组', 'group'], type: 'string', label: '组', get: str((f) => f.p.group) },
  { names: ['人口类别', 'category'], type: 'string', label: '人口类别', get: str((f) => f.p.category) },
  { names: ['所属水库', 'reservoir'], type: 'string', label: '所属水库', get: str((f) => f.p.reservoir) },
  { names: ['搬迁日期', 'move_date'], type: 'date', label: '搬迁日期', get: (f) => f.moveDate ?? null },
  { names: ['扶持开始日期', 'support_start'], type: 'date', label: '扶持开始日期', get: (f) => f.supportStart ?? null },
  { names: ['扶持截止日期', 'support_end'], type: 'date', label: '扶持截止日期', get: (f) => f.supportEnd ?? null },
  { names: ['状态', 'status'], type: 'string', label: '状态', get: str((f) => f.p.status) },
  { names: ['核减日期', 'removal_date'], type: 'date', label: '核减日期', get: (f) => f.removalDate ?? null },
  { names: ['核减原因', 'removal_reason'], type: 'string', label: '核减原因', get: str((f) => f.p.removalReason) },
  { names: ['银行账号', 'account'], type: 'string', label: '银行账号', get: (f) => f.account },
  { names: ['开户银行', 'bank'], type: 'string', label: '开户银行', get: str((f) => f.p.bank) },
  { names: ['持卡人姓名', 'holder'], type: 'string', label: '持卡人姓名', get: str((f) => f.p.holder) },
  { names: ['联系电话', 'phone'], type: 'string', label: '联系电话', get: str((f) => f.p.phone) },
  { names: ['身份证有效', 'id_valid'], type: 'bool', label: '身份证号有效', get: (f) => f.idValid },
  { names: ['是户主', 'is_head'], type: 'bool', label: '是户主', get: (f) => f.isHead },
  { names: ['户人数', 'household_size'], type: 'number', label: '本户人数', get: (_f, e) => e.members.length },
  { names: ['年龄', 'age'], type: 'number', label: '核查日期时的周岁', get: (f, e) => (f.birthEff ? wholeYearsBetween(f.birthEff, e.asOf) : null) },
];
const FIELD_BY_NAME = new Map(FIELDS.flatMap((d) => d.names.map((n) => [n, d] as const)));

/** For the editor and the docs: every field with its type. */
export function describeFields(): { names: string[]; type: string; label: string }[] {
  return FIELDS.map((d) => ({ names: d.names, type: TYPE_LABEL[d.type], label: d.label }));
}

const MAX_REGEX = 100;
const MAX_INPUT = 200;

/** Accept only simple regular expressions: bounded length, no back-references, no look-behind, no nested quantifiers. */
export function safeRegex(pattern: string, pos: number): RegExp {
  if (pattern.length > MAX_REGEX) throw new ExprError(pos, `正则表达式过长（最多${MAX_REGEX}个字符）`);
  if (/\\[1-9]|\\k<|\(\?<[=!]/.test(pattern)) throw new ExprError(pos, '正则表达式不能使用反向引用或后行断言');
  // a quantified group that itself contains a quantifier, e.g. (a+)+ or (a|aa)* — catastrophic backtracking
  if (/\([^)]*[+*}][^)]*\)\s*[+*{]/.test(pattern) || /\([^)]*\|[^)]*\)\s*[+*{]/.test(pattern)) {
    throw new ExprError(pos, '正则表达式中不能对含有重复或“|”的分组再加重复（如 (a+)+），以免运行过慢');
  }
  try {
    return new RegExp(pattern, 'u');
  } catch (e) {
    throw new ExprError(pos, `正则表达式无效：${(e as Error).message}`);
  }
}

export function globToRegex(glob: string, pos: number): RegExp {
  if (glob.length > MAX_REGEX) throw new ExprError(pos, `通配符模式过长（最多${MAX_REGEX}个字符）`);
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body.replace(/(\.\*)+/g, '.*')}$`, 'su');
}

const isNull = (v: Value) => v === null || v === '';
const d = (v: Value) => v as string;
const n = (v: Value) => v as number;

export function compileExpression(src: string): { fn: (e: Env) => boolean; ast: Node } {
  const ast = parse(src);
  const t = compileNode(ast, false);
  if (t.type !== 'bool') throw new ExprError(0, `整个表达式应为条件（真/假），实际为${TYPE_LABEL[t.type]}。例如：年龄 > 100`);
  const fn = t.fn;
  return { ast, fn: (e) => fn(e) === true };
}

function want(node: Node, t: Typed, types: ExprType[], what: string): void {
  if (!types.includes(t.type)) throw new ExprError(node.pos, `${what}应为${types.map((x) => TYPE_LABEL[x]).join('或')}，实际为${TYPE_LABEL[t.type]}`);
}

function compileNode(node: Node, inMember: boolean): Typed {
  switch (node.type) {
    case 'num': {
      const v = node.value;
      return { type: 'number', fn: () => v };
    }
    case 'str': {
      const v = node.value;
      return { type: 'string', fn: () => v };
    }
    case 'bool': {
      const v = node.value;
      return { type: 'bool', fn: () => v };
    }
    case 'date': {
      if (!isValidDate(node.value)) throw new ExprError(node.pos, `“${node.value}”不是有效日期`);
      const v = node.value;
      return { type: 'date', fn: () => v };
    }
    case 'field': {
      if (!node.head && (node.name === 'household' || node.name === '本户')) return { type: 'household', fn: (e) => e.members };
      const def = FIELD_BY_NAME.get(node.name);
      if (!def) {
        const near = FIELDS.filter((x) => x.names.some((nm) => nm.includes(node.name) || node.name.includes(nm))).map((x) => x.names[0]);
        throw new ExprError(node.pos, `没有字段“${node.name}”${near.length ? `，是否要写：${near.join('、')}` : ''}。可用字段见规则说明`);
      }
      const get = def.get;
      if (node.head) return { type: def.type, fn: (e) => (e.head ? get(e.head, e) : null) };
      return { type: def.type, fn: (e) => get(e.f, e) };
    }
    case 'not': {
      const a = compileNode(node.arg, inMember);
      want(node.arg, a, ['bool'], '“非”之后');
      return { type: 'bool', fn: (e) => a.fn(e) !== true };
    }
    case 'neg': {
      const a = compileNode(node.arg, inMember);
      want(node.arg, a, ['number'], '负号之后');
      return {
        type: 'number',
        fn: (e) => {
          const v = a.fn(e);
          return v === null ? null : -n(v);
        },
      };
    }
    case 'logic': {
      const l = compileNode(node.left, inMember),
        r = compileNode(node.right, inMember);
      want(node.left, l, ['bool'], `“${node.op === 'and' ? '且' : '或'}”左边`);
      want(node.right, r, ['bool'], `“${node.op === 'and' ? '且' : '或'}”右边`);
      return node.op === 'and'
        ? { type: 'bool', fn: (e) => l.fn(e) === true && r.fn(e) === true }
        : { type: 'bool', fn: (e) => l.fn(e) === true || r.fn(e) === true };
    }
    case 'cmp':
      return compileCmp(node, inMember);
    case 'arith':
      return compileArith(node, inMember);
    case 'call':
      return compileCall(node, inMember);
  }
}

function compileCmp(node: Extract<Node, { type: 'cmp' }>, inMember: boolean): Typed {
  const l = compileNode(node.left, inMember),
    r = compileNode(node.right, inMember);
  if (l.type === 'household' || r.type === 'household') throw new ExprError(node.pos, '“本户”只能用在 count()、any()、all() 中');
  if (l.type !== r.type) throw new ExprError(node.pos, `不能比较${TYPE_LABEL[l.type]}和${TYPE_LABEL[r.type]}（日期请写成 #2006-06-30#，文字请加引号）`);
  const op = node.op;
  if ((l.type === 'bool' || l.type === 'string') && op !== '=' && op !== '!=') throw new ExprError(node.pos, `${TYPE_LABEL[l.type]}只能用“=”或“!=”比较`);
  const test: (a: Value, b: Value) => boolean =
    op === '='
      ? (a, b) => a === b
      : op === '!='
        ? (a, b) => a !== b
        : op === '<'
          ? (a, b) => a! < b!
          : op === '<='
            ? (a, b) => a! <= b!
            : op === '>'
              ? (a, b) => a! > b!
              : (a, b) => a! >= b!;
  // strings: empty text compares as text ('' = "" is true); dates and numbers: empty → false
  if (l.type === 'string') return { type: 'bool', fn: (e) => test(l.fn(e), r.fn(e)) };
  return {
    type: 'bool',
    fn: (e) => {
      const a = l.fn(e),
        b = r.fn(e);
      return a !== null && b !== null && test(a, b);
    },
  };
}

function compileArith(node: Extract<Node, { type: 'arith' }>, inMember: boolean): Typed {
  const l = compileNode(node.left, inMember),
    r = compileNode(node.right, inMember);
  const both =
    (f: (a: Value, b: Value) => Value): Fn =>
    (e) => {
      const a = l.fn(e),
        b = r.fn(e);
      return a === null || b === null ? null : f(a, b);
    };
  if (l.type === 'number' && r.type === 'number') {
    const op = node.op;
    return {
      type: 'number',
      fn: both((a, b) => (op === '+' ? n(a) + n(b) : op === '-' ? n(a) - n(b) : op === '*' ? n(a) * n(b) : n(b) === 0 ? null : n(a) / n(b))),
    };
  }
  if (l.type === 'date' && r.type === 'number' && (node.op === '+' || node.op === '-')) {
    const sign = node.op === '+' ? 1 : -1;
    return { type: 'date', fn: both((a, b) => addDays(d(a), sign * Math.trunc(n(b)))) };
  }
  if (l.type === 'date' && r.type === 'date' && node.op === '-') {
    return { type: 'number', fn: both((a, b) => Math.round((Date.parse(d(a)) - Date.parse(d(b))) / 86400000)) };
  }
  throw new ExprError(node.pos, `不能对${TYPE_LABEL[l.type]}和${TYPE_LABEL[r.type]}做“${node.op}”运算（日期可加减天数，两个日期相减得天数）`);
}

interface FnSpec {
  args: ExprType[];
  optional?: number;
  ret: ExprType;
  impl?: (a: Value[], e: Env) => Value;
  names: string[];
  doc: string;
}
const SPECS: FnSpec[] = [
  {
    names: ['age', '年龄'],
    args: ['date'],
    optional: 1,
    ret: 'number',
    doc: 'age() 核查日期时的周岁；age(日期) 该日期时的周岁',
    impl: (a, e) => {
      const b = e.f.birthEff;
      const at = a.length ? a[0] : e.asOf;
      return b && at ? wholeYearsBetween(b, d(at)) : null;
    },
  },
  {
    names: ['years_between', '相差年数'],
    args: ['date', 'date'],
    ret: 'number',
    doc: 'years_between(日期1, 日期2) 两日期相差的整年数（日期2早于日期1时为负）',
    impl: (a) => (a[0] && a[1] ? wholeYearsBetween(d(a[0]), d(a[1])) : null),
  },
  {
    names: ['days_between', '相差天数'],
    args: ['date', 'date'],
    ret: 'number',
    doc: 'days_between(日期1, 日期2) 相差天数',
    impl: (a) => (a[0] && a[1] ? Math.round((Date.parse(d(a[1])) - Date.parse(d(a[0]))) / 86400000) : null),
  },
  {
    names: ['add_years', '加年'],
    args: ['date', 'number'],
    ret: 'date',
    doc: 'add_years(日期, 年数)',
    impl: (a) => (a[0] && a[1] !== null ? addYears(d(a[0]), Math.trunc(n(a[1]))) : null),
  },
  {
    names: ['add_days', '加天'],
    args: ['date', 'number'],
    ret: 'date',
    doc: 'add_days(日期, 天数)',
    impl: (a) => (a[0] && a[1] !== null ? addDays(d(a[0]), Math.trunc(n(a[1]))) : null),
  },
  { names: ['today', '核查日期'], args: [], ret: 'date', doc: 'today() 本次核查日期', impl: (_a, e) => e.asOf },
  { names: ['year', '年份'], args: ['date'], ret: 'number', doc: 'year(日期) 年份', impl: (a) => (a[0] ? +d(a[0]).slice(0, 4) : null) },
  { names: ['length', '长度'], args: ['string'], ret: 'number', doc: 'length(文字) 字数', impl: (a) => [...d(a[0])].length },
  { names: ['contains', '包含'], args: ['string', 'string'], ret: 'bool', doc: 'contains(文字, 片段)', impl: (a) => d(a[0]).includes(d(a[1])) },
  {
    names: ['starts_with', 'startsWith', '开头是'],
    args: ['string', 'string'],
    ret: 'bool',
    doc: 'starts_with(文字, 开头)',
    impl: (a) => d(a[0]).startsWith(d(a[1])),
  },
  { names: ['ends_with', 'endsWith', '结尾是'], args: ['string', 'string'], ret: 'bool', doc: 'ends_with(文字, 结尾)', impl: (a) => d(a[0]).endsWith(d(a[1])) },
  { names: ['is_empty', '为空'], args: ['string'], ret: 'bool', doc: 'is_empty(字段) 字段为空（文字或日期）' },
  { names: ['matches', '匹配'], args: ['string', 'string'], ret: 'bool', doc: 'matches(文字, "正则") 简单正则（≤100字符，不允许嵌套重复）' },
  { names: ['like', '像'], args: ['string', 'string'], ret: 'bool', doc: 'like(文字, "4305*") 通配符：* 任意多个字，? 一个字' },
  { names: ['count', '计数'], args: ['household', 'bool'], optional: 1, ret: 'number', doc: 'count(本户) 本户人数；count(本户, 条件) 本户中满足条件的人数' },
  { names: ['any', '有人'], args: ['household', 'bool'], ret: 'bool', doc: 'any(本户, 条件) 本户中有人满足条件' },
  { names: ['all', '都是'], args: ['household', 'bool'], ret: 'bool', doc: 'all(本户, 条件) 本户所有人都满足条件' },
];
const SPEC_BY_NAME = new Map(SPECS.flatMap((s) => s.names.map((nm) => [nm, s] as const)));

export function describeFunctions(): { names: string[]; doc: string }[] {
  return SPECS.map((s) => ({ names: s.names, doc: s.doc }));
}

function compileCall(node: Extract<Node, { type: 'call' }>, inMember: boolean): Typed {
  const spec = SPEC_BY_NAME.get(node.name);
  if (!spec) throw new ExprError(node.pos, `没有函数“${node.name}”。可用函数：${SPECS.map((s) => s.names[0]).join('、')}`);
  const min = spec.args.length - (spec.optional ?? 0);
  if (node.args.length < min || node.args.length > spec.args.length) {
    throw new ExprError(node.pos, `函数${node.name}需要${min === spec.args.length ? min : `${min}到${spec.args.length}`}个参数，实际为${node.args.length}个`);
  }
  const name = spec.names[0];
  // household functions: the condition is checked for each member (fields then mean the member)
  if (name === 'count' || name === 'any' || name === 'all') {
    const hh = compileNode(node.args[0], inMember);
    want(node.args[0], hh, ['household'], `函数${node.name}的第1个参数`);
    if (inMember) throw new ExprError(node.pos, `${node.name}() 不能嵌套在另一个 count()/any()/all() 之中`);
    if (node.args.length === 1) return { type: 'number', fn: (e) => e.members.length };
    const pred = compileNode(node.args[1], true);
    want(node.args[1], pred, ['bool'], `函数${node.name}的第2个参数`);
    const p = pred.fn;
    const each = (e: Env, m: PersonFacts) => p({ f: m, members: e.members, head: e.head, asOf: e.asOf }) === true;
    if (name === 'count')
      return {
        type: 'number',
        fn: (e) => {
          let c = 0;
          for (const m of e.members) if (each(e, m)) c++;
          return c;
        },
      };
    if (name === 'any') return { type: 'bool', fn: (e) => e.members.some((m) => each(e, m)) };
    return { type: 'bool', fn: (e) => e.members.every((m) => each(e, m)) };
  }
  const args = node.args.map((a) => compileNode(a, inMember));
  if (name === 'is_empty') {
    if (args[0].type !== 'string' && args[0].type !== 'date') want(node.args[0], args[0], ['string', 'date'], `函数${node.name}的参数`);
    const a = args[0].fn;
    return { type: 'bool', fn: (e) => isNull(a(e)) };
  }
  args.forEach((a, i) => {
    want(node.args[i], a, [spec.args[i]], `函数${node.name}的第${i + 1}个参数`);
  });
  if (name === 'matches' || name === 'like') {
    const lit = node.args[1];
    if (lit.type !== 'str') throw new ExprError(lit.pos, `函数${node.name}的第2个参数应为写在引号中的模式`);
    const re = name === 'matches' ? safeRegex(lit.value, lit.pos) : globToRegex(lit.value, lit.pos);
    const s = args[0].fn;
    return { type: 'bool', fn: (e) => re.test(d(s(e)).slice(0, MAX_INPUT)) };
  }
  const impl = spec.impl!;
  const fns = args.map((a) => a.fn);
  return {
    type: spec.ret,
    fn: (e) =>
      impl(
        fns.map((f) => f(e)),
        e,
      ),
  };
}
