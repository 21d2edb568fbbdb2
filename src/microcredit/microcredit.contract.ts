// The microcredit API's shapes, once: every request and response of /api/microcredit, their
// Chinese labels and the error messages. Zod only (the web app imports this file too).
import { z } from 'zod';

export const RUN_STATES = ['computed', 'reviewed', 'published', 'paid'] as const;
export const RUN_STATE_NAMES: Record<(typeof RUN_STATES)[number], string> = { computed: '计算', reviewed: '审核', published: '公示', paid: '发放' };
export const HANDLING_NAMES = ['还清', '续贷', '展期', '逾期', '未到期'] as const;
export const EVENT_KINDS = ['还清', '续贷', '展期', '逾期'] as const;
/** the figures a loan list can be drilled from (GET /microcredit/loans?drill=) */
export const DRILLS = ['outstanding', 'issued', 'repaid', 'renewed', 'extended', 'overdue'] as const;
export const DRILL_NAMES: Record<(typeof DRILLS)[number], string> = {
  outstanding: '在贷',
  issued: '期间发放',
  repaid: '期间还款',
  renewed: '期间续贷',
  extended: '期间展期',
  overdue: '逾期',
};
export const LOAN_STATUSES = ['all', 'outstanding', 'overdue', 'repaid'] as const;
export const LOAN_STATUS_NAMES: Record<(typeof LOAN_STATUSES)[number], string> = { all: '全部', outstanding: '在贷', overdue: '逾期', repaid: '已还清' };

export const MESSAGES = {
  NO_BOOK: '尚未导入贷款台账，请先导入银行的贷款台账、还款记录和贴息利率表',
  RUN_NOT_FOUND: '贴息批次不存在',
  LOAN_NOT_FOUND: '贷款不存在或不在本辖区',
  RUN_LOCKED: '该季度贴息已审核，不能重新计算',
  SAME_USER: '审核人不能是计算人：请由另一位工作人员审核',
  BAD_STATE: (from: string, action: string) => `贴息批次当前为“${from}”，不能${action}`,
  COUNTY_ONLY: '该操作须由县级用户办理',
  FILES_MISSING: '请同时上传贷款台账、还款记录和贴息利率表三个文件',
} as const;

const Iso = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为YYYY-MM-DD');
const Fen = z.number().int();
export const QuarterText = z.string().regex(/^\d{4}Q[1-4]$/, '季度应为如2020Q2');
const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
export const Ok = z.object({ ok: z.literal(true) });

export const Rejection = z.object({ file: z.string(), row: z.number().int(), reason: z.string() });
export const ImportResult = z.object({
  importId: z.number().int().nullable(),
  unchanged: z.boolean(),
  dryRun: z.boolean(),
  loans: z.number().int(),
  repayments: z.number().int(),
  rates: z.number().int(),
  rejected: z.array(Rejection),
  changes: z.record(z.string(), z.number()),
});
export const ImportQuery = z.object({ dryRun: flag });
export const ImportItem = z.object({
  id: z.number().int(),
  filenames: z.record(z.string(), z.string()),
  loans: z.number().int(),
  repayments: z.number().int(),
  rates: z.number().int(),
  changes: z.record(z.string(), z.number()),
  importedName: z.string(),
  importedAt: z.string(),
});
export const ImportList = z.object({ imports: z.array(ImportItem) });
export const ImportDetail = ImportItem.extend({ rejected: z.array(Rejection) });

export const LoanView = z.object({
  loanNo: z.string(),
  idNumber: z.string(),
  name: z.string(),
  villageCode: z.string(),
  bank: z.string(),
  kind: z.string(),
  issuedOn: Iso,
  dueOn: Iso,
  extendedTo: Iso.nullable(),
  amountFen: Fen,
  balanceFen: Fen,
  repaidFen: Fen,
  paidOffOn: Iso.nullable(),
  overdue: z.boolean(),
  renewedBy: z.string().nullable(),
});
export const LoansQuery = z.object({
  q: z.string().max(40).optional(),
  townshipCode: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  bank: z.string().max(40).optional(),
  status: z.enum(LOAN_STATUSES).default('all'),
  asOf: Iso.optional(),
  /** the loans behind one figure of /microcredit/figures (same from, to, asOf) */
  drill: z.enum(DRILLS).optional(),
  from: Iso.optional(),
  to: Iso.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  unmask: flag,
});
export const LoanList = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  masked: z.boolean(),
  asOf: Iso,
  loans: z.array(LoanView),
});

