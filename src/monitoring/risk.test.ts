import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { requestRemoval, approveTownship, approveCounty, returnRemoval, householdStatusOf, type RiskFacts, type IncomeFacts } from './risk.ts';
import { REQUIRED_CONDITIONS, REMOVAL_CONDITIONS } from './codes.ts';

const active: RiskFacts = { state: 'active', riskType: 'illness', identifiedOn: '2024-03-01', requestedBy: null, townshipBy: null };
const income: IncomeFacts = {
  incomeYear: 2024,
  incomeFen: 900_000,
  lines: new Map([
    [2024, 680_000],
    [2025, 700_000],
  ]),
};
const good = { removalDate: '2025-01-10', conditions: [...REQUIRED_CONDITIONS], note: '入户核实：医疗费用已报销，务工收入稳定' };
const today = '2025-06-30';
const code = (d: { ok: boolean; code?: string }) => (d.ok ? 'OK' : d.code);

describe('风险消除申请', () => {
  it('accepts the required conditions, a note, a date and an income above the line', () => {
    const d = requestRemoval(active, good, income, today);
    assert.ok(d.ok);
    assert.deepEqual(d.value, { removalDate: '2025-01-10', conditions: REQUIRED_CONDITIONS, note: good.note, incomeFen: 900_000, lineFen: 680_000 });
  });
  it('refuses without conditions, with one missing, or an unknown one', () => {
    assert.equal(code(requestRemoval(active, { ...good, conditions: [] }, income, today)), 'NO_CONDITIONS');
    assert.equal(code(requestRemoval(active, { ...good, conditions: ['  '] }, income, today)), 'NO_CONDITIONS');
    for (const c of REQUIRED_CONDITIONS) {
      const d = requestRemoval(active, { ...good, conditions: REQUIRED_CONDITIONS.filter((x) => x !== c) }, income, today);
      assert.equal(code(d), 'MISSING_CONDITION');
      assert.ok(!d.ok && d.detail?.includes(REMOVAL_CONDITIONS[c]));
    }
    assert.equal(code(requestRemoval(active, { ...good, conditions: [...REQUIRED_CONDITIONS, 'luck'] }, income, today)), 'UNKNOWN_CONDITION');
  });
  it('refuses without a note, with a bad, early or future date', () => {
    assert.equal(code(requestRemoval(active, { ...good, note: '   ' }, income, today)), 'NO_NOTE');
    assert.equal(code(requestRemoval(active, { ...good, removalDate: '2025-02-30' }, income, today)), 'BAD_DATE');
    assert.equal(code(requestRemoval(active, { ...good, removalDate: '2024-02-29' }, income, today)), 'DATE_BEFORE_IDENTIFIED');
    assert.equal(code(requestRemoval(active, { ...good, removalDate: '2025-07-01' }, income, today)), 'DATE_IN_FUTURE');
  });
  it('refuses without a recent income, without a line for its year, or below the line', () => {
    assert.equal(code(requestRemoval(active, good, { ...income, incomeYear: null, incomeFen: null }, today)), 'NO_INCOME');
    assert.equal(code(requestRemoval(active, good, { ...income, incomeYear: 2022 }, today)), 'NO_INCOME');
    assert.equal(code(requestRemoval(active, good, { ...income, lines: new Map([[2025, 1]]) }, today)), 'NO_LINE');
    assert.equal(code(requestRemoval(active, good, { ...income, incomeFen: 679_999 }, today)), 'INCOME_BELOW_LINE');
    assert.equal(code(requestRemoval(active, good, { ...income, incomeFen: 680_000 }, today)), 'OK');
  });
  it('refuses a risk that is not active', () => {
    for (const state of ['pending_township', 'pending_county', 'removed'] as const)
      assert.equal(code(requestRemoval({ ...active, state }, good, income, today)), 'NOT_ACTIVE');
  });
});

