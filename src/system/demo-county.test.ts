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
import { buildApp } from '../app.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs } from '../auth/index.ts';
import { assertPermissionMatrix } from '../auth/permission-matrix.testkit.ts';

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
        for (const c of ['SUPPORT_ENDED_ACTIVE', 'HEAD_REMOVED_MEMBERS_ACTIVE', 'DEAD_WITH_ACCOUNT', 'REMOVAL_BEFORE_SUPPORT', 'REMOVAL_IN_FUTURE'])
          assert.ok(!codes.has(c), c);
        const towns = new Set(r.persons.map((p) => p.township));
        assert.ok(towns.size >= 5, `townships: ${[...towns].join(',')}`);
        // most people are still supported that day
        const active = r.persons.filter((p) => p.status === '正常').length;
        assert.ok(active > 1500, `active ${active}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

for (const engine of await testEngines()) {
  describe(`demo county (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
      await sql`INSERT INTO counties (code, name) VALUES ('430582', '示例县')`.execute(t.db);
    });
    after(async () => {
      await t.drop();
    });

    it('pays rolls and leaves cases in several states', async () => {
      const s = await loadWorkingDemo({ database: t }, { persons: 600, seed: 1, countyCode: '430582', asOf: '2026-11-30' });
      assert.ok(s.persons >= 600 && s.rolls >= 2 && s.paidFen > 0 && s.cases > 0, JSON.stringify(s));
      const rolls = await sql<{
        period: string;
        status: string;
        created_by: number;
        reviewed_by: number;
      }>`SELECT period, status, created_by, reviewed_by FROM payrolls ORDER BY id`.execute(t.db);
      assert.deepEqual([...new Set(rolls.rows.map((x) => x.period))], ['2025', '2026']);
      for (const x of rolls.rows) {
        assert.equal(x.status, 'closed');
        assert.notEqual(Number(x.created_by), Number(x.reviewed_by), 'built and reviewed by different officers');
      }
      const cases = await sql<{
        status: string;
        verdict: string | null;
        n: number;
      }>`SELECT status, verdict, count(*)::int AS n FROM cases GROUP BY 1, 2`.execute(t.db);
      const states = new Set(cases.rows.map((c) => `${c.status}/${c.verdict ?? ''}`));
      for (const st of ['待核实/', '已核实/违规', '已核实/误报']) assert.ok(states.has(st), [...states].join(','));
      const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM adjustments WHERE status = 'pending'`.execute(t.db);
      assert.equal(pending.rows[0].n, 1);
      const staff = await sql<{ active: boolean }>`SELECT active FROM users`.execute(t.db);
      assert.ok(staff.rows.every((u) => !u.active));
    });

    it("serves a roll by township and village, a person's payments and cases, guarded by role and region", async () => {
      const ctx: AppContext = { database: t, config: { version: 'test', secureCookies: false } };
      const app = await buildApp(ctx);
      try {
        const roll = (
          await sql<{
            id: number;
            total_fen: string;
            persons: number;
          }>`SELECT id, total_fen, persons FROM payrolls WHERE period = '2026' AND kind = 'regular'`.execute(t.db)
        ).rows[0];
        const county = await loginAs(app, ctx, { role: 'county', regionCode: '430582' });
        const sub = (await app.inject({ method: 'GET', url: `/api/subsidy/payrolls/${roll.id}/subtotals`, headers: county.headers })).json();
        assert.ok(sub.townships.length >= 2 && sub.villages.length > sub.townships.length, JSON.stringify(sub).slice(0, 300));
        assert.equal(
          sub.townships.reduce((a: number, x: { amountFen: number }) => a + x.amountFen, 0),
          Number(roll.total_fen),
        );
        assert.equal(
          sub.villages.reduce((a: number, x: { persons: number }) => a + x.persons, 0),
          Number(roll.persons),
        );
        assert.ok(
          sub.townships.every((x: { name: string }) => x.name),
          'townships by name',
        );

        const c = (
          await sql<{
            id_number: string;
            village_code: string;
          }>`SELECT id_number, village_code FROM cases WHERE verdict = '违规' AND code = 'DECEASED_PAID' LIMIT 1`.execute(t.db)
        ).rows[0];
        const person = (await sql<{ id: number }>`SELECT id FROM persons WHERE id_number = ${c.id_number}`.execute(t.db)).rows[0];
        const pays = (await app.inject({ method: 'GET', url: `/api/subsidy/persons/${person.id}/payments`, headers: county.headers })).json();
        assert.deepEqual(
          pays.payments.map((x: { period: string }) => x.period),
          ['2026', '2025'],
        );
        assert.ok(
          pays.payments.every((x: { idNumber: string }) => x.idNumber.includes('*')),
          'masked',
        );
        const cs = (await app.inject({ method: 'GET', url: `/api/cases/persons/${person.id}`, headers: county.headers })).json();
        assert.ok(cs.cases.some((x: { code: string; verdict: string }) => x.code === 'DECEASED_PAID' && x.verdict === '违规'));

        // a cross-check is not started without a file to check against
        const empty = await app.inject({ method: 'POST', url: '/api/crosscheck/runs', headers: county.headers, payload: { inputIds: [] } });
        assert.equal(empty.statusCode, 400);
        assert.match(empty.json().error.message, /请先上传或选择至少一个核对文件/);

        const township = c.village_code.slice(0, 9);
        await assertPermissionMatrix(
          app,
          ctx,
          [
            { method: 'GET', url: `/api/subsidy/payrolls/${roll.id}/subtotals`, permission: 'subsidy.read' },
            { method: 'GET', url: `/api/subsidy/persons/${person.id}/payments`, permission: 'subsidy.read', scopedTo: township },
            { method: 'GET', url: `/api/cases/persons/${person.id}`, permission: 'subsidy.read', scopedTo: township },
            { method: 'GET', url: '/api/cases?olderThanDays=30', permission: 'subsidy.read' },
          ],
          { countyCode: '430582', townshipCode: township },
        );
      } finally {
        await app.close();
      }
    });
  });
}
