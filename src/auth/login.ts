// Logging in and changing one's password. Every failure answers the same (401, one message):
// unknown user, wrong password, locked account and disabled account cannot be told apart.
// The attempt is counted before the hash check (login-limits.ts), and everything is audited.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit, type AuditActor, type AuditEntry } from '../shared/audit.ts';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, deleteUserSessions, purgeExpiredSessions, toSessionUser } from './session.store.ts';
import { claimLoginAttempt, clearLock, lockAccount, selectUser, selectUserByName, setOwnPassword } from './users.store.ts';
import { MAX_FAILED_LOGINS, lockMinutes, ADDRESS_WINDOW_MINUTES, type AddressLimiter } from './login-limits.ts';
import type { SessionUser } from './permissions.ts';

export { MAX_FAILED_LOGINS, LOCK_MINUTES } from './login-limits.ts';

/** The one answer to every failed login. */
export const BAD_LOGIN = '用户名或密码错误；多次输错后账号会被暂时锁定，请稍后再试或联系管理员';

/** One audit entry in its own transaction (the chain head is locked for the whole append). */
export async function auditAlone(db: Kysely<Tables>, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, actor, entry));
}

export interface LoginResult {
  user: SessionUser;
  token: string;
  csrfToken: string;
}
export interface LoginMeta {
  ip?: string;
  userAgent?: string;
  limiter?: AddressLimiter;
}

export async function login(db: Kysely<Tables>, username: string, password: string, meta: LoginMeta = {}): Promise<LoginResult> {
  const name = username.trim();
  const ip = meta.ip ?? '';
  const detail = { ip };
  if (meta.limiter?.blocked(ip)) {
    await auditAlone(
      db,
      { userId: null, username: name.slice(0, 64) },
      { action: 'auth.login_failed', entityType: 'user', detail: { ...detail, reason: '来源地址尝试过多' } },
    );
    throw new AppError('TOO_MANY_REQUESTS', `登录失败次数过多，请${ADDRESS_WINDOW_MINUTES}分钟后再试`);
  }
  const u = await selectUserByName(db, name);
  const refuse = async (
    actor: AuditActor,
    entry: Omit<AuditEntry, 'action'> & { reason: string; extra?: object },
    action = 'auth.login_failed',
  ): Promise<never> => {
    meta.limiter?.fail(ip);
    await auditAlone(db, actor, {
      action,
      entityType: 'user',
      entityId: entry.entityId,
      countyCode: entry.countyCode,
      detail: { ...detail, reason: entry.reason, ...entry.extra },
    });
    throw new AppError('UNAUTHENTICATED', BAD_LOGIN);
  };
  if (!u) {
    await burnPasswordCheck(password); // about the time of a real check
    return refuse({ userId: null, username: name.slice(0, 64) }, { reason: '用户不存在' });
  }
  const actor = { userId: Number(u.id), username: u.username };
  const where = { entityId: u.id, countyCode: u.region_code.slice(0, 6) };
  // Count this attempt first. A lock that has run out starts a new count; a running lock
  // claims nothing, and then no hash is checked.
  const claim = await claimLoginAttempt(db, Number(u.id));
  if (!claim) {
    await burnPasswordCheck(password);
    return refuse(actor, { ...where, reason: '账号锁定中' });
  }
  const n = claim.failedAttempts;
  const lock = async (reason: string) => {
    const minutes = lockMinutes(u.role, claim.lockLevel);
    // only the first to lock sets the time: parallel refusals do not stretch it
    await lockAccount(db, Number(u.id), minutes);
    return refuse(actor, { ...where, reason, extra: { failedAttempts: n, lockMinutes: minutes } }, 'auth.locked');
  };
  if (n > MAX_FAILED_LOGINS) {
    // beyond the limit (guesses sent side by side): refused unchecked
    await burnPasswordCheck(password);
    return lock('超过尝试次数，未校验密码');
  }
  const ok = await verifyPassword(u.password_hash, password);
  if (!ok) {
    if (n >= MAX_FAILED_LOGINS) return lock('密码错误');
    return refuse(actor, { ...where, reason: '密码错误', extra: { failedAttempts: n } });
  }
  if (!u.active) return refuse(actor, { ...where, reason: '账号已停用' });
  return db.transaction().execute(async (trx) => {
    await clearLock(trx, Number(u.id));
    await purgeExpiredSessions(trx);
    const s = await createSession(trx, Number(u.id), meta);
    await appendAudit(trx, actor, { action: 'auth.login', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6), detail });
    return { user: toSessionUser(u), ...s };
  });
}

export async function changePassword(db: Kysely<Tables>, user: SessionUser, oldPassword: string, newPassword: string, keepSessionHash?: string): Promise<void> {
  const u = await selectUser(db, user.id);
  if (!u) throw new AppError('UNAUTHENTICATED', '尚未登录或登录已过期，请重新登录');
  if (!(await verifyPassword(u.password_hash, oldPassword))) throw new AppError('BAD_REQUEST', '原密码不正确');
  const problem = passwordProblem(newPassword, u.username, u.role);
  if (problem) throw new AppError('VALIDATION', problem);
  if (newPassword === oldPassword) throw new AppError('VALIDATION', '新密码不能与原密码相同');
  const h = await hashPassword(newPassword);
  await db.transaction().execute(async (trx) => {
    await setOwnPassword(trx, Number(u.id), h);
    // other sessions (perhaps someone who knew the old password) end here
    await deleteUserSessions(trx, Number(u.id), keepSessionHash);
    await appendAudit(
      trx,
      { userId: Number(u.id), username: u.username },
      { action: 'user.change_password', entityType: 'user', entityId: u.id, countyCode: u.region_code.slice(0, 6) },
    );
  });
}
