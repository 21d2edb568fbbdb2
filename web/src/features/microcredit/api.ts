// The microcredit pages' calls: each names its answer's schema from the server's contract, so
// the types are the contract's and the answers are checked against it outside production.
import type { z } from 'zod';
import { api } from '../../shared/api.ts';
import * as C from '../../../../src/microcredit/microcredit.contract.ts';

export {
  DRILLS,
  DRILL_NAMES,
  EVENT_KINDS,
  LOAN_STATUSES,
  LOAN_STATUS_NAMES,
  RUN_STATES,
  RUN_STATE_NAMES,
} from '../../../../src/microcredit/microcredit.contract.ts';
export type {
  ImportResultT as ImportResult,
  LoanViewT as LoanView,
  LoanDetailT as LoanDetail,
  DueListT as DueList,
  RunViewT as RunView,
  RunLinesT as RunLines,
  FiguresT as Figures,
  BalancesT as Balances,
  MonthlyT as Monthly,
  OverdueListT as OverdueList,
  ImportListT as ImportList,
} from '../../../../src/microcredit/microcredit.contract.ts';
export type Drill = (typeof C.DRILLS)[number];
export type LoanStatus = (typeof C.LOAN_STATUSES)[number];
export type RunStep = 'review' | 'publish' | 'pay';

/** a query with paging: the numbers as the server reads them (its schema coerces the text) */
type Paged<S extends z.ZodType> = Partial<z.infer<S>>;

const loanPath = (loanNo: string) => `/microcredit/loans/${encodeURIComponent(loanNo)}`;

export const microcreditApi = {
  importBook: (files: Record<'loans' | 'repayments' | 'rates', File>, dryRun: boolean) =>
    api.upload(C.ImportResult, `/microcredit/imports${dryRun ? '?dryRun=1' : ''}`, files),
  loans: (query: Paged<typeof C.LoansQuery>, signal?: AbortSignal) => api.get(C.LoanList, '/microcredit/loans', query, signal),
  loan: (loanNo: string, signal?: AbortSignal) => api.get(C.LoanDetail, loanPath(loanNo), undefined, signal),
  recordHandling: (loanNo: string, body: z.input<typeof C.EventBody>) => api.post(C.EventCreated, `${loanPath(loanNo)}/events`, body),
  due: (query: z.input<typeof C.PeriodQuery>, signal?: AbortSignal) => api.get(C.DueList, '/microcredit/due', query, signal),
  overdue: (query: z.input<typeof C.OverdueQuery>, signal?: AbortSignal) => api.get(C.OverdueList, '/microcredit/overdue', query, signal),
  balances: (query: z.input<typeof C.BalancesQuery>, signal?: AbortSignal) => api.get(C.Balances, '/microcredit/balances', query, signal),
  monthly: (query: z.input<typeof C.MonthlyQuery>, signal?: AbortSignal) => api.get(C.Monthly, '/microcredit/monthly', query, signal),
  figures: (query: z.input<typeof C.PeriodQuery>, signal?: AbortSignal) => api.get(C.Figures, '/microcredit/figures', query, signal),
  runs: (signal?: AbortSignal) => api.get(C.RunList, '/microcredit/runs', undefined, signal),
  computeRun: (body: z.input<typeof C.ComputeBody>) => api.post(C.RunView, '/microcredit/runs', body),
  run: (id: string, signal?: AbortSignal) => api.get(C.RunView, `/microcredit/runs/${id}`, undefined, signal),
  runLines: (id: string, query: Paged<typeof C.LinesQuery>, signal?: AbortSignal) => api.get(C.RunLines, `/microcredit/runs/${id}/lines`, query, signal),
  advanceRun: (id: string, step: RunStep) => api.post(C.RunView, `/microcredit/runs/${id}/${step}`),
};

export const HANDLING_COLORS: Record<string, string> = { 还清: 'success', 续贷: 'blue', 展期: 'purple', 逾期: 'error', 未到期: 'default' };
export const RUN_COLORS: Record<string, string> = { computed: 'default', reviewed: 'processing', published: 'orange', paid: 'success' };
