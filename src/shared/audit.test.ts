import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { appendAudit, verifyAuditChain } from './audit.ts';
import { createTestDatabase, testEngines, type TestDatabase } from './db/testing.ts';

for (const engine of await testEngines()) {
  describe(`audit log (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('chains entries and verifies', async () => {
      await t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, { userId: null, username: '测试' }, [
          {
            action: 'person.update',
            entityType: 'person',
            entityId: 1,
            countyCode: '430582',
            before: { name: '张三' },
            after: { name: '张叁', when: '2024-01-01' },
          },
          { action: 'roster.export', detail: { rows: 10, 说明: '导出' } },
        ]);
      });
      await appendAudit(t.db, { userId: null, username: '测试' }, { action: 'x' });
      const r = await verifyAuditChain(t.db);
      assert.deepEqual({ ok: r.ok, entries: r.entries, keyedFrom: r.keyedFrom }, { ok: true, entries: 3, keyedFrom: null });
    });

    it('refuses update and delete', async () => {
      await assert.rejects(sql`UPDATE audit_log SET action = 'y' WHERE seq = 1`.execute(t.db), /append-only/);
      await assert.rejects(sql`DELETE FROM audit_log WHERE seq = 3`.execute(t.db), /append-only/);
    });

    it('finds a tampered entry', async () => {
      // a superuser could drop the trigger; the chain still tells
      await t.exec(
        `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET after = '{"name":"李四"}' WHERE seq = 1; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;`,
      );
      const r = await verifyAuditChain(t.db);
      assert.equal(r.ok, false);
      assert.equal(r.brokenAt, 1);
    });

    it('serialises concurrent writers into one chain', async () => {
      const u = await createTestDatabase(engine);
      try {
        await Promise.all(
          Array.from({ length: 8 }, (_, i) => u.db.transaction().execute((trx) => appendAudit(trx, { userId: null, username: 'w' }, { action: `a${i}` }))),
        );
        const r = await verifyAuditChain(u.db);
        assert.deepEqual([r.ok, r.entries], [true, 8]);
      } finally {
        await u.drop();
      }
    });
  });
}
