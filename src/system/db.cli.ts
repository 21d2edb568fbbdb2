// anju db migrate | backup | restore
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openDatabase, optionsFromEnv } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { ensureAuditKey, auditKeyPath } from '../shared/audit-key.ts';
import { VERSION } from '../shared/version.ts';
import { backupDatabase, restoreDatabase, type Progress } from './backup.ts';
import { PASSPHRASE_ENV } from './backup-crypto.ts';
import { AppError } from '../shared/errors.ts';

function progressBar(label: string): { onProgress: Progress; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} 行 | {table}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (table, done, total) => {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { table });
        started = true;
      }
      bar.update(done, { table });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export function registerDbCommands(program: Command) {
  const db = program.command('db').description('数据库：迁移、备份、恢复');
  db.command('migrate')
    .description('应用数据库迁移')
    .action(async () => {
      const d = await openDatabase(optionsFromEnv());
      try {
        const ran = await migrate(d);
        console.log(ran.length ? `已应用迁移：${ran.join(', ')}` : '数据库已是最新');
        const k = await ensureAuditKey(d.db);
        if (k.created) console.log(`已生成审计日志密钥 ${auditKeyPath()}（仅所有者可读）：请另行备份`);
        if (k.warning) console.error(k.warning);
      } finally {
        await d.close();
      }
    });

  db.command('backup')
    .description('备份全部数据到一个文件（嵌入式数据库和服务器通用，可互相恢复）')
    .requiredOption('--out <file>', '备份文件，例如 anju-20240701.jsonl.gz')
    .option('--no-gzip', '不压缩')
    .option('--encrypt', `加密备份（AES-256-GCM），口令取自环境变量 ${PASSPHRASE_ENV}`)
    .action(async (o: { out: string; gzip: boolean; encrypt?: boolean }) => {
      const passphrase = o.encrypt ? process.env[PASSPHRASE_ENV] : undefined;
      if (o.encrypt && !passphrase) throw new AppError('VALIDATION', `加密备份需要口令：请设置环境变量 ${PASSPHRASE_ENV}（至少8个字符，请另行妥善保管）`);
      const d = await openDatabase(optionsFromEnv());
      const bar = progressBar('备份中');
      try {
        await migrate(d);
        const started = Date.now();
        const h = await backupDatabase(d, o.out, { version: VERSION, onProgress: bar.onProgress, gzip: o.gzip, passphrase });
        bar.stop();
        const rows = h.tables.reduce((a, t) => a + t.rows, 0);
        console.log(
          `已${passphrase ? '加密' : ''}备份到 ${o.out}（仅所有者可读）：${h.tables.length} 张表，共 ${rows} 行，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
        );
      } finally {
        bar.stop();
        await d.close();
      }
    });

  db.command('restore <file>')
    .description(`从备份文件恢复（目标数据库须为空，否则需 --force；失败时数据库保持原样；加密的备份从 ${PASSPHRASE_ENV} 读口令）`)
    .option('--force', '目标数据库已有数据时，用备份替换全部现有数据')
    .action(async (file: string, o: { force?: boolean }) => {
      const d = await openDatabase(optionsFromEnv());
      const bar = progressBar('恢复中');
      try {
        const r = await restoreDatabase(d, file, { force: !!o.force, onProgress: bar.onProgress, passphrase: process.env[PASSPHRASE_ENV] });
        bar.stop();
        const rows = r.tables.reduce((a, t) => a + t.rows, 0);
        console.log(
          `已从 ${file} 恢复：${r.tables.length} 张表，共 ${rows} 行（备份时间 ${r.header.createdAt}，来自${r.header.engine === 'pglite' ? '嵌入式数据库' : '数据库服务器'}）`,
        );
        if (r.migrated.length) console.log(`已应用较新的数据库迁移：${r.migrated.join(', ')}`);
        if (r.audit.ok) console.log(`审计日志校验通过：${r.audit.entries} 条`);
        else {
          console.error(`警告：审计日志校验失败——${r.audit.reason}`);
          process.exitCode = 3;
        }
      } finally {
        bar.stop();
        await d.close();
      }
    });
}
