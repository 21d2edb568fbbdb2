// Sessions: an opaque random token in the cookie, only its sha256 in the database.
// Sliding expiry: 8 hours idle, 7 days at most from login.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables, UsersTable } from '../shared/db/tables.ts';
import type { Role, SessionUser } from './permissions.ts';

export const SESSION_IDLE_HOURS = 8;
export const SESSION_MAX_DAYS = 7;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A row of users, its role one of the roles. */
export type UserRow = Omit<Selectable<UsersTable>, 'role'> & { role: Role };
type SessionUserRow = Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'region_code' | 'must_change_password' | 'unit'>;

export function toSessionUser(r: SessionUserRow): SessionUser {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name || r.username,
    role: r.role,
    regionCode: r.region_code,
    countyCode: r.region_code.slice(0, 6),
    mustChangePassword: r.must_change_password,
    unit: r.unit ?? null,
  };
}

export async function createSession(
  db: Kysely<Tables>,
  userId: number,
  meta: { ip?: string; userAgent?: string } = {},
): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await sql`INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
    VALUES (${tokenHash(token)}, ${userId}, ${csrfToken}, now() + make_interval(hours => ${SESSION_IDLE_HOURS}), ${meta.ip ?? ''}, ${(meta.userAgent ?? '').slice(0, 300)})`.execute(
    db,
  );
  return { token, csrfToken };
}

export interface LoadedSession {
  user: SessionUser;
  csrfToken: string;
  tokenHash: string;
}

/** The live session of a cookie token (and its active user), sliding its expiry forward. */
export async function loadSession(db: Kysely<Tables>, token: string): Promise<LoadedSession | null> {
  if (!token || token.length > 100) return null;
  const h = tokenHash(token);
  const r = await sql<SessionUserRow & { csrf_token: string; stale: boolean }>`
    SELECT u.id, u.username, u.display_name, u.role, u.region_code, u.unit, u.must_change_password, s.csrf_token,
           s.last_seen_at < now() - interval '1 minute' AS stale
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${h} AND s.expires_at > now() AND u.active`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  if (row.stale) {
    // writes at most once a minute per session
    await sql`UPDATE sessions SET last_seen_at = now(),
      expires_at = least(now() + make_interval(hours => ${SESSION_IDLE_HOURS}), created_at + make_interval(days => ${SESSION_MAX_DAYS}))
      WHERE token_hash = ${h}`.execute(db);
  }
  return { user: toSessionUser(row), csrfToken: row.csrf_token, tokenHash: h };
}

export async function deleteSession(db: Kysely<Tables>, hashOfToken: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE token_hash = ${hashOfToken}`.execute(db);
}

/** End every session of a user (deactivation, password reset), optionally keeping one. */
export async function deleteUserSessions(db: Kysely<Tables>, userId: number, keepHash?: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE user_id = ${userId} AND token_hash <> ${keepHash ?? ''}`.execute(db);
}

export async function purgeExpiredSessions(db: Kysely<Tables>): Promise<void> {
  await sql`DELETE FROM sessions WHERE expires_at <= now()`.execute(db);
}
