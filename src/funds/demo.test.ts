// The demo county's funds: a year of batches at several levels and categories, about 60
// projects at every stage, money that passes every §8.1 rule, loaded once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { demoLedger, loadFundsDemo } from './demo.ts';
import { overview, dispatch } from './figures.service.ts';
import { getYearPlan } from './funds.service.ts';

const C = '430582';
const TODAY = '2026-11-30';

describe('demo funds ledger (pure)', () => {
  it('has batches of several levels and categories, projects at every stage, and money within its limits', () => {
    const l = demoLedger(C, [], TODAY, 1);
    assert.ok(new Set(l.batches.map((b) => b.level)).size >= 4);
    assert.ok(new Set(l.batches.map((b) => b.category)).size >= 5);
    assert.ok(l.projects.length >= 55 && l.projects.length <= 65);
    const stages = new Set(l.projects.map((p) => (p.acceptedOn ? 3 : p.completedOn ? 2 : p.startedOn ? 1 : 0)));
    assert.deepEqual([...stages].sort(), [0, 1, 2, 3]);
    assert.ok(l.entries.every((e) => e.date <= TODAY));
    assert.deepEqual(demoLedger(C, [], TODAY, 1), l, 'seeded: the same ledger every time');
  });
});

for (const engine of await testEngines()) {
  describe(`demo funds loaded (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('loads once, books every generated entry, and fills the pages', async () => {
      const l = demoLedger(C, [], TODAY, 1);
      const loaded = await loadFundsDemo({ database: t }, { countyCode: C, today: TODAY });
      assert.ok(loaded);
      assert.equal(loaded.entries, l.entries.length, 'no generated entry breaks a money rule');
      assert.equal(await loadFundsDemo({ database: t }, { countyCode: C, today: TODAY }), null);
      const o = await overview(t.db, C, TODAY);
      assert.ok(o.totals.disbursedFen > 0 && o.townships.rows.length > 2 && o.monthly.length === 11);
      const d = await dispatch(t.db, C, TODAY);
      assert.equal(d.rows.length, l.projects.length);
      assert.ok((await getYearPlan(t.db, C, 2026)).balanced);
      const neg = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_entries WHERE amount_fen < 0`.execute(t.db);
      assert.ok(neg.rows[0].n >= 1, 'a 红字冲销 among them');
    });
  });
}
