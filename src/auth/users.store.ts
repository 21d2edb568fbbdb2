// User accounts in the database. Every change is audited in the same transaction.
// Used by /api/users and by `anju users`; `scope` is the manager's region (null on the command line).
import { sql, type Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { isWithin } from '../shared/region.ts';
import { generatePassword, hashPassword, passwordProblem } from './password.ts';
import { deleteUserSessions, type UserRow } from './session.store.ts';
import { auditedUser, regionProblem, userView } from './users.ts';
import type { CreateUserInput, UpdateUserInput, UserView } from './auth.contract.ts';
import type { Role } from './permissions.ts';

async function regionNames(db: Kysely<any>, codes: string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(codes)];
  if (!uniq.length) return new Map();
  const r = await sql<{ code: string; name: string }>`
    SELECT code, name FROM regions WHERE code = ANY(${uniq}::text[])
    UNION ALL SELECT code, name FROM counties WHERE code = ANY(${uniq}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, x.name]));
}

async function viewsOf(db: Kysely<any>, rows: UserRow[]): Promise<UserView[]> {
  const names = await regionNames(db, rows.map((r) => r.region_code));
  return rows.map((r) => userView(r, names.get(r.region_code) ?? ''));
}

/** The account, if it lies inside `scope`; NOT_FOUND otherwise (outside the scope it does not exist for you). */
async function getRow(db: Kysely<any>, id: number, scope: string | null, forUpdate = false): Promise<UserRow> {
  const r = forUpdate
    ? await sql<UserRow>`SELECT * FROM users WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<UserRow>`SELECT * FROM users WHERE id = ${id}`.execute(db);
  const row = r.rows[0];
  if (!row || (scope && !isWithin(row.region_code, scope))) throw new AppError('NOT_FOUND', '用户不存在');
  return row;
}

export async function findUserByName(db: Kysely<any>, username: string): Promise<UserView | null> {
  const r = await sql<UserRow>`SELECT * FROM users WHERE username = ${username}`.execute(db);
  return r.rows[0] ? (await viewsOf(db, r.rows))[0] : null;
}

export interface UserFilter { q?: string; role?: Role; active?: boolean; page?: number; pageSize?: number }

