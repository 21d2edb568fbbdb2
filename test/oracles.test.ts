// Issue 8, item 4 on both engines: no oracles. A masked ID is searched only by its whole value or
// its last 4–6 characters, % and _ match literally, ID searches are audited, and a record outside
// the user's region answers 404 without naming its region.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import type { AppContext } from '../src/shared/context.ts';
import { loginAs, type LoggedIn } from '../src/auth/index.ts';
import { insertPersons, makeId } from '../src/subsidy/testing-fixtures.ts';

const C = '430582',
  TA = '430582130',
  TB = '430582131';
const SECRET = makeId(C, '19571224', 417);

for (const engine of await testEngines()) {
  describe(`no oracles on masked fields (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let county: LoggedIn, townA: LoggedIn, leader: LoggedIn, auditor: LoggedIn;
    let rollId = 0,
      personB = 0;
    const get = async (u: LoggedIn, url: string) => app.inject({ method: 'GET', url, headers: u.headers });

    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      county = await loginAs(app, ctx, { role: 'county', regionCode: C });
      townA = await loginAs(app, ctx, { role: 'township', regionCode: TA });
      leader = await loginAs(app, ctx, { role: 'leader', regionCode: C });
      auditor = await loginAs(app, ctx, { role: 'auditor', regionCode: C });
      const ids = await insertPersons(t.db, C, [
        { idNumber: SECRET, name: '王秘', householdNo: 'H1', villageCode: TA + '001', accountNo: '6217000000000000417' },
        { idNumber: makeId(C, '19600101', 2), name: '百分%号', householdNo: 'H2', villageCode: TA + '001', accountNo: '6217000000000000002' },
        { idNumber: makeId(C, '19600101', 3), name: '李三', householdNo: 'H3', villageCode: TB + '001', accountNo: '6217000000000000003' },
      ]);
      personB = ids[2];
      const b = await app.inject({ method: 'POST', url: '/api/subsidy/payrolls', headers: county.headers, payload: { period: '2024' } });
      assert.equal(b.statusCode, 201, b.body);
      rollId = b.json().id;
      for (const [i, id] of [SECRET, makeId(C, '19600101', 3)].entries()) {
        await sql`INSERT INTO cases (county_code, code, id_number, name, village_code, township_code, first_run_id, last_run_id)
          VALUES (${C}, 'DECEASED_PAID', ${id}, ${i ? '李三' : '王秘'}, ${i ? TB + '001' : TA + '001'}, ${i ? TB : TA}, 1, 1)`.execute(t.db);
      }
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    const total = async (u: LoggedIn, list: 'lines' | 'cases', q: string) => {
      const url = list === 'lines' ? `/api/subsidy/payrolls/${rollId}/lines?q=${encodeURIComponent(q)}` : `/api/cases?q=${encodeURIComponent(q)}`;
      const r = await get(u, url);
      assert.equal(r.statusCode, 200, r.body);
      return r.json().total as number;
    };

    /** The attack of the issue: grow a known substring digit by digit while the answer says "found". */
    async function rebuild(u: LoggedIn, list: 'lines' | 'cases'): Promise<{ found: string; requests: number }> {
      let found = '',
        requests = 0;
      for (let pos = 0; pos < 18; pos++) {
        let grew = false;
        for (const d of '0123456789X') {
          requests++;
          if ((await total(u, list, found + d)) > 0) {
            found += d;
            grew = true;
            break;
          }
        }
        if (!grew) break;
      }
      return { found, requests };
    }

    for (const list of ['lines', 'cases'] as const) {
      it(`${list}: the digit-by-digit rebuild of a masked ID no longer works`, async () => {
        const r = await rebuild(leader, list);
        assert.notEqual(r.found, SECRET);
        assert.equal(r.found, '', `learnt “${r.found}” in ${r.requests} requests`);
      });

      it(`${list}: only the whole ID or its last 4–6 characters match; % and _ match literally`, async () => {
        assert.equal(await total(county, list, SECRET), 1);
        assert.equal(await total(county, list, SECRET.slice(-4)), 1);
        assert.equal(await total(county, list, SECRET.slice(-6)), 1);
        assert.equal(await total(county, list, SECRET.slice(6, 12)), 0, 'a middle part is no search');
        assert.equal(await total(county, list, SECRET.slice(0, 17)), 0, 'neither is a prefix');
        assert.equal(await total(county, list, '%'), list === 'lines' ? 1 : 0, 'only the name with a % in it');
        assert.equal(await total(county, list, '_'), 0);
        assert.equal(await total(county, list, '%%%'), 0);
        assert.equal(await total(county, list, '王_'), 0);
        assert.equal(await total(county, list, '王秘'), 1);
      });
    }

    it('every search by ID is audited, for every role', async () => {
      await total(leader, 'lines', SECRET.slice(-4));
      await total(townA, 'cases', SECRET);
      const a = (await get(auditor, '/api/audit?action=payroll.search_by_id')).json();
      assert.ok(
        a.items.some((e: any) => e.userId === leader.user.id && e.detail.tail === SECRET.slice(-4)),
        JSON.stringify(a.items[0]),
      );
      const b = (await get(auditor, '/api/audit?action=case.search_by_id&unmask=1')).json();
      assert.ok(b.items.some((e: any) => e.userId === townA.user.id && e.detail.idNumber === SECRET));
      await get(leader, `/api/registry/persons?q=${SECRET.slice(-6)}`);
      assert.ok((await get(auditor, '/api/audit?action=person_search.search_by_id')).json().total > 0);
    });

    it('a record outside the region answers 404 without its region code', async () => {
      const exists = await get(townA, `/api/registry/persons/${personB}`);
      const missing = await get(townA, '/api/registry/persons/999999');
      assert.equal(exists.statusCode, 404);
      assert.equal(missing.statusCode, 404);
      assert.doesNotMatch(exists.body, /430582131/);
      assert.equal(exists.json().error.code, missing.json().error.code);
      const hh = await get(townA, '/api/registry/households/H3');
      assert.equal(hh.statusCode, 404);
      assert.doesNotMatch(hh.body, /430582131/);
      const caseB = (await sql<{ id: number }>`SELECT id FROM cases WHERE township_code = ${TB}`.execute(t.db)).rows[0].id;
      const c = await get(townA, `/api/cases/${caseB}`);
      assert.equal(c.statusCode, 404);
      assert.doesNotMatch(c.body, /430582131/);
      const adj = await app.inject({
        method: 'POST',
        url: '/api/registry/adjustments',
        headers: townA.headers,
        payload: { kind: 'update', personId: personB, changes: { phone: '13900000000' }, reason: '试' },
      });
      assert.equal(adj.statusCode, 404);
      assert.doesNotMatch(adj.body, /430582131/);
    });
  });
}
