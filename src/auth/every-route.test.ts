// A net under every capability's routes: walk the OpenAPI document of the whole app and
// check that every /api route refuses an anonymous caller (401, before the body is read) unless
// it is one of the few open ones, and that every change from a session without the CSRF
// header is refused (403 CSRF).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs } from './index.ts';

const OPEN = new Set(['GET /api/health', 'GET /api/system/info', 'POST /api/auth/login', 'POST /api/auth/logout']);

describe('every /api route is guarded', () => {
  let t: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let routes: Array<{ method: string; url: string; name: string }>;
  before(async () => {
    t = await createTestDatabase('pglite');
    ctx = { database: t, config: { version: 'test', secureCookies: false } };
    app = await buildApp(ctx);
    await app.ready();
    const doc = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    routes = [];
    for (const [path, ops] of Object.entries(doc.paths ?? {})) {
      for (const method of Object.keys(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const url = path.replace(/\{[^}]+\}/g, '1');
        routes.push({ method: method.toUpperCase(), url, name: `${method.toUpperCase()} ${path}` });
      }
    }
  });
  after(async () => {
    await app.close();
    await t.drop();
  });

  it('knows the routes', () => {
    assert.ok(routes.length >= 10, `only ${routes.length} routes found`);
    assert.ok(routes.some((r) => r.name === 'GET /api/users'));
    // each capability's routes are in the walk
    for (const name of ['POST /api/monitoring/households', 'POST /api/monitoring/risks/{id}/approve-county', 'POST /api/monitoring/alerts/imports']) {
      assert.ok(
        routes.some((r) => r.name === name),
        name,
      );
    }
  });

  it('refuses anonymous callers everywhere but the open routes', async () => {
    const bad: string[] = [];
    for (const r of routes) {
      const res = await app.inject({ method: r.method as 'GET', url: r.url, ...(r.method === 'GET' ? {} : { payload: {} }) });
      if (OPEN.has(r.name)) continue;
      if (res.statusCode !== 401) bad.push(`${r.name}: ${res.statusCode}`);
    }
    assert.deepEqual(bad, []);
  });

  it('refuses every change without the CSRF header', async () => {
    const { headers } = await loginAs(app, ctx, { role: 'admin', regionCode: '430582' });
    const bad: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'GET' && !OPEN.has(x.name))) {
      const res = await app.inject({ method: r.method as 'POST', url: r.url, headers: { cookie: headers.cookie }, payload: {} });
      if (res.statusCode !== 403 || res.json().error?.code !== 'CSRF') bad.push(`${r.name}: ${res.statusCode}`);
    }
    assert.deepEqual(bad, []);
  });
});
