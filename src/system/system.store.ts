// The system's own rows: system_state (first start, demo), the county this installation
// serves, the first administrator. SQL only; first-start.ts and system.service.ts decide.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

/** One query that answers only when the database and its migrations are there. */
export async function pingDatabase(db: Kysely<Tables>): Promise<void> {
  await sql`SELECT 1 FROM schema_migrations LIMIT 1`.execute(db);
}

export async function readState<T>(db: Kysely<Tables>, key: string): Promise<T | undefined> {
  const r = await sql<{ value: T }>`SELECT value FROM system_state WHERE key = ${key}`.execute(db);
  return r.rows[0]?.value;
}

export async function writeState(db: Kysely<Tables>, key: string, value: unknown): Promise<void> {
  await sql`INSERT INTO system_state (key, value) VALUES (${key}, ${JSON.stringify(value)}::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`.execute(db);
}

/** Inside a transaction: one starter at a time (two servers on one database). */
export async function lockSystemState(trx: Kysely<Tables>): Promise<void> {
  await sql`LOCK TABLE system_state IN EXCLUSIVE MODE`.execute(trx);
}

export async function hasState(db: Kysely<Tables>, key: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM system_state WHERE key = ${key}`.execute(db);
  return r.rows.length > 0;
}

/** Without updated_at's upsert: the first start is written once. */
export async function insertState(db: Kysely<Tables>, key: string, value: unknown): Promise<void> {
  await sql`INSERT INTO system_state (key, value) VALUES (${key}, ${JSON.stringify(value)}::jsonb)`.execute(db);
}

export async function countCountiesAndUsers(db: Kysely<Tables>): Promise<{ counties: number; users: number }> {
  const counties = await sql<{ n: number }>`SELECT count(*)::int AS n FROM counties`.execute(db);
  const users = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db);
  return { counties: Number(counties.rows[0].n), users: Number(users.rows[0].n) };
}

/** The county and its root region. */
export async function insertCounty(db: Kysely<Tables>, code: string, name: string): Promise<void> {
  await sql`INSERT INTO counties (code, name) VALUES (${code}, ${name})`.execute(db);
  await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES (${code}, ${code}, 'county', NULL, ${name})
    ON CONFLICT (code) DO NOTHING`.execute(db);
}

/** The first administrator, who must change the password at the first login. */
export async function insertFirstAdmin(db: Kysely<Tables>, countyCode: string, passwordHash: string): Promise<void> {
  await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password)
    VALUES ('admin', '系统管理员', ${passwordHash}, 'admin', ${countyCode}, true)`.execute(db);
}

/** The county this installation serves (the first one on file). */
export async function firstCounty(db: Kysely<Tables>): Promise<{ code: string; name: string } | null> {
  const r = await sql<{ code: string; name: string }>`SELECT code, name FROM counties ORDER BY created_at, code LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}
