// Dynamic adjustment (动态管理): the request — kinds, reasons, relations, and the zod schema
// shared by the routes, the web app and other capabilities. Pure.
import { FIELD_LABELS } from '../shared/audit-labels.ts';
import { z } from 'zod';

export const ADJUSTMENT_KINDS = ['add', 'remove', 'update', 'split', 'merge', 'change_head', 'move'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];
export const KIND_NAMES: Record<AdjustmentKind, string> = {
  add: '核增', remove: '核减', update: '信息变更', split: '分户', merge: '并户', change_head: '户主变更', move: '迁移（村间）',
};
export const ADJUSTMENT_STATUSES = ['pending', 'approved', 'returned', 'withdrawn'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];
export const STATUS_NAMES: Record<AdjustmentStatus, string> = { pending: '待审批', approved: '已批准', returned: '已退回', withdrawn: '已撤回' };

export const REMOVAL_REASONS = ['死亡', '农转非', '财政供养', '服刑', '迁出', '重复登记', '其他'] as const;
export const RELATIONS = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲', '儿媳', '女婿', '兄弟姐妹', '其他'] as const;
export const CATEGORIES = ['现状人口', '原迁人口'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD');
const relation = z.enum(RELATIONS);
const personId = z.number().int().positive();
const text = (max: number) => z.string().trim().max(max);

export const AccountInput = z.object({ accountNo: text(40).min(1), bankName: text(60).default(''), holderName: text(40).default('') });
export type AccountInput = z.infer<typeof AccountInput>;

export const PersonInput = z.object({
  name: text(40).min(1, '姓名不能为空'),
  idNumber: text(30).min(1, '身份证号不能为空'),
  sex: z.enum(['男', '女']).nullish(),
  birthDate: isoDate.nullish(),
  relation,
  category: z.enum(CATEGORIES).nullish(),
  reservoir: text(100).optional(),
  moveDate: isoDate.nullish(),
  supportStart: isoDate,
  supportEnd: isoDate.nullish(),
  phone: text(30).optional(),
  account: AccountInput.nullish(),
});
export type PersonInput = z.infer<typeof PersonInput>;

/** Fields an 信息变更 may change (status changes go through 核减). */
export const PersonChanges = z.object({
  name: text(40).min(1, '姓名不能为空'),
  idNumber: text(30).min(1, '身份证号不能为空'),
  sex: z.enum(['男', '女']).nullable(),
  birthDate: isoDate.nullable(),
  relation,
  category: z.enum(CATEGORIES).nullable(),
  reservoir: text(100),
  moveDate: isoDate.nullable(),
  supportStart: isoDate,
  supportEnd: isoDate.nullable(),
  phone: text(30),
  groupName: text(40),
  account: AccountInput.nullable(),
}).partial();
export type PersonChanges = z.infer<typeof PersonChanges>;

const common = {
  reason: text(200).default(''),
  effectiveDate: isoDate.nullish(),
  remarks: text(1000).default(''),
  /** evidence described in words (e.g. a cross-check finding) besides uploaded files */
  evidenceNote: text(500).default(''),
};
const relationsMap = z.record(z.string().regex(/^\d+$/), relation).default({});

export const AdjustmentInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), householdNo: text(40).min(1, '户编号不能为空'),
    newHousehold: z.object({ villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'), groupName: text(40).default('') }).nullish(),
    persons: z.array(PersonInput).min(1, '至少核增一人').max(30), ...common }),
  z.object({ kind: z.literal('remove'), personIds: z.array(personId).min(1, '请选择核减人员').max(30), ...common }),
  z.object({ kind: z.literal('update'), personId, changes: PersonChanges, ...common }),
  z.object({ kind: z.literal('split'), householdNo: text(40).min(1), personIds: z.array(personId).min(1, '请选择分出的人员'),
    newHouseholdNo: text(40).min(1, '新户编号不能为空'), newHeadId: personId, remainingHeadId: personId.nullish(),
    villageCode: z.string().regex(/^\d{12}$/).nullish(), groupName: text(40).nullish(), relations: relationsMap, ...common }),
  z.object({ kind: z.literal('merge'), householdNo: text(40).min(1), intoHouseholdNo: text(40).min(1), relations: relationsMap, ...common }),
  z.object({ kind: z.literal('change_head'), householdNo: text(40).min(1), newHeadId: personId, oldHeadRelation: relation, relations: relationsMap, ...common }),
  z.object({ kind: z.literal('move'), householdNo: text(40).min(1), villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'),
    groupName: text(40).nullish(), ...common }),
]);
export type AdjustmentInput = z.infer<typeof AdjustmentInput>;

/** Field labels: one table for the registry, its history and the audit log. */
export const FIELD_NAMES: Record<string, string> = FIELD_LABELS;
