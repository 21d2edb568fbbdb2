// The demo county looks like a working county on the day it is installed: few, plausible
// data-quality problems (not a term ended for most of the roster), several named townships,
// rolls paid, and cases in several states.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { demoRosterCsv } from '../registry/index.ts';
import { runFileMode, BUILT_IN_RULES } from '../quality/index.ts';
import { loadWorkingDemo } from './demo-county.ts';

describe('demo roster', () => {
  for (const asOf of ['2026-11-30', '2031-03-15']) {
    it(`has few plausible quality problems on ${asOf}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'anju-demo-'));
      try {
        const file = join(dir, 'roster.csv');
        writeFileSync(file, demoRosterCsv({ persons: 3000, seed: 1, asOf }));
        const r = await runFileMode({ roster: file, asOf, rules: [...BUILT_IN_RULES] });
        const codes = new Set([...r.counts].filter(([, n]) => n > 0).map(([c]) => c));
        assert.ok(r.problems.length <= 30, `${r.problems.length} problems: ${[...codes].join(',')}`);
        for (const c of ['SUPPORT_ENDED_ACTIVE', 'HEAD_REMOVED_MEMBERS_ACTIVE', 'DEAD_WITH_ACCOUNT', 'REMOVAL_BEFORE_SUPPORT', 'REMOVAL_IN_FUTURE']) assert.ok(!codes.has(c), c);
        const towns = new Set(r.persons.map((p) => p.township));
        assert.ok(towns.size >= 5, `townships: ${[...towns].join(',')}`);
        // most people are still supported that day
        const active = r.persons.filter((p) => p.status === '正常').length;
        assert.ok(active > 1500, `active ${active}`);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
  }
});

for (const engine of await testEngines()) {
  describe(`demo county (${engine})`, () => {
    let t: TestDatabase;
    before(async () => { t = await createTestDatabase(engine); await sql`INSERT INTO counties (code, name) VALUES ('430582', '示例县')`.execute(t.db); });
    after(async () => { await t.drop(); });

    it('pays rolls and leaves cases in several states', async () => {
      const s = await loadWorkingDemo({ database: t }, { persons: 600, seed: 1, countyCode: '430582', asOf: '2026-11-30' });
      assert.ok(s.persons >= 600 && s.rolls >= 2 && s.paidFen > 0 && s.cases > 0, JSON.stringify(s));
      const rolls = await sql<{ period: string; status: string; created_by: number; reviewed_by: number }>`SELECT period, status, created_by, reviewed_by FROM payrolls ORDER BY id`.execute(t.db);
      assert.deepEqual([...new Set(rolls.rows.map((x) => x.period))], ['2025', '2026']);
      for (const x of rolls.rows) {
        assert.equal(x.status, 'closed');
        assert.notEqual(Number(x.created_by), Number(x.reviewed_by), 'built and reviewed by different officers');
      }
      const cases = await sql<{ status: string; verdict: string | null; n: number }>`SELECT status, verdict, count(*)::int AS n FROM cases GROUP BY 1, 2`.execute(t.db);
      const states = new Set(cases.rows.map((c) => `${c.status}/${c.verdict ?? ''}`));
      for (const st of ['待核实/', '已核实/违规', '已核实/误报']) assert.ok(states.has(st), [...states].join(','));
      const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustments WHERE status = 'pending'`.execute(t.db);
      assert.equal(pending.rows[0].n, 1);
      const staff = await sql<{ active: boolean }>`SELECT active FROM users`.execute(t.db);
      assert.ok(staff.rows.every((u) => !u.active));
    });
  });
}
