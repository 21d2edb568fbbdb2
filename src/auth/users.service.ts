// User accounts: the manager's scope, the rules of a valid account, and an audit entry for
// every change in the same transaction. Used by /api/users and by `anju users`; `scope` is the
// manager's region (null on the command line). The SQL is in users.store.ts.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { isWithin } from '../shared/region.ts';
import { generatePassword, hashPassword, passwordProblem } from './password.ts';
import { deleteUserSessions, type UserRow } from './session.store.ts';
import { auditedUser, regionProblem, userView } from './users.ts';
import {
  clearLock,
  countOtherActiveAdmins,
  countTownships,
  insertUser,
  regionExists,
  regionNames,
  roleDescriptions,
  selectUser,
  selectUserByName,
  selectUsers,
  setResetPassword,
  updateUserRow,
  usernameTaken,
  type UserFilter,
} from './users.store.ts';
import type { CreateUserInput, RoleView, UpdateUserInput, UserView } from './auth.contract.ts';
import { PERMISSIONS, ROLES, ROLE_NAMES, ROLE_PERMISSIONS, canUnmask } from './permissions.ts';

export type { UserFilter } from './users.store.ts';

async function viewsOf(db: Kysely<Tables>, rows: UserRow[]): Promise<UserView[]> {
  const names = await regionNames(
    db,
    rows.map((r) => r.region_code),
  );
  return rows.map((r) => userView(r, names.get(r.region_code) ?? ''));
}

/** The account, if it lies inside `scope`; NOT_FOUND otherwise (outside the scope it does not exist for you). */
async function getRow(db: Kysely<Tables>, id: number, scope: string | null, forUpdate = false): Promise<UserRow> {
  const row = await selectUser(db, id, forUpdate);
  if (!row || (scope && !isWithin(row.region_code, scope))) throw new AppError('NOT_FOUND', '用户不存在');
  return row;
}

export async function findUserByName(db: Kysely<Tables>, username: string): Promise<UserView | null> {
  const row = await selectUserByName(db, username);
  return row ? (await viewsOf(db, [row]))[0] : null;
}

export async function listUsers(db: Kysely<Tables>, scope: string | null, f: UserFilter = {}): Promise<{ items: UserView[]; total: number }> {
  const { rows, total } = await selectUsers(db, scope, f);
  return { items: await viewsOf(db, rows), total };
}

async function assertRegion(db: Kysely<Tables>, regionCode: string, scope: string | null, role: string) {
  const problem = regionProblem(regionCode, scope, role);
  if (problem) throw new AppError('VALIDATION', problem);
  // when the county's townships are on file, a township must be one of them
  if (regionCode.length === 9 && (await countTownships(db, regionCode.slice(0, 6))) > 0 && !(await regionExists(db, regionCode))) {
    throw new AppError('VALIDATION', `乡镇代码“${regionCode}”不在本县的区划中`);
  }
}

export async function createUser(
  db: Kysely<Tables>,
  actor: AuditActor,
  scope: string | null,
  input: CreateUserInput,
): Promise<{ user: UserView; password: string }> {
  await assertRegion(db, input.regionCode, scope, input.role);
  if (input.role === 'unit' && !input.unit) throw new AppError('VALIDATION', '项目单位人员须填写所在单位（主管单位或实施单位）');
  const password = input.password || generatePassword();
  if (input.password) {
    const problem = passwordProblem(input.password, input.username, input.role);
    if (problem) throw new AppError('VALIDATION', problem.replace('新密码', '密码'));
  }
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    if (await usernameTaken(trx, input.username)) throw new AppError('CONFLICT', `用户名“${input.username}”已被使用`);
    const row = await insertUser(trx, {
      username: input.username,
      displayName: input.displayName ?? '',
      passwordHash: hash,
      role: input.role,
      regionCode: input.regionCode,
      unit: input.unit || null,
    });
    const [user] = await viewsOf(trx, [row]);
    await appendAudit(trx, actor, {
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      countyCode: user.regionCode.slice(0, 6),
      after: auditedUser(user),
    });
    return { user, password };
  });
}

export async function updateUser(db: Kysely<Tables>, actor: AuditActor, scope: string | null, id: number, patch: UpdateUserInput): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const [before] = await viewsOf(trx, [row]);
    const role = patch.role ?? row.role;
    const regionCode = patch.regionCode ?? row.region_code;
    if (patch.role !== undefined || patch.regionCode !== undefined) await assertRegion(trx, regionCode, scope, role);
    if (
      actor.userId === Number(row.id) &&
      ((patch.role && patch.role !== row.role) || patch.active === false || (patch.regionCode && patch.regionCode !== row.region_code))
    ) {
      throw new AppError('CONFLICT', '不能修改自己的角色、辖区或停用自己的账号，请由其他管理员操作');
    }
    const unit = patch.unit === undefined ? (row.unit ?? null) : patch.unit || null;
    if (role === 'unit' && !unit) throw new AppError('VALIDATION', '项目单位人员须填写所在单位（主管单位或实施单位）');
    const active = patch.active ?? row.active;
    if (row.role === 'admin' && row.active && (role !== 'admin' || !active) && !(await countOtherActiveAdmins(trx, Number(row.id)))) {
      throw new AppError('CONFLICT', '这是最后一个可用的系统管理员账号，不能停用或改为其他角色');
    }
    const updated = await updateUserRow(trx, Number(row.id), { displayName: patch.displayName ?? row.display_name, role, regionCode, unit, active });
    if (!active) await deleteUserSessions(trx, Number(row.id));
    const [after] = await viewsOf(trx, [updated]);
    await appendAudit(trx, actor, {
      action: 'user.update',
      entityType: 'user',
      entityId: row.id,
      countyCode: regionCode.slice(0, 6),
      before: auditedUser(before),
      after: auditedUser(after),
    });
    return after;
  });
}

/** A new random password, shown once; the user must change it at the next login; their sessions end. */
export async function resetPassword(db: Kysely<Tables>, actor: AuditActor, scope: string | null, id: number): Promise<{ user: UserView; password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const updated = await setResetPassword(trx, Number(row.id), hash);
    await deleteUserSessions(trx, Number(row.id));
    await appendAudit(trx, actor, {
      action: 'user.reset_password',
      entityType: 'user',
      entityId: row.id,
      countyCode: row.region_code.slice(0, 6),
      detail: { username: row.username },
    });
    return { user: (await viewsOf(trx, [updated]))[0], password };
  });
}

export async function unlockUser(db: Kysely<Tables>, actor: AuditActor, scope: string | null, id: number): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const updated = await clearLock(trx, Number(row.id));
    await appendAudit(trx, actor, {
      action: 'user.unlock',
      entityType: 'user',
      entityId: row.id,
      countyCode: row.region_code.slice(0, 6),
      detail: { username: row.username, lockedUntil: row.locked_until },
    });
    return (await viewsOf(trx, [updated]))[0];
  });
}

export async function getUser(db: Kysely<Tables>, scope: string | null, id: number): Promise<UserView> {
  return (await viewsOf(db, [await getRow(db, id, scope)]))[0];
}

/** Every role with its name, description and permissions. */
export async function listRoles(db: Kysely<Tables>): Promise<RoleView[]> {
  const d = await roleDescriptions(db);
  return ROLES.map((code) => ({
    code,
    name: ROLE_NAMES[code],
    description: d.get(code) ?? '',
    canUnmask: canUnmask({ role: code }),
    permissions: [...ROLE_PERMISSIONS[code]].map((p) => ({ code: p, name: PERMISSIONS[p] })),
  }));
}
