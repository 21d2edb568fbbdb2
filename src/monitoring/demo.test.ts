import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../shared/db/testing.ts';
import { loadDemoCounty } from '../registry/index.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { loadMonitoringDemo } from './demo.ts';

// The demo on the embedded engine (what first start uses): data at every step, consistent with
// the row checks, linked to the register, alerts matched; the audit chain intact.
describe('防返贫监测演示数据', () => {
  it('loads a few hundred households, a campaign and alerts', async () => {
    const t = await createTestDatabase('pglite');
    try {
      await loadDemoCounty({ database: t }, { persons: 600, countyCode: '430582' });
      const s = await loadMonitoringDemo({ database: t }, { countyCode: '430582', households: 120, today: '2026-06-30' });
      assert.equal(s.households, 120);
      assert.ok(s.linked >= 40 && s.removed > 10 && s.pending > 0 && s.campaignTargets > 0 && s.visits > 0 && s.alerts > 50, JSON.stringify(s));
      const kinds = (
        await sql<{ match_kind: string; n: number }>`SELECT match_kind, count(*)::int AS n FROM alerts GROUP BY match_kind ORDER BY 1`.execute(t.db)
      ).rows;
      assert.deepEqual(
        kinds.map((k) => k.match_kind),
        ['monitored', 'none', 'support'],
      );
      const states = (await sql<{ state: string }>`SELECT DISTINCT state FROM monitored_risks ORDER BY 1`.execute(t.db)).rows.map((x) => x.state);
      assert.deepEqual(states, ['active', 'pending_county', 'pending_township', 'removed']);
      assert.ok((await verifyAuditChain(t.db)).ok);
    } finally {
      await t.drop();
    }
  });
});
