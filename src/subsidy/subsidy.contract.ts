// Request and response shapes of /api/subsidy (settings, bank templates, payment rolls, their
// lines, bank file, bank results, failures, notice lists): one zod schema is one type for the
// server, the web app and the CLI. The Chinese labels of the roll's codes live here too.
import { z } from 'zod';

// ---- codes and their labels ----------------------------------------------------------------

export const PAYROLL_STATUSES = ['draft', 'reviewed', 'exported', 'results_imported', 'closed'] as const;
export type PayrollStatus = (typeof PAYROLL_STATUSES)[number];
export const STATUS_NAMES: Record<PayrollStatus, string> = {
  draft: '草稿',
  reviewed: '已审核',
  exported: '已导出银行文件',
  results_imported: '已导入回盘',
  closed: '已关闭',
};

export const PAYROLL_KINDS = ['regular', 'supplementary'] as const;
export type PayrollKind = (typeof PAYROLL_KINDS)[number];
export const KIND_NAMES: Record<PayrollKind, string> = { regular: '正常发放', supplementary: '补发' };

export const LINE_RESULTS = ['pending', 'success', 'failure'] as const;
export type LineResult = (typeof LINE_RESULTS)[number];
export const RESULT_NAMES: Record<LineResult, string> = { pending: '待发放', success: '成功', failure: '失败' };

export const LINE_FLAGS = ['no_account', 'invalid_id', 'duplicate_registry', 'head_account'] as const;
export type LineFlag = (typeof LINE_FLAGS)[number];
export const FLAG_NAMES: Record<string, string> = {
  no_account: '无银行账号',
  invalid_id: '身份证号无效',
  duplicate_registry: '花名册重复登记',
  head_account: '使用户主账户',
} satisfies Record<LineFlag, string>;

export const ACCOUNT_SOURCES = ['own', 'head', 'none'] as const;

/** the bank template fields and their Chinese names */
export const BANK_FIELDS = {
  period: '发放期间',
  idNumber: '身份证号',
  name: '姓名',
  amount: '金额',
  result: '发放结果',
  accountNo: '银行账号',
  holderName: '持卡人姓名',
  bankName: '开户银行',
  payDate: '发放日期',
  batchNo: '批次号',
  householdNo: '户编号',
  villageCode: '村代码',
  villageName: '村',
  townshipName: '乡镇',
  lineNo: '序号',
  blank: '（空列）',
} as const;
export type BankField = keyof typeof BANK_FIELDS;

// ---- settings -------------------------------------------------------------------------------

const IsoDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '生效日期应为YYYY-MM-DD');
export const PeriodText = z.string().regex(/^\d{4}(H[12])?$/, '发放期间应为如2025或2025H1');

export const SubsidySettingsSchema = z.object({
  standardFen: z.number().int(),
  periodKind: z.enum(['annual', 'half-year']),
  termYears: z.number().int(),
  accountFallback: z.enum(['own', 'head']),
});
export const SettingRowSchema = z.object({ key: z.string(), effectiveFrom: z.string(), value: z.unknown() });
export const SettingsQuery = z.object({ date: z.string().optional() });
export const SettingsView = z.object({
  rows: z.array(SettingRowSchema),
  keys: z.object({ standardFen: z.string(), periodKind: z.string(), termYears: z.string(), accountFallback: z.string() }),
  defaults: SubsidySettingsSchema,
  inForce: SubsidySettingsSchema,
});
export const SettingsBody = z.object({
  effectiveFrom: IsoDateText,
  values: z.object({
    standardFen: z.number().int().positive().optional(),
    periodKind: z.enum(['annual', 'half-year']).optional(),
    termYears: z.number().int().min(1).max(50).optional(),
    accountFallback: z.enum(['own', 'head']).optional(),
  }),
});
export const SettingsSaved = z.object({ rows: z.array(SettingRowSchema), inForce: SubsidySettingsSchema });

// ---- bank templates ------------------------------------------------------------------------

export const bankTemplateSchema = z.object({
  code: z.string().regex(/^[a-z0-9_-]{1,40}$/, '模板代码只能用小写字母、数字、-和_'),
  name: z.string().min(1).max(60),
  container: z.enum(['csv', 'xlsx']),
  encoding: z.enum(['utf-8', 'gb18030']),
  /** UTF-8 CSV with a byte-order mark (Excel opens it correctly) */
  bom: z.boolean().default(true),
  /** yuan with 2 decimals (600.00), or integer fen (60000) */
  amountFormat: z.enum(['yuan', 'fen']).default('yuan'),
  columns: z
    .array(z.object({ header: z.string().min(1).max(40), field: z.enum(Object.keys(BANK_FIELDS) as [BankField, ...BankField[]]) }))
    .min(1)
    .max(40),
});
export type BankTemplate = z.infer<typeof bankTemplateSchema>;
export const TemplateList = z.object({ templates: z.array(bankTemplateSchema.extend({ builtin: z.boolean() })) });
/** checked by the store (bankTemplateSchema), so a wrong template gets a Chinese message listing every problem */
export const TemplateBody = z.record(z.string(), z.unknown());
export const TemplateSaved = z.object({ template: bankTemplateSchema });

