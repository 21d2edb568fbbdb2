// The expression language: what it accepts and computes, and how it refuses malformed and
// unsafe input (with the position and what was expected, in Chinese).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, safeRegex, type Env } from './compile.ts';
import { ExprError, tokenize } from './lexer.ts';
import { deriveFacts } from '../facts.ts';
import { soleHead } from '../rules.section7.ts';
import { checkExpression, customRuleSchema, customRuleToRule, previewCustomRule } from '../custom-rule.ts';
import { person } from '../test-helpers.ts';
import type { RosterPerson } from '../types.ts';

const AS_OF = '2024-12-31';
function household(): RosterPerson[] {
  const hh = [
    person({ name: '李明', birth: '1950-05-10', sexOf: '男', relation: '户主', phone: '13812345678' }),
    person({ name: '王芳', birth: '1952-03-01', sexOf: '女', relation: '配偶', moveDate: '2008-01-01', category: '原迁人口' }),
    person({
      name: '李强',
      birth: '1980-08-08',
      sexOf: '男',
      relation: '子',
      status: '已核减',
      removalDate: '2020-01-01',
      removalReason: '迁出',
      supportEnd: '',
    }),
  ];
  hh.forEach((p, i) => {
    p.index = i;
  });
  return hh;
}
function evalOn(expr: string, who = 0): boolean {
  const members = household().map((p) => deriveFacts(p, AS_OF));
  const env: Env = { f: members[who], members, head: soleHead(members), asOf: AS_OF };
  return compileExpression(expr).fn(env);
}
function errorOf(expr: string): string {
  try {
    compileExpression(expr);
  } catch (e) {
    if (e instanceof ExprError) return e.message;
    throw e;
  }
  assert.fail(`accepted: ${expr}`);
}

describe('expression language: evaluation', () => {
  it('comparisons, and/or/not, Chinese keywords without spaces', () => {
    assert.equal(evalOn('年龄 > 70 and 性别 = "男"'), true);
    assert.equal(evalOn('年龄>80或性别="女"'), false);
    assert.equal(evalOn('年龄>70且非(性别="女")'), true);
    assert.equal(evalOn('not (age >= 74) || relation != "户主"'), false);
  });
  it('dates: literals, arithmetic, age(), years_between()', () => {
    assert.equal(evalOn('出生日期 < #1950-05-11# and 出生日期 + 1 = 1950-05-11'), true);
    assert.equal(evalOn('age() = 74 and age(#2000-05-09#) = 49 and age(2000-05-10) = 50'), true);
    assert.equal(evalOn('years_between(户主.出生日期, 出生日期) = 1', 1), true);
    assert.equal(evalOn('add_years(出生日期, 20) = #1970-05-10# and today() = #2024-12-31#'), true);
    assert.equal(evalOn('搬迁日期 - 出生日期 > 20000', 1), true);
  });
  it('empty dates make comparisons false; is_empty tests for them', () => {
    assert.equal(evalOn('扶持截止日期 < #2100-01-01#', 2), false);
    assert.equal(evalOn('扶持截止日期 >= #1900-01-01#', 2), false);
    assert.equal(evalOn('is_empty(扶持截止日期) and not is_empty(核减原因)', 2), true);
  });
  it('counts within the household', () => {
    assert.equal(evalOn('count(household, relation = "户主") = 1 and count(本户) = 3'), true);
    assert.equal(evalOn('count(本户, 状态 = "正常") = 2 and any(本户, 核减原因 = "迁出") and not all(本户, 性别 = "男")'), true);
    assert.equal(evalOn('户人数 = 3'), true);
  });
  it('string tests: contains, starts_with, matches, like, length', () => {
    assert.equal(evalOn('contains(姓名, "明") and starts_with(联系电话, "138") and length(姓名) = 2'), true);
    assert.equal(evalOn('matches(联系电话, "^1[3-9][0-9]{9}$") and like(村代码, "430582*") and not like(村代码, "4306??*")'), true);
  });
});

