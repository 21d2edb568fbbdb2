// npm run bench [name ...] — runs bench/<name>.bench.ts (all when none named). Prints figures; asserts nothing.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const chosen = names.length ? all.filter((f) => names.some((n) => f.startsWith(n))) : all;
if (!chosen.length) {
  console.error(`没有该基准：${names.join(' ')}；可选：${all.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const f of chosen) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', `bench/${f}`, ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
