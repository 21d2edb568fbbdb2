// Database tests run on both engines: PGlite in memory, and the PostgreSQL server
// (ANJU_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Each test
// database is fresh: on the server a new database is created and dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migratedTemplate, openDatabase, type Database, type Engine } from './database.ts';
import { migrate } from './migrate.ts';

export const TEST_SERVER_URL = process.env.ANJU_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let serverReachable: Promise<boolean> | null = null;
function checkServer(): Promise<boolean> {
  serverReachable ??= (async () => {
    const c = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  })();
  return serverReachable;
}

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/** A fresh, migrated database on the given engine. Call `drop()` when done. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const d = await openDatabase({ dataDir: 'memory://', loadDataDir: await migratedTemplate() });
    await migrate(d); // a no-op on the template; kept so a stale template still ends up current
    return Object.assign(d, { drop: () => d.close() });
  }
  const name = `anju_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = '/' + name;
  const d = await openDatabase({ databaseUrl: url.toString() });
  await migrate(d);
  return Object.assign(d, {
    async drop() {
      await d.close();
      const a = new pg.Client({ connectionString: TEST_SERVER_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  });
}

/**
 * The engines database tests run on. PGlite always; the server when reachable. Under CI
 * (CI set) an unreachable server is an error, not a skip.
 */
export async function testEngines(): Promise<Engine[]> {
  if (await checkServer()) return ['pglite', 'postgres'];
  if (process.env.CI) throw new Error(`测试用PostgreSQL服务器不可用：${TEST_SERVER_URL}`);
  console.warn(`# PostgreSQL server not reachable at ${TEST_SERVER_URL}: database tests run on PGlite only`);
  return ['pglite'];
}
