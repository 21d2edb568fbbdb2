// One database interface over two engines: PGlite (embedded, data in a folder) and a
// PostgreSQL server (DATABASE_URL). Same SQL, same migrations. Queries go through Kysely
// (typed builder or the `sql` tag); `exec` runs multi-statement SQL (migrations, restore).
import {
  Kysely,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type CompiledQuery,
  type QueryResult,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Dialect,
} from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { mkdirSync, readFileSync, writeFileSync, unlinkSync, existsSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { AppError } from '../errors.ts';
import { fromRoot } from '../paths.ts';
import { loadMigrations, migrate } from './migrate.ts';
import type { Tables } from './tables.ts';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  engine: Engine;
  /** typed by every table (tables.ts, generated from the migrations) */
  db: Kysely<Tables>;
  /** Run SQL text that may hold several statements. */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
  /** label for messages: the data folder or the server address without password */
  location: string;
  /** PGlite: when a query last finished (ms since epoch): a busy single session is still alive */
  lastActivity?: () => number;
  /** PGlite: the whole data folder as an uncompressed tarball (a template for fresh copies) */
  dumpDataDir?: () => Promise<Blob>;
}

// bigint (int8) and numeric come back as JS numbers: every amount we keep fits in 2^53 fen.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// dates stay as 'YYYY-MM-DD' strings: no time zone drift
pg.types.setTypeParser(1082, (v) => v);

const commandOf = (sqlText: string) => (/^\s*(\w+)/.exec(sqlText)?.[1] ?? '').toUpperCase();

/** PGlite is one session: connections are handed out one at a time, so transactions never interleave. */
class PgliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;
  constructor(
    private readonly pgl: PGlite,
    private readonly activity: { at: number },
  ) {}
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const prev = this.#queue;
    this.#queue = new Promise<void>((r) => (release = r));
    await prev;
    this.#release = release;
    const pgl = this.pgl;
    const activity = this.activity;
    return {
      async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
        // PGlite runs in this thread and answers within the same turn of the event loop: a loop
        // of queries (5 000-row inserts one after another) would hold the server for seconds.
        // Each query waits for the next turn, so requests are served between them.
        await new Promise<void>((r) => setImmediate(r));
        const res = await pgl.query<R>(q.sql, q.parameters as unknown[], { rowMode: 'object' });
        activity.at = Date.now();
        const cmd = commandOf(q.sql);
        const affected = res.affectedRows ?? 0;
        return { rows: res.rows, ...(['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(cmd) ? { numAffectedRows: BigInt(affected) } : {}) };
      },
      // biome-ignore lint/correctness/useYield: the driver must offer streaming; PGlite has none
      async *streamQuery() {
        throw new Error('streaming is not supported on PGlite');
      },
    };
  }
  async beginTransaction(c: DatabaseConnection) {
    await c.executeQuery({ sql: 'begin', parameters: [], query: { kind: 'RawNode' } } as never);
  }
  async commitTransaction(c: DatabaseConnection) {
    await c.executeQuery({ sql: 'commit', parameters: [], query: { kind: 'RawNode' } } as never);
  }
  async rollbackTransaction(c: DatabaseConnection) {
    await c.executeQuery({ sql: 'rollback', parameters: [], query: { kind: 'RawNode' } } as never);
  }
  async releaseConnection() {
    const r = this.#release;
    this.#release = null;
    r?.();
  }
  async destroy() {}
}

