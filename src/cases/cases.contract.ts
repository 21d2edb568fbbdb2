// Request and response shapes of /api/crosscheck (uploads, runs, findings), /api/cases (verify,
// turn into 核减), /api/recovery (the ledger) and the subsidy dashboard: one zod schema is one
// type for the server and the web app. The run and finding schemas live here, not in
// crosscheck: a run is a database record of this capability (its routes, its tables); the
// engine's own codes, labels and the 核减 rule come from crosscheck.contract.ts.
import { z } from 'zod';
import {
  FINDING_CODES,
  FINDING_LABELS,
  REMOVABLE_CODES,
  DEATH_CODES,
  canBecomeRemoval,
  FindingCodeSchema,
  FindingSchema,
  SummarySchema,
  type FindingCode,
} from '../crosscheck/crosscheck.contract.ts';

export { FINDING_CODES, FINDING_LABELS, REMOVABLE_CODES, DEATH_CODES, canBecomeRemoval, type FindingCode };

// ---- codes and their labels ----------------------------------------------------------------

export const INPUT_KINDS = ['deaths', 'hukou', 'other_roster', 'payments'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];
export const INPUT_KIND_LABELS: Record<InputKind, string> = {
  deaths: '死亡人员名单',
  hukou: '户籍人口信息',
  other_roster: '其他县花名册',
  payments: '发放明细',
};

export const RUN_STATUSES = ['running', 'done', 'failed'] as const;
export const RUN_STATUS_LABELS: Record<(typeof RUN_STATUSES)[number], string> = { running: '运行中', done: '完成', failed: '失败' };

