import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs, unmaskAllowed, auditUnmaskedView, type LoggedIn } from './index.ts';
import type { FastifyRequest } from 'fastify';
import { assertPermissionMatrix } from './permission-matrix.testkit.ts';

for (const engine of await testEngines()) {
  describe(`users, roles and the audit log (${engine})`, () => {
    let t: TestDatabase;
    let ctx: AppContext;
    let app: FastifyInstance;
    let admin: LoggedIn;
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      admin = await loginAs(app, ctx, { role: 'admin', regionCode: '430582', username: 'boss' });
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    const req = (method: 'GET' | 'POST' | 'PATCH', url: string, who: LoggedIn, payload?: unknown) =>
      app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as never }) });

    it('creates a user with a one-time password who must change it, audited', async () => {
      const res = await req('POST', '/api/users', admin, { username: 'li', displayName: '李四', role: 'township', regionCode: '430582101' });
      assert.equal(res.statusCode, 200, res.body);
      const { user, password } = res.json();
      assert.equal(user.mustChangePassword, true);
      assert.equal(user.roleName, '乡镇移民专干');
      assert.match(password, /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12}$/);
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'li', password } });
      assert.equal(login.statusCode, 200);
      const cookie = login.cookies.find((c) => c.name === 'anju_session')!;
      const gated = await app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: `anju_session=${cookie.value}` } });
      assert.equal(gated.statusCode, 403);
      assert.equal(gated.json().error.code, 'PASSWORD_CHANGE_REQUIRED');
      const a = await sql<{ after: { username: string } }>`SELECT after FROM audit_log WHERE action = 'user.create'`.execute(t.db);
      assert.equal(a.rows[0].after.username, 'li');
      assert.ok(!JSON.stringify(a.rows).includes('argon2'));
    });

    it('refuses bad regions, duplicates and weak given passwords', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ username: 'x1', role: 'county', regionCode: '4305' }, /6位县级代码或9位乡镇代码/],
        [{ username: 'x2', role: 'county', regionCode: '430581' }, /不在您的管辖范围/],
        [{ username: 'x3', role: 'township', regionCode: '430582' }, /9位乡镇代码/],
        [{ username: 'x4', role: 'county', regionCode: '430582101001' }, /6位县级代码或9位乡镇代码/],
        [{ username: 'li', role: 'county', regionCode: '430582' }, /已被使用/],
        [{ username: 'x5', role: 'county', regionCode: '430582', password: 'short1' }, /至少需要8个字符/],
        [{ username: 'x', role: 'county', regionCode: '430582' }, /用户名/],
      ];
      for (const [body, msg] of cases) {
        const res = await req('POST', '/api/users', admin, body);
        assert.ok(res.statusCode === 400 || res.statusCode === 409, res.body);
        assert.match(res.json().error.message, msg);
      }
    });

    it('a township admin manages only users inside the township', async () => {
      const tAdmin = await loginAs(app, ctx, { role: 'admin', regionCode: '430582102' });
      const list = await req('GET', '/api/users', tAdmin);
      assert.ok(list.json().items.every((u: { regionCode: string }) => u.regionCode.startsWith('430582102')));
      const li = (await req('GET', '/api/users?q=li', admin)).json().items.find((u: { username: string }) => u.username === 'li');
      assert.equal((await req('PATCH', `/api/users/${li.id}`, tAdmin, { active: false })).statusCode, 404);
      assert.equal((await req('POST', `/api/users/${li.id}/reset-password`, tAdmin)).statusCode, 404);
      assert.equal((await req('POST', '/api/users', tAdmin, { username: 'wang', role: 'county', regionCode: '430582' })).statusCode, 400);
    });

    it('updates, deactivates (ending sessions), resets and unlocks, each audited', async () => {
      const victim = await loginAs(app, ctx, { role: 'leader', regionCode: '430582', username: 'zhao' });
      const id = victim.user.id;
      const up = await req('PATCH', `/api/users/${id}`, admin, { role: 'finance', displayName: '赵六' });
      assert.equal(up.statusCode, 200, up.body);
      assert.equal(up.json().role, 'finance');
      const me = await req('GET', '/api/auth/me', victim);
      assert.equal(me.json().user.role, 'finance'); // takes effect at once
      assert.equal((await req('PATCH', `/api/users/${id}`, admin, { active: false })).statusCode, 200);
      assert.equal((await req('GET', '/api/auth/me', victim)).statusCode, 401);
      assert.equal((await req('PATCH', `/api/users/${id}`, admin, { active: true })).statusCode, 200);
      await sql`UPDATE users SET locked_until = now() + interval '10 minutes' WHERE id = ${id}`.execute(t.db);
      const listed = (await req('GET', `/api/users/${id}`, admin)).json();
      assert.equal(listed.locked, true);
      const un = await req('POST', `/api/users/${id}/unlock`, admin);
      assert.equal(un.json().locked, false);
      const reset = await req('POST', `/api/users/${id}/reset-password`, admin);
      const pw = reset.json().password;
      assert.equal(reset.json().user.mustChangePassword, true);
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhao', password: pw } });
      assert.equal(login.statusCode, 200);
      const actions = (
        await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity_type = 'user' AND entity_id = ${String(id)} ORDER BY seq`.execute(t.db)
      ).rows.map((r) => r.action);
      for (const a of ['user.update', 'user.unlock', 'user.reset_password']) assert.ok(actions.includes(a), a);
    });

    it('keeps the last administrator and the admin themself safe', async () => {
      const self = await req('PATCH', `/api/users/${admin.user.id}`, admin, { active: false });
      assert.equal(self.statusCode, 409);
    });

    it('lists roles with their permissions', async () => {
      const roles = (await req('GET', '/api/roles', admin)).json();
      assert.equal(roles.length, 8);
      const township = roles.find((r: { code: string }) => r.code === 'township');
      assert.ok(township.permissions.some((p: { code: string }) => p.code === 'adjustment.enter'));
      const rural = roles.find((r: { code: string }) => r.code === 'rural');
      assert.equal(rural.name, '乡村振兴业务');
      assert.ok(rural.permissions.some((p: { code: string }) => p.code === 'monitoring.approve'));
      // a 项目单位 account names its unit (it sees that unit's projects only)
      const noUnit = await req('POST', '/api/users', admin, { username: 'dw1', role: 'unit', regionCode: '430582' });
      assert.equal(noUnit.statusCode, 400);
      assert.match(noUnit.json().error.message, /所在单位/);
      const withUnit = await req('POST', '/api/users', admin, { username: 'dw1', role: 'unit', regionCode: '430582', unit: '县水利局' });
      assert.equal(withUnit.statusCode, 200, withUnit.body);
      assert.equal(withUnit.json().user.unit, '县水利局');
    });

    it('reads the audit log with filters and pages, and verifies the chain', async () => {
      const auditor = await loginAs(app, ctx, { role: 'auditor', regionCode: '430582' });
      const all = (await req('GET', '/api/audit?pageSize=5', auditor)).json();
      assert.equal(all.items.length, 5);
      assert.ok(all.total > 5);
      assert.ok(all.items[0].seq > all.items[4].seq);
      const p2 = (await req('GET', '/api/audit?pageSize=5&page=2', auditor)).json();
      assert.equal(p2.items[0].seq, all.items[4].seq - 1);
      const creates = (await req('GET', '/api/audit?action=user.create', auditor)).json();
      assert.ok(creates.items.length >= 1 && creates.items.every((e: { action: string }) => e.action === 'user.create'));
      const authOnes = (await req('GET', '/api/audit?action=auth.', auditor)).json();
      assert.ok(authOnes.items.length >= 1 && authOnes.items.every((e: { action: string }) => e.action.startsWith('auth.')));
      const byUser = (await req('GET', `/api/audit?username=boss`, auditor)).json();
      assert.ok(byUser.items.every((e: { username: string }) => e.username === 'boss'));
      const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
      assert.equal((await req('GET', `/api/audit?from=${today}&to=${today}`, auditor)).json().total, all.total);
      assert.equal((await req('GET', '/api/audit?to=2000-01-01', auditor)).json().total, 0);
      assert.equal((await req('GET', '/api/audit?from=notadate', auditor)).statusCode, 400);
      const v = (await req('GET', '/api/audit/verify', auditor)).json();
      assert.equal(v.ok, true);
      assert.deepEqual(v, await verifyAuditChain(t.db));
    });

    it('permission matrix of the auth routes', async () => {
      const other = await loginAs(app, ctx, { role: 'county', regionCode: '430582' });
      await assertPermissionMatrix(
        app,
        ctx,
        [
          { method: 'GET', url: '/api/auth/me', permission: null, holderStatus: 200 },
          { method: 'GET', url: '/api/users', permission: 'users.manage', holderStatus: 200 },
          { method: 'GET', url: `/api/users/${other.user.id}`, permission: 'users.manage', holderStatus: 200 },
          { method: 'POST', url: '/api/users', permission: 'users.manage', payload: {} },
          { method: 'PATCH', url: `/api/users/${other.user.id}`, permission: 'users.manage', payload: {}, holderStatus: 200 },
          { method: 'POST', url: `/api/users/${other.user.id}/reset-password`, permission: 'users.manage', holderStatus: 200 },
          { method: 'POST', url: `/api/users/${other.user.id}/unlock`, permission: 'users.manage', holderStatus: 200 },
          { method: 'GET', url: '/api/roles', permission: 'users.manage', holderStatus: 200 },
          { method: 'GET', url: '/api/audit', permission: 'audit.read', holderStatus: 200 },
          { method: 'GET', url: '/api/audit/verify', permission: 'audit.read', holderStatus: 200 },
        ],
        { countyCode: '430582' },
      );
    });

    it('unmasking: only roles that may, only when asked, and audited', async () => {
      const fake = (role: LoggedIn['user']['role'], unmask?: string) =>
        ({ user: { ...admin.user, role }, query: unmask ? { unmask } : {} }) as unknown as FastifyRequest;
      assert.equal(unmaskAllowed(fake('county', '1')), true);
      assert.equal(unmaskAllowed(fake('county')), false);
      assert.equal(unmaskAllowed(fake('leader', '1')), false);
      assert.equal(unmaskAllowed({ user: null, query: { unmask: '1' } } as unknown as FastifyRequest), false);
      await t.db.transaction().execute((trx) => auditUnmaskedView(trx, admin.user, { entityType: 'person', entityId: 42, fields: ['idNumber', 'phone'] }));
      const e = await sql<{
        action: string;
        detail: { fields: string[] };
        county_code: string;
      }>`SELECT action, detail, county_code FROM audit_log WHERE entity_id = '42'`.execute(t.db);
      assert.equal(e.rows[0].action, 'person.view_unmasked');
      assert.deepEqual(e.rows[0].detail.fields, ['idNumber', 'phone']);
      assert.equal(e.rows[0].county_code, '430582');
    });

    it('the audit chain is whole after all of it', async () => {
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });
  });
}
