// Shapes and helpers of the funds pages: the types come from the server's contract
// (src/funds/funds.contract.ts), so page and server cannot drift apart.
import type {
  BatchSummaryView, DispatchView, FundEntryView, ImportResultView, OverviewView,
} from '../../../../src/funds/funds.contract.ts';

export type { BatchSummaryView, DispatchView, FundEntryView, ImportResultView, OverviewView };
export type EntryKind = FundEntryView['kind'];
export const KIND_LABELS: Record<EntryKind, string> = { allocation: '资金安排', disbursement: '拨付', reimbursement: '报账' };

export interface RateTable { by: string; asOf: string | null; headers: string[]; rows: string[][] }
export interface Remaining { batchFen: number; batchAllocatedFen: number; unallocatedFen: number; allocatedFen: number; disbursedFen: number; reimbursedFen: number; toDisburseFen: number; toReimburseFen: number }
export interface YearPlan { year: number; batchesFen: number; plannedFen: number; balanced: boolean; parts: Record<'直补' | '项目' | '培训宣传' | '其他', number> }

/** A rate as the tables write it ('37.50'), shown with its sign; empty stays a dash. */
export const rateText = (r: string) => (r === '' ? '—' : `${r}%`);

/** Yuan typed by a person → fen, exactly (no floating point); null when not an amount with at most 2 decimals. */
export function yuanToFen(text: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.replace(/[,，\s]/g, ''));
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** The link to the entries behind a figure. */
export function entriesLink(f: { batchNo?: string; projectNo?: string; kind?: EntryKind; townshipCode?: string; unit?: string; to?: string | null }): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return `/funds/entries?${p.toString()}`;
}