/** a case is 待核实 until a township officer verifies it */
export const CASE_STATUSES = ['待核实', '已核实'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const VERDICTS = ['违规', '误报'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const VERDICT_LABELS: Record<Verdict, string> = { 违规: '违规（多发金额进入追缴台账）', 误报: '误报' };

export const RECOVERY_STATUSES = ['追缴中', '已结清', '核销'] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

// ---- shared pieces -------------------------------------------------------------------------

export const IdParam = z.object({ id: z.coerce.number().int().positive() });
const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(50) };
const Problem = z.object({ rowNumber: z.number(), column: z.string(), reason: z.string() });

// ---- cross-check inputs and runs -------------------------------------------------------------

export const InputQuery = z.object({ kind: z.enum(INPUT_KINDS), label: z.string().max(60).optional() });
export const StoredInputSchema = z.object({
  id: z.number(),
  kind: z.enum(INPUT_KINDS),
  label: z.string(),
  filename: z.string(),
  sha256: z.string(),
  rows: z.number(),
  size: z.number(),
  uploadedAt: z.string(),
});
export type StoredInput = z.infer<typeof StoredInputSchema>;
export const UploadedInput = StoredInputSchema.extend({ problems: z.array(Problem), problemCount: z.number() });
export const InputList = z.object({ inputs: z.array(StoredInputSchema) });

export const RunBody = z.object({
  inputIds: z.array(z.number().int().positive()).min(1, '请先上传或选择至少一个核对文件（死亡名单、户籍信息、其他县花名册或发放明细）').max(50),
  periods: z
    .array(z.string().regex(/^\d{4}(H[12])?$/))
    .max(40)
    .optional(),
  coverage: z
    .array(z.string().regex(/^\d{6}$/))
    .max(200)
    .optional(),
});
/** what a run read: the register, the recorded payments and each uploaded file */
export const RunInput = z.looseObject({
  kind: z.string(),
  name: z.string().optional(),
  rows: z.number(),
  id: z.number().optional(),
  label: z.string().optional(),
  filename: z.string().optional(),
  sha256: z.string().optional(),
  problems: z.number().optional(),
});
export const RunSummary = SummarySchema.extend({
  newCases: z.number().optional(),
  updatedCases: z.number().optional(),
  rules: z.object({ standardFen: z.number(), termYears: z.number() }).optional(),
});
export const RunSchema = z.object({
  id: z.number(),
  status: z.enum(RUN_STATUSES),
  jobId: z.string().nullable(),
  periods: z.array(z.string()),
  inputs: z.array(RunInput),
  summary: RunSummary.nullable(),
  message: z.string(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type CrosscheckRun = z.infer<typeof RunSchema>;
export const RunList = z.object({ runs: z.array(RunSchema) });

export const FindingsQuery = z.object({ code: FindingCodeSchema.optional(), ...page, unmask: flag });
export { FindingSchema };
export const FindingPage = z.object({ total: z.number(), masked: z.boolean(), findings: z.array(FindingSchema) });

// ---- cases ----------------------------------------------------------------------------------

export const CaseSchema = z.object({
  id: z.number(),
  code: FindingCodeSchema,
  label: z.string(),
  idNumber: z.string(),
  name: z.string(),
  householdNo: z.string(),
  villageCode: z.string(),
  townshipCode: z.string(),
  periods: z.array(z.string()),
  overFen: z.number(),
  underFen: z.number(),
  explanation: z.string(),
  status: z.enum(CASE_STATUSES),
  verdict: z.enum(VERDICTS).nullable(),
  evidence: z.string(),
  remarks: z.string(),
  verifiedBy: z.number().nullable(),
  verifiedAt: z.string().nullable(),
  firstRunId: z.number(),
  lastRunId: z.number(),
  adjustmentId: z.number().nullable(),
  recoveryId: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** the death date in the evidence (death records or a dated hukou 死亡注销), for DECEASED_PAID / HUKOU_CANCELLED */
  deathDate: z.string().nullable(),
});
export type Case = z.infer<typeof CaseSchema>;
export const CasesQuery = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  verdict: z.enum(VERDICTS).optional(),
  code: FindingCodeSchema.optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  olderThanDays: z.coerce.number().int().min(1).max(3650).optional(),
  runId: z.coerce.number().int().positive().optional(),
  q: z.string().max(40).optional(),
  ...page,
  unmask: flag,
});
export const CasePage = z.object({ total: z.number(), overFen: z.number(), underFen: z.number(), masked: z.boolean(), cases: z.array(CaseSchema) });
export const UnmaskQuery = z.object({ unmask: flag });
export const PersonCases = z.object({ cases: z.array(CaseSchema) });
export const VerifyBody = z.object({
  verdict: z.enum(VERDICTS),
  evidence: z.string().min(1, '请填写核实依据').max(2000),
  remarks: z.string().max(2000).optional(),
});
export const RemovalBody = z.object({
  effectiveDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '核减日期应为YYYY-MM-DD')
    .optional()
    .describe('不填则取佐证材料记载的死亡日期'),
  keepPersonId: z.number().int().positive().optional(),
  remarks: z.string().max(1000).optional(),
});
export const RemovalMade = z.object({
  adjustmentId: z.number(),
  personIds: z.array(z.number()),
  effectiveDate: z.string(),
  evidenceDate: z.string().nullable(),
});

// ---- recovery ---------------------------------------------------------------------------------

export const Instalment = z.object({ id: z.number(), paidOn: z.string(), amountFen: z.number(), receiptNo: z.string(), enteredAt: z.string() });
export const RecoveryItemSchema = z.object({
  id: z.number(),
  caseId: z.number(),
  idNumber: z.string(),
  name: z.string(),
  villageCode: z.string(),
  townshipCode: z.string(),
  year: z.number(),
  dueFen: z.number(),
  receivedFen: z.number(),
  outstandingFen: z.number(),
  status: z.enum(RECOVERY_STATUSES),
  writeoffReason: z.string(),
  writeoffRequestedBy: z.number().nullable(),
  writeoffApprovedBy: z.number().nullable(),
  createdAt: z.string(),
  instalments: z.array(Instalment).optional(),
});
export type RecoveryItem = z.infer<typeof RecoveryItemSchema>;
export const RecoveryQuery = z.object({
  status: z.enum(RECOVERY_STATUSES).optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  year: z.coerce.number().int().optional(),
  ...page,
});
export const RecoveryPage = z.object({ total: z.number(), items: z.array(RecoveryItemSchema) });
export const YearQuery = z.object({ year: z.coerce.number().int().optional() });
export const RecoveryTotalSchema = z.object({
  townshipCode: z.string(),
  year: z.number(),
  items: z.number(),
  dueFen: z.number(),
  receivedFen: z.number(),
  writtenOffFen: z.number(),
  outstandingFen: z.number(),
  rate: z.number().nullable(),
});
export type RecoveryTotal = z.infer<typeof RecoveryTotalSchema>;
export const RecoveryTotals = z.object({ totals: z.array(RecoveryTotalSchema) });
export const InstalmentBody = z.object({ paidOn: z.string(), amountFen: z.number().int().positive(), receiptNo: z.string().min(1).max(60) });
export const WriteOffBody = z.object({ reason: z.string().min(1).max(1000) });

// ---- the subsidy dashboard ---------------------------------------------------------------------

export const DashboardQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const Dashboard = z.object({
  year: z.number(),
  paid: z.object({
    year: z.number(),
    persons: z.number(),
    paidFen: z.number(),
    successLines: z.number(),
    failedLines: z.number(),
    successRate: z.number().nullable(),
  }),
  overPayment: z.object({ cases: z.number(), foundFen: z.number(), confirmedFen: z.number(), pendingCases: z.number() }),
  recovery: z.object({ dueFen: z.number(), recoveredFen: z.number(), rate: z.number().nullable() }),
});
