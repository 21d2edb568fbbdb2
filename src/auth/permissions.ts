// Roles, what each may do, and where (region scope). Pure: the server checks every route
// with these, and the permission tests walk this table.
import { isWithin } from '../shared/region.ts';
import { ROLES, ROLE_NAMES, type Role } from './auth.contract.ts';

// the roles and their names are part of the contract (the web app shows them)
export { ROLES, ROLE_NAMES, type Role };

export const PERMISSIONS = {
  'registry.read': '查看花名册',
  'registry.import': '导入花名册',
  'registry.export': '导出花名册',
  'registry.edit': '直接修改花名册',
  'adjustment.enter': '录入动态调整',
  'adjustment.approve': '审批动态调整',
  'users.manage': '管理用户',
  'audit.read': '查看审计日志',
  'subsidy.read': '查看发放',
  'subsidy.manage': '编制发放批次、导出银行文件、导入回盘',
  'settings.manage': '修改县级设置',
  'crosscheck.run': '运行交叉核对',
  'cases.work': '核实疑似问题',
  'recovery.manage': '追缴台账',
  'quality.run': '运行数据清洗',
  'quality.rules': '维护清洗规则',
  'quality.work': '处理清洗问题',
  'reports.read': '查看报表',
  'microcredit.read': '查看小额信贷',
  'microcredit.manage': '导入贷款台账、计算贴息、公示和发放、登记贷款处理',
  'microcredit.approve': '审核贴息',
  'monitoring.read': '查看防返贫监测',
  'monitoring.enter': '录入监测户、风险、帮扶措施和走访',
  'monitoring.approve': '审核风险消除（乡镇审核、县级审定）',
  'projects.read': '查看后扶项目',
  'projects.enter': '录入项目阶段、材料和进度',
  'projects.approve': '审批项目阶段',
  'projects.plan': '维护项目计划日期和任务分解',
  'funds.read': '查看资金批次、安排、拨付、报账和调度',
  'funds.manage': '录入资金批次、安排、拨付、报账，导入资金台账',
  'funds.approve': '审批资金冲销',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const READ: Permission[] = ['registry.read', 'subsidy.read', 'reports.read', 'microcredit.read', 'funds.read', 'projects.read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(Object.keys(PERMISSIONS) as Permission[]),
  county: new Set<Permission>([
    ...READ,
    'registry.import',
    'registry.export',
    'registry.edit',
    'adjustment.enter',
    'adjustment.approve',
    'subsidy.manage',
    'settings.manage',
    'crosscheck.run',
    'cases.work',
    'recovery.manage',
    'quality.run',
    'quality.rules',
    'quality.work',
    'microcredit.manage',
    'microcredit.approve',
    'monitoring.read',
    'monitoring.enter',
    'monitoring.approve',
    'funds.manage',
    'funds.approve',
    'projects.enter',
    'projects.approve',
    'projects.plan',
  ]),
  // townships enter for their township and give the township review of a risk removal
  township: new Set<Permission>([
    ...READ,
    'registry.export',
    'adjustment.enter',
    'cases.work',
    'quality.work',
    'monitoring.read',
    'monitoring.enter',
    'monitoring.approve',
    'projects.enter',
  ]),
  finance: new Set<Permission>([...READ, 'registry.export', 'subsidy.manage', 'recovery.manage', 'microcredit.manage', 'microcredit.approve', 'funds.manage']),
  leader: new Set<Permission>([...READ, 'monitoring.read']),
  auditor: new Set<Permission>([...READ, 'audit.read', 'registry.export', 'monitoring.read']),
  // the rural-revitalisation office: monitoring and microcredit, reading the register to link people
  rural: new Set<Permission>([
    'registry.read',
    'reports.read',
    'monitoring.read',
    'monitoring.enter',
    'monitoring.approve',
    'microcredit.read',
    'microcredit.manage',
    'microcredit.approve',
  ]),
  // staff of a 主管单位 / 实施单位: their unit's projects only (SessionUser.unit)
  unit: new Set<Permission>(['projects.read', 'projects.enter']),
};

/** Roles that may see ID numbers, accounts and phones unmasked (each view is audited). */
export const UNMASK_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'county', 'township', 'finance', 'auditor', 'rural']);

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** 6-digit county or 9-digit township: everything the user sees and changes lies inside it */
  regionCode: string;
  /** the county the user works in (first 6 digits of regionCode) */
  countyCode: string;
  /** 主管单位 or 实施单位 the user works for: when set, only that unit's projects are theirs */
  unit?: string | null;
  mustChangePassword: boolean;
}

export function hasPermission(user: Pick<SessionUser, 'role'>, p: Permission): boolean {
  return ROLE_PERMISSIONS[user.role]?.has(p) ?? false;
}

/** Is a region (county, township, village code, or a person's village code) inside the user's scope? */
export function inScope(user: Pick<SessionUser, 'regionCode'>, regionCode: string): boolean {
  return isWithin(regionCode, user.regionCode);
}

export function canUnmask(user: Pick<SessionUser, 'role'>): boolean {
  return UNMASK_ROLES.has(user.role);
}

/** Is a project (its village, 主管单位 and 实施单位) the user's: inside their region and, for unit staff, their unit's? */
export function ownsProject(
  user: Pick<SessionUser, 'regionCode' | 'unit' | 'role'>,
  p: { villageCode: string; unit: string | null; supervisingUnit: string | null },
): boolean {
  if (!inScope(user, p.villageCode)) return false;
  // unit staff without a unit own nothing (an account set up half-way sees no one's projects)
  if (!user.unit) return user.role !== 'unit';
  return p.unit === user.unit || p.supervisingUnit === user.unit;
}
