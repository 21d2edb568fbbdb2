// The demo loans: borrowers from the registry's demo county, loaded through the real import,
// with due, overdue, renewed and extended loans in the past year, and a quarter waiting for review.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { loadDemoCounty } from '../registry/index.ts';
import { loadMicrocreditDemo } from './demo.ts';
import { bookLoans } from './microcredit.service.ts';
import { dueLoans } from './figures.ts';
import { listRuns } from './runs.store.ts';

describe('microcredit demo', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase('pglite');
  });
  after(async () => {
    await t.drop();
  });

  it('loads a year of loans for the demo county once', async () => {
    await loadDemoCounty({ database: t }, { persons: 800, seed: 1, countyCode: '430582' });
    const s = await loadMicrocreditDemo({ database: t }, { countyCode: '430582', borrowers: 120, asOf: '2026-11-30' });
    assert.ok(s.loans >= 120, `loans ${s.loans}`);
    assert.equal(s.quarter, '2026Q3');
    const loans = await bookLoans(t.db, '430582');
    const due = dueLoans(loans, '2025-12-01', '2026-11-30', '2026-11-30');
    const kinds = new Set(due.map((d) => d.handling));
    assert.ok(kinds.has('还清') && kinds.has('续贷'), [...kinds].join(','));
    assert.ok(loans.some((l) => l.kind === '续贷'));
    const runs = await listRuns(t.db, '430582');
    assert.equal(runs[0].state, 'computed');
    assert.ok(runs[0].subsidyFen > 0);
    const again = await loadMicrocreditDemo({ database: t }, { countyCode: '430582', asOf: '2026-11-30' });
    assert.equal(again.loans, 0);
  });
});
