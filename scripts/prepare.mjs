// npm's prepare step (after npm install / npm ci): build what makes the first calls fast — the
// command line's bundle and the migrated template a new embedded database starts from. Both
// are made again when missing, so a failure here only costs time later: it never fails the install.
import { spawnSync } from 'node:child_process';

const steps = [
  ['命令行程序', ['bin/anju.mjs', '--version']],
  ['嵌入式数据库模板', ['--import', 'tsx', '-e', "await (await import('./src/shared/db/database.ts')).migratedTemplate()"]],
];
for (const [what, args] of steps) {
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) console.warn(`提示：${what}未能预先准备（首次使用时再准备）`);
}