export const LoanEvent = z.object({
  id: z.number().int(),
  kind: z.string(),
  onDate: Iso,
  note: z.string(),
  createdName: z.string(),
  createdAt: z.string(),
  fromImport: z.boolean(),
});
export const LoanDetail = z.object({
  loan: LoanView,
  masked: z.boolean(),
  renewedFrom: z.string().nullable(),
  repayments: z.array(z.object({ on: Iso, amountFen: Fen, balanceFen: Fen, row: z.number().int() })),
  events: z.array(LoanEvent),
  subsidies: z.array(
    z.object({
      quarter: z.string(),
      state: z.string(),
      days: z.number().int(),
      productFen: Fen,
      rate: z.string(),
      subsidyFen: Fen,
      overdue: z.boolean(),
      note: z.string(),
    }),
  ),
});
export const LoanParam = z.object({ loanNo: z.string().min(1).max(60) });
export const LoanQuery = z.object({ asOf: Iso.optional(), unmask: flag });
export const EventBody = z.object({ kind: z.enum(EVENT_KINDS), onDate: Iso, note: z.string().min(1, '请填写处理情况').max(500) });
export const EventCreated = LoanEvent.pick({ id: true });

export const PeriodQuery = z.object({ from: Iso, to: Iso, asOf: Iso.optional() });
export const DueLoanView = LoanView.extend({ handling: z.enum(HANDLING_NAMES) });
export const DueList = z.object({ from: Iso, to: Iso, asOf: Iso, counts: z.record(z.string(), z.number().int()), loans: z.array(DueLoanView) });
export const OverdueQuery = z.object({ asOf: Iso.optional() });
export const OverdueList = z.object({ asOf: Iso, total: z.number().int(), balanceFen: Fen, loans: z.array(LoanView) });
export const BalancesQuery = z.object({ asOf: Iso.optional(), by: z.enum(['township', 'bank']).default('township') });
export const Balances = z.object({
  asOf: Iso,
  by: z.string(),
  groups: z.array(z.object({ key: z.string(), name: z.string(), loans: z.number().int(), balanceFen: Fen, loanNos: z.array(z.string()) })),
});

const Drill = z.object({ loans: z.number().int(), loanNos: z.array(z.string()) });
export const Figures = z.object({
  asOf: Iso,
  from: Iso,
  to: Iso,
  outstanding: Drill.extend({ balanceFen: Fen }),
  issued: Drill.extend({ amountFen: Fen }),
  repaid: Drill.extend({ amountFen: Fen }),
  renewed: Drill,
  extended: Drill,
  overdue: Drill.extend({ balanceFen: Fen }),
  subsidyByQuarter: z.array(z.object({ runId: z.number().int(), quarter: z.string(), state: z.string(), loans: z.number().int(), subsidyFen: Fen })),
});
export const MonthlyQuery = z.object({ from: z.string().regex(/^\d{4}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}$/) });
export const Monthly = z.object({ points: z.array(z.object({ month: z.string(), loans: z.number().int(), balanceFen: Fen })) });

export const RunView = z.object({
  id: z.number().int(),
  quarter: z.string(),
  state: z.enum(RUN_STATES),
  stateName: z.string(),
  importId: z.number().int(),
  loans: z.number().int(),
  subsidyFen: Fen,
  overdue: z.number().int(),
  batchNo: z.string(),
  computedName: z.string(),
  computedAt: z.string(),
  reviewedName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
});
export const RunList = z.object({ runs: z.array(RunView) });
export const ComputeBody = z.object({ quarter: QuarterText });
export const RunParam = z.object({ id: z.coerce.number().int().positive() });
export const LinesQuery = z.object({
  overdue: flag,
  q: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  unmask: flag,
});
export const SubsidyLineView = z.object({
  loanNo: z.string(),
  idNumber: z.string(),
  name: z.string(),
  villageCode: z.string(),
  bank: z.string(),
  days: z.number().int(),
  productFen: Fen,
  rate: z.string(),
  subsidyFen: Fen,
  overdue: z.boolean(),
  note: z.string(),
});
export const RunLines = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  masked: z.boolean(),
  lines: z.array(SubsidyLineView),
});
export const NoticeQuery = z.object({ format: z.enum(['html', 'xlsx']).default('html') });
export const BankFileQuery = z.object({ template: z.string().max(40).default('generic') });

export type ImportResultT = z.infer<typeof ImportResult>;
export type LoanViewT = z.infer<typeof LoanView>;
export type LoanDetailT = z.infer<typeof LoanDetail>;
export type DueListT = z.infer<typeof DueList>;
export type RunViewT = z.infer<typeof RunView>;
export type RunLinesT = z.infer<typeof RunLines>;
export type FiguresT = z.infer<typeof Figures>;
export type BalancesT = z.infer<typeof Balances>;
export type MonthlyT = z.infer<typeof Monthly>;
export type OverdueListT = z.infer<typeof OverdueList>;
export type ImportListT = z.infer<typeof ImportList>;
