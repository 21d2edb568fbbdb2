// The answers of the changes no other test sends over HTTP keep their contract (the server
// checks each answer against its schema, so a wrong one would be a 500): a case verified and
// turned into a 核减, a recovery write-off asked for and approved by another user, a county
// bank template saved, a draft roll deleted. On the demo county.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs, type LoggedIn } from '../auth/index.ts';
import { firstStart } from '../system/first-start.ts';
import { RemovalMade, RecoveryItemSchema, CaseSchema } from './cases.contract.ts';
import { TemplateSaved, Deleted } from '../subsidy/subsidy.contract.ts';

const C = '430582';

for (const engine of await testEngines()) {
  describe(`cases and subsidy changes answer within their contract (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance, first: LoggedIn, second: LoggedIn;
    const call = async (who: LoggedIn, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const r = await app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
      assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return r.json() as unknown;
    };
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      await firstStart(ctx, { countyCode: C, countyName: '示例县', demoPersons: 300, demoSeed: 3 });
      app = await buildApp(ctx);
      await app.ready();
      first = await loginAs(app, ctx, { role: 'admin', regionCode: C, username: 'cases_first' });
      second = await loginAs(app, ctx, { role: 'admin', regionCode: C, username: 'cases_second' });
    });
    after(async () => {
      await app?.close();
      await t?.drop();
    });

    it('verify, then turn a confirmed death or duplicate into a 核减', async () => {
      const r = await sql<{ id: number; death_date: string | null }>`SELECT id, death_date::text AS death_date FROM cases
        WHERE county_code = ${C} AND code IN ('DECEASED_PAID', 'HUKOU_CANCELLED') AND adjustment_id IS NULL ORDER BY id LIMIT 1`.execute(t.db);
      assert.ok(r.rows[0], 'the demo county has a death case');
      const id = Number(r.rows[0].id);
      CaseSchema.parse(await call(first, 'POST', `/api/cases/${id}/verify`, { verdict: '违规', evidence: '死亡证明' }));
      const made = RemovalMade.parse(await call(first, 'POST', `/api/cases/${id}/removal`, r.rows[0].death_date ? {} : { effectiveDate: '2024-01-01' }));
      assert.ok(made.adjustmentId > 0);
    });

    it('a write-off asked for by one user and approved by another', async () => {
      const r = await sql<{
        id: number;
      }>`SELECT id FROM recovery_items WHERE county_code = ${C} AND status = '追缴中' AND writeoff_requested_by IS NULL ORDER BY id LIMIT 1`.execute(t.db);
      assert.ok(r.rows[0], 'the demo county has an open recovery item');
      const id = Number(r.rows[0].id);
      RecoveryItemSchema.parse(await call(first, 'POST', `/api/recovery/${id}/writeoff-request`, { reason: '当事人无力偿还' }));
      const done = RecoveryItemSchema.parse(await call(second, 'POST', `/api/recovery/${id}/writeoff-approve`, {}));
      assert.equal(done.status, '核销');
    });

    it('a county bank template saved, a draft roll deleted', async () => {
      const saved = TemplateSaved.parse(
        await call(first, 'PUT', '/api/subsidy/bank-templates', {
          code: 'county-csv',
          name: '本县格式',
          container: 'csv',
          encoding: 'utf-8',
          columns: [
            { header: '身份证号', field: 'idNumber' },
            { header: '姓名', field: 'name' },
            { header: '金额', field: 'amount' },
          ],
        }),
      );
      assert.equal(saved.template.amountFormat, 'yuan');
      const roll = await sql<{ id: number }>`INSERT INTO payrolls (county_code, batch_no, period, kind, as_of, rules, created_by)
        VALUES (${C}, ${`${C}-2031-01`}, '2031', 'regular', '2031-01-01', ${JSON.stringify({ standardFen: 60000, periodKind: 'annual', termYears: 20, accountFallback: 'own' })}::jsonb, ${first.user.id})
        RETURNING id`.execute(t.db);
      assert.deepEqual(Deleted.parse(await call(first, 'DELETE', `/api/subsidy/payrolls/${roll.rows[0].id}`)), { ok: true });
    });
  });
}
