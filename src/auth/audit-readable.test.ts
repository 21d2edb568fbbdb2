// The audit log reads in Chinese (action, entity, before/after field by field, user by name),
// and refused attempts (403) are in it — limited, so hammering a route cannot flood it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { appendAudit, verifyAuditChain } from '../shared/audit.ts';
import { auditChanges, auditSummary, ACTION_LABELS } from '../shared/audit-labels.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs } from './index.ts';
import { DeniedLog } from './denied-log.ts';

describe('audit labels', () => {
  it('tells a change field by field in Chinese, amounts in 元, codes by name', () => {
    assert.deepEqual(auditChanges({ status: 'draft', totalFen: 120000 }, { status: 'reviewed', totalFen: 120000 }), [
      { field: 'status', label: '状态', before: '草稿', after: '已审核' },
    ]);
    assert.match(
      auditSummary({
        action: 'payroll.review',
        entityType: 'payroll',
        entityId: '3',
        before: { status: 'draft' },
        after: { status: 'reviewed' },
        detail: null,
      }),
      /^发放批次 3，状态：草稿 → 已审核$/,
    );
    assert.deepEqual(
      auditChanges(null, { dueFen: 30000, role: 'township' }).map((c) => `${c.label}=${c.after}`),
      ['应追缴=300.00元', '角色=乡镇移民专干'],
    );
  });

  it('has a label for every action the code writes', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => {
        const p = join(d, n);
        return statSync(p).isDirectory() ? walk(p) : /\.ts$/.test(n) && !/test/.test(n) ? [p] : [];
      });
    const missing = new Set<string>();
    for (const f of walk('src'))
      for (const m of readFileSync(f, 'utf8').matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) if (!ACTION_LABELS[m[1]]) missing.add(`${m[1]} (${f})`);
    assert.deepEqual([...missing], []);
  });

  it('admits one denied entry per user and route every 10 minutes, 20 an hour, counting what it held back', () => {
    let now = 0;
    const log = new DeniedLog(() => now);
    assert.deepEqual(log.admit(1, 'GET /api/users'), { write: true, held: 0 });
    for (let i = 0; i < 50; i++) assert.equal(log.admit(1, 'GET /api/users').write, false);
    assert.equal(log.admit(2, 'GET /api/users').write, true, 'another user is not held back');
    now += 10 * 60_000;
    assert.deepEqual(log.admit(1, 'GET /api/users'), { write: true, held: 50 });
    let written = 2;
    for (let i = 0; i < 40; i++) if (log.admit(1, `GET /api/r${i}`).write) written++;
    assert.equal(written, 20);
  });
});

for (const engine of await testEngines()) {
  describe(`audit log in Chinese, 403s logged (${engine})`, () => {
    let t: TestDatabase;
    let ctx: AppContext;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    it('logs a refused call once however often it is tried, and shows entries readably', async () => {
      const town = await loginAs(app, ctx, { role: 'township', regionCode: '430582101', displayName: '赵专干' });
      for (let i = 0; i < 6; i++) {
        const res = await app.inject({ method: 'GET', url: '/api/users', headers: town.headers });
        assert.equal(res.statusCode, 403);
      }
      const denied = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'access.denied' AND user_id = ${town.user.id}`.execute(
        t.db,
      );
      assert.equal(denied.rows[0].n, 1);

      const auditor = await loginAs(app, ctx, { role: 'auditor', regionCode: '430582', displayName: '钱审计' });
      await t.db
        .transaction()
        .execute((trx) =>
          appendAudit(
            trx,
            { userId: town.user.id, username: town.user.username },
            { action: 'payroll.review', entityType: 'payroll', entityId: 7, countyCode: '430582', before: { status: 'draft' }, after: { status: 'reviewed' } },
          ),
        );
      const res = await app.inject({ method: 'GET', url: '/api/audit?pageSize=50', headers: auditor.headers });
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json().items as {
        action: string;
        actionName: string;
        userName: string;
        summary: string;
        changes: { label: string; before: string; after: string }[];
      }[];
      const d = items.find((i) => i.action === 'access.denied')!;
      assert.equal(d.actionName, '越权访问被拒绝');
      assert.equal(d.userName, '赵专干');
      assert.match(d.summary, /接口 GET \/api\/users/);
      const r = items.find((i) => i.action === 'payroll.review')!;
      assert.equal(r.actionName, '审核发放批次');
      assert.deepEqual(r.changes, [{ field: 'status', label: '状态', before: '草稿', after: '已审核' }]);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });
  });
}
