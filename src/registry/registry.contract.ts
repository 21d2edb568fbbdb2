// Request and answer shapes of /api/registry (search, person and household pages, the region
// tree, dynamic adjustment, roster import and export): one zod schema is one type for the
// server, the web app and other capabilities. The Chinese labels of its codes live here too. Pure.
import { FIELD_LABELS } from '../shared/audit-labels.ts';
import { z } from 'zod';

export const ADJUSTMENT_KINDS = ['add', 'remove', 'update', 'split', 'merge', 'change_head', 'move'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];
export const KIND_NAMES: Record<AdjustmentKind, string> = {
  add: '核增',
  remove: '核减',
  update: '信息变更',
  split: '分户',
  merge: '并户',
  change_head: '户主变更',
  move: '迁移（村间）',
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
export const PersonChanges = z
  .object({
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
  })
  .partial();
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
  z.object({
    kind: z.literal('add'),
    householdNo: text(40).min(1, '户编号不能为空'),
    newHousehold: z.object({ villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'), groupName: text(40).default('') }).nullish(),
    persons: z.array(PersonInput).min(1, '至少核增一人').max(30),
    ...common,
  }),
  z.object({ kind: z.literal('remove'), personIds: z.array(personId).min(1, '请选择核减人员').max(30), ...common }),
  z.object({ kind: z.literal('update'), personId, changes: PersonChanges, ...common }),
  z.object({
    kind: z.literal('split'),
    householdNo: text(40).min(1),
    personIds: z.array(personId).min(1, '请选择分出的人员'),
    newHouseholdNo: text(40).min(1, '新户编号不能为空'),
    newHeadId: personId,
    remainingHeadId: personId.nullish(),
    villageCode: z
      .string()
      .regex(/^\d{12}$/)
      .nullish(),
    groupName: text(40).nullish(),
    relations: relationsMap,
    ...common,
  }),
  z.object({ kind: z.literal('merge'), householdNo: text(40).min(1), intoHouseholdNo: text(40).min(1), relations: relationsMap, ...common }),
  z.object({
    kind: z.literal('change_head'),
    householdNo: text(40).min(1),
    newHeadId: personId,
    oldHeadRelation: relation,
    relations: relationsMap,
    ...common,
  }),
  z.object({
    kind: z.literal('move'),
    householdNo: text(40).min(1),
    villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'),
    groupName: text(40).nullish(),
    ...common,
  }),
]);
export type AdjustmentInput = z.infer<typeof AdjustmentInput>;

/** Field labels: one table for the registry, its history and the audit log. */
export const FIELD_NAMES: Record<string, string> = FIELD_LABELS;

/** Reasons offered for a 核增 (the form's list; a reason is free text on the server). */
export const ADD_REASONS = ['新出生', '婚姻迁入', '漏登补录', '核减错误恢复', '其他'] as const;

// ---- search, person and household pages, regions ------------------------------------------

const flag = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])])
  .optional()
  .transform((v) => v === true || v === '1' || v === 'true');
const pageNo = z.coerce.number().int().min(1).default(1);
const pageSize = z.coerce.number().int().min(1).max(200).default(20);
const nullableDate = z.string().nullable();

export const IdParam = z.object({ id: z.coerce.number().int().positive() });
export const HouseholdParam = z.object({ no: z.string().min(1).max(40) });
export const UnmaskQuery = z.object({ unmask: flag });

