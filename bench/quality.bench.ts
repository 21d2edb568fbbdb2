// npm run bench quality [-- --sizes=100000,2000000] — all built-in rules over generated rosters in
// file mode (CSV written to a temporary file, then read, checked and the problem list written).
// Prints times and rule evaluations per second; asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { makeSynthRoster, synthRosterCsv } from '../src/quality/synth.ts';
import { runFileMode } from '../src/quality/file-mode.ts';
import { runQuality } from '../src/quality/engine.ts';
import { selectRules } from '../src/quality/catalogue.ts';
import { RosterIndex } from '../src/quality/incremental.ts';

const arg = process.argv.find((a) => a.startsWith('--sizes='));
const sizes = arg ? arg.slice(8).split(',').map(Number) : [100_000, 2_000_000];
// --only-s7: only the FORMATS §7 set (a shorter run on a busy machine)
const onlyS7 = process.argv.includes('--only-s7');
const cpuSeconds = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return ((u.user + u.system) / 1e6).toFixed(2); };
const rules = selectRules({ all: true }).rules;
const s7 = selectRules().rules;
const dir = await mkdtemp(join(tmpdir(), 'anju-quality-bench-'));
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} 秒`;

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
    const asOf = synth.asOf;
    const persons = synth.persons.length;
    synth.persons.length = 0; // let the generator's copy go
    console.log(`机器负载（1分钟平均）：${loadavg()[0].toFixed(1)}，CPU ${cpus().length} 核`);

    const sets = onlyS7 ? ([['FORMATS第7节规则', s7]] as const) : ([['FORMATS第7节规则', s7], ['全部内置规则', rules]] as const);
    for (const [label, set] of sets) {
      t = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await runFileMode({ roster: file, out: join(dir, `problems-${n}.csv`), asOf, rules: [...set] });
      const total = performance.now() - t;
      console.log(`文件模式（${label} ${set.length} 条）：共 ${fmt(total)}；读取 ${fmt(r.readMs)}，核查 ${fmt(r.checkMs)}，写出 ${fmt(r.writeMs)}；` +
        `问题 ${r.problems.length} 条；规则评估 ${r.evaluations.toLocaleString('en-US')} 次，` +
        `${Math.round(r.evaluations / (r.checkMs / 1000)).toLocaleString('en-US')} 次/秒（仅核查），${Math.round(persons / (total / 1000)).toLocaleString('en-US')} 人/秒（含读写）；` +
        `进程CPU时间 ${cpuSeconds(cpu0)} 秒；埋设问题 ${label === 'FORMATS第7节规则' ? `${synth.expected.size} 条，找到 ${r.problems.filter((p) => synth.expected.has(`${p.code}:${p.person}`)).length} 条` : '—'}`);
      if (set === rules) {
        // in memory only (no file): the engine alone, and an incremental check of one household
        t = performance.now();
        const again = runQuality(r.persons, { asOf, rules: [...set] });
        console.log(`仅引擎（内存中）：${fmt(performance.now() - t)}，问题 ${again.problems.length} 条`);
        t = performance.now();
        const index = new RosterIndex(r.persons, { asOf, rules: [...set] });
        console.log(`建立增量索引：${fmt(performance.now() - t)}`);
        const hh = r.persons[Math.floor(r.persons.length / 2)].householdNo;
        const times: number[] = [];
        for (let i = 0; i < 50; i++) {
          t = performance.now();
          index.checkHouseholds([hh]);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        console.log(`单户增量核查：中位数 ${times[25].toFixed(2)} 毫秒，最大 ${times[49].toFixed(2)} 毫秒`);
      }
    }
    await rm(file, { force: true });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
