// Every /api route × every role × two regions (the county, a township), writes included: the
// server refuses whoever it must. Routes come from the OpenAPI document of the whole app; what
// each declares (permission, county level) from ROUTE_RULES. Checked for every call:
//  - a role without the declared permission → 403 FORBIDDEN;
//  - a county-level route called by a user placed at a township → 403 (settings, rolls, runs, rules);
//  - read-only roles (leader, auditor) change nothing: every non-GET answers 403 (their own
//    password and session excepted);
//  - no refusal names a region code (no oracle).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { ROLES, hasPermission, type Role } from './permissions.ts';
import { ROUTE_RULES } from './auth.plugin.ts';
import { loginAs, type LoggedIn } from './testkit.ts';

const C = '430582',
  T = '430582101';
const OWN_ACCOUNT = /^(GET|POST) \/api\/auth\//;

for (const engine of await testEngines()) {
  describe(`every route × role × region (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let routes: { method: string; path: string; url: string }[] = [];
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      await app.ready();
      const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const m of Object.keys(ops)) {
          if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
          routes.push({
            method: m.toUpperCase(),
            path,
            url: path.replace(/\{[^}]+\}/g, (x) => (/id$/i.test(x.slice(1, -1)) && !/importId/.test(x) ? '1' : '00000000-0000-4000-8000-000000000000')),
          });
        }
      }
      routes = routes.filter((r) => r.path !== '/api/auth/login' && r.path !== '/api/auth/logout');
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    it('knows every route and what it declares', () => {
      assert.ok(routes.length >= 60, `only ${routes.length} routes`);
      const declared = routes.filter((r) => ROUTE_RULES.has(`${r.method} ${r.path.replace(/\{([^}]+)\}/g, ':$1')}`));
      assert.equal(declared.length, routes.length, 'every route of the document is in ROUTE_RULES');
      for (const k of ['PUT /api/subsidy/settings', 'PUT /api/controls', 'POST /api/subsidy/payrolls', 'POST /api/crosscheck/runs', 'POST /api/quality/runs']) {
        assert.equal(ROUTE_RULES.get(k)?.countyLevel, true, k);
      }
    });

    it('refuses whoever it must, for every role at the county and at a township', async () => {
      const bad: string[] = [];
      let calls = 0;
      for (const role of ROLES) {
        for (const region of [C, T]) {
          if (role === 'township' && region === C) continue; // a township officer is always at a township
          const u: LoggedIn = await loginAs(app, ctx, { role: role as Role, regionCode: region });
          for (const r of routes) {
            const rule = ROUTE_RULES.get(`${r.method} ${r.path.replace(/\{([^}]+)\}/g, ':$1')}`) ?? {};
            const res = await app.inject({ method: r.method as 'GET', url: r.url, headers: u.headers, ...(r.method === 'GET' ? {} : { payload: {} }) });
            calls++;
            const name = `${role}@${region} ${r.method} ${r.path}`;
            let body: { error?: { code?: string; details?: unknown } } = {};
            try {
              body = res.json();
            } catch {
              /* a file */
            }
            const lacks = rule.permission && !hasPermission({ role }, rule.permission);
            if (lacks && (res.statusCode !== 403 || body.error?.code !== 'FORBIDDEN')) bad.push(`${name}：无权限，应403，实际${res.statusCode}`);
            if (rule.countyLevel && region !== C && res.statusCode !== 403) bad.push(`${name}：全县业务，乡镇用户应403，实际${res.statusCode}`);
            if ((role === 'leader' || role === 'auditor') && r.method !== 'GET' && !OWN_ACCOUNT.test(`${r.method} ${r.path}`) && res.statusCode !== 403) {
              bad.push(`${name}：只读角色不能修改，应403，实际${res.statusCode}`);
            }
            if (res.statusCode === 403 && /\d{9}/.test(JSON.stringify(body.error?.details ?? ''))) bad.push(`${name}：拒绝时不应给出区划代码`);
          }
        }
      }
      assert.ok(calls > 500, `only ${calls} calls`);
      assert.deepEqual(bad, []);
    });
  });
}
