// Security headers on every answer, body limits, and X-Forwarded-For believed only from a
// configured proxy (ANJU_TRUST_PROXY).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { trustProxyFrom } from '../shared/http/security-headers.ts';
import { hashPassword } from '../auth/index.ts';

describe('headers, body limits and proxy', () => {
  let t: TestDatabase;
  let plain: FastifyInstance;
  let proxied: FastifyInstance;
  before(async () => {
    t = await createTestDatabase('pglite');
    plain = await buildApp({ database: t, config: { version: 'test', secureCookies: false } });
    proxied = await buildApp({ database: t, config: { version: 'test', secureCookies: false, trustProxy: trustProxyFrom('127.0.0.1') } });
    await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password)
      VALUES ('zhang', '张三', ${await hashPassword('Secret-123', { fast: true })}, 'county', '430582', false)`.execute(t.db);
  });
  after(async () => {
    await plain.close();
    await proxied.close();
    await t.drop();
  });

  it('sends CSP, frame, referrer and nosniff headers on API answers and errors', async () => {
    for (const url of ['/api/health', '/api/no-such-route', '/api/auth/me']) {
      const res = await plain.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/, url);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'same-origin');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('refuses JSON bodies over 1 MB and login bodies over 4 KB, in Chinese', async () => {
    const big = await plain.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang', password: 'x'.repeat(5000) } });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().error.message, /请求内容过大/);
    const json = (n: number) => ({
      method: 'POST' as const,
      url: '/api/auth/logout',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ x: 'y'.repeat(n) }),
    });
    assert.equal((await plain.inject(json(900 * 1024))).statusCode, 200);
    const huge = await plain.inject(json(1100 * 1024));
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error.code, 'TOO_LARGE');
  });

  it('records the socket address, not a forged X-Forwarded-For, unless a proxy is configured', async () => {
    await plain.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'zhang', password: 'wrong-1' },
      headers: { 'x-forwarded-for': '6.6.6.6' },
      remoteAddress: '10.1.2.3',
    });
    await proxied.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'zhang', password: 'wrong-2' },
      headers: { 'x-forwarded-for': '7.7.7.7' },
      remoteAddress: '127.0.0.1',
    });
    // a client that is not the configured proxy cannot forge it either
    await proxied.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'zhang', password: 'wrong-3' },
      headers: { 'x-forwarded-for': '8.8.8.8' },
      remoteAddress: '10.9.9.9',
    });
    const ips = await sql<{ ip: string }>`SELECT detail->>'ip' AS ip FROM audit_log WHERE action = 'auth.login_failed' ORDER BY seq`.execute(t.db);
    assert.deepEqual(
      ips.rows.map((r) => r.ip),
      ['10.1.2.3', '7.7.7.7', '10.9.9.9'],
    );
  });

  it('answers a malformed request with a validation message fully in Chinese', async () => {
    const res = await plain.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 12, extra: true } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.message, '请求内容不正确：用户名：应为文字；密码：必须填写');
  });

  it('answers health at once while the embedded database is held by a long transaction', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const hold = t.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const res = await plain.inject({ method: 'GET', url: '/api/health' });
    const ms = performance.now() - t0;
    release();
    await hold;
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { ok: true, busy: true, database: 'pglite', version: 'test' });
    assert.ok(ms < 1000, `health took ${ms.toFixed(0)} ms`);
    assert.deepEqual((await plain.inject({ method: 'GET', url: '/api/health' })).json(), { ok: true, database: 'pglite', version: 'test' });
  });

  it('reads ANJU_TRUST_PROXY', () => {
    assert.equal(trustProxyFrom(undefined), false);
    assert.equal(trustProxyFrom('0'), false);
    assert.equal(trustProxyFrom('1'), 1);
    assert.deepEqual(trustProxyFrom('127.0.0.1, 10.0.0.0/8'), ['127.0.0.1', '10.0.0.0/8']);
  });
});