describe('expression language: errors', () => {
  it('names the position and what was expected', () => {
    assert.match(errorOf('年龄 > '), /第6个字符处：应为字段、数值、字符串、日期或“\(”，实际为表达式结尾/);
    assert.match(errorOf('(年龄 > 1'), /应为“\)”/);
    assert.match(errorOf('年龄 > 1 2'), /第8个字符处：应为“且”“或”或表达式结尾/);
    assert.match(errorOf('"abc'), /缺少结束引号/);
    assert.match(errorOf('出生日期 < #2006-13-01#'), /不是有效日期/);
    assert.match(errorOf('年龄 > 1 > 2'), /比较不能连写/);
  });
  it('type errors in Chinese', () => {
    assert.match(errorOf('年龄'), /整个表达式应为条件/);
    assert.match(errorOf('出生日期 < "2006-01-01"'), /不能比较日期和文字/);
    assert.match(errorOf('姓名 > "a"'), /文字只能用“=”或“!=”比较/);
    assert.match(errorOf('年纪 > 1'), /没有字段“年纪”/);
    assert.match(errorOf('foo(1)'), /没有函数“foo”/);
    assert.match(errorOf('age(1, 2)'), /需要0到1个参数/);
    assert.match(errorOf('contains(年龄, "1")'), /第1个参数应为文字，实际为数值/);
    assert.match(errorOf('本户 = 1'), /只能用在 count\(\)/);
    assert.match(errorOf('count(本户, count(本户) > 1) > 0'), /不能嵌套/);
  });
  it('rejects unsafe input: no code, no dangerous regular expressions, bounded size', () => {
    assert.match(errorOf('constructor.constructor("return process")()'), /只有“户主\.”/);
    assert.match(errorOf('process.exit(1)'), /只有“户主\.”/);
    assert.match(errorOf('this'), /没有字段“this”/);
    assert.match(errorOf('`x`'), /不能识别的字符/);
    assert.match(errorOf('姓名 = "a"; process.exit()'), /不能识别的字符“;”/);
    assert.match(errorOf('matches(姓名, "(a+)+$")'), /不能对含有重复/);
    assert.match(errorOf('matches(姓名, "(a|aa)*")'), /不能对含有重复/);
    assert.match(errorOf('matches(姓名, "(a)\\\\1")'), /反向引用/);
    assert.match(errorOf(`matches(姓名, "${'a'.repeat(101)}")`), /正则表达式过长/);
    assert.match(errorOf('matches(姓名, 姓名)'), /写在引号中的模式/);
    assert.match(errorOf('('.repeat(60) + '1=1' + ')'.repeat(60)), /嵌套过深/);
    assert.throws(() => tokenize('1=1 and '.repeat(300)), /表达式过长/);
    assert.throws(() => safeRegex('[', 0), /正则表达式无效/);
  });
});

describe('custom rules', () => {
  const def = customRuleSchema.parse({
    code: 'CUSTOM_OLD_MALE',
    name: '七十岁以上男性',
    severity: '提示',
    expression: '年龄 >= 70 且 性别 = "男"',
    message: '{姓名}年满70岁，请核实健在。',
  });
  it('validates on save and explains the error', () => {
    assert.deepEqual(checkExpression(def.expression), { ok: true });
    const bad = checkExpression('年龄 >= ');
    assert.equal(bad.ok, false);
    assert.equal(bad.position, 6);
    assert.equal(customRuleSchema.safeParse({ ...def, code: 'old' }).success, false);
  });
  it('runs as a catalogue rule and previews how many it flags', () => {
    const roster = household();
    const rule = customRuleToRule(def);
    assert.equal(rule.code, 'CUSTOM_OLD_MALE');
    const p = previewCustomRule(def, roster, AS_OF);
    assert.equal(p.flagged, 1);
    assert.equal(p.total, 3);
    assert.equal(p.samples[0]['说明'], '李明年满70岁，请核实健在。');
  });
});