export async function listUsers(db: Kysely<any>, scope: string | null, f: UserFilter = {}): Promise<{ items: UserView[]; total: number }> {
  const page = f.page ?? 1;
  const size = f.pageSize ?? 1000;
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  const where = sql`WHERE (${scope}::text IS NULL OR region_code LIKE ${(scope ?? '') + '%'})
    AND (${like}::text IS NULL OR username ILIKE ${like} OR display_name ILIKE ${like})
    AND (${f.role ?? null}::text IS NULL OR role = ${f.role ?? null})
    AND (${f.active ?? null}::boolean IS NULL OR active = ${f.active ?? null})`;
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users ${where}`.execute(db);
  const rows = await sql<UserRow>`SELECT * FROM users ${where} ORDER BY region_code, username LIMIT ${size} OFFSET ${(page - 1) * size}`.execute(db);
  return { items: await viewsOf(db, rows.rows), total: Number(total.rows[0].n) };
}

async function assertRegion(db: Kysely<any>, regionCode: string, scope: string | null, role: string) {
  const problem = regionProblem(regionCode, scope, role);
  if (problem) throw new AppError('VALIDATION', problem);
  // when the county's townships are on file, a township must be one of them
  if (regionCode.length === 9) {
    const known = await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE county_code = ${regionCode.slice(0, 6)} AND level = 'township'`.execute(db);
    if (Number(known.rows[0].n) > 0) {
      const hit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE code = ${regionCode}`.execute(db);
      if (!Number(hit.rows[0].n)) throw new AppError('VALIDATION', `乡镇代码“${regionCode}”不在本县的区划中`);
    }
  }
}

export async function createUser(db: Kysely<any>, actor: AuditActor, scope: string | null, input: CreateUserInput): Promise<{ user: UserView; password: string }> {
  await assertRegion(db, input.regionCode, scope, input.role);
  if (input.role === 'unit' && !input.unit) throw new AppError('VALIDATION', '项目单位人员须填写所在单位（主管单位或实施单位）');
  const password = input.password || generatePassword();
  if (input.password) {
    const problem = passwordProblem(input.password, input.username, input.role);
    if (problem) throw new AppError('VALIDATION', problem.replace('新密码', '密码'));
  }
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const exists = await sql`SELECT 1 FROM users WHERE username = ${input.username}`.execute(trx);
    if (exists.rows.length) throw new AppError('CONFLICT', `用户名“${input.username}”已被使用`);
    const r = await sql<UserRow>`INSERT INTO users (username, display_name, password_hash, role, region_code, unit, must_change_password)
      VALUES (${input.username}, ${input.displayName ?? ''}, ${hash}, ${input.role}, ${input.regionCode}, ${input.unit || null}, true) RETURNING *`.execute(trx);
    const [user] = await viewsOf(trx, r.rows);
    await appendAudit(trx, actor, { action: 'user.create', entityType: 'user', entityId: user.id, countyCode: user.regionCode.slice(0, 6), after: auditedUser(user) });
    return { user, password };
  });
}

export async function updateUser(db: Kysely<any>, actor: AuditActor, scope: string | null, id: number, patch: UpdateUserInput): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const [before] = await viewsOf(trx, [row]);
    const role = patch.role ?? row.role;
    const regionCode = patch.regionCode ?? row.region_code;
    if (patch.role !== undefined || patch.regionCode !== undefined) await assertRegion(trx, regionCode, scope, role);
    if (actor.userId === Number(row.id) && ((patch.role && patch.role !== row.role) || patch.active === false || (patch.regionCode && patch.regionCode !== row.region_code))) {
      throw new AppError('CONFLICT', '不能修改自己的角色、辖区或停用自己的账号，请由其他管理员操作');
    }
    const unit = patch.unit === undefined ? (row.unit ?? null) : patch.unit || null;
    if (role === 'unit' && !unit) throw new AppError('VALIDATION', '项目单位人员须填写所在单位（主管单位或实施单位）');
    const active = patch.active ?? row.active;
    if (row.role === 'admin' && row.active && (role !== 'admin' || !active)) {
      const admins = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active AND id <> ${row.id}`.execute(trx);
      if (!Number(admins.rows[0].n)) throw new AppError('CONFLICT', '这是最后一个可用的系统管理员账号，不能停用或改为其他角色');
    }
    const r = await sql<UserRow>`UPDATE users SET display_name = ${patch.displayName ?? row.display_name}, role = ${role},
      region_code = ${regionCode}, unit = ${unit}, active = ${active} WHERE id = ${row.id} RETURNING *`.execute(trx);
    if (!active) await deleteUserSessions(trx, Number(row.id));
    const [after] = await viewsOf(trx, r.rows);
    await appendAudit(trx, actor, { action: 'user.update', entityType: 'user', entityId: row.id, countyCode: regionCode.slice(0, 6), before: auditedUser(before), after: auditedUser(after) });
    return after;
  });
}

/** A new random password, shown once; the user must change it at the next login; their sessions end. */
export async function resetPassword(db: Kysely<any>, actor: AuditActor, scope: string | null, id: number): Promise<{ user: UserView; password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const r = await sql<UserRow>`UPDATE users SET password_hash = ${hash}, must_change_password = true, failed_attempts = 0, locked_until = NULL, lock_level = 0
      WHERE id = ${row.id} RETURNING *`.execute(trx);
    await deleteUserSessions(trx, Number(row.id));
    await appendAudit(trx, actor, { action: 'user.reset_password', entityType: 'user', entityId: row.id, countyCode: row.region_code.slice(0, 6), detail: { username: row.username } });
    return { user: (await viewsOf(trx, r.rows))[0], password };
  });
}

export async function unlockUser(db: Kysely<any>, actor: AuditActor, scope: string | null, id: number): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const row = await getRow(trx, id, scope, true);
    const r = await sql<UserRow>`UPDATE users SET failed_attempts = 0, locked_until = NULL, lock_level = 0 WHERE id = ${row.id} RETURNING *`.execute(trx);
    await appendAudit(trx, actor, { action: 'user.unlock', entityType: 'user', entityId: row.id, countyCode: row.region_code.slice(0, 6), detail: { username: row.username, lockedUntil: row.locked_until } });
    return (await viewsOf(trx, r.rows))[0];
  });
}

export async function getUser(db: Kysely<any>, scope: string | null, id: number): Promise<UserView> {
  return (await viewsOf(db, [await getRow(db, id, scope)]))[0];
}

/**
 * An account that exists only to name who entered and approved demo records: disabled, with a
 * password field no password verifies against. Re-running keeps the one account of that name.
 */
export async function ensureRecordOnlyUser(db: Kysely<any>, u: { username: string; displayName: string; role: string; regionCode: string }): Promise<number> {
  const r = await sql<{ id: number }>`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password, active)
    VALUES (${u.username}, ${u.displayName}, '!demo-no-login', ${u.role}, ${u.regionCode}, false, false)
    ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`.execute(db);
  return Number(r.rows[0].id);
}
