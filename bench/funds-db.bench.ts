// Rate tables from the database and the dispatch workbook for a county with 2 000 projects and
// 100 000 money entries (PGlite, and the PostgreSQL server when reachable). Prints p50 / p95 of
// every rate table as of random dates, and the dispatch timings. Figures only, no assertions.
// Usage: npm run bench funds-db [-- --projects=2000 --entries=100000 --runs=40]
import { sql } from 'kysely';
import { createTestDatabase, testEngines } from '../src/shared/db/testing.ts';
import { RATE_KEYS } from '../src/funds/ledger.types.ts';
import { ratesFromDb } from '../src/funds/rates-db.ts';
import { dispatchWorkbook } from '../src/funds/figures.service.ts';
import { enterEntry } from '../src/funds/funds.service.ts';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const C = '430582';
const PROJECTS = arg('projects', 2000),
  ENTRIES = arg('entries', 100_000),
  RUNS = arg('runs', 40);
const BATCHES = 40;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function run(engine: 'pglite' | 'postgres') {
  const t = await createTestDatabase(engine);
  try {
    let t0 = performance.now();
    // 40 batches over 2022–2025, 2 000 projects in 20 townships; per project an allocation from
    // two batches, then 拨付 and 报账 in small parts (always within the allocation)
    await sql`INSERT INTO fund_batches (county_code, batch_no, year, level, category, issued_on, amount_fen, counts_in_rates)
      SELECT ${C}, 'B' || lpad(b::text, 3, '0'), 2022 + b % 4, (ARRAY['中央','省级','市级','县级'])[1 + b % 4],
        (ARRAY['到县资金','重点移民村专项','三峡后续工作','突出问题处理','其他'])[1 + b % 5], DATE '2022-01-10' + (b * 35), 1000000000000, b % 13 <> 0
      FROM generate_series(1, ${BATCHES}) b`.execute(t.db);
    await sql`INSERT INTO fund_projects (county_code, project_no, name, year, village_code, category, planned_fen, unit, started_on, completed_on, accepted_on)
      SELECT ${C}, 'P' || lpad(p::text, 5, '0'), '项目' || p, 2022 + p % 4, '430582' || lpad((101 + p % 20)::text, 3, '0') || lpad((200 + p % 17)::text, 3, '0'),
        (ARRAY['基础设施','产业发展','美丽家园','能力提升','其他'])[1 + p % 5], 5000000 + p * 100, '单位' || (p % 30),
        CASE WHEN p % 5 > 0 THEN DATE '2022-03-01' + (p % 1200) END, CASE WHEN p % 5 > 1 THEN DATE '2022-06-01' + (p % 1200) END,
        CASE WHEN p % 5 > 2 THEN DATE '2022-08-01' + (p % 1200) END
      FROM generate_series(1, ${PROJECTS}) p`.execute(t.db);
    const perProject = Math.max(3, Math.floor(ENTRIES / PROJECTS));
    await sql`INSERT INTO fund_entries (county_code, kind, batch_no, project_no, entry_date, amount_fen)
      SELECT ${C}, CASE WHEN k < 2 THEN 'allocation' WHEN k % 2 = 0 THEN 'disbursement' ELSE 'reimbursement' END,
        'B' || lpad((1 + (p + (k % 2) * 7) % ${BATCHES})::text, 3, '0'), 'P' || lpad(p::text, 5, '0'),
        DATE '2022-01-10' + ((1 + (p + (k % 2) * 7) % ${BATCHES}) * 35) + k * 9, CASE WHEN k < 2 THEN 100000000 ELSE 100000 END
      FROM generate_series(1, ${PROJECTS}) p, generate_series(0, ${perProject - 1}) k`.execute(t.db);
    await sql`ANALYZE`.execute(t.db);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_entries`.execute(t.db);
    console.log(`${engine}: ${PROJECTS} projects, ${n.rows[0].n} entries, ${BATCHES} batches seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // every rate table, as of dates spread over the years, and with no date
    const times: number[] = [];
    const perKey = new Map<string, number[]>();
    for (let i = 0; i < RUNS; i++) {
      for (const by of RATE_KEYS) {
        const asOf = i % 5 === 0 ? null : `${2022 + (i % 4)}-${String(1 + ((i * 7) % 12)).padStart(2, '0')}-${String(1 + ((i * 11) % 28)).padStart(2, '0')}`;
        t0 = performance.now();
        await ratesFromDb(t.db, C, by, asOf);
        const d = performance.now() - t0;
        times.push(d);
        perKey.set(by, [...(perKey.get(by) ?? []), d]);
      }
    }
    console.log(
      `  rates, any table as of any date (${times.length} runs): p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}, max ${ms(Math.max(...times))}`,
    );
    for (const [by, xs] of perKey) console.log(`    ${by.padEnd(17)} p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}`);

    const dt: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      size = (await dispatchWorkbook(t.db, C, `2024-${String(3 + i).padStart(2, '0')}-28`)).content.length;
      dt.push(performance.now() - t0);
    }
    console.log(`  dispatch xlsx (${PROJECTS} rows, ${(size / 1024).toFixed(0)} KB): p50 ${ms(pct(dt, 50))}, max ${ms(Math.max(...dt))}`);

    const et: number[] = [];
    const actor = { userId: null, username: '基准测试', countyCode: C, regionCode: C };
    for (let i = 0; i < 50; i++) {
      t0 = performance.now();
      await enterEntry(t.db, actor, { kind: 'disbursement', batchNo: 'B001', projectNo: 'P00040', date: '2025-12-01', amountFen: 1 });
      et.push(performance.now() - t0);
    }
    console.log(`  one 拨付 entry (lock, check, insert, audit): p50 ${ms(pct(et, 50))}, p95 ${ms(pct(et, 95))}`);
  } finally {
    await t.drop();
  }
}

for (const engine of await testEngines()) await run(engine);
