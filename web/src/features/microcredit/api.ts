// The microcredit pages' shapes come from the server's contract (types only: nothing of the
// server is bundled).
export type {
  ImportResultT as ImportResult, LoanViewT as LoanView, LoanDetailT as LoanDetail, DueListT as DueList, RunViewT as RunView, RunLinesT as RunLines,
  FiguresT as Figures, BalancesT as Balances, MonthlyT as Monthly, OverdueListT as OverdueList, ImportListT as ImportList,
} from '../../../../src/microcredit/microcredit.contract.ts';

export const HANDLING_COLORS: Record<string, string> = { 还清: 'success', 续贷: 'blue', 展期: 'purple', 逾期: 'error', 未到期: 'default' };
export const RUN_COLORS: Record<string, string> = { computed: 'default', reviewed: 'processing', published: 'orange', paid: 'success' };
