import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { firstStart, firstStartOptionsFromEnv, getState } from './first-start.ts';

describe('first start settings', () => {
  it('reads the county, the demo size and ANJU_DEMO=0', () => {
    assert.deepEqual(firstStartOptionsFromEnv({}), { countyCode: '430582', countyName: '示例县', demoPersons: 3000, demoSeed: 1 });
    assert.equal(firstStartOptionsFromEnv({ ANJU_DEMO: '0', ANJU_DEMO_PERSONS: '500' }).demoPersons, 0);
    assert.equal(firstStartOptionsFromEnv({ ANJU_DEMO_PERSONS: '500' }).demoPersons, 500);
    assert.equal(firstStartOptionsFromEnv({ ANJU_COUNTY_CODE: '431122', ANJU_COUNTY_NAME: '东安县' }).countyName, '东安县');
    assert.throws(() => firstStartOptionsFromEnv({ ANJU_DEMO_PERSONS: 'many' }), /非负整数/);
  });
});

for (const engine of await testEngines()) {
  describe(`first start (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('creates the county and admin once, with a password shown once', async () => {
      const lines = await firstStart({ database: t }, { countyCode: '431122', countyName: '东安县', demoPersons: 40, demoSeed: 7 });
      const pwLine = lines.find((l) => l.startsWith('初始密码：'));
      assert.ok(pwLine, lines.join('\n'));
      const password = /初始密码：(\S+)/.exec(pwLine!)![1];
      const county = await sql<{ name: string }>`SELECT name FROM counties WHERE code = '431122'`.execute(t.db);
      assert.equal(county.rows[0].name, '东安县');
      const demo = await getState<{ status: string }>({ database: t }, 'demo');
      assert.ok(demo && ['loaded', 'skipped'].includes(demo.status), JSON.stringify(demo));

      const app = await buildApp({ database: t, config: { version: 'test', secureCookies: false } });
      try {
        const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password } });
        assert.equal(login.statusCode, 200, login.body);
        assert.equal(login.json().user.mustChangePassword, true);
        assert.equal(login.json().user.regionCode, '431122');
        const info = await app.inject({ method: 'GET', url: '/api/system/info' });
        assert.equal(info.statusCode, 200);
        assert.deepEqual(info.json().county, { code: '431122', name: '东安县' });
      } finally {
        await app.close();
      }

      const again = await firstStart({ database: t }, { countyCode: '431122', countyName: '东安县', demoPersons: 40 });
      assert.deepEqual(again, []);
      const admins = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`.execute(t.db);
      assert.equal(admins.rows[0].n, 1);
      // the demo's officers are records only: nobody can log in as them
      const staff = await sql<{ username: string; active: boolean }>`SELECT username, active FROM users WHERE role <> 'admin'`.execute(t.db);
      assert.ok(staff.rows.length >= 2 && staff.rows.every((u) => !u.active), JSON.stringify(staff.rows));
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });

    it('leaves a database that already has users and a county alone', async () => {
      const u = await createTestDatabase(engine);
      try {
        await sql`INSERT INTO counties (code, name) VALUES ('430582', '邵东')`.execute(u.db);
        await sql`INSERT INTO users (username, password_hash, role, region_code) VALUES ('old', 'x', 'admin', '430582')`.execute(u.db);
        const lines = await firstStart({ database: u }, { demoPersons: 10 });
        assert.deepEqual(lines, []);
        assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(u.db)).rows[0].n, 1);
      } finally {
        await u.drop();
      }
    });
  });
}
