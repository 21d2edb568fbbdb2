// Roster search latency at 100 000 persons (PGlite, and the PostgreSQL server when reachable).
// Prints p50 / p95 / max per kind of query; asserts nothing.
// Usage: npm run bench registry-search [-- --persons=100000 --runs=200]
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import type { SearchQuery } from '../src/registry/person.store.ts';
import { searchPersons } from '../src/registry/registry.service.ts';
import type { Viewer } from '../src/registry/household.store.ts';
import { pinyinKeys } from '../src/registry/pinyin.ts';
import { fillMissingPinyin } from '../src/registry/pinyin.store.ts';

const arg = (name: string, dflt: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
};
const PERSONS = arg('persons', 100_000);
const RUNS = arg('runs', 200);
const COUNTY = '430582';
const county: Viewer = { id: 1, username: 'bench', role: 'county', regionCode: COUNTY, countyCode: COUNTY };
const township: Viewer = { id: 2, username: 'bench', role: 'township', regionCode: COUNTY + '130', countyCode: COUNTY };

async function fill(t: TestDatabase) {
  // 4 persons a household; 10 townships × 20 villages; surnames × given names as in a real county
  await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, sex, birth_date, relation, village_code,
      township_name, village_name, group_name, category, support_start, status, removal_date, removal_reason)
    SELECT ${COUNTY}, h.no, x.idn, x.idn, true,
      (ARRAY['李','王','张','刘','陈','杨','黄','赵','周','吴','徐','孙','朱','胡','郭','何','罗','高','林','谢'])[1 + (g % 20)]
        || (ARRAY['明','华','建','国','秀','英','志','军','芳','伟','丽','强','平','红','林','文','兰','春','玉','德'])[1 + ((g / 20) % 20)]
        || CASE WHEN g % 3 = 0 THEN (ARRAY['根','生','梅','花','山','海','云','福'])[1 + ((g / 400) % 8)] ELSE '' END,
      CASE WHEN g % 2 = 0 THEN '男' ELSE '女' END, DATE '1940-01-01' + (g % 25000), CASE WHEN g % 4 = 0 THEN '户主' ELSE '子' END,
      h.village, '乡镇' || (g / 4 % 10), '村' || (g / 4 % 200), ((g / 4) % 9 + 1) || '组', '现状人口', DATE '2006-07-01',
      CASE WHEN g % 37 = 0 THEN '已核减' ELSE '正常' END, CASE WHEN g % 37 = 0 THEN DATE '2020-01-01' END, CASE WHEN g % 37 = 0 THEN '死亡' END
    FROM generate_series(0, ${PERSONS - 1}) AS g,
      LATERAL (SELECT ${COUNTY} || lpad((130 + (g / 4 % 10))::text, 3, '0') || lpad((1 + (g / 40 % 20))::text, 3, '0') AS village) v,
      LATERAL (SELECT v.village || lpad((g / 4 / 200)::text, 4, '0') AS no, v.village) h,
      LATERAL (SELECT ${COUNTY} || to_char(DATE '1940-01-01' + (g % 25000), 'YYYYMMDD') || lpad((g % 997)::text, 3, '0') || (g % 10)::text AS idn) x`.execute(
    t.db,
  );
  await sql`ANALYZE persons`.execute(t.db);
}

async function explain(t: TestDatabase) {
  const one = (await sql<{ id_number: string; name: string }>`SELECT id_number, name FROM persons LIMIT 1`.execute(t.db)).rows[0];
  for (const [label, q] of [
    ['name exact', sql`p.name = ${one.name}`],
    ['tail', sql`reverse(p.id_number) LIKE ${[...one.id_number.slice(-4)].reverse().join('') + '%'}`],
    ['all', sql`true`],
  ] as const) {
    const r = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN ANALYZE SELECT p.id FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
      WHERE p.county_code = ${COUNTY} AND ${q} ORDER BY p.household_no, (p.relation <> '户主'), p.id LIMIT 20`.execute(t.db);
    console.log(label, '\n' + r.rows.map((x) => x['QUERY PLAN']).join('\n'));
    const c = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ANALYZE SELECT count(*) FROM persons p WHERE p.county_code = ${COUNTY} AND ${q}`.execute(t.db);
    console.log(c.rows.map((x) => x['QUERY PLAN']).join('\n'));
  }
}

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const only = process.argv.find((x) => x.startsWith('--engine='))?.split('=')[1];
for (const engine of (await testEngines()).filter((e) => !only || e === only)) {
  const t = await createTestDatabase(engine);
  try {
    if (process.argv.includes('--explain')) {
      await fill(t);
      await explain(t);
      continue;
    }
    const t0 = performance.now();
    await fill(t);
    console.log(`\n[${engine}] ${PERSONS} persons loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // pinyin: the keys stored beside the name are filled once (here by the first pinyin search);
    // the alternative, computing every name's pinyin at query time, costs at least one pass:
    const names = (await sql<{ name: string }>`SELECT name FROM persons`.execute(t.db)).rows.map((x) => x.name);
    const p0 = performance.now();
    for (const n of names) pinyinKeys(n);
    console.log(`pinyin of every name computed in memory (the floor of a query-time search): ${(performance.now() - p0).toFixed(0)} ms`);
    const f0 = performance.now();
    await fillMissingPinyin(t.db, COUNTY);
    console.log(
      `stored pinyin keys of ${PERSONS} persons filled (once, after an import; in the background): ${((performance.now() - f0) / 1000).toFixed(1)} s`,
    );
    await sql`ANALYZE persons`.execute(t.db);
    const ids = (
      await sql<{
        id_number: string;
        name: string;
        household_no: string;
        name_pinyin: string;
        name_initials: string;
      }>`SELECT id_number, name, household_no, name_pinyin, name_initials FROM persons ORDER BY random() LIMIT ${RUNS}`.execute(t.db)
    ).rows;
    const cases: [string, (i: number) => SearchQuery, Viewer][] = [
      ['full ID', (i) => ({ q: ids[i].id_number }), county],
      ['last 6 digits', (i) => ({ q: ids[i].id_number.slice(-6) }), county],
      ['last 4 digits', (i) => ({ q: ids[i].id_number.slice(-4) }), county],
      ['name exact', (i) => ({ name: ids[i].name, nameMatch: 'exact' }), county],
      ['name prefix (q)', (i) => ({ q: ids[i].name.slice(0, 2) }), county],
      ['name contains', (i) => ({ name: ids[i].name.slice(1, 2), nameMatch: 'contains' }), county],
      ['household no', (i) => ({ q: ids[i].household_no }), county],
      ['pinyin full (q)', (i) => ({ q: ids[i].name_pinyin }), county],
      ['pinyin initials (q)', (i) => ({ q: ids[i].name_initials }), county],
      ['pinyin initials (township)', (i) => ({ q: ids[i].name_initials }), township],
      ['browse page (county)', () => ({}), county],
      ['browse page + status (township)', () => ({ status: '已核减' }), township],
    ];
    console.log('query'.padEnd(34), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'max ms'.padStart(8), ' hits(avg)');
    for (const [label, q, viewer] of cases) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const r = await searchPersons(t.db, COUNTY, q(i), viewer, { page: 1 + (i % 3), pageSize: 20 });
        times.push(performance.now() - s);
        hits += r.total;
      }
      console.log(
        label.padEnd(34),
        pct(times, 50).toFixed(1).padStart(8),
        pct(times, 95).toFixed(1).padStart(8),
        Math.max(...times)
          .toFixed(1)
          .padStart(8),
        ` ${(hits / RUNS).toFixed(0)}`,
      );
    }
  } finally {
    await t.drop();
  }
}
