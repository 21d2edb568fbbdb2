// The auth capability's contract: request and answer of /api/auth, /api/users, /api/roles,
// /api/controls and /api/audit, with the Chinese names of roles and audit codes. One zod
// schema is one type, for the server, the web app and the CLI.
import { z } from 'zod';

export const ROLES = ['admin', 'county', 'township', 'finance', 'leader', 'auditor', 'rural', 'unit'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  county: '县中心业务股',
  township: '乡镇移民专干',
  finance: '财务',
  leader: '领导',
  auditor: '审计/巡察',
  rural: '乡村振兴业务',
  unit: '项目单位',
};

/** The answer of a change that returns nothing else. */
export const Ok = z.object({ ok: z.literal(true) });
export const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const SessionUserSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  regionCode: z.string(),
  countyCode: z.string(),
  mustChangePassword: z.boolean(),
  unit: z.string().nullable().optional(),
});

export const MeResponse = z.object({
  user: SessionUserSchema.extend({ roleName: z.string() }),
  csrfToken: z.string(),
  permissions: z.array(z.string()),
  canUnmask: z.boolean(),
  countyName: z.string(),
  regionName: z.string(),
});
export type MeResponse = z.infer<typeof MeResponse>;
export type SessionUserView = z.infer<typeof SessionUserSchema>;

export const LoginBody = z.object({ username: z.string().min(1, '请输入用户名').max(64), password: z.string().min(1, '请输入密码').max(256) });
export const ChangePasswordBody = z.object({ oldPassword: z.string().min(1, '请输入原密码').max(256), newPassword: z.string().max(256) });

export const UserView = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  roleName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  /** 主管单位 / 实施单位 the user works for (project scope), or null */
  unit: z.string().nullable(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  /** locked out after failed logins, until lockedUntil */
  locked: z.boolean(),
  lockedUntil: z.string().nullable(),
  failedAttempts: z.number(),
  createdAt: z.string(),
  passwordChangedAt: z.string().nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const UserListQuery = z.object({
  q: z.string().max(64).optional(),
  role: z.enum(ROLES).optional(),
  active: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export const UserList = z.object({ items: z.array(UserView), total: z.number() });
export type UserList = z.infer<typeof UserList>;

export const USERNAME_RULE = /^[\p{L}\p{N}_.-]{2,32}$/u;
export const CreateUserBody = z.object({
  username: z.string().trim().regex(USERNAME_RULE, '用户名为2～32个字母、数字、汉字或 _ . -'),
  displayName: z.string().trim().max(64).default(''),
  role: z.enum(ROLES, { message: '角色不正确' }),
  regionCode: z.string().trim(),
  unit: z.string().trim().max(60).nullable().optional(),
  /** when absent, a random one is generated and returned once */
  password: z.string().max(128).optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z.object({
  displayName: z.string().trim().max(64).optional(),
  role: z.enum(ROLES, { message: '角色不正确' }).optional(),
  regionCode: z.string().trim().optional(),
  unit: z.string().trim().max(60).nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserBody>;

/** A new or reset password is returned exactly once, here. */
export const UserWithPassword = z.object({ user: UserView, password: z.string() });
export type UserWithPassword = z.infer<typeof UserWithPassword>;

export const RoleView = z.object({
  code: z.enum(ROLES),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.object({ code: z.string(), name: z.string() })),
  canUnmask: z.boolean(),
});
export const RoleList = z.array(RoleView);
export type RoleView = z.infer<typeof RoleView>;

/** The county's control settings (separation of duties). */
export const ControlsView = z.object({ countyCode: z.string(), allowSelfApproval: z.boolean() });
export type ControlsView = z.infer<typeof ControlsView>;
export const ControlsBody = z.object({
  allowSelfApproval: z.boolean(),
  reason: z.string().trim().min(1, '请填写修改原因（例如：本县只有一名业务人员）').max(500),
});

export const AuditQuery = z.object({
  from: z.string().optional(), // ISO date or timestamp, inclusive
  to: z.string().optional(), // ISO date (whole day included) or timestamp, exclusive
  userId: z.coerce.number().int().optional(),
  username: z.string().max(64).optional(), // prefix, any case
  action: z.string().max(64).optional(), // prefix: 'auth.' or 'user.create'
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  /** 1: before/after unmasked (roles that may unmask; audited) */
  unmask: z.enum(['0', '1', 'true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntryView = z.object({
  seq: z.number(),
  at: z.string(),
  userId: z.number().nullable(),
  username: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  countyCode: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  detail: z.unknown(),
  userName: z.string(),
  actionName: z.string(),
  entityName: z.string(),
  summary: z.string(),
  changes: z.array(z.object({ field: z.string(), label: z.string(), before: z.string(), after: z.string() })),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;
export const AuditPage = z.object({ items: z.array(AuditEntryView), total: z.number(), page: z.number(), pageSize: z.number() });
export type AuditPage = z.infer<typeof AuditPage>;
export const AuditVerifyResponse = z.object({
  ok: z.boolean(),
  entries: z.number(),
  brokenAt: z.number().optional(),
  reason: z.string().optional(),
  /** first entry chained with the key (null: the chain is not keyed) */
  keyedFrom: z.number().nullable().optional(),
  /** hash of the last entry, for an anchor */
  head: z.string().optional(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponse>;

export { ACTION_LABELS, ENTITY_LABELS } from '../shared/audit-labels.ts';
