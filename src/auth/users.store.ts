// User accounts in the database: SQL only. Who may change what, and the audit entries, are in
// users.service.ts (accounts) and login.ts (logging in, passwords).
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { UserRow } from './session.store.ts';
import type { Role } from './permissions.ts';

/** Names of regions and counties by code (a code missing from both has no entry). */
export async function regionNames(db: Kysely<Tables>, codes: string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(codes)];
  if (!uniq.length) return new Map();
  const r = await sql<{ code: string; name: string }>`
    SELECT code, name FROM regions WHERE code = ANY(${uniq}::text[])
    UNION ALL SELECT code, name FROM counties WHERE code = ANY(${uniq}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, x.name]));
}

/** The county's name and the user's region's name ('' when not on file). */
export async function placeNames(db: Kysely<Tables>, countyCode: string, regionCode: string): Promise<{ countyName: string; regionName: string }> {
  const names = await sql<{ code: string; name: string }>`SELECT code, name FROM counties WHERE code = ${countyCode}
    UNION ALL SELECT code, name FROM regions WHERE code = ${regionCode}`.execute(db);
  const nameOf = (c: string) => names.rows.find((r) => r.code === c && r.name)?.name ?? '';
  return { countyName: nameOf(countyCode), regionName: nameOf(regionCode) };
}

export async function selectUser(db: Kysely<Tables>, id: number, forUpdate = false): Promise<UserRow | undefined> {
  const r = forUpdate
    ? await sql<UserRow>`SELECT * FROM users WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<UserRow>`SELECT * FROM users WHERE id = ${id}`.execute(db);
  return r.rows[0];
}

export async function selectUserByName(db: Kysely<Tables>, username: string): Promise<UserRow | undefined> {
  const r = await sql<UserRow>`SELECT * FROM users WHERE username = ${username}`.execute(db);
  return r.rows[0];
}

export interface UserFilter {
  q?: string;
  role?: Role;
  active?: boolean;
  page?: number;
  pageSize?: number;
}

/** One page of the accounts inside `scope` (null: all), and how many there are. */
export async function selectUsers(db: Kysely<Tables>, scope: string | null, f: UserFilter): Promise<{ rows: UserRow[]; total: number }> {
  const page = f.page ?? 1;
  const size = f.pageSize ?? 1000;
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  const where = sql`WHERE (${scope}::text IS NULL OR region_code LIKE ${(scope ?? '') + '%'})
    AND (${like}::text IS NULL OR username ILIKE ${like} OR display_name ILIKE ${like})
    AND (${f.role ?? null}::text IS NULL OR role = ${f.role ?? null})
    AND (${f.active ?? null}::boolean IS NULL OR active = ${f.active ?? null})`;
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users ${where}`.execute(db);
  const rows = await sql<UserRow>`SELECT * FROM users ${where} ORDER BY region_code, username LIMIT ${size} OFFSET ${(page - 1) * size}`.execute(db);
  return { rows: rows.rows, total: Number(total.rows[0].n) };
}

/** How many townships of the county are on file. */
export async function countTownships(db: Kysely<Tables>, countyCode: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE county_code = ${countyCode} AND level = 'township'`.execute(db);
  return Number(r.rows[0].n);
}

export async function regionExists(db: Kysely<Tables>, code: string): Promise<boolean> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE code = ${code}`.execute(db);
  return Number(r.rows[0].n) > 0;
}

export async function usernameTaken(db: Kysely<Tables>, username: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM users WHERE username = ${username}`.execute(db);
  return r.rows.length > 0;
}

export async function insertUser(
  db: Kysely<Tables>,
  u: { username: string; displayName: string; passwordHash: string; role: Role; regionCode: string; unit: string | null },
): Promise<UserRow> {
  const r = await sql<UserRow>`INSERT INTO users (username, display_name, password_hash, role, region_code, unit, must_change_password)
    VALUES (${u.username}, ${u.displayName}, ${u.passwordHash}, ${u.role}, ${u.regionCode}, ${u.unit}, true) RETURNING *`.execute(db);
  return r.rows[0];
}

