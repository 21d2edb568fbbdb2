// Logging in and changing one's password: lock-out after repeated failures, audited.
import { sql, type Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { appendAudit, type AuditActor, type AuditEntry } from '../shared/audit.ts';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, deleteUserSessions, purgeExpiredSessions, toSessionUser, type UserRow } from './session.store.ts';
import type { SessionUser } from './permissions.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

const BAD_LOGIN = '用户名或密码错误';

/** One audit entry in its own transaction (the chain head is locked for the whole append). */
export async function auditAlone(db: Kysely<any>, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, actor, entry));
}

function minutesLeft(until: Date | string): number {
  return Math.max(1, Math.ceil((new Date(until).getTime() - Date.now()) / 60000));
}

export interface LoginResult { user: SessionUser; token: string; csrfToken: string }

export async function login(db: Kysely<any>, username: string, password: string, meta: { ip?: string; userAgent?: string } = {}): Promise<LoginResult> {
  const name = username.trim();
  const found = await sql<UserRow>`SELECT * FROM users WHERE username = ${name}`.execute(db);
  const u = found.rows[0];
  const detail = { ip: meta.ip ?? '' };
  if (!u) {
    await burnPasswordCheck(password);
    await auditAlone(db, { userId: null, username: name.slice(0, 64) }, { action: 'auth.login_failed', entityType: 'user', detail: { ...detail, reason: '用户不存在' } });
    throw new AppError('UNAUTHENTICATED', BAD_LOGIN);
  }
  const actor = { userId: Number(u.id), username: u.username };
  if (u.locked_until && new Date(u.locked_until).getTime() > Date.now()) {
    await auditAlone(db, actor, { action: 'auth.login_failed', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6), detail: { ...detail, reason: '账号锁定中' } });
    throw new AppError('LOCKED', `密码错误次数过多，账号已锁定，请${minutesLeft(u.locked_until)}分钟后再试，或联系管理员解锁`);
  }
  const ok = await verifyPassword(u.password_hash, password);
  if (!ok) {
    const locked = await db.transaction().execute(async (trx) => {
      const r = await sql<{ failed_attempts: number }>`UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ${u.id} RETURNING failed_attempts`.execute(trx);
      const n = Number(r.rows[0].failed_attempts);
      const lock = n >= MAX_FAILED_LOGINS;
      if (lock) await sql`UPDATE users SET failed_attempts = 0, locked_until = now() + make_interval(mins => ${LOCK_MINUTES}) WHERE id = ${u.id}`.execute(trx);
      await appendAudit(trx, actor, { action: lock ? 'auth.locked' : 'auth.login_failed', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6), detail: { ...detail, reason: '密码错误', failedAttempts: n } });
      return { lock, left: MAX_FAILED_LOGINS - n };
    });
    if (locked.lock) throw new AppError('LOCKED', `密码连续错误${MAX_FAILED_LOGINS}次，账号已锁定${LOCK_MINUTES}分钟，请${LOCK_MINUTES}分钟后再试，或联系管理员解锁`);
    throw new AppError('UNAUTHENTICATED', `${BAD_LOGIN}（再错${locked.left}次账号将被锁定${LOCK_MINUTES}分钟）`);
  }
  if (!u.active) {
    await auditAlone(db, actor, { action: 'auth.login_failed', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6), detail: { ...detail, reason: '账号已停用' } });
    throw new AppError('UNAUTHENTICATED', '账号已停用，请联系管理员');
  }
  return db.transaction().execute(async (trx) => {
    await sql`UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ${u.id}`.execute(trx);
    await purgeExpiredSessions(trx);
    const s = await createSession(trx, Number(u.id), meta);
    await appendAudit(trx, actor, { action: 'auth.login', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6), detail });
    return { user: toSessionUser(u), ...s };
  });
}

export async function changePassword(db: Kysely<any>, user: SessionUser, oldPassword: string, newPassword: string, keepSessionHash?: string): Promise<void> {
  const r = await sql<UserRow>`SELECT * FROM users WHERE id = ${user.id}`.execute(db);
  const u = r.rows[0];
  if (!u) throw new AppError('UNAUTHENTICATED', '尚未登录或登录已过期，请重新登录');
  if (!(await verifyPassword(u.password_hash, oldPassword))) throw new AppError('BAD_REQUEST', '原密码不正确');
  const problem = passwordProblem(newPassword, u.username);
  if (problem) throw new AppError('VALIDATION', problem);
  if (newPassword === oldPassword) throw new AppError('VALIDATION', '新密码不能与原密码相同');
  const h = await hashPassword(newPassword);
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE users SET password_hash = ${h}, must_change_password = false, password_changed_at = now() WHERE id = ${u.id}`.execute(trx);
    // other sessions (perhaps someone who knew the old password) end here
    await deleteUserSessions(trx, Number(u.id), keepSessionHash);
    await appendAudit(trx, { userId: Number(u.id), username: u.username }, { action: 'user.change_password', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6) });
  });
}
