// Generated rosters with planted problems: every FORMATS §7 rule finds all planted problems and
// nothing else; incremental checks agree with a full run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeSynthRoster } from './synth.ts';
import { runQuality } from './engine.ts';
import { selectRules } from './catalogue.ts';
import { RosterIndex } from './incremental.ts';
import type { Problem } from './types.ts';

const S7 = selectRules().rules;
const ALL = selectRules({ all: true }).rules;

describe('generated rosters with planted problems', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: each §7 rule finds exactly the planted problems`, () => {
      const s = makeSynthRoster({ persons: 6000, seed, plantRate: 0.3 });
      const r = runQuality(s.persons, { asOf: s.asOf, rules: S7 });
      const got = new Set(r.problems.map((p) => `${p.code}:${p.person}`));
      for (const rule of S7) {
        const want = [...s.expected].filter((k) => k.startsWith(rule.code + ':')).sort();
        const have = [...got].filter((k) => k.startsWith(rule.code + ':')).sort();
        assert.ok(want.length > 0, `nothing planted for ${rule.code}`);
        assert.deepEqual(have, want, rule.code);
      }
    });
  }
});

describe('incremental checks', () => {
  const key = (p: Problem) => `${p.code}:${p.person}:${p.message}`;
  it('checking one household agrees with a full run for the people it concerns', () => {
    const s = makeSynthRoster({ persons: 3000, seed: 9, plantRate: 0.3 });
    const full = runQuality(s.persons, { asOf: s.asOf, rules: ALL });
    const index = new RosterIndex(s.persons, { asOf: s.asOf, rules: ALL });
    const households = [...new Set(s.persons.map((p) => p.householdNo))];
    for (const hh of households.filter((_, i) => i % 7 === 0)) {
      const inc = index.checkHouseholds([hh]);
      const people = new Set(inc.people);
      const want = full.problems
        .filter((p) => people.has(p.person))
        .map(key)
        .sort();
      assert.deepEqual(inc.problems.map(key).sort(), want, hh);
    }
  });

  it('replacing a household re-checks it and the people sharing an ID with it', () => {
    const s = makeSynthRoster({ persons: 2000, seed: 5, plantRate: 0 });
    const index = new RosterIndex(s.persons, { asOf: s.asOf, rules: S7 });
    const a = s.persons[0].householdNo;
    const b = s.persons.find((p) => p.householdNo !== a)!;
    // household A gains a member with B's ID: both get DUP_ID
    const members = index.household(a).map(({ index: _i, ...m }) => m);
    const copy = { ...members[0], name: '新增', relation: '其他', idRaw: b.idRaw, account: '' };
    const r1 = index.replaceHousehold(a, [...members, copy]);
    const dup = r1.problems.filter((p) => p.code === 'DUP_ID');
    assert.equal(dup.length, 2);
    assert.ok(dup.some((p) => p.person === b.index));
    // and loses it again: B's DUP_ID is gone
    const r2 = index.replaceHousehold(a, members);
    assert.ok(r2.people.includes(b.index));
    assert.equal(r2.problems.filter((p) => p.code === 'DUP_ID').length, 0);
  });
});
