// npm run bench funds [-- --county-only] [-- --province=COUNTIES] — the fund ledger in file mode.
// A county ledger (2 000 projects, about 100 000 money entries) is generated with planted rows
// of every code; `anju funds check` and `anju funds rates` run on it in fresh processes, timed
// from start to exit as a user would see them, and the rejected rows are compared with the
// planted truth. Then a province ledger (100 counties: 50 000 projects, about 2 000 000
// entries) is checked once, with the peak memory of the process. Prints figures; asserts nothing.
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { writeSynthLedgerCsv, writeSynthLedgerXlsx } from '../src/funds/synth-write.ts';
import type { PlantedRow } from '../src/funds/synth.ts';

const cli = join(import.meta.dirname, '..', 'bin', 'anju.mjs');
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} 秒`;
const countyOnly = process.argv.includes('--county-only');
const provinceOnly = process.argv.includes('--province-only');
const provinceArg = process.argv.find((a) => a.startsWith('--province='));
const provinceCounties = provinceArg ? Number(provinceArg.slice(11)) : 100;
const hasTime = existsSync('/usr/bin/time');

/** Run the CLI in a fresh process: wall time, and CPU seconds and peak memory where /usr/bin/time can tell. */
function run(args: string[]): { ms: number; cpu?: string; rss?: string; out: string } {
  const t = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '@@%U %S %M', process.execPath, cli, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`anju ${args.join(' ')} 失败：${r.stderr}`);
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  return {
    ms,
    out: r.stdout,
    cpu: m ? `${(Number(m[1]) + Number(m[2])).toFixed(2)} 秒CPU` : undefined,
    rss: m ? `峰值内存 ${Math.round(Number(m[3]) / 1024)} MB` : undefined,
  };
}
const line = (what: string, r: ReturnType<typeof run>) => console.log(`${what}：${fmt(r.ms)}${r.cpu ? `（${r.cpu}，${r.rss}）` : ''}`);

async function compare(truth: PlantedRow[], rejectedFile: string): Promise<string> {
  const want = new Set(truth.map((t) => `${t.sheet},${t.row},${t.code}`));
  const got = (await readFile(rejectedFile, 'utf8'))
    .slice(1)
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',').slice(0, 3).join(','));
  const hits = got.filter((k) => want.has(k)).length;
  return `埋设${want.size}行，查出${got.length}行，精确率${(hits / Math.max(1, got.length)).toFixed(4)}，召回率${(hits / Math.max(1, want.size)).toFixed(4)}`;
}

console.log(
  `机器：${cpus().length}核，负载 ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')}`,
);
const dir = await mkdtemp(join(tmpdir(), 'anju-funds-bench-'));
try {
  const rej = join(dir, 'rejected.csv');
  if (!provinceOnly) await countyRuns(rej);
  if (!countyOnly) {
    console.log(
      `\n--- 省级台账：${provinceCounties}个县，${(500 * provinceCounties).toLocaleString('en-US')}个项目，约${(20_000 * provinceCounties).toLocaleString('en-US')}行资金 ---`,
    );
    const t = performance.now();
    const province = join(dir, 'province');
    const p = await writeSynthLedgerCsv(province, { counties: provinceCounties, projects: 500, entries: 20_000, seed: 7 });
    console.log(
      `生成CSV台账：${fmt(performance.now() - t)}（${Object.entries(p.rows)
        .map(([s, n]) => `${s}${n}`)
        .join('，')}）`,
    );
    line('anju funds check（省级）', run(['funds', 'check', '--ledger', province, '--out', rej]));
    console.log(`  ${await compare(p.truth, rej)}`);
    line('anju funds rates --by category（省级）', run(['funds', 'rates', '--ledger', province, '--by', 'category', '--out', join(dir, 'r3.csv')]));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function countyRuns(rej: string): Promise<void> {
  console.log('\n--- 县级台账：2 000个项目，约100 000行资金 ---');
  let t = performance.now();
  const county = join(dir, 'county');
  const g = await writeSynthLedgerCsv(county, { projects: 2000, entries: 100_000, seed: 42 });
  console.log(
    `生成CSV台账：${fmt(performance.now() - t)}（${Object.entries(g.rows)
      .map(([s, n]) => `${s}${n}`)
      .join('，')}）`,
  );
  line('anju funds check（CSV文件夹）', run(['funds', 'check', '--ledger', county, '--out', rej]));
  console.log(`  ${await compare(g.truth, rej)}`);
  line('anju funds rates --by township（CSV文件夹）', run(['funds', 'rates', '--ledger', county, '--by', 'township', '--out', join(dir, 'r1.csv')]));
  line(
    'anju funds rates --by batch --as-of 2024-06-30',
    run(['funds', 'rates', '--ledger', county, '--by', 'batch', '--as-of', '2024-06-30', '--out', join(dir, 'r2.csv')]),
  );

  t = performance.now();
  const book = join(dir, 'county.xlsx');
  const gx = await writeSynthLedgerXlsx(book, { projects: 2000, entries: 100_000, seed: 43 });
  console.log(`生成XLSX台账：${fmt(performance.now() - t)}`);
  line('anju funds check（XLSX工作簿）', run(['funds', 'check', '--ledger', book, '--out', rej]));
  console.log(`  ${await compare(gx.truth, rej)}`);
  await rm(county, { recursive: true });
}
