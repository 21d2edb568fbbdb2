// Request and response shapes of /api/funds (the ledger in the database, money entries,
// imports, rates, the dispatch): one zod schema is one type for the server, the web app and
// the CLI. The Chinese labels of every code live here too.
import { z } from 'zod';
import { FUND_CATEGORIES, FUND_LEVELS, PROJECT_CATEGORIES, RATE_KEYS, REJECT_CODES, LEDGER_SHEETS, LEDGER_CSV_NAMES } from './ledger.types.ts';
import { ENTRY_KINDS } from './money-rules.ts';

export const KIND_LABELS: Record<(typeof ENTRY_KINDS)[number], string> = { allocation: '资金安排', disbursement: '拨付', reimbursement: '报账' };
export const RATE_KEY_NAMES = {
  batch: '按批次',
  level: '按资金级别',
  category: '按资金类别',
  'batch-year': '按批次年度',
  project: '按项目',
  township: '按乡镇',
  'project-category': '按项目类别',
  'project-year': '按项目年度',
} as const;
export const REVERSAL_STATUS_LABELS = { pending: '待审批', approved: '已冲销', rejected: '已驳回' } as const;
export { REJECT_CODES, FUND_LEVELS, FUND_CATEGORIES, ENTRY_KINDS, LEDGER_SHEETS, LEDGER_CSV_NAMES };

export const IsoDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为YYYY-MM-DD');
const Fen = z.number().int();
const BatchNo = z.string().trim().min(1, '请填写批次编号').max(60);
const ProjectNo = z.string().trim().min(1, '请填写项目编号').max(60);

// ---- batches, plan ----------------------------------------------------------------------

export const FundBatch = z.object({
  batchNo: z.string(),
  year: z.number().int(),
  level: z.enum(FUND_LEVELS),
  category: z.enum(FUND_CATEGORIES),
  docNo: z.string().nullable(),
  issuedOn: z.string(),
  amountFen: Fen,
  countsInRates: z.boolean(),
});
export const BatchBody = FundBatch.extend({
  batchNo: BatchNo,
  year: z.number().int().min(1000).max(9999),
  issuedOn: IsoDateText,
  amountFen: Fen.positive('金额应大于0'),
  docNo: z.string().trim().max(120).nullable().default(null),
  countsInRates: z.boolean().default(true),
});
export const BatchSummary = FundBatch.extend({
  allocatedFen: Fen,
  disbursedFen: Fen,
  reimbursedFen: Fen,
  balanceFen: Fen,
  disbursedRate: z.string(),
  reimbursedRate: z.string(),
  balanceRate: z.string(),
  overLimit: z.boolean(),
});
export const BatchList = z.object({ asOf: z.string().nullable(), limitBp: z.number().int(), batches: z.array(BatchSummary) });
export const BatchPage = z.object({
  asOf: z.string().nullable(),
  batch: BatchSummary,
  projects: z.array(z.object({ projectNo: z.string(), name: z.string(), townshipCode: z.string(), allocatedFen: Fen, disbursedFen: Fen, reimbursedFen: Fen })),
});

export const PLAN_USE_LIST = ['直补', '项目', '培训宣传', '其他'] as const;
export const YearPlan = z.object({
  year: z.number().int(),
  batchesFen: Fen,
  plannedFen: Fen,
  balanced: z.boolean(),
  parts: z.object({ 直补: Fen, 项目: Fen, 培训宣传: Fen, 其他: Fen }),
});
export const YearPlanBody = z.object({ parts: z.object({ 直补: Fen.min(0), 项目: Fen.min(0), 培训宣传: Fen.min(0), 其他: Fen.min(0) }) });

// ---- entries ----------------------------------------------------------------------------

export const EntryKind = z.enum(ENTRY_KINDS);
export const FundEntry = z.object({
  id: z.number(),
  kind: EntryKind,
  kindName: z.string(),
  batchNo: z.string(),
  projectNo: z.string(),
  date: z.string(),
  amountFen: Fen,
  voucherNo: z.string().nullable(),
  attachmentId: z.number().nullable(),
  reversesId: z.number().nullable(),
  note: z.string(),
  importId: z.number().nullable(),
  createdBy: z.number().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
});
export const EntryBody = z.object({
  kind: EntryKind,
  batchNo: BatchNo,
  projectNo: ProjectNo,
  date: IsoDateText,
  amountFen: Fen.refine((v) => v > 0, '金额应大于0（更正已录入的金额请申请冲销）'),
  voucherNo: z.string().trim().max(120).nullable().optional(),
  attachmentId: z.number().int().positive().nullable().optional(),
  note: z.string().max(500).optional(),
});
export const EntriesQuery = z.object({
  batchNo: z.string().max(60).optional(),
  projectNo: z.string().max(60).optional(),
  kind: EntryKind.optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  unit: z.string().max(120).optional(),
  from: IsoDateText.optional(),
  to: IsoDateText.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export const EntryList = z.object({ total: z.number(), sumFen: Fen, rows: z.array(FundEntry) });
export const RemainingQuery = z.object({ batchNo: BatchNo, projectNo: z.string().max(60).optional() });
export const Remaining = z.object({
  batchFen: Fen,
  batchAllocatedFen: Fen,
  unallocatedFen: Fen,
  allocatedFen: Fen,
  disbursedFen: Fen,
  reimbursedFen: Fen,
  toDisburseFen: Fen,
  toReimburseFen: Fen,
});
export const ProjectOption = z.object({ projectNo: z.string(), name: z.string(), townshipCode: z.string(), unit: z.string().nullable() });
export const ProjectOptions = z.object({ rows: z.array(ProjectOption) });
export const ProjectOptionsQuery = z.object({ q: z.string().max(60).default('') });

export const ReversalBody = z.object({ amountFen: Fen.positive().optional(), date: IsoDateText, reason: z.string().trim().min(2, '请写明冲销原因').max(500) });
export const ReversalRequest = z.object({
  id: z.number(),
  entryId: z.number(),
  amountFen: Fen,
  date: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  statusName: z.string(),
  requestedBy: z.number(),
  requestedAt: z.string(),
  decidedBy: z.number().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string(),
  reversingEntryId: z.number().nullable(),
});
export const ReversalList = z.object({ rows: z.array(ReversalRequest) });
export const ReversalsQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });
export const DecisionBody = z.object({ approve: z.boolean(), note: z.string().max(500).default('') });

