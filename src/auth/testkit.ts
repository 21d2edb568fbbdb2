// For tests: a user of the given role and region, logged in through the real login route.
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../shared/context.ts';
import { hashPassword } from './password.ts';
import { SESSION_COOKIE, CSRF_HEADER } from './cookies.ts';
import type { Role, SessionUser } from './permissions.ts';

export interface LoginAsOptions {
  role: Role;
  regionCode: string;
  username?: string;
  /** leave the user with must_change_password = true (default false) */
  mustChangePassword?: boolean;
  displayName?: string;
  /** 主管单位 / 实施单位 (project scope) */
  unit?: string | null;
}

export interface LoggedIn {
  /** `cookie` and `x-csrf-token`: pass as `headers` to app.inject */
  headers: Record<string, string>;
  user: SessionUser;
  password: string;
}

/** Creates (or resets) the user directly in the database, then logs in through POST /api/auth/login. */
export async function loginAs(app: FastifyInstance, ctx: AppContext, opts: LoginAsOptions): Promise<LoggedIn> {
  const username = opts.username ?? `t_${opts.role}_${opts.regionCode}_${randomBytes(3).toString('hex')}`;
  const password = 'Test' + randomBytes(8).toString('hex') + '9';
  const hash = await hashPassword(password, { fast: true });
  await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, unit, must_change_password, active)
    VALUES (${username}, ${opts.displayName ?? username}, ${hash}, ${opts.role}, ${opts.regionCode}, ${opts.unit ?? null}, ${opts.mustChangePassword ?? false}, true)
    ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, region_code = EXCLUDED.region_code, unit = EXCLUDED.unit,
      must_change_password = EXCLUDED.must_change_password, active = true, failed_attempts = 0, locked_until = NULL`.execute(ctx.database.db);
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`loginAs ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('loginAs: no session cookie');
  const body = res.json() as { user: SessionUser & { roleName?: string }; csrfToken: string };
  const { roleName: _omit, ...user } = body.user;
  return { headers: { cookie: `${SESSION_COOKIE}=${cookie.value}`, [CSRF_HEADER]: body.csrfToken }, user, password };
}
