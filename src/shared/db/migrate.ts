// Plain SQL migrations from migrations/NNNN_name.sql, applied in order, each in a transaction,
// recorded in schema_migrations with a checksum so an edited, already-applied file is caught.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.ts';
import { AppError } from '../errors.ts';
import { fromRoot } from '../paths.ts';

export const MIGRATIONS_DIR = fromRoot('migrations');

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return { id: f.replace(/\.sql$/, ''), sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await database.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = await sql<{ id: string; checksum: string }>`SELECT id, checksum FROM schema_migrations`.execute(database.db);
  const applied = new Map(done.rows.map((r) => [r.id, r.checksum]));
  const ran: string[] = [];
  for (const m of loadMigrations(dir)) {
    const prev = applied.get(m.id);
    if (prev) {
      if (prev !== m.checksum) throw new AppError('INTERNAL', `数据库迁移${m.id}在应用后被修改过，请勿修改已发布的迁移文件`);
      continue;
    }
    try {
      await database.exec(`BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (id, checksum) VALUES ('${m.id}', '${m.checksum}');\nCOMMIT;`);
    } catch (e) {
      await database.exec('ROLLBACK').catch(() => {});
      throw new AppError('INTERNAL', `数据库迁移${m.id}失败：${(e as Error).message}`, undefined, { cause: e });
    }
    ran.push(m.id);
  }
  return ran;
}
