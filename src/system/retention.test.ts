// Uploads past the retention period lose their bytes (not their record); the nightly job does
// that and writes the day's audit anchor.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { appendAudit } from '../shared/audit.ts';
import { readAnchor, anchorProblem } from '../shared/audit-anchor.ts';
import { pruneUploads, retentionDaysFromEnv } from './retention.ts';
import { keepBytes, keptPath } from '../shared/files/upload-store.ts';
import { runNightlySystem } from './nightly.ts';

const bytes = Buffer.alloc(4096, 0x41);

for (const engine of await testEngines()) {
  describe(`upload retention and the nightly job (${engine})`, () => {
    let t: TestDatabase;
    let dir: string;
    before(async () => {
      t = await createTestDatabase(engine);
      dir = mkdtempSync(join(tmpdir(), 'anju-nightly-'));
      const imp = async (id: string, status: string, daysAgo: number) => {
        await sql`INSERT INTO roster_imports (id, county_code, filename, size, sha256, content, status, created_at, applied_at)
          VALUES (${id}, '430582', ${id + '.csv'}, ${bytes.length}, ${id}, ${bytes}, ${status}, now() - make_interval(days => ${daysAgo}),
            ${status === 'applied' ? sql`now() - make_interval(days => ${daysAgo})` : null})`.execute(t.db);
        await sql`INSERT INTO roster_import_problems (import_id, seq, kind, row_number, column_name, value, reason) VALUES (${id}, 1, 'rejected', 2, '身份证号', 'x', '无效')`.execute(
          t.db,
        );
      };
      await imp('old-failed', 'failed', 40);
      await imp('old-applied', 'applied', 31);
      await imp('old-previewed', 'previewed', 45);
      await imp('old-applying', 'applying', 45);
      await imp('new-failed', 'failed', 3);
      for (const [sha, days] of [
        ['a', 60],
        ['b', 1],
      ] as const) {
        await sql`INSERT INTO crosscheck_inputs (county_code, kind, filename, sha256, rows, size, content, uploaded_at)
          VALUES ('430582', 'deaths', ${sha + '.csv'}, ${sha}, 10, ${bytes.length}, ${bytes}, now() - make_interval(days => ${days}))`.execute(t.db);
      }
      await appendAudit(t.db, { userId: null, username: 't' }, [{ action: 'a' }, { action: 'b' }]);
    });
    after(async () => {
      await t.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('clears rejected, applied and abandoned uploads older than the period, and nothing else', async () => {
      const r = await pruneUploads(t.db, 30);
      assert.deepEqual(r, { rosterImports: 3, crosscheckInputs: 1, bytes: 4 * bytes.length });
      const imports = await sql<{ id: string; n: number; status: string; problems: number }>`SELECT id, length(content) AS n, status,
        (SELECT count(*)::int FROM roster_import_problems p WHERE p.import_id = i.id) AS problems FROM roster_imports i ORDER BY id`.execute(t.db);
      assert.deepEqual(
        imports.rows.map((x) => [x.id, Number(x.n), x.status, x.problems]),
        [
          ['new-failed', 4096, 'failed', 1],
          ['old-applied', 0, 'applied', 0],
          ['old-applying', 4096, 'applying', 1],
          ['old-failed', 0, 'failed', 0],
          ['old-previewed', 0, 'failed', 0],
        ],
      );
      const inputs = await sql<{ sha256: string; n: number }>`SELECT sha256, length(content) AS n FROM crosscheck_inputs ORDER BY sha256`.execute(t.db);
      assert.deepEqual(
        inputs.rows.map((x) => [x.sha256, Number(x.n)]),
        [
          ['a', 0],
          ['b', 4096],
        ],
      );
      assert.deepEqual(await pruneUploads(t.db, 30), { rosterImports: 0, crosscheckInputs: 0, bytes: 0 });
    });

    it('removes the kept files (upload store) of what it clears, and no other', async () => {
      const oldKey = await keepBytes('roster-imports', bytes);
      const newKey = await keepBytes('crosscheck-inputs', bytes);
      await sql`INSERT INTO roster_imports (id, county_code, filename, size, sha256, content, stored_file, status, created_at, applied_at)
        VALUES ('kept-old', '430582', 'k.csv', ${bytes.length}, 'k', ''::bytea, ${oldKey}, 'applied', now() - interval '40 days', now() - interval '40 days')`.execute(
        t.db,
      );
      await sql`INSERT INTO crosscheck_inputs (county_code, kind, filename, sha256, rows, size, content, stored_file, uploaded_at)
        VALUES ('430582', 'deaths', 'c.csv', 'c', 10, ${bytes.length}, ''::bytea, ${newKey}, now() - interval '2 days')`.execute(t.db);
      assert.deepEqual(await pruneUploads(t.db, 30), { rosterImports: 1, crosscheckInputs: 0, bytes: bytes.length });
      assert.equal(existsSync(keptPath(oldKey)), false);
      assert.equal(existsSync(keptPath(newKey)), true);
      const left = await sql<{ stored_file: string }>`SELECT stored_file FROM roster_imports WHERE id = 'kept-old'`.execute(t.db);
      assert.equal(left.rows[0].stored_file, '');
    });

    it('runs nightly: prunes and writes an audit anchor that verifies', async () => {
      const r = await runNightlySystem({ database: t, config: { version: 'test', secureCookies: false } }, { dataDir: dir, retentionDays: 30 });
      assert.match(r.anchorFile, /anchors[\\/]audit-anchor-\d{4}-\d\d-\d\d\.json$/);
      const a = readAnchor(r.anchorFile);
      assert.equal(a.entries, 2);
      assert.equal(await anchorProblem(t.db, a), null);
      assert.equal(await anchorProblem(t.db, { ...a, hash: '0'.repeat(64) }), `第2条记录的哈希与${a.date}的锚点不符：该日之前的审计记录被改写`);
    });

    it('reads ANJU_UPLOAD_RETENTION_DAYS', () => {
      assert.equal(retentionDaysFromEnv({}), 30);
      assert.equal(retentionDaysFromEnv({ ANJU_UPLOAD_RETENTION_DAYS: '7' }), 7);
      assert.throws(() => retentionDaysFromEnv({ ANJU_UPLOAD_RETENTION_DAYS: '0' }), /不小于1的整数/);
    });
  });
}
