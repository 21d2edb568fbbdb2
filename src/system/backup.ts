// Logical backup and restore of every Anju table, the same file for PGlite and a server.
//
// File: JSON Lines (gzip-compressed), one snapshot (REPEATABLE READ) of the database:
//   {"anju_backup":1, createdAt, engine, version, migrations:[{id,checksum}], tables:[{name,rows}]}
//   {"table":"users"}            then one {"r":{…row_to_json…}} per row, then {"end":"users","rows":N}
//   …                            tables in foreign-key order (parents first)
//   {"done":true}
// Rows are copied as PostgreSQL's own JSON text (row_to_json ↔ json_populate_recordset):
// never parsed in JavaScript, so no number, date or bytea is changed on the way.
//
// Restore: in ONE transaction, drop the schema, apply the migrations the backup was made
// with, load every table, reset identity counters; then apply any newer migrations. A failure
// anywhere leaves the database as it was. A non-empty database is refused unless forced.
import { createReadStream, createWriteStream, openSync, fchmodSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { encryptInto, readEncryptedInfo, decryptedStream } from './backup-crypto.ts';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../shared/db/database.ts';
import type { Tables } from '../shared/db/tables.ts';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../shared/db/migrate.ts';
import { AppError } from '../shared/errors.ts';
import { verifyAuditChain, type ChainCheck } from '../shared/audit.ts';

export const BACKUP_FORMAT = 1;
/** Not backed up: the migration record (in the header) and live login sessions. */
const SKIP_TABLES = new Set(['schema_migrations', 'sessions']);

export interface BackupHeader {
  anju_backup: number;
  createdAt: string;
  engine: string;
  version: string;
  migrations: Array<{ id: string; checksum: string }>;
  tables: Array<{ name: string; rows: number }>;
}

/** rows done and rows in all, over the whole database; `table` is the one being copied */
export type Progress = (table: string, done: number, total: number) => void;

async function publicTables(db: Kysely<Tables>): Promise<string[]> {
  const r = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Tables ordered so that a table comes after every table it references. */
async function fkOrder(db: Kysely<Tables>, tables: string[]): Promise<string[]> {
  const r = await sql<{ child: string; parent: string }>`
    SELECT cl.relname AS child, pl.relname AS parent FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class pl ON pl.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`.execute(db);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const { child, parent } of r.rows) if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  const out: string[] = [];
  const state = new Map<string, number>();
  const visit = (t: string) => {
    if (state.get(t) === 2) return;
    if (state.get(t) === 1) return; // a cycle: keep going, the load will tell
    state.set(t, 1);
    for (const p of parents.get(t) ?? []) visit(p);
    state.set(t, 2);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/** Does the database hold anything worth keeping (users, counties, audit entries, or foreign tables)? */
export async function databaseHasData(db: Kysely<Tables>): Promise<boolean> {
  const tables = new Set(await publicTables(db));
  if (!tables.size) return false;
  if (!tables.has('schema_migrations')) return true;
  for (const t of ['users', 'counties', 'audit_log']) {
    if (!tables.has(t)) continue;
    const r = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.id(t)}) AS any`.execute(db);
    if (r.rows[0].any) return true;
  }
  return false;
}

/**
 * Write a backup of the whole database to `file`, readable by its owner only (0600), gzip'd
 * unless gzip: false, encrypted with `passphrase` when given (backup-crypto.ts).
 */
export async function backupDatabase(
  database: Database,
  file: string,
  opts: { version: string; onProgress?: Progress; gzip?: boolean; passphrase?: string },
): Promise<BackupHeader> {
  // owner-only from the first byte, also when the file existed before with wider rights
  const fd = openSync(file, 'w', 0o600);
  fchmodSync(fd, 0o600);
  const out = createWriteStream('', { fd });
  const tail: Writable = opts.passphrase ? encryptInto(out, opts.passphrase, opts.gzip !== false) : out;
  const gz = opts.gzip === false ? null : createGzip({ level: 6 });
  if (gz) gz.pipe(tail);
  const sink = gz ?? tail;
  const write = async (line: string) => {
    if (!sink.write(line + '\n')) await once(sink, 'drain');
  };
  let header!: BackupHeader;
  try {
    await database.db.transaction().execute(async (trx) => {
      await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(trx);
      const migs = await sql<{ id: string; checksum: string }>`SELECT id, checksum FROM schema_migrations ORDER BY id`.execute(trx);
      const tables = await fkOrder(
        trx,
        (await publicTables(trx)).filter((t) => !SKIP_TABLES.has(t)),
      );
      const counts: BackupHeader['tables'] = [];
      for (const t of tables) {
        const c = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${sql.id(t)}`.execute(trx);
        counts.push({ name: t, rows: Number(c.rows[0].n) });
      }
      header = {
        anju_backup: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        engine: database.engine,
        version: opts.version,
        migrations: migs.rows,
        tables: counts,
      };
      await write(JSON.stringify(header));
      const all = counts.reduce((a, t) => a + t.rows, 0);
      let before = 0;
      for (const { name, rows: total } of counts) {
        await write(JSON.stringify({ table: name }));
        const cursor = `anju_dump_${randomBytes(4).toString('hex')}`;
        await sql`DECLARE ${sql.id(cursor)} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${sql.id(name)} t`.execute(trx);
        let n = 0;
        for (;;) {
          const batch = await sql<{ j: string }>`FETCH FORWARD 2000 FROM ${sql.id(cursor)}`.execute(trx);
          if (!batch.rows.length) break;
          for (const r of batch.rows) await write('{"r":' + r.j + '}');
          n += batch.rows.length;
          opts.onProgress?.(name, before + n, all);
        }
        await sql`CLOSE ${sql.id(cursor)}`.execute(trx);
        if (n !== total) throw new AppError('INTERNAL', `备份表${name}时行数不一致（${n} / ${total}）`);
        await write(JSON.stringify({ end: name, rows: n }));
        before += n;
      }
      await write(JSON.stringify({ done: true }));
    });
  } finally {
    sink.end();
    await finished(out).catch(() => {});
  }
  return header;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function* backupLines(file: string, passphrase?: string): AsyncGenerator<string> {
  const enc = readEncryptedInfo(file);
  const raw: Readable = enc ? decryptedStream(file, enc, passphrase) : createReadStream(file);
  const input = (enc ? enc.gzip : await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  if (input !== raw) raw.on('error', (e) => input.destroy(e));
  const rl = createInterface({ input, crlfDelay: Infinity });
  const failed = new Promise<never>((_, reject) => input.once('error', reject));
  failed.catch(() => {});
  try {
    for await (const line of rl) if (line) yield line;
    // the GCM tag is checked at the very end: wait for it before the last line counts
    if (enc && !input.readableEnded) await Promise.race([new Promise((r) => input.once('end', r)), failed]);
  } catch (e) {
    const msg = (e as Error).message;
    if (/authenticate/.test(msg)) throw new AppError('FILE_MALFORMED', '加密的备份文件被改动或已损坏（校验失败），数据库未改动', undefined, { cause: e });
    throw new AppError('FILE_MALFORMED', `备份文件已损坏，无法读取：${msg}`, undefined, { cause: e });
  } finally {
    rl.close();
    raw.destroy();
  }
}

/** One connection for the whole restore: the server's pooled connection, or PGlite's only session. */
async function withSession<T>(database: Database, fn: (s: { exec: (t: string) => Promise<void>; db: Kysely<Tables> }) => Promise<T>): Promise<T> {
  if (database.engine === 'pglite') return fn({ exec: (t) => database.exec(t), db: database.db });
  return database.db.connection().execute((conn) =>
    fn({
      exec: async (t) => {
        await sql.raw(t).execute(conn);
      },
      db: conn,
    }),
  );
}

export interface RestoreResult {
  header: BackupHeader;
  tables: Array<{ name: string; rows: number }>;
  migrated: string[];
  audit: ChainCheck;
}

export async function restoreDatabase(
  database: Database,
  file: string,
  opts: { force?: boolean; onProgress?: Progress; passphrase?: string } = {},
): Promise<RestoreResult> {
  const lines = backupLines(file, opts.passphrase);
  const first = await lines.next();
  let header: BackupHeader;
  try {
    header = JSON.parse(first.done ? '' : first.value);
  } catch {
    throw new AppError('FILE_FORMAT', '不是安居的备份文件（文件头无法识别）');
  }
  if (header?.anju_backup !== BACKUP_FORMAT || !Array.isArray(header.migrations) || !Array.isArray(header.tables)) {
    throw new AppError('FILE_FORMAT', '不是安居的备份文件，或备份格式版本不受支持');
  }
  const local = new Map(loadMigrations(MIGRATIONS_DIR).map((m) => [m.id, m]));
  const missing = header.migrations.filter((m) => local.get(m.id)?.checksum !== m.checksum);
  if (missing.length) {
    throw new AppError(
      'CONFLICT',
      `备份来自不同版本的程序（数据库结构 ${missing.map((m) => m.id).join('、')} 与本程序不符），请使用同一版本或更新版本的安居恢复`,
    );
  }
  if (!opts.force && (await databaseHasData(database.db))) {
    throw new AppError('CONFLICT', '目标数据库已有数据（用户、县或审计日志），为防止覆盖已拒绝恢复；确认要用备份替换全部现有数据时请加 --force');
  }
  const expected = new Map(header.tables.map((t) => [t.name, t.rows]));
  const all = header.tables.reduce((a, t) => a + t.rows, 0);
  let before = 0;
  const loaded: RestoreResult['tables'] = [];

  try {
    await withSession(database, async (s) => {
      await s.exec('BEGIN');
      try {
        await s.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
        await s.exec(`CREATE TABLE schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
        for (const m of header.migrations) {
          await s.exec(`${local.get(m.id)!.sql}\n;INSERT INTO schema_migrations (id, checksum) VALUES ('${m.id}', '${m.checksum}');`);
        }
        // rows the migrations seeded (roles, the audit chain's head …) are replaced by the backup's
        const present = new Set(await publicTables(s.db));
        for (const t of header.tables) {
          if (!present.has(t.name)) throw new AppError('FILE_MALFORMED', `备份中的表${t.name}在数据库结构中不存在`);
          if (t.name === 'audit_log') continue; // empty after migrations; TRUNCATE is refused there by design
          await sql`DELETE FROM ${sql.id(t.name)}`.execute(s.db);
        }
        let table: string | null = null;
        let cols: string[] = [];
        let overriding = false;
        let batch: string[] = [];
        let size = 0;
        let count = 0;
        const flush = async () => {
          if (!batch.length || !table) return;
          const colList = sql.join(cols.map((c) => sql.id(c)));
          await sql`INSERT INTO ${sql.id(table)} (${colList}) ${overriding ? sql`OVERRIDING SYSTEM VALUE` : sql``}
          SELECT ${colList} FROM json_populate_recordset(NULL::${sql.id(table)}, ${'[' + batch.join(',') + ']'}::json)`.execute(s.db);
          count += batch.length;
          opts.onProgress?.(table, before + count, all);
          batch = [];
          size = 0;
        };
        let done = false;
        for await (const line of lines) {
          if (line.startsWith('{"r":')) {
            if (!table) throw new AppError('FILE_MALFORMED', '备份文件已损坏（数据行不属于任何表）');
            const row = line.slice(5, -1);
            batch.push(row);
            size += row.length;
            if (batch.length >= 2000 || size > 8_000_000) await flush();
            continue;
          }
          let m: { table?: string; end?: string; rows?: number; done?: boolean };
          try {
            m = JSON.parse(line);
          } catch {
            throw new AppError('FILE_MALFORMED', '备份文件已损坏（无法解析的行）');
          }
          if (m.table) {
            table = m.table;
            if (!expected.has(table)) throw new AppError('FILE_MALFORMED', `备份文件已损坏（未登记的表${table}）`);
            const c = await sql<{ column_name: string; is_generated: string; identity_generation: string | null }>`
            SELECT column_name, is_generated, identity_generation FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`.execute(s.db);
            cols = c.rows.filter((x) => x.is_generated !== 'ALWAYS').map((x) => x.column_name);
            overriding = c.rows.some((x) => x.identity_generation === 'ALWAYS');
            count = 0;
          } else if (m.end) {
            await flush();
            if (m.end !== table || m.rows !== count || expected.get(table) !== count) {
              throw new AppError('FILE_MALFORMED', `备份文件已损坏：表${m.end}应有${expected.get(m.end)}行，读到${count}行`);
            }
            loaded.push({ name: table, rows: count });
            before += count;
            table = null;
          } else if (m.done) {
            done = true;
          }
        }
        if (!done || loaded.length !== header.tables.length) throw new AppError('FILE_MALFORMED', '备份文件不完整（可能在复制时被截断），数据库未改动');
        // identity and serial counters continue after the restored rows
        const ids = await sql<{ t: string; c: string }>`SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`.execute(s.db);
        for (const { t, c } of ids.rows) {
          await sql`SELECT setval(pg_get_serial_sequence(${'"' + t.replace(/"/g, '""') + '"'}, ${c}), COALESCE(max(${sql.id(c)}), 0) + 1, false) FROM ${sql.id(t)}`.execute(
            s.db,
          );
        }
        await s.exec('COMMIT');
      } catch (e) {
        await s.exec('ROLLBACK').catch(() => {});
        throw e;
      }
    });
  } finally {
    await lines.return(undefined);
  }
  const migrated = await migrate(database);
  return { header, tables: loaded, migrated, audit: await verifyAuditChain(database.db) };
}