export const SearchQuerystring = z.object({
  q: z.string().max(60).optional(),
  name: z.string().max(40).optional(),
  nameMatch: z.enum(['exact', 'prefix', 'contains']).optional(),
  idNumber: z.string().max(30).optional(),
  idTail: z.string().max(6).optional(),
  householdNo: z.string().max(40).optional(),
  villageCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  townshipName: z.string().max(40).optional(),
  groupName: z.string().max(40).optional(),
  status: z.enum(['正常', '已核减']).optional(),
  category: z.enum(CATEGORIES).optional(),
  unmask: flag,
  page: pageNo,
  pageSize,
});
export const PersonListItem = z.object({
  id: z.number(),
  householdNo: z.string(),
  name: z.string(),
  idNumber: z.string(),
  idValid: z.boolean(),
  sex: z.string().nullable(),
  birthDate: nullableDate,
  relation: z.string(),
  villageCode: z.string(),
  townshipName: z.string(),
  villageName: z.string(),
  groupName: z.string(),
  category: z.string().nullable(),
  status: z.string(),
  removalDate: nullableDate,
  removalReason: z.string().nullable(),
  supportStart: nullableDate,
  supportEnd: nullableDate,
  phone: z.string(),
  accountNo: z.string(),
});
export type PersonListItemView = z.infer<typeof PersonListItem>;
export const SearchResponse = z.object({
  total: z.number(),
  totalCapped: z.boolean(),
  page: z.number(),
  pageSize: z.number(),
  items: z.array(PersonListItem),
  masked: z.boolean(),
  interpretedAs: z.string(),
});
export const HistoryItem = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  what: z.string(),
  why: z.string(),
  source: z.enum(['audit', 'adjustment']),
  adjustmentId: z.number().nullable(),
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});
export type HistoryItemView = z.infer<typeof HistoryItem>;
export const PersonPageResponse = z.object({
  person: PersonListItem.extend({ idNumberRaw: z.string(), reservoir: z.string(), moveDate: nullableDate }),
  account: z.object({ accountNo: z.string(), bankName: z.string(), holderName: z.string() }).nullable(),
  support: z.object({ start: nullableDate, end: nullableDate, endIsDefault: z.boolean() }),
  household: z.object({ householdNo: z.string(), members: z.array(PersonListItem) }),
  history: z.array(HistoryItem),
  masked: z.boolean(),
});
export type PersonPageView = z.infer<typeof PersonPageResponse>;
export const HouseholdPageResponse = z.object({
  householdNo: z.string(),
  villageCode: z.string(),
  groupName: z.string(),
  townshipName: z.string(),
  villageName: z.string(),
  head: z.object({ id: z.number(), name: z.string() }).nullable(),
  members: z.array(PersonListItem),
  history: z.array(HistoryItem),
  masked: z.boolean(),
});
export type HouseholdPageView = z.infer<typeof HouseholdPageResponse>;
// four fixed levels (county → township → village → group): no recursive schema in the OpenAPI document
const regionNode = <L extends RegionNodeView['level'], C extends z.ZodType>(level: L, children: C) =>
  z.object({
    code: z.string(),
    level: z.literal(level),
    name: z.string(),
    active: z.number(),
    removed: z.number(),
    children,
  });
const GroupNode = regionNode('group', z.array(z.never()));
const VillageNode = regionNode('village', z.array(GroupNode));
const TownshipNode = regionNode('township', z.array(VillageNode));
export const RegionTreeResponse = regionNode('county', z.array(TownshipNode));
/** One node of the region tree at any level, as the tree pages walk it. */
export interface RegionNodeView {
  code: string;
  level: 'county' | 'township' | 'village' | 'group';
  name: string;
  active: number;
  removed: number;
  children: RegionNodeView[];
}
// the fixed-depth answer is a tree of RegionNodeView: checked when this file compiles
const _treeIsRegionNode: (t: z.infer<typeof RegionTreeResponse>) => RegionNodeView = (t) => t;
void _treeIsRegionNode;
export const FiguresResponse = z.object({
  regionCode: z.string(),
  year: z.number(),
  households: z.number(),
  persons: z.number(),
  active: z.number(),
  removed: z.number(),
  removedThisYear: z.number(),
  pendingAdjustments: z.number(),
});

// ---- dynamic adjustment ---------------------------------------------------------------------

