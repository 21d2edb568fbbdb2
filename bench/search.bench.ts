// npm run bench search [-- --persons=100000 --runs=200 --engine=postgres|pglite]
// Roster search latency on a realistic county loaded through the roster import (generated
// households, names, IDs): p50 / p95 / max of searchPersons by name, full ID, last digits of the
// ID and household number, for a county and a township user. Prints figures; asserts nothing.
// (bench/registry-search.bench.ts measures the same function on a table filled by SQL.)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { createTestDatabase, testEngines } from '../src/shared/db/testing.ts';
import { applyRoster } from '../src/registry/roster-import.ts';
import { generateDemoRoster } from '../src/registry/demo.ts';
import { rosterCsv } from '../src/registry/roster-export.ts';
import { ROSTER_HEADERS } from '../src/registry/roster-file.ts';
import { searchPersons, type SearchQuery, type Viewer } from '../src/registry/index.ts';

const arg = (name: string) => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1];
const PERSONS = Number(arg('persons') ?? 100_000);
const RUNS = Number(arg('runs') ?? 200);
const COUNTY = '430582';

function roster(): Buffer {
  const path = join(tmpdir(), `anju-bench-roster-${PERSONS}.csv`);
  if (!existsSync(path)) writeFileSync(path, rosterCsv(ROSTER_HEADERS, generateDemoRoster({ persons: PERSONS, seed: 2024 })));
  return readFileSync(path);
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const ms = (x: number) => `${x.toFixed(1)} ms`;

const only = arg('engine');
for (const engine of (await testEngines()).filter((e) => !only || e === only)) {
  const t = await createTestDatabase(engine);
  try {
    const t0 = performance.now();
    await applyRoster(t.db, roster(), { actor: { userId: null, username: 'bench' } });
    await sql`ANALYZE`.execute(t.db);
    console.log(`${engine}: ${PERSONS} persons imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const sampleRows = (await sql<{ name: string; id_number: string; household_no: string; village_code: string }>`
      SELECT name, id_number, household_no, village_code FROM persons WHERE county_code = ${COUNTY} ORDER BY md5(id_number) LIMIT ${RUNS}`.execute(t.db)).rows;
    const township = sampleRows[0].village_code.slice(0, 9);
    const county: Viewer = { id: 1, username: 'bench', role: 'county', regionCode: COUNTY, countyCode: COUNTY };
    const town: Viewer = { id: 2, username: 'bench', role: 'township', regionCode: township, countyCode: COUNTY };
    const kinds: [string, (r: (typeof sampleRows)[number]) => SearchQuery][] = [
      ['name (exact)', (r) => ({ name: r.name, nameMatch: 'exact' })],
      ['name (prefix, 1 char)', (r) => ({ name: r.name.slice(0, 1) })],
      ['full ID', (r) => ({ idNumber: r.id_number })],
      ['ID last 4', (r) => ({ idTail: r.id_number.slice(-4) })],
      ['ID last 6', (r) => ({ idTail: r.id_number.slice(-6) })],
      ['household no', (r) => ({ householdNo: r.household_no })],
      ['free text (name)', (r) => ({ q: r.name })],
    ];
    for (const [viewerName, viewer] of [['county', county], ['township', town]] as const) {
      for (const [label, make] of kinds) {
        const times: number[] = [];
        let hits = 0;
        for (const r of sampleRows) {
          const s = performance.now();
          const res = await searchPersons(t.db, COUNTY, make(r), viewer, { page: 1, pageSize: 20 });
          times.push(performance.now() - s);
          hits += res.items.length;
        }
        console.log(`${engine.padEnd(8)} ${viewerName.padEnd(8)} ${label.padEnd(22)} p50 ${ms(pct(times, 50)).padStart(9)}  p95 ${ms(pct(times, 95)).padStart(9)}  max ${ms(Math.max(...times)).padStart(9)}  (${RUNS} runs, ${(hits / RUNS).toFixed(1)} rows/page)`);
      }
    }
  } finally {
    await t.drop();
  }
}
