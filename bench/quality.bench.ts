// npm run bench quality [-- --sizes=100000,2000000 --only-s7] — the built-in rules over generated
// rosters in file mode. Each file-mode run is `anju quality` in a fresh process, timed from start
// to exit as a user would see it; its problem list is compared with the problems the generator
// planted. Then, in this process, the engine alone and an incremental check of one household.
// Prints figures; asserts nothing.
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { makeSynthRoster, synthRosterCsv } from '../src/quality/synth.ts';
import { readRosterFile } from '../src/quality/roster-file.ts';
import { runQuality } from '../src/quality/engine.ts';
import { selectRules } from '../src/quality/catalogue.ts';
import { RosterIndex } from '../src/quality/incremental.ts';

const arg = process.argv.find((a) => a.startsWith('--sizes='));
const sizes = arg ? arg.slice(8).split(',').map(Number) : [100_000, 2_000_000];
// --only-s7: only the FORMATS §7 set (a shorter run on a busy machine)
const onlyS7 = process.argv.includes('--only-s7');
const rules = selectRules({ all: true }).rules;
const dir = await mkdtemp(join(tmpdir(), 'anju-quality-bench-'));
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} 秒`;
const cli = join(import.meta.dirname, '..', 'bin', 'anju.mjs');

/** Problems as (code, household, ID as written) with multiplicity, from a problem list CSV. */
function problemKeys(csv: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of csv.split('\r\n').slice(1)) {
    if (!line) continue;
    const c = line.split(',');
    const k = `${c[0]}|${c[3]}|${c[4]}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

try {
  for (const n of sizes) {
    console.log(`\n--- ${n.toLocaleString('en-US')} 人 ---`);
    let t = performance.now();
    const synth = makeSynthRoster({ persons: n, seed: 42 });
    console.log(`生成花名册：${fmt(performance.now() - t)}（埋设问题 ${synth.expected.size} 条）`);
    const file = join(dir, `roster-${n}.csv`);
    const out = createWriteStream(file);
    for (let i = 0; i < synth.persons.length; i += 20000) {
      const chunk = synthRosterCsv(synth.persons.slice(i, i + 20000));
      // header only once: synthRosterCsv writes BOM + header per call
      const body = i === 0 ? chunk : chunk.slice(chunk.indexOf('\n') + 1);
      if (!out.write(body)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const planted = new Map<string, number>();
    for (const key of synth.expected) {
      const [code, index] = key.split(':');
      const p = synth.persons[Number(index)];
      const k = `${code}|${p.householdNo}|${p.idRaw}`;
      planted.set(k, (planted.get(k) ?? 0) + 1);
    }
    const asOf = synth.asOf;
    synth.persons.length = 0; // let the generator's copy go
    console.log(`机器负载（1分钟平均）：${loadavg()[0].toFixed(1)}，CPU ${cpus().length} 核`);

    const sets = onlyS7
      ? ([['FORMATS第7节规则', false]] as const)
      : ([
          ['FORMATS第7节规则', false],
          ['全部内置规则', true],
        ] as const);
    for (const [label, all] of sets) {
      const outFile = join(dir, `problems-${n}.csv`);
      const argv = [cli, 'quality', '--roster', file, '--out', outFile, '--date', asOf, '--no-progress', ...(all ? ['--all-rules'] : [])];
      t = performance.now();
      const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
      const wall = performance.now() - t;
      if (r.status !== 0) {
        console.log(`anju quality 失败：${r.stderr || r.stdout}`);
        continue;
      }
      const split = /用时 [\d.]+ 秒：(.+)）/.exec(r.stdout)?.[1] ?? '';
      const found = problemKeys(await readFile(outFile, 'utf8'));
      const total = [...found.values()].reduce((a, b) => a + b, 0);
      let hit = 0,
        extra = 0;
      for (const [k, c] of found) {
        const want = planted.get(k) ?? 0;
        hit += Math.min(c, want);
        extra += Math.max(0, c - want);
      }
      console.log(
        `文件模式 anju quality（${label}）：共 ${fmt(wall)}（进程启动到退出；${split}）；问题 ${total} 条，` +
          `${Math.round(n / (wall / 1000)).toLocaleString('en-US')} 人/秒` +
          (all ? '' : `；埋设问题 ${synth.expected.size} 条，找到 ${hit} 条，其他 ${extra} 条`),
      );
    }

    // in memory, in this process: the engine alone over all rules, and an incremental check of one household
    const read = await readRosterFile(file);
    t = performance.now();
    const again = runQuality(read.persons, { asOf, rules: [...rules] });
    console.log(`仅引擎（内存中，全部内置规则 ${rules.length} 条）：${fmt(performance.now() - t)}，问题 ${again.problems.length} 条`);
    t = performance.now();
    const index = new RosterIndex(read.persons, { asOf, rules: [...rules] });
    console.log(`建立增量索引：${fmt(performance.now() - t)}`);
    const hh = read.persons[Math.floor(read.persons.length / 2)].householdNo;
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      t = performance.now();
      index.checkHouseholds([hh]);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`单户增量核查：中位数 ${times[25].toFixed(2)} 毫秒，最大 ${times[49].toFixed(2)} 毫秒`);
    await rm(file, { force: true });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
