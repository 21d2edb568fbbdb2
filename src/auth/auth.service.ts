// The session as the web app sees it (GET /api/auth/me and the answer of a login), and ending
// a session. Logging in and changing one's password are in login.ts.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { MeResponse } from './auth.contract.ts';
import { ROLE_NAMES, PERMISSIONS, ROLE_PERMISSIONS, canUnmask, type SessionUser } from './permissions.ts';
import { deleteSession } from './session.store.ts';
import { placeNames } from './users.store.ts';
import { auditAlone } from './login.ts';

export async function me(db: Kysely<Tables>, user: SessionUser, csrfToken: string): Promise<MeResponse> {
  const perms = [...(ROLE_PERMISSIONS[user.role] ?? [])].filter((p) => p in PERMISSIONS).sort();
  const names = await placeNames(db, user.countyCode, user.regionCode);
  return { user: { ...user, roleName: ROLE_NAMES[user.role] }, csrfToken, permissions: perms, canUnmask: canUnmask(user), ...names };
}

/** The session of `tokenHash` ends; with the user known, the logout is audited. */
export async function endSession(db: Kysely<Tables>, tokenHash: string, user?: SessionUser): Promise<void> {
  await deleteSession(db, tokenHash);
  if (user)
    await auditAlone(
      db,
      { userId: user.id, username: user.username },
      { action: 'auth.logout', entityType: 'user', entityId: user.id, countyCode: user.countyCode },
    );
}
