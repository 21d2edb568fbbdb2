import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, verifyAuditChain } from '../shared/audit.ts';
import { hashPassword } from '../auth/index.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'anju-backup-'));

async function fill(db: Kysely<Tables>) {
  await sql`INSERT INTO counties (code, name) VALUES ('430582', '示例县')`.execute(db);
  await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES ('430582', '430582', 'county', NULL, '示例县'), ('430582101', '430582', 'township', '430582', '两市镇')`.execute(
    db,
  );
  await sql`INSERT INTO users (username, display_name, password_hash, role, region_code) VALUES ('admin', '管理员', ${await hashPassword('Abcdef123', { fast: true })}, 'admin', '430582')`.execute(
    db,
  );
  await sql`INSERT INTO households (county_code, household_no, village_code) VALUES ('430582', 'H001', '430582101001')`.execute(db);
  await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, status, birth_date, extra)
    VALUES ('430582', 'H001', '430582199001011234', '430582199001011234', true, '张三', '户主', '430582101001', '正常', '1990-01-01', ${JSON.stringify({ 备注: '引号"和\\反斜杠', n: 12345678901234 })}::jsonb),
           ('430582', 'H001', '43058219920202123X', '43058219920202123x', true, '李四', '配偶', '430582101001', '已核减', NULL, '{}'::jsonb)`.execute(db);
  const p = await sql<{ id: number }>`SELECT id FROM persons WHERE name = '张三'`.execute(db);
  await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name) VALUES ('430582', ${p.rows[0].id}, '6217000000000001', '农商行')`.execute(db);
  await sql`INSERT INTO adjustments (county_code, kind, township_code, person_id, payload, entered_by) VALUES ('430582', 'remove', '430582101', ${p.rows[0].id}, '{"reason":"死亡"}', 1)`.execute(
    db,
  );
  const a = await sql<{ id: number }>`SELECT id FROM adjustments`.execute(db);
  await sql`INSERT INTO adjustment_files (county_code, adjustment_id, filename, size, sha256, content, uploaded_by)
    VALUES ('430582', ${a.rows[0].id}, '死亡证明.pdf', 4, 'x', ${Buffer.from([0, 1, 0xfe, 0xff])}, 1)`.execute(db);
  await sql`INSERT INTO settings (county_code, key, value) VALUES ('430582', 'subsidy.amount', '{"fen": 60000}')`.execute(db);
  for (let i = 0; i < 5; i++) {
    await db.transaction().execute((trx) =>
      appendAudit(
        trx,
        { userId: 1, username: 'admin' },
        {
          action: 'person.update',
          entityType: 'person',
          entityId: i,
          countyCode: '430582',
          before: { name: '旧' + i },
          after: { name: '新' + i, at: new Date() },
        },
      ),
    );
  }
}

async function counts(db: Kysely<Tables>): Promise<Record<string, number>> {
  const tables = await sql<{
    t: string;
  }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'sessions') ORDER BY 1`.execute(
    db,
  );
  const out: Record<string, number> = {};
  for (const { t } of tables.rows) out[t] = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.id(t)}`.execute(db)).rows[0].n);
  return out;
}

const engines = await testEngines();
for (const source of engines) {
  describe(`backup and restore from ${source}`, () => {
    let src: TestDatabase;
    let file: string;
    before(async () => {
      src = await createTestDatabase(source);
      await fill(src.db);
      file = join(dir, `${source}.jsonl.gz`);
      await backupDatabase(src, file, { version: 'test' });
    });
    after(async () => {
      await src.drop();
    });

    for (const target of engines) {
      it(`restores into ${target} with the same rows, bytes and a whole audit chain`, async () => {
        const dst = await createTestDatabase(target);
        try {
          const r = await restoreDatabase(dst, file);
          assert.deepEqual(await counts(dst.db), await counts(src.db));
          assert.equal(r.audit.ok, true);
          assert.equal(r.audit.entries, 5);
          const f = await sql<{ content: Buffer }>`SELECT content FROM adjustment_files`.execute(dst.db);
          assert.deepEqual([...f.rows[0].content], [0, 1, 0xfe, 0xff]);
          const p = await sql<{
            extra: Record<string, unknown>;
            birth_date: string;
          }>`SELECT extra, birth_date::text AS birth_date FROM persons WHERE name = '张三'`.execute(dst.db);
          assert.deepEqual(p.rows[0].extra, { 备注: '引号"和\\反斜杠', n: 12345678901234 });
          assert.equal(p.rows[0].birth_date, '1990-01-01');
          const login = await sql<{ password_hash: string }>`SELECT password_hash FROM users WHERE username = 'admin'`.execute(dst.db);
          assert.match(login.rows[0].password_hash, /^\$argon2id\$/);
          // new rows continue after the restored ids
          await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, status)
            VALUES ('430582', 'H001', '430582200001011239', '430582200001011239', true, '王五', '子', '430582101001', '正常')`.execute(dst.db);
          const ids = await sql<{ id: number }>`SELECT id FROM persons ORDER BY id`.execute(dst.db);
          assert.equal(new Set(ids.rows.map((x) => x.id)).size, 3);
          await appendAudit(dst.db, { userId: null, username: 't' }, { action: 'after.restore' });
          assert.equal((await verifyAuditChain(dst.db)).ok, true);

          // a database with data is refused, unless forced
          await assert.rejects(restoreDatabase(dst, file), /已有数据.*--force/);
          const forced = await restoreDatabase(dst, file, { force: true });
          assert.equal(forced.audit.entries, 5);
          assert.deepEqual(await counts(dst.db), await counts(src.db));
        } finally {
          await dst.drop();
        }
      });
    }

    it('refuses a truncated or foreign file and leaves the database as it was', async () => {
      const dst = await createTestDatabase(source);
      try {
        await sql`INSERT INTO counties (code, name) VALUES ('431122', '东安县')`.execute(dst.db);
        const text = gunzipSync(readFileSync(file)).toString('utf8');
        const cut = join(dir, 'cut.jsonl.gz');
        writeFileSync(cut, gzipSync(text.slice(0, Math.floor(text.length * 0.7))));
        await assert.rejects(restoreDatabase(dst, cut, { force: true }), /不完整|已损坏/);
        const c = await sql<{ name: string }>`SELECT name FROM counties`.execute(dst.db);
        assert.deepEqual(
          c.rows.map((x) => x.name),
          ['东安县'],
        );
        const junk = join(dir, 'junk.txt');
        writeFileSync(junk, 'hello\n');
        await assert.rejects(restoreDatabase(dst, junk, { force: true }), /不是安居的备份文件/);
        assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM counties`.execute(dst.db)).rows[0].n, 1);
      } finally {
        await dst.drop();
      }
    });
  });
}
