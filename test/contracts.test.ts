// Issue 9: one contract from database to web page. Every route of /api/openapi.json declares
// the schema of its answer (a file download declares a binary string), and with the demo
// county loaded every GET route answers 2xx/4xx, never 500: the server checks each answer
// against its schema as it serialises it, so an answer that left its contract would fail here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import type { AppContext } from '../src/shared/context.ts';
import { loginAs, type LoggedIn } from '../src/auth/index.ts';
import { firstStart } from '../src/system/first-start.ts';

const C = '430582';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> };

/** A value for each path parameter, from the demo data: first match on the path wins. */
const FILLERS: Array<[RegExp, string]> = [
  [/^\/api\/registry\/persons\/|^\/api\/subsidy\/persons\/|^\/api\/cases\/persons\//, `SELECT id::text AS v FROM persons ORDER BY id LIMIT 1`],
  [/^\/api\/registry\/households\//, `SELECT household_no AS v FROM households ORDER BY household_no LIMIT 1`],
  [/^\/api\/registry\/adjustments\//, `SELECT id::text AS v FROM adjustments ORDER BY id LIMIT 1`],
  [/^\/api\/registry\/imports\//, `SELECT id::text AS v FROM roster_imports ORDER BY created_at DESC LIMIT 1`],
  [/^\/api\/subsidy\/payrolls\//, `SELECT id::text AS v FROM payrolls ORDER BY id LIMIT 1`],
  [/^\/api\/crosscheck\/runs\//, `SELECT id::text AS v FROM crosscheck_runs ORDER BY id LIMIT 1`],
  [/^\/api\/cases\//, `SELECT id::text AS v FROM cases ORDER BY id LIMIT 1`],
  [/^\/api\/recovery\//, `SELECT id::text AS v FROM recovery_items ORDER BY id LIMIT 1`],
  [/^\/api\/users\//, `SELECT id::text AS v FROM users ORDER BY id LIMIT 1`],
  [/^\/api\/jobs\//, `SELECT id::text AS v FROM jobs ORDER BY created_at DESC LIMIT 1`],
  [/^\/api\/funds\/batches\//, `SELECT batch_no AS v FROM fund_batches ORDER BY batch_no LIMIT 1`],
  [/^\/api\/funds\/projects\//, `SELECT project_no AS v FROM fund_projects ORDER BY project_no LIMIT 1`],
  [/^\/api\/microcredit\/loans\//, `SELECT loan_no AS v FROM mc_loans ORDER BY loan_no LIMIT 1`],
  [/^\/api\/microcredit\/runs\//, `SELECT id::text AS v FROM mc_subsidy_runs ORDER BY id LIMIT 1`],
  [/^\/api\/monitoring\/households\//, `SELECT id::text AS v FROM monitored_households ORDER BY id LIMIT 1`],
  [/^\/api\/microcredit\/imports\//, `SELECT id::text AS v FROM mc_imports ORDER BY id LIMIT 1`],
  [/^\/api\/monitoring\/campaigns\/\{id\}\/villages\//, `SELECT campaign_id::text AS v, village_code AS w FROM survey_targets ORDER BY id LIMIT 1`],
  [/^\/api\/monitoring\/campaigns\//, `SELECT id::text AS v FROM survey_campaigns ORDER BY id LIMIT 1`],
  [/^\/api\/monitoring\/targets\//, `SELECT id::text AS v FROM survey_targets ORDER BY id LIMIT 1`],
  [/^\/api\/monitoring\/alerts\/imports\//, `SELECT id::text AS v FROM alert_imports ORDER BY id LIMIT 1`],
];

for (const engine of await testEngines()) {
  describe(`every route keeps its contract (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance, admin: LoggedIn, doc: Doc;
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      await firstStart(ctx, { countyCode: C, countyName: '示例县', demoPersons: 300, demoSeed: 3 });
      app = await buildApp(ctx);
      await app.ready();
      admin = await loginAs(app, ctx, { role: 'admin', regionCode: C, username: 'contract_admin' });
      doc = app.swagger() as Doc;
    });
    after(async () => {
      await app?.close();
      await t?.drop();
    });

    it('every route declares the schema of its answer', () => {
      const missing: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const declared = Object.entries(op.responses ?? {}).some(([code, r]) => /^2/.test(code) && r.content);
          if (!declared) missing.push(`${method.toUpperCase()} ${path}`);
        }
      }
      assert.deepEqual(missing, [], 'routes without a response schema');
    });

    it('every GET answers within its schema on the demo county', async () => {
      const failures: string[] = [];
      let ok = 0,
        tried = 0;
      for (const path of Object.keys(doc.paths)) {
        if (!doc.paths[path].get || !path.startsWith('/api/')) continue;
        let url = path;
        if (path.includes('{')) {
          const filler = FILLERS.find(([re]) => re.test(path));
          // a path with two parameters takes the row's second column for the second
          const row = filler ? (await sql.raw<Record<string, string>>(filler[1]).execute(t.db)).rows[0] : undefined;
          const values = row ? Object.values(row) : [];
          let k = 0;
          url = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[Math.min(k++, values.length - 1)] ?? '1'));
        }
        tried++;
        const r = await app.inject({ method: 'GET', url, headers: admin.headers });
        if (r.statusCode >= 500) failures.push(`GET ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        else if (r.statusCode < 300) ok++;
      }
      assert.deepEqual(failures, []);
      assert.ok(tried > 60 && ok > tried * 0.8, `only ${ok} of ${tried} GET routes answered with data`);
    });
  });
}
