// Request and response shapes of the project life cycle routes (/api/funds/projects…), with the
// Chinese labels of their codes. One schema is one type for the server, the web app and the CLI.
import { z } from 'zod';
import { STAGES, PROCUREMENT_MODES, ACCEPTANCE_CONCLUSIONS, EVALUATION_GRADES, DOC_KINDS } from './project-lifecycle.ts';
import { PROJECT_CATEGORIES } from './ledger.types.ts';

export { STAGES, STAGE_NAMES, STAGE_DATE_NAMES, PROCUREMENT_MODE_NAMES, DOC_KINDS, ACCEPTANCE_CONCLUSIONS, EVALUATION_GRADES } from './project-lifecycle.ts';
export type { Stage, StageData } from './project-lifecycle.ts';
export { PROJECT_CATEGORIES };
export const STAGE_STATUS_NAMES = { pending: '待审批', approved: '已通过', returned: '已退回' } as const;
/** the marks a project list can be narrowed to, in the order the page offers them */
export const PROJECT_FLAG_NAMES = { pending: '待审批', overdue: '逾期', stalled: '停滞' } as const;
/** 单个材料上限：照片和扫描件足够，整本图纸请分册上传 */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** shown in the browser (inline) rather than downloaded */
export const PREVIEW_MIMES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为YYYY-MM-DD');
const fen = z.number().int('金额应为整数（分）').min(0, '金额不能为负');
const text = (max: number) => z.string().trim().max(max);

export const StageCode = z.enum(STAGES);
export const ProjectNoParam = z.object({ projectNo: z.string().min(1).max(60) });
export const ProjectItemParam = ProjectNoParam.extend({ id: z.coerce.number().int().positive() });

export const LibraryDataSchema = z.object({
  villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'),
  category: z.enum(PROJECT_CATEGORIES, { message: '项目类别不正确' }),
  keyVillage: z.boolean(),
  households: z.number().int().min(0),
  persons: z.number().int().min(0),
  supportPersons: z.number().int().min(0),
  supportFundFen: fen,
  countyMatchFen: fen,
  selfRaisedFen: fen,
});

export const StageDataSchema = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('library'), library: LibraryDataSchema }),
  z.object({ stage: z.literal('approval'), docNo: text(80).min(1, '请填写立项批复文号') }),
  z.object({ stage: z.literal('design'), summary: text(500).optional() }),
  z.object({
    stage: z.literal('procurement'),
    mode: z.enum(PROCUREMENT_MODES),
    contractor: text(100).optional(),
    contractFen: z.number().int().positive().optional(),
  }),
  z.object({ stage: z.literal('started') }),
  z.object({ stage: z.literal('completed') }),
  z.object({
    stage: z.literal('accepted'),
    group: text(300),
    conclusion: z.enum(ACCEPTANCE_CONCLUSIONS),
    rectifications: z
      .array(z.object({ item: text(300), deadline: date }))
      .max(50)
      .default([]),
  }),
  z.object({ stage: z.literal('handover'), keeper: text(100) }),
  z.object({ stage: z.literal('evaluated'), grade: z.enum(EVALUATION_GRADES), score: z.number().min(0).max(100).optional() }),
]);

export const SubmitStageBody = z.object({
  data: StageDataSchema,
  date,
  note: text(1000).default(''),
  documentIds: z.array(z.number().int().positive()).max(50).default([]),
});
export type SubmitStageBody = z.infer<typeof SubmitStageBody>;

/** 新建项目: the ledger row and its task decomposition; the library entry follows on its page. */
export const NewProjectBody = z.object({
  projectNo: text(60).min(1, '请填写项目编号'),
  name: text(100).min(1, '请填写项目名称'),
  year: z.number().int().min(2000).max(2100),
  villageCode: z.string().regex(/^\d{12}$/, '村代码应为12位数字'),
  category: z.enum(PROJECT_CATEGORIES, { message: '项目类别不正确' }),
  plannedFen: z.number().int().positive('计划投资应大于0'),
  unit: text(100).nullable().default(null),
  supervisingUnit: text(100).nullable().default(null),
  leader: text(40).nullable().default(null),
});
export type NewProjectBody = z.infer<typeof NewProjectBody>;