/** A voucher attachment as stored (POST /funds/files). */
export const StoredFile = z.object({ id: z.number(), filename: z.string(), size: z.number() });

// ---- import -----------------------------------------------------------------------------

/**
 * The request of POST /funds/import/preview and /funds/import: multipart, field `file` given
 * once for an .xlsx workbook or five times for the CSV files named LEDGER_CSV_NAMES; the files
 * of one request together at most maxBytes.
 */
export const LEDGER_UPLOAD = { maxBytes: 100 * 1024 * 1024, maxFiles: 10 } as const;

export const Rejection = z.object({ sheet: z.enum(LEDGER_SHEETS), row: z.number(), code: z.string(), codeName: z.string(), reason: z.string() });
const Counts = z.object({ added: z.number(), present: z.number() });
export const ImportResult = z.object({
  sha256: z.string(),
  filename: z.string(),
  countyCode: z.string(),
  dryRun: z.boolean(),
  importId: z.number().nullable(),
  batches: Counts,
  projects: Counts.extend({ datesFilled: z.number() }),
  entries: Counts,
  regionsAdded: z.number(),
  rejected: z.array(Rejection),
});
/** `sha256` is the preview's: of the workbook, or of the five CSV files' hashes in sheet order. */
export const ImportQuery = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, '缺少预览时的文件校验值') });

// ---- rates, overview, dispatch ----------------------------------------------------------

export const RatesQuery = z.object({ by: z.enum(RATE_KEYS), asOf: IsoDateText.optional() });
export const RateTable = z.object({ by: z.enum(RATE_KEYS), asOf: z.string().nullable(), headers: z.array(z.string()), rows: z.array(z.array(z.string())) });
export const AsOfQuery = z.object({ asOf: IsoDateText.optional() });

export const Overview = z.object({
  asOf: z.string(),
  limitBp: z.number().int(),
  totals: z.object({
    issuedFen: Fen,
    allocatedFen: Fen,
    disbursedFen: Fen,
    reimbursedFen: Fen,
    balanceFen: Fen,
    disbursedRate: z.string(),
    reimbursedRate: z.string(),
    balanceRate: z.string(),
  }),
  townships: RateTable,
  townshipNames: z.record(z.string(), z.string()),
  monthly: z.array(z.object({ month: z.string(), disbursedFen: Fen, cumulativeFen: Fen, planFen: Fen })),
  batches: z.array(BatchSummary),
  warnings: z.array(z.string()),
});

export const DispatchRow = z.object({
  projectNo: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string().nullable(),
  plannedFen: Fen,
  allocatedFen: Fen,
  disbursedFen: Fen,
  reimbursedFen: Fen,
  disbursedRate: z.string(),
  reimbursedRate: z.string(),
  progressPct: z.number().nullable(),
  stage: z.string(),
  problems: z.string(),
  nextStep: z.string(),
});
export const RankingRow = z.object({
  rank: z.number(),
  key: z.string(),
  name: z.string(),
  projects: z.number(),
  allocatedFen: Fen,
  disbursedFen: Fen,
  reimbursedFen: Fen,
  disbursedRate: z.string(),
  reimbursedRate: z.string(),
  completed: z.number(),
});
export const Dispatch = z.object({
  asOf: z.string(),
  rows: z.array(DispatchRow),
  townships: z.array(RankingRow),
  units: z.array(RankingRow),
});

export const FundSettings = z.object({ limitBp: z.number().int().min(0).max(10000) });

export const Ok = z.object({ ok: z.boolean() });
export const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }) });

export type FundEntryView = z.infer<typeof FundEntry>;
export type EntryKindCode = z.infer<typeof EntryKind>;
export type BatchListView = z.infer<typeof BatchList>;
export type BatchPageView = z.infer<typeof BatchPage>;
export type YearPlanView = z.infer<typeof YearPlan>;
export type EntryListView = z.infer<typeof EntryList>;
export type RemainingView = z.infer<typeof Remaining>;
export type ReversalView = z.infer<typeof ReversalRequest>;
export type RateTableView = z.infer<typeof RateTable>;
export type BatchSummaryView = z.infer<typeof BatchSummary>;
export type OverviewView = z.infer<typeof Overview>;
export type DispatchView = z.infer<typeof Dispatch>;
export type ImportResultView = z.infer<typeof ImportResult>;
export { PROJECT_CATEGORIES };
