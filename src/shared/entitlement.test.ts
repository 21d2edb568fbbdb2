import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entitlementFor, defaultSupportEnd, monthsInside } from './entitlement.ts';
import { parsePeriod, comparePeriods } from './periods.ts';

const P = (s: string) => parsePeriod(s)!;

describe('periods', () => {
  it('parses annual and half-year codes', () => {
    assert.deepEqual([P('2024').first, P('2024').last, P('2024').months.length], ['2024-01-01', '2024-12-31', 12]);
    assert.deepEqual([P('2024H1').first, P('2024H1').last], ['2024-01-01', '2024-06-30']);
    assert.deepEqual([P('2024h2').first, P('2024h2').last], ['2024-07-01', '2024-12-31']);
    assert.equal(P('2024年上半年').code, '2024H1');
    assert.equal(parsePeriod('2024H3'), null);
    assert.equal(parsePeriod('abc'), null);
  });
  it('orders periods', () => {
    assert.deepEqual(['2025', '2024H2', '2024', '2024H1'].sort(comparePeriods), ['2024', '2024H1', '2024H2', '2025']);
  });
});

describe('entitlement (FORMATS §5)', () => {
  const base = { supportStart: '2006-07-01', supportEnd: null };
  it('default term is 20 years less a day', () => {
    assert.equal(defaultSupportEnd('2006-07-01'), '2026-06-30');
    assert.equal(defaultSupportEnd('2008-02-29'), '2028-02-28');
  });
  it('full year inside the term: 600 yuan', () => {
    assert.equal(entitlementFor(P('2024'), base).fen, 60000);
    assert.equal(entitlementFor(P('2024H2'), base).fen, 30000);
  });
  it('term starting mid-period counts whole months only', () => {
    // starts 2024-03-15: April–December = 9 whole months
    const e = entitlementFor(P('2024'), { supportStart: '2024-03-15', supportEnd: null });
    assert.equal(e.months, 9);
    assert.equal(e.fen, 45000);
    // starts on the first of a month: that month counts
    assert.equal(entitlementFor(P('2024'), { supportStart: '2024-03-01', supportEnd: null }).fen, 50000);
  });
  it('term ending mid-period', () => {
    // default end 2026-06-30: 2026 annual has Jan–Jun = 6 months
    assert.equal(entitlementFor(P('2026'), base).fen, 30000);
    assert.equal(entitlementFor(P('2026H2'), base).fen, 0);
    assert.equal(entitlementFor(P('2026H2'), base).eligible, false);
    // ends 2024-05-20: Jan–Apr = 4 months (May is not entirely inside)
    assert.equal(entitlementFor(P('2024'), { supportStart: '2006-07-01', supportEnd: '2024-05-20' }).fen, 20000);
  });
  it('a period with no whole month inside the term is outside it (FORMATS §6), at each month boundary', () => {
    const e = entitlementFor(P('2024'), { supportStart: '2024-12-15', supportEnd: null });
    assert.equal(e.fen, 0);
    assert.equal(e.eligible, false);
    assert.equal(e.excludedBy, 'term');
    // the term ends on 11 July: the second half-year has no whole month inside
    assert.equal(entitlementFor(P('2024H2'), { supportStart: '2004-07-12', supportEnd: '2024-07-11' }).eligible, false);
    // ends on the last day of a month: that month counts; the day before it: it does not
    for (const m of [7, 8, 9, 10, 11, 12]) {
      const last = `2024-${String(m).padStart(2, '0')}-${String(new Date(Date.UTC(2024, m, 0)).getUTCDate()).padStart(2, '0')}`;
      const before = `2024-${String(m).padStart(2, '0')}-${String(new Date(Date.UTC(2024, m, 0)).getUTCDate() - 1).padStart(2, '0')}`;
      const a = entitlementFor(P('2024H2'), { supportStart: '2006-07-01', supportEnd: last });
      const b = entitlementFor(P('2024H2'), { supportStart: '2006-07-01', supportEnd: before });
      assert.equal(a.months, m - 6, last);
      assert.equal(a.eligible, true, last);
      assert.equal(b.months, m - 7, before);
      assert.equal(b.eligible, m - 7 > 0, before);
    }
    // a start on the first day of the last month counts it; on the second day it does not
    assert.equal(entitlementFor(P('2024H2'), { supportStart: '2024-12-01', supportEnd: null }).eligible, true);
    assert.equal(entitlementFor(P('2024H2'), { supportStart: '2024-12-02', supportEnd: null }).eligible, false);
  });
  it('death before the first day: nothing; on the first day or during: keeps the period', () => {
    assert.equal(entitlementFor(P('2024'), { ...base, deathDate: '2023-12-31' }).fen, 0);
    assert.equal(entitlementFor(P('2024'), { ...base, deathDate: '2023-12-31' }).excludedBy, 'death');
    assert.equal(entitlementFor(P('2024'), { ...base, deathDate: '2024-01-01' }).fen, 60000);
    assert.equal(entitlementFor(P('2024H2'), { ...base, deathDate: '2024-08-09' }).fen, 30000);
  });
  it('removal takes effect on its date: nothing for a period starting on or after it', () => {
    assert.equal(entitlementFor(P('2024'), { ...base, removalDate: '2024-01-01' }).fen, 0);
    assert.equal(entitlementFor(P('2024'), { ...base, removalDate: '2024-01-02' }).fen, 60000);
    assert.equal(entitlementFor(P('2024H2'), { ...base, removalDate: '2024-07-01' }).fen, 0);
    assert.equal(entitlementFor(P('2024H1'), { ...base, removalDate: '2024-07-01' }).fen, 30000);
  });
  it('other standards round to the fen', () => {
    assert.equal(
      entitlementFor(P('2024'), { supportStart: '2024-02-10', supportEnd: null }, { standardFen: 100000, termYears: 20 }).fen,
      Math.round((100000 * 10) / 12),
    );
  });
  it('monthsInside counts calendar months entirely inside', () => {
    assert.equal(monthsInside(P('2024H1'), '2024-02-29', '2024-06-30'), 4);
    assert.equal(monthsInside(P('2024H1'), '2024-02-01', '2024-02-29'), 1);
  });
});