export const AdjustmentSchema = z.object({
  id: z.number(),
  kind: z.enum(ADJUSTMENT_KINDS),
  kindName: z.string(),
  status: z.enum(ADJUSTMENT_STATUSES),
  statusName: z.string(),
  townshipCode: z.string(),
  townships: z.array(z.string()),
  householdNo: z.string().nullable(),
  personIds: z.array(z.number()),
  summary: z.string(),
  reason: z.string(),
  effectiveDate: nullableDate,
  remarks: z.string(),
  payload: z.record(z.string(), z.unknown()),
  enteredBy: z.number(),
  enteredByName: z.string(),
  enteredAt: z.string(),
  updatedAt: z.string(),
  decidedBy: z.number().nullable(),
  decidedByName: z.string(),
  decidedAt: nullableDate,
  decisionNote: z.string(),
  warnings: z.array(z.string()),
  fileCount: z.number(),
  selfApproved: z.boolean().describe('由录入人本人审批（本县内控设置允许单人办理时）'),
});
export type AdjustmentItemView = z.infer<typeof AdjustmentSchema>;
const Fields = z.record(z.string(), z.unknown());
/** One change approval will write (the server's PlanOp, before/after as plain field maps). */
export const PlanOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('insertHousehold'), householdNo: z.string(), after: Fields }),
  z.object({ op: z.literal('updateHousehold'), householdNo: z.string(), before: Fields, after: Fields }),
  z.object({ op: z.literal('deleteHousehold'), householdNo: z.string(), before: Fields }),
  z.object({ op: z.literal('insertPerson'), after: Fields }),
  z.object({ op: z.literal('updatePerson'), personId: z.number(), before: Fields, after: Fields }),
]);
export type PlanOpView = z.infer<typeof PlanOpSchema>;
export const PlanSchema = z.object({
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  ops: z.array(PlanOpSchema),
  townshipCode: z.string().nullable(),
  householdNo: z.string().nullable(),
  personIds: z.array(z.number()),
  townships: z.array(z.string()),
});
export type AdjustmentPlanView = z.infer<typeof PlanSchema>;
export const FileSchema = z.object({ id: z.number(), filename: z.string(), mime: z.string(), size: z.number(), sha256: z.string(), uploadedAt: z.string() });
export const FileParams = z.object({ id: z.coerce.number().int().positive(), fileId: z.coerce.number().int().positive() });
export const AdjustmentListQuery = z.object({
  status: z.enum(ADJUSTMENT_STATUSES).optional(),
  kind: z.enum(ADJUSTMENT_KINDS).optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  personId: z.coerce.number().int().positive().optional(),
  householdNo: z.string().max(40).optional(),
  page: pageNo,
  pageSize,
});
export const AdjustmentList = z.object({ total: z.number(), items: z.array(AdjustmentSchema) });
export const AdjustmentSaved = z.object({ adjustment: AdjustmentSchema, warnings: z.array(z.string()) });
export const AdjustmentDetail = z.object({ adjustment: AdjustmentSchema, files: z.array(FileSchema), preview: PlanSchema.nullable() });
export const AdjustmentApproved = z.object({ adjustment: AdjustmentSchema, personIds: z.array(z.number()), warnings: z.array(z.string()) });
export const AdjustmentDecided = z.object({ adjustment: AdjustmentSchema });
export const NoteBody = z.object({ note: z.string().max(1000).default('') });
export const ReturnBody = z.object({ note: z.string().trim().min(1, '请填写退回意见').max(1000) });

// ---- roster import and export ---------------------------------------------------------------

export const ImportId = z.object({ id: z.string().uuid() });
export const ImportStarted = z.object({ id: z.string(), jobId: z.string() });
export const ImportPreviewRow = z.object({
  rowNumber: z.number(),
  householdNo: z.string(),
  name: z.string(),
  idNumber: z.string(),
  villageCode: z.string(),
  status: z.string(),
  changes: z.array(z.object({ field: z.string(), label: z.string(), before: z.unknown(), after: z.unknown() })).nullable(),
});
export const IMPORT_PROBLEM_KINDS = ['rejected', 'corrected', 'error', 'warning'] as const;
export const IMPORT_PROBLEM_LABELS: Record<(typeof IMPORT_PROBLEM_KINDS)[number], string> = {
  rejected: '拒绝',
  corrected: '已更正',
  error: '错误',
  warning: '提示',
};
export const ImportProblem = z.object({
  rowNumber: z.number(),
  column: z.string(),
  value: z.string(),
  reason: z.string(),
  severity: z.enum(IMPORT_PROBLEM_KINDS),
});
export const ImportCounts = z.object({
  read: z.number(),
  added: z.number(),
  changed: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  corrected: z.number(),
  errors: z.number(),
  warnings: z.number(),
  notInFile: z.number(),
});
export const ImportView = z.object({
  id: z.string(),
  filename: z.string(),
  status: z.string(),
  error: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
  createdBy: z.number().nullable(),
  appliedBy: z.number().nullable(),
  selfApplied: z.boolean().describe('由上传人本人确认导入（本县内控设置允许单人办理时）'),
  format: z.string(),
  encoding: z.string(),
  sha256: z.string(),
  counts: ImportCounts.nullable(),
  warnings: z.array(z.string()),
  added: z.array(ImportPreviewRow),
  changed: z.array(ImportPreviewRow),
  problems: z.array(ImportProblem),
  rejected: z.array(ImportProblem),
  totals: z.object({ added: z.number(), changed: z.number(), problems: z.number(), rejected: z.number() }),
  offset: z.number(),
  limit: z.number(),
});
export const ImportViewQuery = z.object({ offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(200) });
export const ImportListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const ImportList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      filename: z.string(),
      status: z.string(),
      error: z.string(),
      createdAt: z.string(),
      appliedAt: z.string().nullable(),
      counts: ImportCounts.nullable(),
    }),
  ),
});
export const ExportQuery = z.object({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  village: z
    .string()
    .regex(/^\d{12}$/, '村代码应为12位数字')
    .optional(),
  township: z
    .string()
    .regex(/^\d{9}$/, '乡镇代码应为9位数字')
    .optional(),
  status: z.enum(['正常', '已核减']).optional(),
  q: z.string().max(60).optional(),
  /** 0: masked even for a role that may see personal data */
  unmask: z.enum(['0', '1', 'true', 'false']).optional(),
});
