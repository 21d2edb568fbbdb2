// Runs every *.test.ts under src/ and test/ with Node's own test runner, then prints
// one closing line `N passed, N failed, N skipped` for CI.
// Usage: node scripts/test.mjs [filter-substring ...]
import { readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = [...walk('src', []), ...walk('test', [])].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (!files.length) {
  console.error('没有找到测试文件');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'anju-test-'));
// Browser tests drive a whole server and a browser each: they run one at a time, after the
// rest, so a busy machine does not stretch their waits. The rest run two files at a time.
const isBrowser = (f) => f.includes('.e2e.');
const phases = [
  { files: files.filter((f) => !isBrowser(f)), concurrency: Number(process.env.ANJU_TEST_CONCURRENCY ?? 2) },
  { files: files.filter(isBrowser), concurrency: 1 },
].filter((p) => p.files.length);
let pass = 0,
  fail = 0,
  skipped = 0,
  status = 0;
for (const [i, phase] of phases.entries()) {
  const tap = join(dir, `result-${i}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...phase.files,
    ],
    { stdio: 'inherit', env: { ...process.env, ANJU_TEST: '1' } },
  );
  let f = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    // the last summary block is the phase's total
    const grab = (k) => {
      const m = [...text.matchAll(new RegExp(`^# ${k} (\\d+)$`, 'gm'))];
      return m.length ? Number(m[m.length - 1][1]) : 0;
    };
    pass += grab('pass');
    f = grab('fail') + grab('cancelled');
    skipped += grab('skipped') + grab('todo');
  } catch {
    f = 1;
  }
  if (r.status !== 0 && f === 0) f = 1;
  fail += f;
  if (r.status !== 0) status = r.status ?? 1;
}
// Biome over the whole tree (lint rules and the formatter's layout) counts as one more test
if (!filters.length) {
  console.log('\n# lint and format: biome ci');
  const l = spawnSync(process.execPath, [join('node_modules', '@biomejs', 'biome', 'bin', 'biome'), 'ci', '--diagnostic-level=error'], { stdio: 'inherit' });
  if (l.status === 0) pass++;
  else {
    fail++;
    status = status || 1;
  }
}
console.log(`${pass} passed, ${fail} failed, ${skipped} skipped`);
process.exit(status);