export const DecisionBody = z.object({ note: text(1000).default('') });
export const ReturnBody = z.object({ note: text(1000).min(1, '请填写退回原因') });
export const ProgressBody = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/, '月份应为YYYY-MM'),
  percent: z.number().int().min(0).max(100),
  note: text(1000).default(''),
  problems: text(1000).default(''),
  nextStep: text(1000).default(''),
  documentIds: z.array(z.number().int().positive()).max(30).default([]),
});
export const PlansBody = z.object({ plans: z.array(z.object({ stage: StageCode, plannedOn: date.nullable() })).max(STAGES.length) });
export const TaskBody = z.object({ leader: text(40).nullable(), supervisingUnit: text(100).nullable(), unit: text(100).nullable() });
export const CloseRectificationBody = z.object({
  closedOn: date,
  note: text(1000).min(1, '请填写整改情况'),
  documentIds: z.array(z.number().int().positive()).max(20).default([]),
});
export const DocumentQuery = z.object({ kind: z.enum(DOC_KINDS, { message: '材料类别不正确' }) });

export const ProjectListQuery = z.object({
  township: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  category: z.enum(PROJECT_CATEGORIES).optional(),
  year: z.coerce.number().int().optional(),
  /** a stage, or `none` for projects not yet in the library */
  stage: z.union([StageCode, z.literal('none')]).optional(),
  flag: z.enum(['overdue', 'stalled', 'pending']).optional(),
  q: z.string().max(60).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ProjectListQuery = z.infer<typeof ProjectListQuery>;

const Overdue = z.object({ stage: StageCode, plannedOn: z.string(), days: z.number() }).nullable();
const Stalled = z.object({ since: z.string(), days: z.number() }).nullable();

export const ProjectListItem = z.object({
  projectNo: z.string(),
  name: z.string(),
  year: z.number(),
  villageCode: z.string(),
  villageName: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  category: z.string(),
  plannedFen: z.number(),
  unit: z.string().nullable(),
  supervisingUnit: z.string().nullable(),
  leader: z.string().nullable(),
  stage: StageCode.nullable(),
  pendingStage: StageCode.nullable(),
  lastPercent: z.number().nullable(),
  overdue: Overdue,
  stalled: Stalled,
});
export type ProjectListItem = z.infer<typeof ProjectListItem>;
export const ProjectList = z.object({ items: z.array(ProjectListItem), total: z.number(), asOf: z.string() });
export type ProjectListView = z.infer<typeof ProjectList>;

export const DocumentView = z.object({
  id: z.number(),
  kind: z.string(),
  filename: z.string(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  previewable: z.boolean(),
  stageId: z.number().nullable(),
  progressId: z.number().nullable(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
});
export type DocumentView = z.infer<typeof DocumentView>;

export const StageView = z.object({
  id: z.number(),
  stage: StageCode,
  status: z.enum(['pending', 'approved', 'returned']),
  date: z.string(),
  data: z.record(z.string(), z.unknown()),
  note: z.string(),
  enteredBy: z.string(),
  enteredById: z.number(),
  enteredAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string(),
  documents: z.array(DocumentView),
});
export type StageView = z.infer<typeof StageView>;

export const ProgressView = z.object({
  id: z.number(),
  month: z.string(),
  percent: z.number(),
  note: z.string(),
  problems: z.string(),
  nextStep: z.string(),
  reportedOn: z.string(),
  enteredBy: z.string(),
  photos: z.array(DocumentView),
});
export const RectificationView = z.object({
  id: z.number(),
  item: z.string(),
  deadline: z.string(),
  closedOn: z.string().nullable(),
  closedBy: z.string().nullable(),
  closingNote: z.string(),
  overdue: z.boolean(),
});
export const PlanView = z.object({ stage: StageCode, plannedOn: z.string(), reachedOn: z.string().nullable() });

export const ProjectDetail = ProjectListItem.extend({
  startedOn: z.string().nullable(),
  completedOn: z.string().nullable(),
  acceptedOn: z.string().nullable(),
  profile: z
    .object({
      keyVillage: z.boolean(),
      households: z.number().nullable(),
      persons: z.number().nullable(),
      supportPersons: z.number().nullable(),
      supportFundFen: z.number().nullable(),
      countyMatchFen: z.number().nullable(),
      selfRaisedFen: z.number().nullable(),
    })
    .nullable(),
  stages: z.array(StageView),
  plans: z.array(PlanView),
  progress: z.array(ProgressView),
  rectifications: z.array(RectificationView),
  documents: z.array(DocumentView),
  nextStage: StageCode.nullable(),
  /** the documents the next stage needs (for procurement: by mode) */
  nextDocs: z.record(z.string(), z.array(z.string())),
  may: z.object({ enter: z.boolean(), approve: z.boolean(), plan: z.boolean() }),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

export const StageResult = z.object({ stage: StageView, project: ProjectDetail });
export const OkProject = z.object({ project: ProjectDetail });