class PgliteDialect implements Dialect {
  constructor(
    private readonly pgl: PGlite,
    readonly activity = { at: Date.now() },
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new PgliteDriver(this.pgl, this.activity);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite */
  databaseUrl?: string;
  /** PGlite data folder; 'memory://' for a throw-away database */
  dataDir?: string;
  /** PGlite: start from this tarball (from `dumpDataDir`) instead of an empty cluster */
  loadDataDir?: Blob;
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    pool.on('error', () => {
      /* idle client lost: the pool replaces it */
    });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    url.password = '';
    return {
      engine: 'postgres',
      db,
      location: url.toString(),
      async exec(sqlText) {
        const c = await pool.connect();
        try {
          await c.query(sqlText);
        } finally {
          c.release();
        }
      },
      async close() {
        await db.destroy();
      },
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  const unlock = dataDir === 'memory://' ? () => {} : lockDataDir(dataDir);
  // same value types as the server: dates stay 'YYYY-MM-DD', numeric becomes a number
  const parsers = { 1082: (v: string) => v, 1700: (v: string) => Number(v) };
  // a new data folder starts from the migrated template instead of running initdb in it
  const fresh = dataDir !== 'memory://' && !opts.loadDataDir && !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = opts.loadDataDir ?? (fresh ? await migratedTemplate().catch(() => undefined) : undefined);
  const pgl = await PGlite.create({ ...(dataDir === 'memory://' ? {} : { dataDir }), ...(loadDataDir ? { loadDataDir } : {}), parsers });
  const dialect = new PgliteDialect(pgl);
  const db = new Kysely<Tables>({ dialect });
  return {
    engine: 'pglite',
    db,
    location: dataDir,
    lastActivity: () => dialect.activity.at,
    async exec(sqlText) {
      // wait for any open Kysely connection, then run
      await db.connection().execute(async () => {
        await pgl.exec(sqlText);
      });
    },
    async close() {
      await db.destroy();
      await pgl.close();
      unlock();
    },
    dumpDataDir: () => db.connection().execute(async () => pgl.dumpDataDir('none')),
  };
}

/** The installed PGlite's version (its package.json is not exported: found above its entry file). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(fromRoot('package.json')).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

let template: Promise<Blob> | null = null;
/**
 * A migrated, empty PGlite cluster as a tarball. A new data folder and every PGlite test
 * database start from it: initdb is most of the seconds a fresh database costs (several more
 * on a folder on disk, where it writes a thousand files). Kept in dist/pglite under a name made
 * from the migrations' checksums and the engine's version, so a new migration or engine makes
 * a new one; made at install (npm's prepare step) or when first needed.
 */
export function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const engineVersion = pgliteVersion();
    const key = createHash('sha256')
      .update(
        `${engineVersion}\n${loadMigrations()
          .map((m) => m.checksum)
          .join()}`,
      )
      .digest('hex')
      .slice(0, 16);
    const dir = fromRoot('dist', 'pglite');
    const file = join(dir, `${key}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const d = await openDatabase({ dataDir: 'memory://' });
    await migrate(d);
    const blob = await d.dumpDataDir!();
    await d.close();
    try {
      // written under a private name, then renamed: a reader never sees half a file
      mkdirSync(dir, { recursive: true });
      const part = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(part, Buffer.from(await blob.arrayBuffer()));
      renameSync(part, file);
    } catch {
      /* a read-only install: the template serves this process only */
    }
    return blob;
  })();
  return template;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no lock between processes: two processes on one data folder would corrupt it.
 * A lock file with the owner's pid keeps a second one out; a stale lock (dead pid) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'anju.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          try {
            unlinkSync(file);
          } catch {
            /* gone already */
          }
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && pidAlive(pid)) {
        throw new AppError(
          'CONFLICT',
          `数据目录 ${dataDir} 正被另一个安居进程（pid ${pid}）使用。请先停止该进程（例如正在运行的服务），或改用 DATABASE_URL 连接数据库服务器。`,
        );
      }
      try {
        unlinkSync(file);
      } catch {
        /* raced with another process */
      }
    }
  }
  throw new AppError('CONFLICT', `无法锁定数据目录 ${dataDir}`);
}

/** Settings from the environment: DATABASE_URL for a server, else ANJU_DATA_DIR (default ./data). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env, notify: (line: string) => void = (l) => console.error(l)): OpenOptions {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  const dataDir = env.ANJU_DATA_DIR || './data';
  // a first run in the wrong folder would quietly make an empty database there: say where
  if (!env.ANJU_DATA_DIR && !existsSync(join(dataDir, 'PG_VERSION'))) {
    notify(
      `提示：未设置 ANJU_DATA_DIR，当前目录下没有数据库，将在 ${resolve(dataDir)} 新建嵌入式数据库（可用 ANJU_DATA_DIR 指定数据目录，或用 DATABASE_URL 连接数据库服务器）`,
    );
  }
  return { dataDir };
}
