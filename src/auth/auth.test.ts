import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs, hashPassword, SESSION_COOKIE } from './index.ts';
import { passwordChecks } from './password.ts';
import { BAD_LOGIN } from './login.ts';
import { MAX_FAILED_LOGINS, ADDRESS_MAX_FAILURES, lockMinutes } from './login-limits.ts';

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
    after(async () => {
      await app.close();
      await t.drop();
    });

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
      assert.equal(a.json().error.message, BAD_LOGIN);
      assert.equal(b.json().error.message, BAD_LOGIN);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed'`.execute(t.db);
      assert.equal(n.rows[0].n, 2);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
      await loginReq('zhang', 'Secret123'); // resets the count
    });

    it('locks the account after 5 failures with the same answer as a wrong password, even for the right one', async () => {
      for (let i = 0; i < 4; i++) assert.equal((await loginReq('zhang', 'bad' + i)).statusCode, 401);
      const fifth = await loginReq('zhang', 'bad5');
      assert.equal(fifth.statusCode, 401);
      assert.equal(fifth.json().error.message, BAD_LOGIN);
      const checks = passwordChecks.count;
      const right = await loginReq('zhang', 'Secret123');
      assert.equal(right.statusCode, 401);
      assert.equal(right.json().error.message, BAD_LOGIN);
      assert.equal(passwordChecks.count, checks, 'a locked account checks no password');
      const lock = await sql<{ m: number }>`SELECT extract(epoch FROM locked_until - now()) / 60 AS m FROM users WHERE username = 'zhang'`.execute(t.db);
      assert.ok(Number(lock.rows[0].m) > 14 && Number(lock.rows[0].m) <= 15);
      await sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE username = 'zhang'`.execute(t.db);
      assert.equal((await loginReq('zhang', 'Secret123')).statusCode, 200);
    });

    it('counts parallel guesses before checking: beyond the limit none is checked, the right one among them is refused', async () => {
      await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password)
        VALUES ('li', '李四', ${await hashPassword('Right12345', { fast: true })}, 'county', '430582', false)`.execute(t.db);
      const checks = passwordChecks.count;
      const guesses = Array.from({ length: 40 }, (_, i) => (i === 30 ? 'Right12345' : `guess${i}x`));
      const res = await Promise.all(
        guesses.map((g, i) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'li', password: g }, remoteAddress: `10.0.${i}.1` })),
      );
      assert.ok(passwordChecks.count - checks <= MAX_FAILED_LOGINS, `checked ${passwordChecks.count - checks}`);
      assert.equal(res[30].statusCode, 401, 'the right password sent after the limit is not let in');
      assert.ok(res.every((r) => r.statusCode === 401 && r.json().error.message === BAD_LOGIN));
      const u = await sql<{ locked: boolean }>`SELECT locked_until > now() AS locked FROM users WHERE username = 'li'`.execute(t.db);
      assert.equal(u.rows[0].locked, true);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });

    it('answers unknown, wrong, locked and disabled the same, and checks a dummy hash for unknown users', async () => {
      await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password, active)
        VALUES ('wang', '王五', ${await hashPassword('Right12345', { fast: true })}, 'county', '430582', false, false)`.execute(t.db);
      const answers = [
        await loginReq('nobody2', 'x1234567'),
        await loginReq('zhang', 'x1234567'),
        await loginReq('li', 'Right12345'),
        await loginReq('wang', 'Right12345'),
      ];
      for (const a of answers) assert.deepEqual([a.statusCode, a.json().error], [401, { code: 'UNAUTHENTICATED', message: BAD_LOGIN, details: null }]);
      // the unknown user costs an argon2 check too: not answered in a fraction of a real check
      const time = async (name: string) => {
        const t0 = performance.now();
        await loginReq(name, 'x1234567');
        return performance.now() - t0;
      };
      const unknown = await time('nobody3');
      assert.ok(unknown > 5, `unknown user answered in ${unknown.toFixed(1)} ms`);
    });

    it('limits failures per address (429) without looking at the account', async () => {
      const from = { remoteAddress: '192.0.2.7' };
      for (let i = 0; i < ADDRESS_MAX_FAILURES; i++)
        await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `n${i}`, password: 'x' }, ...from });
      const checks = passwordChecks.count;
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang', password: 'Secret123' }, ...from });
      assert.equal(res.statusCode, 429);
      assert.match(res.json().error.message, /登录失败次数过多/);
      assert.equal(passwordChecks.count, checks);
      const other = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'zhang', password: 'Secret123' },
        remoteAddress: '192.0.2.8',
      });
      assert.equal(other.statusCode, 200, other.body);
    });

    it('never hard-locks an administrator: the lock grows 1, 2, 4 minutes up to 5, and another admin can lift it', async () => {
      await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password)
        VALUES ('boss', '管理员', ${await hashPassword('Boss-Pass-2026', { fast: true })}, 'admin', '430582', false)`.execute(t.db);
      const minutesLeft = async () =>
        Number(
          (await sql<{ m: number }>`SELECT extract(epoch FROM locked_until - now()) / 60 AS m FROM users WHERE username = 'boss'`.execute(t.db)).rows[0].m,
        );
      const seen: number[] = [];
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < MAX_FAILED_LOGINS; i++)
          await app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'boss', password: `nope${i}x` },
            remoteAddress: `198.51.100.${round * 10 + i}`,
          });
        seen.push(Math.ceil(await minutesLeft()));
        await sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE username = 'boss'`.execute(t.db);
      }
      assert.deepEqual(seen, [1, 2, 4, 5, 5]);
      assert.equal(lockMinutes('county', 9), 15);
      // a lock lifted by another administrator (the users page or `anju users unlock`) lets the admin in at once
      for (let i = 0; i < MAX_FAILED_LOGINS; i++)
        await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: `nope${i}x` }, remoteAddress: '203.0.113.1' });
      const other = await loginAs(app, ctx, { role: 'admin', regionCode: '430582' });
      const id = Number((await sql<{ id: number }>`SELECT id FROM users WHERE username = 'boss'`.execute(t.db)).rows[0].id);
      assert.equal((await app.inject({ method: 'POST', url: `/api/users/${id}/unlock`, headers: other.headers })).statusCode, 200);
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: 'Boss-Pass-2026' }, remoteAddress: '203.0.113.2' }))
          .statusCode,
        200,
      );
      assert.equal(Number((await sql<{ l: number }>`SELECT lock_level AS l FROM users WHERE username = 'boss'`.execute(t.db)).rows[0].l), 0);
    });

    it('needs the CSRF header on changes from a session', async () => {
      const { headers } = await loginAs(app, ctx, { role: 'county', regionCode: '430582' });
      const noCsrf = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: headers.cookie } });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(noCsrf.json().error.code, 'CSRF');
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: headers.cookie, 'x-csrf-token': 'x' + headers['x-csrf-token'].slice(1) },
      });
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
      await sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours', expires_at = now() + interval '6 hours' WHERE user_id = ${user.id}`.execute(
        t.db,
      );
      await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      const r1 = await sql<{ h: number }>`SELECT extract(epoch FROM expires_at - now()) / 3600 AS h FROM sessions WHERE user_id = ${user.id}`.execute(t.db);
      assert.ok(Number(r1.rows[0].h) > 7.9);
      await sql`UPDATE sessions SET created_at = now() - interval '7 days' + interval '1 hour', last_seen_at = now() - interval '2 hours' WHERE user_id = ${user.id}`.execute(
        t.db,
      );
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
      const badOld = await app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers,
        payload: { oldPassword: 'nope', newPassword: 'Lantern-river7' },
      });
      assert.equal(badOld.statusCode, 400);
      const ok = await app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers,
        payload: { oldPassword: password, newPassword: 'Lantern-river7' },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().user.mustChangePassword, false);
      const me2 = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      assert.equal(me2.json().user.mustChangePassword, false);
    });
  });
}
