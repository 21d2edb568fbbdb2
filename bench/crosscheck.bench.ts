// npm run bench crosscheck [-- --scale=county|province] [--skip-duckdb] [--skip-engine]
// File-mode cross-check on generated data: time, peak memory (RSS) and rows per second, and
// DuckDB's time for the same joins on the same files, with the ratio. Prints figures only.
// Generated files are cached under the system temp folder between runs.
import { existsSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg, cpus } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCountyFiles, type CountyFiles } from '../src/synth/county.ts';
import { runCrosscheckFiles } from '../src/crosscheck/files.ts';
import { duckdbCrosscheck } from './crosscheck.duckdb.ts';

const SCALES = {
  county: { persons: 100_000, hukouRows: 1_000_000, deaths: 25_000, years: [2021, 2022, 2023, 2024] },
  province: { persons: 2_000_000, hukouRows: 10_000_000, deaths: 500_000, years: [2021, 2022, 2023, 2024] },
} as const;
type Scale = keyof typeof SCALES;

const args = process.argv.slice(2);
// `--scale=province` (npm run bench passes only arguments starting with -) or `--scale province`
const arg = (name: string) => {
  const eq = args.find((a) => a.startsWith(name + '='));
  if (eq) return eq.slice(name.length + 1);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const self = fileURLToPath(import.meta.url);

function filesIn(dir: string): CountyFiles {
  return {
    roster: join(dir, 'roster.csv'),
    payments: join(dir, 'payments.csv'),
    deaths: join(dir, 'deaths.csv'),
    hukou: join(dir, 'hukou.csv'),
    truth: join(dir, 'truth.csv'),
  };
}

async function child(kind: string, dir: string) {
  const files = filesIn(dir);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let counts: Record<string, number>,
    over: number,
    under: number,
    problems = 0;
  if (kind === 'engine') {
    const r = await runCrosscheckFiles(files, {
      report: () => {
        problems++;
      },
      checkDate: '2025-01-01',
    });
    counts = r.summary.counts;
    over = r.summary.overFen;
    under = r.summary.underFen;
  } else {
    const r = await duckdbCrosscheck(files);
    counts = r.counts;
    over = r.overFen;
    under = r.underFen;
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  process.stdout.write(
    JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, counts, over, under, problems }),
  );
}

function runChild(kind: string, dir: string) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=6144', '--max-semi-space-size=64', '--import', 'tsx', self, '--child', kind, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${kind} 失败：${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; cpuMs: number; maxRssMb: number; counts: Record<string, number>; over: number; under: number; problems: number };
}

async function main() {
  if (args[0] === '--child') return child(args[1], args[2]);
  const scale = (arg('--scale') ?? 'county') as Scale;
  const p = SCALES[scale];
  if (!p) throw new Error(`未知规模${scale}，可选 county | province`);
  const dir = join(tmpdir(), `anju-bench-crosscheck-${scale}-v1`);
  const marker = join(dir, 'done.json');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`生成${scale}规模数据到 ${dir} …`);
    const t0 = performance.now();
    const s = generateCountyFiles(dir, { persons: p.persons, seed: 2024, hukouRows: p.hukouRows, deaths: p.deaths, years: [...p.years] });
    console.log(`  生成用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
    writeFileSync(marker, JSON.stringify(s));
  }
  const s = JSON.parse(readFileSync(marker, 'utf8'));
  const files = filesIn(dir);
  console.log(
    `机器负载：${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}（${cpus().length}核，与他人共用，数字可能偏慢）`,
  );
  const rows = s.rosterRows + s.paymentRows + s.deathRows + s.hukouRows;
  const mb = ['roster', 'payments', 'deaths', 'hukou'].reduce((a, k) => a + statSync((files as unknown as Record<string, string>)[k]).size, 0) / 1048576;
  console.log(
    `规模 ${scale}：花名册${s.rosterRows}行，发放明细${s.paymentRows}行，死亡名单${s.deathRows}行，户籍库${s.hukouRows}行；共${rows}行，${mb.toFixed(0)} MB`,
  );

  const e = args.includes('--skip-engine') ? null : runChild('engine', dir);
  if (e) {
    console.log(
      `本引擎（文件模式）：${(e.ms / 1000).toFixed(2)} 秒（CPU ${(e.cpuMs / 1000).toFixed(2)} 秒），峰值内存 ${e.maxRssMb.toFixed(0)} MB，${Math.round(rows / (e.ms / 1000)).toLocaleString('en-US')} 行/秒`,
    );
    console.log(`  结果：${JSON.stringify(e.counts)}，多发 ${e.over / 100} 元，少发 ${e.under / 100} 元，读取问题 ${e.problems} 行`);
  }
  console.log(`  预置真值：${JSON.stringify(s.truth.byCode)}，多发 ${s.truth.overFen / 100} 元，少发 ${s.truth.underFen / 100} 元`);
  if (args.includes('--skip-duckdb')) return;
  const d = runChild('duckdb', dir);
  console.log(`DuckDB（同样的连接与判定）：${(d.ms / 1000).toFixed(2)} 秒（CPU ${(d.cpuMs / 1000).toFixed(2)} 秒），峰值内存 ${d.maxRssMb.toFixed(0)} MB`);
  console.log(`  结果：${JSON.stringify(d.counts)}，多发 ${d.over / 100} 元，少发 ${d.under / 100} 元`);
  if (!e) return;
  const nz = (c: Record<string, number>) =>
    JSON.stringify(
      Object.entries(c)
        .filter(([, n]) => n > 0)
        .sort(),
    );
  const same = nz(d.counts) === nz(e.counts) && d.over === e.over && d.under === e.under;
  console.log(`  与本引擎结果${same ? '一致' : '不一致'}`);
  console.log(`耗时比（本引擎 / DuckDB）：${(e.ms / d.ms).toFixed(2)}（CPU 时间比 ${(e.cpuMs / d.cpuMs).toFixed(2)}）`);
}

await main();
