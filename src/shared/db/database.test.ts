import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEngines, type TestDatabase } from './testing.ts';
import { openDatabase } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';

for (const engine of await testEngines()) {
  describe(`database layer (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('gives the same value types on both engines', async () => {
      const r = await sql<any>`SELECT '2024-01-02'::date AS d, 5::bigint AS b, 1.5::numeric AS n, '{"a":1}'::jsonb AS j`.execute(t.db);
      assert.deepEqual(r.rows[0], { d: '2024-01-02', b: 5, n: 1.5, j: { a: 1 } });
    });

    it('rolls a failed transaction back whole', async () => {
      await assert.rejects(
        t.db.transaction().execute(async (trx) => {
          await sql`INSERT INTO counties (code, name) VALUES ('430582', '甲县')`.execute(trx);
          await sql`INSERT INTO counties (code, name) VALUES ('430582', '重复')`.execute(trx);
        }),
      );
      const r = await sql<any>`SELECT count(*)::int AS n FROM counties`.execute(t.db);
      assert.equal(r.rows[0].n, 0);
    });

    it('reports affected rows', async () => {
      const r = await t.db
        .insertInto('counties')
        .values([
          { code: '430582', name: '甲县' },
          { code: '430602', name: '乙区' },
        ])
        .executeTakeFirst();
      assert.equal(Number(r.numInsertedOrUpdatedRows), 2);
      const u = await t.db.updateTable('counties').set({ name: '丙' }).where('code', '=', '430602').executeTakeFirst();
      assert.equal(Number(u.numUpdatedRows), 1);
    });

    it('lets the event loop turn between queries (PGlite runs in this thread: a loop of queries must not hold the server)', async () => {
      let turns = 0;
      for (let i = 0; i < 5; i++) {
        setImmediate(() => turns++);
        await sql`SELECT 1`.execute(t.db);
      }
      assert.equal(turns, 5);
    });
  });
}

describe('a new embedded data folder', () => {
  it('starts migrated from the template, keeps what is written, and reopens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-datadir-'));
    try {
      const d = await openDatabase({ dataDir: dir });
      assert.equal((await migrate(d)).length, 0, 'nothing left to migrate');
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(d.db);
      assert.equal(n.rows[0].n, loadMigrations().length);
      await sql`INSERT INTO counties (code, name) VALUES ('430582', '甲县')`.execute(d.db);
      await d.close();
      const again = await openDatabase({ dataDir: dir });
      const c = await sql<{ name: string }>`SELECT name FROM counties`.execute(again.db);
      assert.deepEqual(
        c.rows.map((x) => x.name),
        ['甲县'],
      );
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