export async function updateUserRow(
  db: Kysely<Tables>,
  id: number,
  u: { displayName: string; role: Role; regionCode: string; unit: string | null; active: boolean },
): Promise<UserRow> {
  const r = await sql<UserRow>`UPDATE users SET display_name = ${u.displayName}, role = ${u.role},
    region_code = ${u.regionCode}, unit = ${u.unit}, active = ${u.active} WHERE id = ${id} RETURNING *`.execute(db);
  return r.rows[0];
}

/** Active administrators other than `id`. */
export async function countOtherActiveAdmins(db: Kysely<Tables>, id: number): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active AND id <> ${id}`.execute(db);
  return Number(r.rows[0].n);
}

/** A reset password: to be changed at the next login; the lock and the failed count cleared. */
export async function setResetPassword(db: Kysely<Tables>, id: number, passwordHash: string): Promise<UserRow> {
  const r =
    await sql<UserRow>`UPDATE users SET password_hash = ${passwordHash}, must_change_password = true, failed_attempts = 0, locked_until = NULL, lock_level = 0
    WHERE id = ${id} RETURNING *`.execute(db);
  return r.rows[0];
}

/** The user's own new password. */
export async function setOwnPassword(db: Kysely<Tables>, id: number, passwordHash: string): Promise<void> {
  await sql`UPDATE users SET password_hash = ${passwordHash}, must_change_password = false, password_changed_at = now() WHERE id = ${id}`.execute(db);
}

/** The lock, the failed count and the lock level cleared. */
export async function clearLock(db: Kysely<Tables>, id: number): Promise<UserRow> {
  const r = await sql<UserRow>`UPDATE users SET failed_attempts = 0, locked_until = NULL, lock_level = 0 WHERE id = ${id} RETURNING *`.execute(db);
  return r.rows[0];
}

export interface LoginClaim {
  failedAttempts: number;
  lockLevel: number;
}

/**
 * Count a login attempt. A lock that has run out starts a new count; a running lock claims
 * nothing (undefined).
 */
export async function claimLoginAttempt(db: Kysely<Tables>, id: number): Promise<LoginClaim | undefined> {
  const r = await sql<{ failed_attempts: number; lock_level: number }>`UPDATE users SET
      failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
      locked_until = NULL
    WHERE id = ${id} AND (locked_until IS NULL OR locked_until <= now())
    RETURNING failed_attempts, lock_level`.execute(db);
  const c = r.rows[0];
  return c && { failedAttempts: Number(c.failed_attempts), lockLevel: Number(c.lock_level) };
}

/** Lock for `minutes`; only the first to lock sets the time, so parallel refusals do not stretch it. */
export async function lockAccount(db: Kysely<Tables>, id: number, minutes: number): Promise<void> {
  await sql`UPDATE users SET locked_until = now() + make_interval(mins => ${minutes}), failed_attempts = 0, lock_level = lock_level + 1
    WHERE id = ${id} AND (locked_until IS NULL OR locked_until <= now())`.execute(db);
}

/** Role code → description, from the roles table. */
export async function roleDescriptions(db: Kysely<Tables>): Promise<Map<string, string>> {
  const r = await db.selectFrom('roles').select(['code', 'description']).execute();
  return new Map(r.map((x) => [x.code, x.description]));
}

/**
 * An account that exists only to name who entered and approved demo records: disabled, with a
 * password field no password verifies against. Re-running keeps the one account of that name.
 */
export async function ensureRecordOnlyUser(
  db: Kysely<Tables>,
  u: { username: string; displayName: string; role: string; regionCode: string },
): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password, active)
    VALUES (${u.username}, ${u.displayName}, '!demo-no-login', ${u.role}, ${u.regionCode}, false, false)
    ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}
