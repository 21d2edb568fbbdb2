// anju db backup / restore on a county of N persons (PGlite, and the PostgreSQL server when
// reachable): time and file size of the backup, time of the restore. Prints; asserts nothing.
// Usage: npm run bench backup [-- --persons=100000]
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import { appendAudit } from '../src/shared/audit.ts';
import { backupDatabase, restoreDatabase } from '../src/system/backup.ts';

const arg = (name: string, dflt: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
};
const PERSONS = arg('persons', 100_000);
const C = '430582';

async function fill(t: TestDatabase) {
  await sql`INSERT INTO counties (code, name) VALUES (${C}, '示例县')`.execute(t.db);
  await sql`INSERT INTO households (county_code, household_no, village_code)
    SELECT ${C}, 'H' || lpad(h::text, 7, '0'), ${C} || lpad((101 + h % 10)::text, 3, '0') || lpad((1 + h % 20)::text, 3, '0')
    FROM generate_series(0, ${Math.ceil(PERSONS / 4) - 1}) h`.execute(t.db);
  await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, status, birth_date, support_start, phone, extra)
    SELECT ${C}, 'H' || lpad((g / 4)::text, 7, '0'), ${C} || to_char(DATE '1940-01-01' + (g % 25000), 'YYYYMMDD') || lpad((g % 9973)::text, 4, '0'),
      ${C} || to_char(DATE '1940-01-01' + (g % 25000), 'YYYYMMDD') || lpad((g % 9973)::text, 4, '0'), true,
      (ARRAY['李','王','张','刘','陈'])[1 + g % 5] || (ARRAY['明','华','建','国','秀','英'])[1 + g % 6], CASE WHEN g % 4 = 0 THEN '户主' ELSE '子' END,
      ${C} || lpad((101 + (g / 4) % 10)::text, 3, '0') || lpad((1 + (g / 4) % 20)::text, 3, '0'), '正常', DATE '1940-01-01' + (g % 25000), DATE '2006-07-01',
      '138' || lpad(g::text, 8, '0'), jsonb_build_object('备注', '第' || g || '行')
    FROM generate_series(0, ${PERSONS - 1}) g`.execute(t.db);
  await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name)
    SELECT county_code, id, '621700' || lpad(id::text, 13, '0'), '农商银行', name FROM persons`.execute(t.db);
  for (let i = 0; i < 20; i++) {
    await t.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        { userId: null, username: 'bench' },
        Array.from({ length: 500 }, (_, k) => ({
          action: 'person.update',
          entityType: 'person',
          entityId: i * 500 + k,
          countyCode: C,
          before: { phone: '1' },
          after: { phone: '2' },
        })),
      ),
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'anju-bench-backup-'));
try {
  for (const engine of await testEngines()) {
    const src = await createTestDatabase(engine);
    try {
      let t0 = Date.now();
      await fill(src);
      console.log(`${engine}: 生成 ${PERSONS} 人 + 账户 + 1万条审计 用时 ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const file = join(dir, `${engine}.jsonl.gz`);
      t0 = Date.now();
      const h = await backupDatabase(src, file, { version: 'bench' });
      const rows = h.tables.reduce((a, x) => a + x.rows, 0);
      console.log(`${engine}: backup  ${rows} 行 ${((Date.now() - t0) / 1000).toFixed(1)} s, 文件 ${(statSync(file).size / 1e6).toFixed(1)} MB`);
      for (const target of await testEngines()) {
        const dst = await createTestDatabase(target);
        try {
          t0 = Date.now();
          const r = await restoreDatabase(dst, file);
          console.log(
            `${engine} → ${target}: restore ${((Date.now() - t0) / 1000).toFixed(1)} s (含审计链校验 ${r.audit.entries} 条, ${r.audit.ok ? '通过' : '失败'})`,
          );
        } finally {
          await dst.drop();
        }
      }
    } finally {
      await src.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
