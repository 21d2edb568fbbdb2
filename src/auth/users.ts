// Pure rules about user accounts: where a user may be placed, and how an account is shown.
import { levelOf, isWithin } from '../shared/region.ts';
import { ROLE_NAMES } from './permissions.ts';
import type { UserView } from './auth.contract.ts';
import type { UserRow } from './session.store.ts';

/**
 * null when `regionCode` is a valid place for a user managed by someone scoped to `scope`
 * (null scope: no limit, e.g. the command line), else the Chinese reason.
 * A user works for a county (6 digits) or a township (9 digits).
 */
export function regionProblem(regionCode: string, scope: string | null, role?: string): string | null {
  const level = levelOf(regionCode);
  if (level !== 'county' && level !== 'township') return `辖区代码“${regionCode}”不正确：应为6位县级代码或9位乡镇代码`;
  if (level === 'township' && regionCode.slice(0, 6).endsWith('00')) return `辖区代码“${regionCode}”不正确：前6位应为县级代码`;
  if (scope && !isWithin(regionCode, scope)) return `辖区“${regionCode}”不在您的管辖范围（${scope}）内`;
  if (role === 'township' && level !== 'township') return '乡镇移民专干的辖区应为9位乡镇代码';
  return null;
}

const iso = (v: Date | string | null | undefined) => (v === null || v === undefined ? null : new Date(v).toISOString());

export function userView(r: UserRow, regionName = '', now = Date.now()): UserView {
  const lockedUntil = r.locked_until ? new Date(r.locked_until) : null;
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    roleName: ROLE_NAMES[r.role] ?? r.role,
    regionCode: r.region_code,
    regionName,
    unit: r.unit ?? null,
    active: r.active,
    mustChangePassword: r.must_change_password,
    locked: !!lockedUntil && lockedUntil.getTime() > now,
    lockedUntil: lockedUntil && lockedUntil.getTime() > now ? lockedUntil.toISOString() : null,
    failedAttempts: Number(r.failed_attempts),
    createdAt: iso(r.created_at)!,
    passwordChangedAt: iso(r.password_changed_at),
  };
}

/** What the audit log keeps of an account: never the hash. */
export function auditedUser(v: UserView) {
  return { username: v.username, displayName: v.displayName, role: v.role, regionCode: v.regionCode, unit: v.unit, active: v.active };
}
