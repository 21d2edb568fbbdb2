// Every built-in rule has a failing case (it fires, on the right person) and a passing case
// (a clean or boundary roster where it stays silent). The last test makes sure no rule lacks cases.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runQuality } from './engine.ts';
import { BUILT_IN_RULES, findRule } from './catalogue.ts';
import { emptyPerson } from './roster-file.ts';
import { luhnOk, phoneOk } from './rules.extra.ts';
import { idFor, person } from './test-helpers.ts';
import type { RosterPerson } from './types.ts';

const AS_OF = '2024-12-31';
/** A clean household: head, spouse, son, daughter-in-law, grandson, father. */
function family(hh = '4305821302410001'): RosterPerson[] {
  return [
    person({ householdNo: hh, name: '李明', birth: '1960-05-10', sexOf: '男', relation: '户主' }),
    person({ householdNo: hh, name: '王芳', birth: '1962-03-01', sexOf: '女', relation: '配偶' }),
    person({ householdNo: hh, name: '李强', birth: '1985-08-08', sexOf: '男', relation: '子' }),
    person({ householdNo: hh, name: '张丽', birth: '1986-01-01', sexOf: '女', relation: '儿媳' }),
    person({ householdNo: hh, name: '李小龙', birth: '2005-06-01', sexOf: '男', relation: '孙子' }),
    person({ householdNo: hh, name: '李老', birth: '1935-02-02', sexOf: '男', relation: '父亲' }),
  ];
}
function hits(code: string, roster: RosterPerson[], counties?: string[]): string[] {
  roster.forEach((p, i) => {
    p.index = i;
  });
  const rule = findRule(code)!;
  const r = runQuality(roster, { asOf: AS_OF, rules: [rule], counties });
  for (const p of r.problems) assert.ok(p.message.length > 5 && !/\{\w+\}/.test(p.message), `rendered: ${p.message}`);
  return r.problems.map((p) => roster[p.person].name).sort();
}

type Case = { fail: () => RosterPerson[]; flagged: string[]; pass?: () => RosterPerson[]; passCounties?: string[] };
const F = family;
const edit = (i: number, o: Partial<RosterPerson>) => () => {
  const f = F();
  Object.assign(f[i], o);
  return f;
};

