// npm run bench import [-- --persons=100000 --engine=postgres|pglite --format=csv|xlsx --data=realistic|clean]
// Roster import of a generated county (FORMATS §1) from CSV and from XLSX, on PGlite and on the
// PostgreSQL server (a scratch database, dropped afterwards): the time to read and check the
// file, the whole import (read + compare + write in one transaction), and a re-import of the
// same file (nothing changes). Prints figures; asserts nothing.
// --data=realistic (the default) is the roster as an office keeps it (synth/slips.ts): GB18030
// CSV, a 序号 and a 备注 column, mixed date spellings, blanks and slips — about a fifth of the
// rows reported as corrected, 错误 or 提示. --data=clean is the generator's tidy UTF-8 file.
// Last, `anju import roster FILE` as a user runs it (the whole command: start, a new empty
// database — a fresh data folder, or a fresh database on the server — read, check, write, the
// problem list), for the CSV file; --cli=0 leaves it out.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { join } from 'node:path';
import { tmpdir, loadavg, cpus } from 'node:os';
import { createTestDatabase, testEngines, TEST_SERVER_URL } from '../src/shared/db/testing.ts';
import { readRosterFile, applyRoster } from '../src/registry/roster-import.ts';
import { generateDemoRoster } from '../src/registry/demo.ts';
import { rosterCsv, rosterXlsx } from '../src/registry/roster-export.ts';
import { ROSTER_HEADERS } from '../src/registry/roster-file.ts';
import { withSlips } from '../src/synth/slips.ts';
import iconv from 'iconv-lite';

const arg = (name: string) => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1];
const PERSONS = Number(arg('persons') ?? 100_000);
const formats = (arg('format') ? [arg('format')] : ['csv', 'xlsx']) as ('csv' | 'xlsx')[];
const DATA = arg('data') ?? 'realistic';
if (DATA !== 'realistic' && DATA !== 'clean') throw new Error('--data=realistic|clean');
const actor = { userId: null, username: 'bench' };

async function file(format: 'csv' | 'xlsx'): Promise<Buffer> {
  const path = join(tmpdir(), `anju-bench-roster-${DATA}-${PERSONS}.${format}`);
  if (!existsSync(path)) {
    const rows = generateDemoRoster({ persons: PERSONS, seed: 2024 });
    if (DATA === 'clean') writeFileSync(path, format === 'csv' ? rosterCsv(ROSTER_HEADERS, rows) : await rosterXlsx(ROSTER_HEADERS, rows));
    else {
      const s = withSlips(rows, { seed: 2024 });
      const csv = rosterCsv(s.headers, s.rows)
        .toString('utf8')
        .replace(/^\ufeff/, '');
      writeFileSync(path, format === 'csv' ? iconv.encode(csv, 'gb18030') : await rosterXlsx(s.headers, s.rows));
    }
  }
  return readFileSync(path);
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** CPU time of this process (the server database's own CPU is not in it): on a busy machine wall time says little. */
const cpuSince = (u: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(u);
  return `${((d.user + d.system) / 1e6).toFixed(1)} s CPU`;
};
const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
console.log(`persons ${PERSONS}, ${DATA} data; ${cpus().length} CPUs, ${load()}`);

for (const format of formats) {
  const content = await file(format);
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const parsed = await readRosterFile(content);
  console.log(
    `${format}: ${(content.length / 1e6).toFixed(1)} MB, read and check ${s(performance.now() - t0)}, ${cpuSince(u0)} (${parsed.records.length} records, ${parsed.problems.length} problems listed)`,
  );
}

const only = arg('engine');
for (const engine of (await testEngines()).filter((e) => !only || e === only)) {
  for (const format of formats) {
    const content = await file(format);
    const db = await createTestDatabase(engine);
    try {
      const t0 = performance.now();
      const u0 = process.cpuUsage();
      const r = await applyRoster(db.db, content, { actor });
      const total = performance.now() - t0;
      const cpu = cpuSince(u0);
      const t1 = performance.now();
      const again = await applyRoster(db.db, content, { actor });
      const re = performance.now() - t1;
      console.log(
        `${engine.padEnd(8)} ${format.padEnd(4)} import ${s(total)}, ${cpu} (${r.summary.added} added; ${Math.round(r.summary.added / (total / 1000))} persons/s)` +
          ` | re-import ${s(re)} (${again.summary.unchanged} unchanged, ${again.summary.added + again.summary.changed} written)` +
          ` | heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB | ${load()}`,
      );
    } finally {
      await db.drop();
    }
  }
}

/** The whole command, as a user runs it, into a new empty database of each engine. */
async function cliRun(engine: string, path: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  let cleanup = async () => {};
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'anju-bench-cli-'));
    env.ANJU_DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `anju_bench_cli_${process.pid}`;
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_SERVER_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      const a = new pg.Client({ connectionString: TEST_SERVER_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/anju.mjs', 'import', 'roster', path], { env, encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(r.stderr);
    const added = /新增 (\d+) 人/.exec(r.stdout)?.[1];
    console.log(`${engine.padEnd(8)} csv  anju import roster (whole command, new empty database): ${s(wall)} (${added} added) | ${load()}`);
  } finally {
    await cleanup();
  }
}

if (arg('cli') !== '0' && formats.includes('csv')) {
  await file('csv');
  const path = join(tmpdir(), `anju-bench-roster-${DATA}-${PERSONS}.csv`);
  for (const engine of (await testEngines()).filter((e) => !only || e === only)) await cliRun(engine, path);
}
