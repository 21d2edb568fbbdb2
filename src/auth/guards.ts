// What route handlers call: who is asking, may they, and is the region theirs.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import type { AuditActor } from '../shared/audit.ts';
import { hasPermission, inScope, PERMISSIONS, type Permission, type SessionUser } from './permissions.ts';

export function requireUser(req: FastifyRequest): SessionUser {
  const user = req.user;
  if (!user) throw new AppError('UNAUTHENTICATED', '尚未登录或登录已过期，请重新登录');
  return user;
}

export function requirePermission(req: FastifyRequest, perm: Permission): SessionUser {
  const user = requireUser(req);
  if (!hasPermission(user, perm)) throw new AppError('FORBIDDEN', `没有权限：${PERMISSIONS[perm] ?? perm}`);
  return user;
}

/** 403 unless a region code the user named (a filter, a target) lies inside the user's region. */
export function assertInScope(user: SessionUser, regionCode: string | null | undefined): void {
  if (!regionCode || !inScope(user, regionCode)) throw new AppError('FORBIDDEN', '无权查看或修改本辖区以外的数据');
}

/**
 * For a record found by id: 404 unless its region lies inside the user's, so that a user cannot
 * tell another township's record from one that does not exist (no region code in the answer).
 */
export function assertVisible(user: Pick<SessionUser, 'regionCode'>, regionCode: string | null | undefined, what: string): void {
  if (!regionCode || !inScope(user, regionCode)) throw new AppError('NOT_FOUND', `${what}不存在或不在您的辖区内`);
}

/** County-wide settings and county-wide work (rolls, cross-checks, rules) need a county-level region. */
export function requireCountyLevel(user: SessionUser): void {
  if (user.regionCode.length !== 6) throw new AppError('FORBIDDEN', '只有县级用户才能修改全县的设置或办理全县的业务');
}

export function actorOf(user: Pick<SessionUser, 'id' | 'username'>): AuditActor {
  return { userId: user.id, username: user.username };
}
