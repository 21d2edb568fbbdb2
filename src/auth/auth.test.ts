import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs, hashPassword, SESSION_COOKIE } from './index.ts';

for (const engine of await testEngines()) {
  describe(`login and sessions (${engine})`, () => {
    let t: TestDatabase;
    let ctx: AppContext;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password)
        VALUES ('zhang', '张三', ${await hashPassword('Secret123', { fast: true })}, 'county', '430582', false)`.execute(t.db);
    });
    after(async () => { await app.close(); await t.drop(); });

    const loginReq = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

    it('logs in, sets an HttpOnly SameSite=Lax cookie, and /me answers', async () => {
      const res = await loginReq('zhang', 'Secret123');
      assert.equal(res.statusCode, 200, res.body);
      const c = res.cookies.find((x) => x.name === SESSION_COOKIE)!;
      assert.ok(c.httpOnly);
      assert.equal(c.sameSite, 'Lax');
      assert.ok(!c.secure);
      const body = res.json();
      assert.equal(body.user.username, 'zhang');
      assert.equal(body.user.countyCode, '430582');
      assert.ok(body.permissions.includes('registry.read'));
      assert.ok(!body.permissions.includes('users.manage'));
      // only the hash of the token is stored
      const stored = await sql<{ token_hash: string }>`SELECT token_hash FROM sessions`.execute(t.db);
      assert.ok(stored.rows.every((r) => r.token_hash !== c.value && r.token_hash.length === 64));
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `${SESSION_COOKIE}=${c.value}` } });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().csrfToken, body.csrfToken);
    });

    it('rejects a wrong password and an unknown user with the same message, audited', async () => {
      const a = await loginReq('zhang', 'wrong1234');
      const b = await loginReq('nobody', 'wrong1234');
      assert.equal(a.statusCode, 401);
      assert.equal(b.statusCode, 401);
      assert.match(a.json().error.message, /用户名或密码错误/);
      assert.match(b.json().error.message, /用户名或密码错误/);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed'`.execute(t.db);
      assert.equal(n.rows[0].n, 2);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
      await loginReq('zhang', 'Secret123'); // resets the count
    });

    it('locks the account for 15 minutes after 5 failures, even for the right password', async () => {
      for (let i = 0; i < 4; i++) assert.equal((await loginReq('zhang', 'bad' + i)).statusCode, 401);
      const fifth = await loginReq('zhang', 'bad5');
      assert.equal(fifth.statusCode, 423);
      assert.match(fifth.json().error.message, /锁定15分钟/);
      const right = await loginReq('zhang', 'Secret123');
      assert.equal(right.statusCode, 423);
      assert.match(right.json().error.message, /\d+分钟后再试/);
      await sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE username = 'zhang'`.execute(t.db);
      assert.equal((await loginReq('zhang', 'Secret123')).statusCode, 200);
    });

    it('needs the CSRF header on changes from a session', async () => {
      const { headers } = await loginAs(app, ctx, { role: 'county', regionCode: '430582' });
      const noCsrf = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: headers.cookie } });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(noCsrf.json().error.code, 'CSRF');
      const wrong = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: headers.cookie, 'x-csrf-token': 'x' + headers['x-csrf-token'].slice(1) } });
      assert.equal(wrong.statusCode, 403);
      const ok = await app.inject({ method: 'POST', url: '/api/auth/logout', headers });
      assert.equal(ok.statusCode, 200);
      const after = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      assert.equal(after.statusCode, 401);
    });

    it('ends an expired session', async () => {
      const { headers, user } = await loginAs(app, ctx, { role: 'leader', regionCode: '430582' });
      assert.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode, 200);
      await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ${user.id}`.execute(t.db);
      const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'UNAUTHENTICATED');
    });

    it('slides the idle expiry but never past 7 days from login', async () => {
      const { headers, user } = await loginAs(app, ctx, { role: 'leader', regionCode: '430582' });
      await sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours', expires_at = now() + interval '6 hours' WHERE user_id = ${user.id}`.execute(t.db);
      await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      const r1 = await sql<{ h: number }>`SELECT extract(epoch FROM expires_at - now()) / 3600 AS h FROM sessions WHERE user_id = ${user.id}`.execute(t.db);
      assert.ok(Number(r1.rows[0].h) > 7.9);
      await sql`UPDATE sessions SET created_at = now() - interval '7 days' + interval '1 hour', last_seen_at = now() - interval '2 hours' WHERE user_id = ${user.id}`.execute(t.db);
      await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      const r2 = await sql<{ h: number }>`SELECT extract(epoch FROM expires_at - now()) / 3600 AS h FROM sessions WHERE user_id = ${user.id}`.execute(t.db);
      assert.ok(Number(r2.rows[0].h) < 1.01);
    });

    it('holds a user who must change the password to me / change-password / logout', async () => {
      const { headers, password } = await loginAs(app, ctx, { role: 'county', regionCode: '430582', mustChangePassword: true });
      const blocked = await app.inject({ method: 'GET', url: '/api/health', headers });
      assert.equal(blocked.statusCode, 200); // open route
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      assert.equal(me.json().user.mustChangePassword, true);
      const weak = await app.inject({ method: 'POST', url: '/api/auth/change-password', headers, payload: { oldPassword: password, newPassword: 'abcdefgh' } });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.json().error.message, /字母和数字/);
      const badOld = await app.inject({ method: 'POST', url: '/api/auth/change-password', headers, payload: { oldPassword: 'nope', newPassword: 'Abcdefg123' } });
      assert.equal(badOld.statusCode, 400);
      const ok = await app.inject({ method: 'POST', url: '/api/auth/change-password', headers, payload: { oldPassword: password, newPassword: 'Abcdefg123' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().user.mustChangePassword, false);
      const me2 = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      assert.equal(me2.json().user.mustChangePassword, false);
    });
  });
}
