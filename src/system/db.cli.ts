// anju db migrate | backup | restore
import type { Command } from 'commander';
import { openDatabase, optionsFromEnv } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';

export function registerDbCommands(program: Command) {
  const db = program.command('db').description('数据库：迁移、备份、恢复');
  db.command('migrate').description('应用数据库迁移').action(async () => {
    const d = await openDatabase(optionsFromEnv());
    try {
      const ran = await migrate(d);
      console.log(ran.length ? `已应用迁移：${ran.join(', ')}` : '数据库已是最新');
    } finally { await d.close(); }
  });
}