const CASES: Record<string, Case> = {
  ID_INVALID: {
    fail: edit(2, { idRaw: '43058219850808123' }),
    flagged: ['李强'],
    pass: () => {
      const f = F();
      f[2].idRaw = ` ${f[2].idRaw.toLowerCase()} `;
      f[5].idRaw = f[5].idRaw.slice(0, 6) + f[5].idRaw.slice(8, 17);
      return f;
    },
  },
  ID_SEX_MISMATCH: { fail: edit(2, { sex: '女' }), flagged: ['李强'], pass: edit(2, { sex: '' }) },
  ID_BIRTH_MISMATCH: { fail: edit(2, { birthDate: '1985/8/9' }), flagged: ['李强'], pass: edit(2, { birthDate: '1985年8月8日' }) },
  DUP_ID: {
    fail: () => {
      const f = F();
      const g = F('4305821302410002');
      g[0].idRaw = f[0].idRaw.toLowerCase();
      return [...f, ...g];
    },
    flagged: ['李明', '李明'],
  },
  HOUSEHOLD_NO_HEAD: {
    fail: () => F().slice(1),
    flagged: ['张丽', '李小龙', '李强', '李老', '王芳'],
    pass: edit(0, { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' }),
  },
  HOUSEHOLD_MULTI_HEAD: { fail: edit(1, { relation: '户主' }), flagged: ['张丽', '李小龙', '李强', '李明', '李老', '王芳'] },
  SPOUSE_SAME_SEX: { fail: edit(1, { sex: '男' }), flagged: ['王芳'], pass: edit(1, { sex: '' }) },
  CHILD_AGE_GAP: {
    fail: edit(2, { birthDate: '1975-05-09', idRaw: idFor('1975-05-09', '男') }),
    flagged: ['李强'],
    pass: edit(2, { birthDate: '1975-05-10', idRaw: idFor('1975-05-10', '男') }),
  },
  GRANDCHILD_AGE_GAP: {
    fail: edit(4, { birthDate: '1990-05-09', idRaw: idFor('1990-05-09', '男') }),
    flagged: ['李小龙'],
    pass: edit(4, { birthDate: '1990-05-10', idRaw: idFor('1990-05-10', '男') }),
  },
  PARENT_AGE_GAP: {
    fail: edit(5, { birthDate: '1945-05-11', idRaw: idFor('1945-05-11', '男') }),
    flagged: ['李老'],
    pass: edit(5, { birthDate: '1945-05-10', idRaw: idFor('1945-05-10', '男') }),
  },
  AGE_IMPLAUSIBLE: {
    fail: edit(5, { birthDate: '1913-12-30', idRaw: idFor('1913-12-30', '男') }),
    flagged: ['李老'],
    pass: edit(5, { birthDate: '1914-12-31', idRaw: idFor('1914-12-31', '男') }),
  },
  MINOR_HEAD: {
    fail: edit(0, { birthDate: '2009-01-01', idRaw: idFor('2009-01-01', '男') }),
    flagged: ['李明'],
    pass: edit(0, { birthDate: '2008-12-31', idRaw: idFor('2008-12-31', '男') }),
  },
  SUPPORT_BEFORE_BIRTH: {
    fail: edit(4, { birthDate: '2006-07-02', idRaw: idFor('2006-07-02', '男') }),
    flagged: ['李小龙'],
    pass: edit(4, { birthDate: '2006-07-01', idRaw: idFor('2006-07-01', '男') }),
  },
  CATEGORY_DATE_CONFLICT: { fail: edit(0, { category: '原迁人口', moveDate: '2006-06-30' }), flagged: ['李明'], pass: edit(0, { moveDate: '2006-06-30' }) },
  TERM_INVALID: { fail: edit(0, { supportEnd: '2026-07-01' }), flagged: ['李明'], pass: edit(0, { supportEnd: '2026-06-30' }) },
  REMOVED_INCOMPLETE: {
    fail: edit(5, { status: '已核减', removalDate: '2020-01-01' }),
    flagged: ['李老'],
    pass: edit(5, { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' }),
  },
  ACTIVE_WITH_REMOVAL: { fail: edit(5, { removalReason: '死亡' }), flagged: ['李老'] },
  ACCOUNT_SHARED: {
    fail: () => {
      const f = F();
      const g = F('4305821302410002');
      g[1].account = f[0].account;
      return [...f, ...g];
    },
    flagged: ['李明', '王芳'],
    pass: () => {
      const f = F();
      f[1].account = f[0].account;
      return f;
    },
  },
  VILLAGE_CODE_INVALID: {
    fail: edit(3, { villageCode: '43058213024' }),
    flagged: ['张丽'],
    pass: () => F().map((p) => ({ ...p, villageCode: '430602130241' })),
    passCounties: ['430602'],
  },
  NAME_MISSING: { fail: edit(2, { name: '' }), flagged: [''] },
  NAME_INVALID: { fail: edit(2, { name: '李 强2' }), flagged: ['李 强2'], pass: edit(2, { name: '阿依古丽·买买提' }) },
  HOUSEHOLD_NO_MISSING: { fail: edit(2, { householdNo: '' }), flagged: ['李强'] },
  SEX_VALUE_INVALID: { fail: edit(2, { sex: 'M' }), flagged: ['李强'] },
  RELATION_INVALID: { fail: edit(2, { relation: '儿子' }), flagged: ['李强'] },
  STATUS_INVALID: { fail: edit(2, { status: '死亡' }), flagged: ['李强'] },
  REMOVAL_REASON_INVALID: { fail: edit(2, { status: '已核减', removalDate: '2020-01-01', removalReason: '去世' }), flagged: ['李强'] },
  CATEGORY_INVALID: { fail: edit(2, { category: '移民' }), flagged: ['李强'] },
  DATE_UNREADABLE: { fail: edit(2, { moveDate: '1990-02-30' }), flagged: ['李强'], pass: edit(2, { moveDate: '19900228' }) },
  SUPPORT_START_MISSING: { fail: edit(2, { supportStart: '' }), flagged: ['李强'] },
  SUPPORT_BEFORE_POLICY: { fail: edit(2, { supportStart: '2006-06-30' }), flagged: ['李强'] },
  SUPPORT_BEFORE_MOVE: {
    fail: edit(2, { category: '原迁人口', moveDate: '2010-05-01', supportStart: '2010-04-30' }),
    flagged: ['李强'],
    pass: edit(2, { category: '原迁人口', moveDate: '2010-05-01', supportStart: '2010-05-01' }),
  },
  MOVE_DATE_MISSING: { fail: edit(2, { moveDate: '' }), flagged: ['李强'] },
  BIRTH_BEFORE_1900: { fail: edit(5, { birthDate: '1899-12-31', idRaw: idFor('1899-12-31', '男') }), flagged: ['李老'] },
  REMOVAL_BEFORE_SUPPORT: {
    fail: edit(5, { status: '已核减', removalDate: '2006-06-30', removalReason: '死亡' }),
    flagged: ['李老'],
    pass: edit(5, { status: '已核减', removalDate: '2006-07-01', removalReason: '死亡', account: '' }),
  },
  REMOVAL_IN_FUTURE: { fail: edit(5, { status: '已核减', removalDate: '2025-01-01', removalReason: '迁出' }), flagged: ['李老'] },
  DEAD_WITH_ACCOUNT: {
    fail: edit(5, { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' }),
    flagged: ['李老'],
    pass: edit(5, { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡', account: '' }),
  },
  ACCOUNT_LUHN: { fail: edit(2, { account: '6228480000000000001' }), flagged: ['李强'], pass: edit(2, { account: '123456789012' }) },
  ACCOUNT_MALFORMED: { fail: edit(2, { account: '6228-ABC' }), flagged: ['李强'], pass: edit(2, { account: '6228 4800 0000 0000 006' }) },
  ACTIVE_NO_ACCOUNT: { fail: edit(2, { account: '' }), flagged: ['李强'] },
  PHONE_INVALID: { fail: edit(2, { phone: '1381234567' }), flagged: ['李强'], pass: edit(2, { phone: '0731-84123456' }) },
  HOLDER_OUTSIDE_HOUSEHOLD: { fail: edit(2, { holder: '赵六' }), flagged: ['李强'], pass: edit(2, { holder: '李明' }) },
  HEAD_REMOVED_MEMBERS_ACTIVE: {
    fail: () =>
      F()
        .slice(0, 2)
        .map((p, i) => (i === 0 ? { ...p, status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' } : p)),
    flagged: ['王芳'],
  },
  HOUSEHOLD_TOO_LARGE: {
    fail: () => [...F(), ...F(), ...F()].map((p, i) => ({ ...p, idRaw: i < 6 ? p.idRaw : idFor('1990-01-01', '男'), relation: i === 0 ? '户主' : '其他' })),
    flagged: Array(18)
      .fill(0)
      .map(() => ''),
    pass: () => [...F(), ...F()].map((p, i) => ({ ...p, relation: i === 0 ? '户主' : '其他' })),
  },
  HOUSEHOLD_SPLIT_VILLAGES: { fail: edit(2, { villageCode: '430582130242' }), flagged: ['张丽', '李小龙', '李强', '李明', '李老', '王芳'] },
  SPOUSE_MULTIPLE: { fail: edit(3, { relation: '配偶' }), flagged: ['张丽', '王芳'] },
  HOUSEHOLD_NO_VILLAGE_MISMATCH: { fail: edit(2, { householdNo: '4305821302420001' }), flagged: ['李强'] },
  SUPPORT_ENDED_ACTIVE: { fail: edit(2, { supportEnd: '2024-12-30' }), flagged: ['李强'], pass: edit(2, { supportEnd: '2024-12-31' }) },
};

describe('built-in rules: a failing and a passing case each', () => {
  for (const rule of BUILT_IN_RULES) {
    const c = CASES[rule.code];
    it(`${rule.code} ${rule.name}`, () => {
      assert.ok(c, `no test case for ${rule.code}`);
      const flagged = hits(rule.code, c.fail());
      if (rule.code === 'HOUSEHOLD_TOO_LARGE') assert.equal(flagged.length, 18);
      else assert.deepEqual(flagged, [...c.flagged].sort());
      assert.deepEqual(hits(rule.code, (c.pass ?? F)(), c.passCounties), [], 'passing case flagged');
      assert.deepEqual(hits(rule.code, F()), [], 'clean family flagged');
    });
  }
  it('every case names a real rule', () => {
    for (const code of Object.keys(CASES)) assert.ok(findRule(code), code);
  });
});

describe('precise readings of FORMATS §7', () => {
  it('a removed 户主 still counts as the head', () => {
    const f = F();
    Object.assign(f[0], { status: '已核减', removalDate: '2020-01-01', removalReason: '死亡' });
    Object.assign(f[1], { sex: '男' });
    assert.deepEqual(hits('HOUSEHOLD_NO_HEAD', f), []);
    assert.deepEqual(hits('SPOUSE_SAME_SEX', f), ['王芳']);
  });
  it('relationship rules skip households without exactly one head', () => {
    const f = F();
    Object.assign(f[2], { birthDate: '1970-01-01', idRaw: idFor('1970-01-01', '男') });
    f[1].relation = '户主';
    assert.deepEqual(hits('CHILD_AGE_GAP', f), []);
  });
  it('an empty column is never a mismatch; sex and birth then come from a valid ID', () => {
    const f = F();
    f[2].sex = '';
    f[2].birthDate = '';
    f[1].sex = '';
    f[1].idRaw = idFor('1962-03-01', '男');
    assert.deepEqual(hits('ID_SEX_MISMATCH', f), []);
    assert.deepEqual(hits('SPOUSE_SAME_SEX', f), ['王芳']);
  });
  it('the default county coverage is every county with at least 1% of the roster', () => {
    const roster: RosterPerson[] = [];
    for (let i = 0; i < 99; i++) roster.push(person({ householdNo: `H${i}`, name: `甲${i}` }));
    roster.push(person({ householdNo: 'X', name: '乙', villageCode: '431224130241' }));
    assert.deepEqual(hits('VILLAGE_CODE_INVALID', roster), []); // exactly 1%
    roster.push(person({ householdNo: 'Y', name: '丙' }));
    assert.deepEqual(hits('VILLAGE_CODE_INVALID', roster), ['乙']); // 1 of 101
  });
  it('helpers: Luhn and phone', () => {
    assert.equal(luhnOk('6228480402564890018'), true);
    assert.equal(luhnOk('6228480402564890019'), false);
    assert.equal(phoneOk('+86 138 1234 5678'), true);
    assert.equal(phoneOk('12345'), false);
  });
});
