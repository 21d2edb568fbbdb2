import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeFigures, inDrill, monthsBetween, type FigureHousehold } from './figures.ts';

const hh = (o: Partial<FigureHousehold> & { id: number }): FigureHousehold => ({
  townshipCode: '430582101',
  villageCode: '430582101201',
  category: 'edge',
  status: 'monitoring',
  identifiedOn: '2025-02-10',
  removedOn: null,
  people: 3,
  risks: [],
  ...o,
});

describe('监测统计', () => {
  const all = [
    hh({ id: 1, risks: [{ riskType: 'illness', state: 'active', identifiedOn: '2025-02-10', removalDate: null }] }),
    hh({
      id: 2,
      category: 'unstable',
      people: 5,
      townshipCode: '430582102',
      villageCode: '430582102201',
      identifiedOn: '2024-11-01',
      risks: [
        { riskType: 'illness', state: 'pending_county', identifiedOn: '2024-11-01', removalDate: '2025-03-01' },
        { riskType: 'housing', state: 'removed', identifiedOn: '2024-11-01', removalDate: '2025-01-05' },
      ],
    }),
    hh({
      id: 3,
      status: 'removed',
      removedOn: '2025-04-20',
      identifiedOn: '2024-06-01',
      people: 2,
      risks: [{ riskType: 'schooling', state: 'removed', identifiedOn: '2024-06-01', removalDate: '2025-04-20' }],
    }),
  ];
  const f = computeFigures(all, '2025-01-01', '2025-06-30');
  it('counts households and people by category, risk, township, identified and removed in the period', () => {
    assert.deepEqual([f.monitoring.households, f.monitoring.people], [2, 8]);
    assert.deepEqual(
      f.byCategory.map((c) => [c.label, c.households, c.people]),
      [
        ['脱贫户', 0, 0],
        ['脱贫不稳定户', 1, 5],
        ['边缘易致贫户', 1, 3],
        ['突发严重困难户', 0, 0],
      ],
    );
    const risk = Object.fromEntries(f.byRisk.map((r) => [r.label, r.households]));
    assert.equal(risk['因病'], 2);
    assert.equal(risk['住房'], 0, 'a removed risk is not counted');
    assert.deepEqual([f.identified.households, f.identified.people], [1, 3]);
    assert.deepEqual([f.removed.households, f.removed.people], [1, 2]);
    assert.deepEqual(
      f.byTownship.map((t) => [t.townshipCode, t.monitoring.households, t.identified.households, t.removed.households]),
      [
        ['430582101', 1, 1, 1],
        ['430582102', 1, 0, 0],
      ],
    );
    assert.deepEqual(f.riskByTownship, [
      { townshipCode: '430582101', riskType: 'illness', households: 1 },
      { townshipCode: '430582102', riskType: 'illness', households: 1 },
    ]);
    assert.deepEqual(
      f.byMonth.map((m) => [m.month, m.identified, m.removed]),
      [
        ['2025-01', 0, 0],
        ['2025-02', 1, 0],
        ['2025-03', 0, 0],
        ['2025-04', 0, 1],
        ['2025-05', 0, 0],
        ['2025-06', 0, 0],
      ],
    );
  });
  it('every figure drills to exactly its households', () => {
    const figs = [f.monitoring, f.identified, f.removed, ...f.byCategory, ...f.byRisk, ...f.byTownship.flatMap((t) => [t.monitoring, t.identified, t.removed])];
    for (const x of figs) {
      const hit = all.filter((h) => inDrill(h, x.drill));
      assert.equal(hit.length, x.households, x.label);
      assert.equal(
        hit.reduce((s, h) => s + h.people, 0),
        x.people,
        x.label,
      );
    }
  });
  it('property: category and township figures add up to the total', () => {
    const arb = fc.array(
      fc.record({
        id: fc.integer(),
        category: fc.constantFrom('stable_out', 'unstable', 'edge', 'sudden'),
        status: fc.constantFrom('monitoring', 'removed'),
        townshipCode: fc.constantFrom('430582101', '430582102', '430582103'),
        people: fc.integer({ min: 1, max: 9 }),
        identifiedOn: fc.constantFrom('2024-05-01', '2025-01-01', '2025-07-01'),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const list = rows.map((r) => hh({ ...r, villageCode: r.townshipCode + '201', removedOn: r.status === 'removed' ? '2025-02-01' : null } as never));
        const g = computeFigures(list, '2025-01-01', '2025-12-31');
        const sum = (xs: { households: number }[]) => xs.reduce((s, x) => s + x.households, 0);
        return (
          sum(g.byCategory) === g.monitoring.households &&
          sum(g.byTownship.map((t) => t.monitoring)) === g.monitoring.households &&
          sum(g.byMonth.map((m) => ({ households: m.identified }))) === g.identified.households
        );
      }),
    );
  });
  it('months of a period', () => {
    assert.deepEqual(monthsBetween('2024-11-15', '2025-02-01'), ['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});
