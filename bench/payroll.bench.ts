// Payment roll + bank file for a large county register (default 2 000 000 persons) on the
// PostgreSQL server (ANJU_TEST_DATABASE_URL), and a smaller run on PGlite. Prints figures only.
// Usage: npm run bench payroll [-- --persons=2000000 --pglite=100000]
import { createWriteStream, statSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import { buildPayroll, reviewPayroll, prepareBankExport, writeBankFile } from '../src/subsidy/subsidy.service.ts';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const C = '430582';
const actor = { userId: null, username: '基准测试' };

async function seed(t: TestDatabase, n: number) {
  // 4 persons a household, 30 villages in 10 townships; 1 in 50 without an account, 1 in 100 removed, some partial terms
  await sql`INSERT INTO households (county_code, household_no, village_code)
    SELECT ${C}, 'H' || h, '430582' || lpad((100 + h % 10)::text, 3, '0') || lpad((h % 30)::text, 3, '0') FROM generate_series(0, ${Math.ceil(n / 4)}) h`.execute(
    t.db,
  );
  await sql`INSERT INTO persons (county_code, id, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, township_name, village_name,
      support_start, support_end, status, removal_date, removal_reason)
    SELECT ${C}, i, 'H' || (i / 4), '430582' || lpad(i::text, 12, '0'), '430582' || lpad(i::text, 12, '0'), true, '人员' || i,
      CASE WHEN i % 4 = 0 THEN '户主' ELSE '子' END,
      '430582' || lpad((100 + (i / 4) % 10)::text, 3, '0') || lpad(((i / 4) % 30)::text, 3, '0'), '镇' || ((i / 4) % 10), '村' || ((i / 4) % 30),
      CASE WHEN i % 37 = 0 THEN DATE '2024-05-16' ELSE DATE '2006-07-01' END, NULL,
      CASE WHEN i % 100 = 7 THEN '已核减' ELSE '正常' END, CASE WHEN i % 100 = 7 THEN DATE '2023-06-01' END, CASE WHEN i % 100 = 7 THEN '死亡' END
    FROM generate_series(1, ${n}) i`.execute(t.db);
  await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name)
    SELECT ${C}, i, '62300' || lpad(i::text, 14, '0'), '农村信用社', '人员' || i FROM generate_series(1, ${n}) i WHERE i % 50 <> 3`.execute(t.db);
  await sql`ANALYZE`.execute(t.db);
}

async function run(engine: 'pglite' | 'postgres', n: number) {
  const t = await createTestDatabase(engine);
  const dir = mkdtempSync(join(tmpdir(), 'anju-bench-'));
  try {
    let t0 = performance.now();
    await seed(t, n);
    const seedS = (performance.now() - t0) / 1000;
    await sql`INSERT INTO settings (county_code, key, effective_from, value) VALUES (${C}, 'subsidy.account_fallback', '2000-01-01', '"head"')`.execute(t.db);
    t0 = performance.now();
    const roll = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' });
    const buildS = (performance.now() - t0) / 1000;
    await reviewPayroll(t.db, actor, C, roll.id);
    const results: string[] = [];
    let exportTotal = 0;
    for (const tpl of ['generic', 'gbk-csv', 'generic-xlsx']) {
      if (tpl === 'generic-xlsx' && n > 500000) continue; // XLSX holds at most 1 048 576 rows a sheet
      const file = join(dir, `bank.${tpl}`);
      t0 = performance.now();
      const prep = await prepareBankExport(t.db, actor, C, roll.id, tpl);
      const rows = await writeBankFile(t.db, C, roll.id, prep.tpl, prep.batchNo, createWriteStream(file));
      const s = (performance.now() - t0) / 1000;
      if (tpl === 'generic') exportTotal = s;
      results.push(
        `  银行文件 ${tpl.padEnd(13)} ${rows} 行  ${s.toFixed(1)} s  ${(rows / s / 1000).toFixed(0)} 千行/秒  ${(statSync(file).size / 1e6).toFixed(0)} MB`,
      );
    }
    const mem = process.memoryUsage();
    console.log(`${engine}：花名册 ${n} 人（生成 ${seedS.toFixed(1)} s）`);
    console.log(
      `  发放批次 ${roll.persons} 人，合计 ${(roll.totalFen / 100).toFixed(2)} 元，不发 ${roll.excluded} 人：${buildS.toFixed(1)} s  ${(roll.persons / buildS / 1000).toFixed(0)} 千人/秒`,
    );
    for (const r of results) console.log(r);
    console.log(`  批次 + 银行文件（CSV）合计：${(buildS + exportTotal).toFixed(1)} s（目标 200万人 < 60 s）；进程内存 rss ${(mem.rss / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  }
}

const engines = await testEngines();
if (engines.includes('postgres')) await run('postgres', arg('persons', 2_000_000));
else console.log('PostgreSQL服务器不可用，跳过服务器规模的基准');
const pgliteN = arg('pglite', 100_000);
if (pgliteN > 0) await run('pglite', pgliteN); // --pglite=0 skips the embedded engine
