// Payment roll + bank file for a large county register (default 2 000 000 persons) on the
// PostgreSQL server (ANJU_TEST_DATABASE_URL), and a smaller run on PGlite. Prints figures only.
// Usage: npm run bench payroll [-- --persons=2000000 --pglite=100000]
import { createWriteStream, statSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import { buildPayroll, reviewPayroll, prepareBankExport, writeBankFile } from '../src/subsidy/subsidy.service.ts';

/** What the server did meanwhile (PostgreSQL only; the WAL figures are the whole cluster's, so keep it quiet) */
async function serverMark(t: TestDatabase) {
  if (t.engine !== 'postgres') return null;
  const r = await sql<{
    lsn: string;
    fpi: number;
    ckpt: number;
    temp: number;
  }>`SELECT pg_current_wal_lsn()::text AS lsn, (SELECT wal_fpi FROM pg_stat_wal) AS fpi,
      (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS ckpt,
      (SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()) AS temp`.execute(t.db);
  return r.rows[0];
}
async function serverSince(t: TestDatabase, m: Awaited<ReturnType<typeof serverMark>>) {
  if (!m) return '';
  const n = (await serverMark(t))!;
  const w = await sql<{ b: number }>`SELECT pg_wal_lsn_diff(${n.lsn}::pg_lsn, ${m.lsn}::pg_lsn) AS b`.execute(t.db);
  return `；WAL ${(Number(w.rows[0].b) / 1e6).toFixed(0)} MB（整页 ${Number(n.fpi) - Number(m.fpi)}），临时文件 ${((Number(n.temp) - Number(m.temp)) / 1e6).toFixed(0)} MB，检查点 ${Number(n.ckpt) - Number(m.ckpt)} 次`;
}
/** Autovacuum workers seen on the bench's database, sampled every 200 ms: seconds per table and action. */
function watchAutovacuum(t: TestDatabase) {
  const seen = new Map<string, number>();
  if (t.engine !== 'postgres') return { stop: async () => '' };
  let on = true;
  const loop = (async () => {
    while (on) {
      const r = await sql<{
        q: string;
      }>`SELECT query AS q FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()`.execute(t.db);
      for (const x of r.rows) seen.set(x.q, (seen.get(x.q) ?? 0) + 0.2);
      await new Promise((res) => setTimeout(res, 200));
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      const list = [...seen].map(([q, s]) => `${q.replace(/^autovacuum: /, '')} ${s.toFixed(1)} s`);
      return list.length ? `；自动清理（autovacuum）同时在做：${list.join('，')}` : '';
    },
  };
}

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
    const load0 = loadavg()[0].toFixed(2);
    let mark = await serverMark(t);
    let av = watchAutovacuum(t);
    t0 = performance.now();
    const roll = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' });
    const buildS = (performance.now() - t0) / 1000;
    const buildServer = (await serverSince(t, mark)) + (await av.stop());
    await reviewPayroll(t.db, actor, C, roll.id);
    const results: string[] = [];
    let exportTotal = 0;
    for (const tpl of ['generic', 'gbk-csv', 'generic-xlsx']) {
      if (tpl === 'generic-xlsx' && n > 500000) continue; // XLSX holds at most 1 048 576 rows a sheet
      const file = join(dir, `bank.${tpl}`);
      mark = await serverMark(t);
      av = watchAutovacuum(t);
      t0 = performance.now();
      const prep = await prepareBankExport(t.db, actor, C, roll.id, tpl);
      const rows = await writeBankFile(t.db, C, roll.id, prep.tpl, prep.batchNo, createWriteStream(file));
      const s = (performance.now() - t0) / 1000;
      if (tpl === 'generic') exportTotal = s;
      results.push(
        `  银行文件 ${tpl.padEnd(13)} ${rows} 行  ${s.toFixed(1)} s  ${(rows / s / 1000).toFixed(0)} 千行/秒  ${(statSync(file).size / 1e6).toFixed(0)} MB${await serverSince(t, mark)}${await av.stop()}`,
      );
    }
    const mem = process.memoryUsage();
    console.log(`${engine}：花名册 ${n} 人（生成 ${seedS.toFixed(1)} s）；负载 ${load0} → ${loadavg()[0].toFixed(2)}`);
    console.log(
      `  发放批次 ${roll.persons} 人，合计 ${(roll.totalFen / 100).toFixed(2)} 元，不发 ${roll.excluded} 人：${buildS.toFixed(1)} s  ${(roll.persons / buildS / 1000).toFixed(0)} 千人/秒${buildServer}`,
    );
    for (const r of results) console.log(r);
    console.log(`  批次 + 银行文件（CSV）合计：${(buildS + exportTotal).toFixed(1)} s（目标 200万人 ≤ 45 s）；进程内存 rss ${(mem.rss / 1e6).toFixed(0)} MB`);
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