// ---- rolls -----------------------------------------------------------------------------------

const When = z.string().nullable();
export const PayrollCounts = z.object({
  pending: z.number(),
  success: z.number(),
  failure: z.number(),
  successFen: z.number(),
  failureFen: z.number(),
  noAccount: z.number(),
});
export const PayrollSchema = z.object({
  id: z.number(),
  countyCode: z.string(),
  batchNo: z.string(),
  period: z.string(),
  kind: z.enum(PAYROLL_KINDS),
  status: z.enum(PAYROLL_STATUSES),
  asOf: z.string(),
  rules: SubsidySettingsSchema,
  persons: z.number(),
  totalFen: z.number(),
  excluded: z.number(),
  remarks: z.string(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  reviewedBy: z.number().nullable(),
  reviewedAt: When,
  /** who rebuilt the draft last (a builder too: may not review it) */
  rebuiltBy: z.number().nullable(),
  /** reviewed by its builder, under the county's audited allowSelfApproval setting */
  selfReviewed: z.boolean(),
  exportedAt: When,
  resultsAt: When,
  closedAt: When,
  counts: PayrollCounts.optional(),
});
export type Payroll = z.infer<typeof PayrollSchema>;
/** a roll as the pages show it: with the names of its status and kind */
export const PayrollView = PayrollSchema.extend({ statusName: z.string(), kindName: z.string() });
export const PayrollList = z.object({ payrolls: z.array(PayrollView) });
export const PayrollsQuery = z.object({ period: PeriodText.optional() });
export const BuildBody = z.object({ period: PeriodText, kind: z.enum(PAYROLL_KINDS).default('regular'), remarks: z.string().max(500).optional() });
export const IdParam = z.object({ id: z.coerce.number().int().positive() });
export const Deleted = z.object({ ok: z.literal(true) });

export const PaymentLineSchema = z.object({
  lineNo: z.number(),
  period: z.string(),
  personId: z.number().nullable(),
  idNumber: z.string(),
  idValid: z.boolean(),
  name: z.string(),
  householdNo: z.string(),
  villageCode: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  villageName: z.string(),
  supportStart: z.string().nullable(),
  supportEnd: z.string().nullable(),
  months: z.number(),
  standardFen: z.number(),
  amountFen: z.number(),
  reason: z.string(),
  accountSource: z.enum(ACCOUNT_SOURCES),
  accountNo: z.string(),
  bankName: z.string(),
  holderName: z.string(),
  flags: z.array(z.string()),
  result: z.enum(LINE_RESULTS),
  resultReason: z.string(),
  paidDate: z.string().nullable(),
});
export type PaymentLine = z.infer<typeof PaymentLineSchema>;
/** a line as shown: ID and account masked unless asked for, with the names of its result and flags */
export const LineView = PaymentLineSchema.extend({ resultName: z.string(), flagNames: z.array(z.string()) });

const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
export const LinesQuery = z.object({
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  villageCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  result: z.enum(LINE_RESULTS).optional(),
  flag: z.enum(LINE_FLAGS).optional(),
  q: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  unmask: flag,
});
export const LinePage = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), masked: z.boolean(), lines: z.array(LineView) });

export const ExclusionsQuery = z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(100) });
export const Exclusion = z.object({ idNumber: z.string(), personId: z.number().nullable(), name: z.string(), villageCode: z.string(), reason: z.string() });
export const ExclusionList = z.object({ items: z.array(Exclusion) });

export const SubtotalView = z.object({
  code: z.string(),
  name: z.string(),
  township: z.string(),
  persons: z.number(),
  amountFen: z.number(),
  success: z.number(),
  successFen: z.number(),
  failure: z.number(),
  failureFen: z.number(),
  pending: z.number(),
});
export type Subtotal = z.infer<typeof SubtotalView>;
export const Subtotals = z.object({ townships: z.array(SubtotalView), villages: z.array(SubtotalView) });

export const PersonPayment = LineView.extend({ payrollId: z.number(), batchNo: z.string(), kind: z.string(), kindName: z.string() });
export const PersonPayments = z.object({ payments: z.array(PersonPayment) });

export const BankFileQuery = z.object({ template: z.string().max(40).default('generic') });
export const ResultsQuery = z.object({ template: z.string().max(40).optional() });
export const ImportSummarySchema = z.object({
  fileId: z.number(),
  alreadyImported: z.boolean(),
  rows: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  unchanged: z.number(),
  unknown: z.array(z.object({ rowNumber: z.number(), idNumber: z.string(), name: z.string() })),
  missing: z.number(),
  problems: z.array(z.object({ rowNumber: z.number(), column: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

export const FailuresQuery = z.object({ period: PeriodText, unmask: flag });
export const FailureLine = LineView.extend({ payrollId: z.number(), batchNo: z.string() });
export const FailureList = z.object({ period: z.string(), total: z.number(), masked: z.boolean(), lines: z.array(FailureLine) });

export const NoticeQuery = z.object({
  format: z.enum(['html', 'xlsx']).default('html'),
  villageCode: z
    .string()
    .regex(/^\d{9,12}$/)
    .optional(),
});