describe('乡镇审核与县级审定', () => {
  const pendingT: RiskFacts = { ...active, state: 'pending_township', requestedBy: 1 };
  const pendingC: RiskFacts = { ...active, state: 'pending_county', requestedBy: 1, townshipBy: 2 };
  it('township review: a township user other than the requester', () => {
    assert.equal(code(approveTownship(pendingT, { id: 2, regionCode: '430582101' })), 'OK');
    assert.equal(code(approveTownship(pendingT, { id: 1, regionCode: '430582101' })), 'SELF_APPROVAL');
    assert.equal(code(approveTownship(pendingT, { id: 3, regionCode: '430582' })), 'NOT_TOWNSHIP_USER');
    assert.equal(code(approveTownship(active, { id: 2, regionCode: '430582101' })), 'NOT_PENDING_TOWNSHIP');
    assert.equal(code(approveTownship(pendingC, { id: 2, regionCode: '430582101' })), 'NOT_PENDING_TOWNSHIP');
  });
  it('county decision: after the township, by a county user who neither requested nor reviewed', () => {
    assert.equal(code(approveCounty(pendingC, { id: 3, regionCode: '430582' })), 'OK');
    assert.equal(code(approveCounty(pendingC, { id: 1, regionCode: '430582' })), 'SELF_APPROVAL');
    assert.equal(code(approveCounty(pendingC, { id: 2, regionCode: '430582' })), 'SAME_APPROVER');
    assert.equal(code(approveCounty(pendingC, { id: 3, regionCode: '430582101' })), 'NOT_COUNTY_USER');
    assert.equal(code(approveCounty(pendingT, { id: 3, regionCode: '430582' })), 'NOT_PENDING_COUNTY');
    assert.equal(code(approveCounty(active, { id: 3, regionCode: '430582' })), 'NOT_PENDING_COUNTY');
    assert.equal(code(approveCounty({ ...pendingC, townshipBy: null }, { id: 3, regionCode: '430582' })), 'NOT_PENDING_COUNTY');
  });
  it('a return needs a reason, the right level and someone other than the requester', () => {
    assert.equal(code(returnRemoval(pendingT, { id: 2, regionCode: '430582101' }, '收入证明不足')), 'OK');
    assert.equal(code(returnRemoval(pendingT, { id: 2, regionCode: '430582101' }, ' ')), 'NO_RETURN_REASON');
    assert.equal(code(returnRemoval(pendingT, { id: 2, regionCode: '430582' }, '原因')), 'NOT_TOWNSHIP_USER');
    assert.equal(code(returnRemoval(pendingC, { id: 3, regionCode: '430582' }, '原因')), 'OK');
    assert.equal(code(returnRemoval(pendingC, { id: 1, regionCode: '430582' }, '原因')), 'SELF_APPROVAL');
    assert.equal(code(returnRemoval(active, { id: 3, regionCode: '430582' }, '原因')), 'NOT_PENDING');
  });
  it('property: whoever acts, a risk is removed only after request, township and county steps by three different people', () => {
    const region = fc.constantFrom('430582', '430582101', '430582102');
    const step = fc.record({ kind: fc.constantFrom('request', 'township', 'county', 'return'), id: fc.integer({ min: 1, max: 4 }), region });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let r: RiskFacts = { ...active };
        const people: number[] = [];
        for (const s of steps) {
          const a = { id: s.id, regionCode: s.region };
          if (s.kind === 'request') {
            const d = requestRemoval(r, good, income, today);
            if (d.ok) {
              r = { ...r, state: 'pending_township', requestedBy: s.id, townshipBy: null };
              people.length = 0;
              people.push(s.id);
            }
          }
          if (s.kind === 'township') {
            const d = approveTownship(r, a);
            if (d.ok) {
              r = { ...r, state: d.value, townshipBy: s.id };
              people.push(s.id);
            }
          }
          if (s.kind === 'county') {
            const d = approveCounty(r, a);
            if (d.ok) {
              r = { ...r, state: d.value };
              people.push(s.id);
            }
          }
          if (s.kind === 'return') {
            const d = returnRemoval(r, a, '退回');
            if (d.ok) r = { ...r, state: 'active', requestedBy: null, townshipBy: null };
          }
          if (r.state === 'removed') return people.length === 3 && new Set(people).size === 3;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('监测户状态', () => {
  it('leaves monitoring only when every risk is removed, on the latest removal date', () => {
    assert.deepEqual(householdStatusOf([]), { status: 'monitoring', removedOn: null });
    assert.deepEqual(
      householdStatusOf([
        { state: 'removed', removalDate: '2025-01-01' },
        { state: 'pending_county', removalDate: '2025-02-01' },
      ]),
      { status: 'monitoring', removedOn: null },
    );
    assert.deepEqual(
      householdStatusOf([
        { state: 'removed', removalDate: '2025-01-01' },
        { state: 'removed', removalDate: '2025-03-01' },
      ]),
      { status: 'removed', removedOn: '2025-03-01' },
    );
  });
});
