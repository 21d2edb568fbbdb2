// The monitoring pages' pure pieces against the server: yuan typed in a form becomes the same
// fen as the server's parser gives, and a figure's drill link parses with the list's schema.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseYuanToFen } from '../../src/shared/money.ts';
import { ListQuery } from '../../src/monitoring/monitoring.contract.ts';
import { computeFigures } from '../../src/monitoring/figures.ts';
import { yuanToFen, drillQuery } from '../../web/src/features/monitoring/api.ts';

describe('监测页面与服务器的约定', () => {
  it('yuan → fen agrees with the server, never through floating point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => {
        const text = `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
        return yuanToFen(text) === fen && parseYuanToFen(text) === fen;
      }),
    );
    for (const bad of ['1.234', '三千', '-5', '']) assert.equal(yuanToFen(bad), null, bad);
  });
  it('every drill of the figures is a valid list query', () => {
    const f = computeFigures(
      [
        {
          id: 1,
          townshipCode: '430582101',
          villageCode: '430582101201',
          category: 'edge',
          status: 'removed',
          identifiedOn: '2025-02-01',
          removedOn: '2025-05-01',
          people: 2,
          risks: [{ riskType: 'illness', state: 'removed', identifiedOn: '2025-02-01', removalDate: '2025-05-01' }],
        },
      ],
      '2025-01-01',
      '2025-12-31',
    );
    for (const x of [
      f.monitoring,
      f.identified,
      f.removed,
      ...f.byCategory,
      ...f.byRisk,
      ...f.byTownship.flatMap((t) => [t.monitoring, t.identified, t.removed]),
    ]) {
      const parsed = ListQuery.safeParse(Object.fromEntries(new URLSearchParams(drillQuery(x.drill))));
      assert.ok(parsed.success, `${x.label}: ${drillQuery(x.drill)}`);
    }
  });
});
