// The funds pages' calls and shapes: every answer is checked against the server's contract
// (src/funds/funds.contract.ts), whose schemas and labels these are, so page and server cannot
// drift apart.
import type { z } from 'zod';
import { api } from '../../shared/api.ts';
import * as C from '../../../../src/funds/funds.contract.ts';
import type {
  BatchPageView,
  BatchSummaryView,
  DispatchView,
  EntryKindCode,
  FundEntryView,
  ImportResultView,
  OverviewView,
  RemainingView,
  ReversalView,
  YearPlanView,
} from '../../../../src/funds/funds.contract.ts';

export type { BatchPageView, BatchSummaryView, DispatchView, FundEntryView, ImportResultView, OverviewView, RemainingView, ReversalView, YearPlanView };
export type EntryKind = EntryKindCode;
export type PlanUse = (typeof C.PLAN_USE_LIST)[number];
export type BatchInput = z.input<typeof C.BatchBody>;
export const { KIND_LABELS, ENTRY_KINDS, FUND_LEVELS, FUND_CATEGORIES, PLAN_USE_LIST, LEDGER_CSV_NAMES, LEDGER_UPLOAD } = C;

type AsOf = string | null | undefined;
const batchPath = (batchNo: string) => `/funds/batches/${encodeURIComponent(batchNo)}`;

/** The ledger's files in one request, each in the field `file` (one workbook or the five CSV files). */
function ledgerForm(files: readonly File[]): FormData {
  const fd = new FormData();
  for (const f of files) fd.append('file', f, f.name);
  return fd;
}

export const fundsApi = {
  batches: (asOf: AsOf, signal?: AbortSignal) => api.get(C.BatchList, '/funds/batches', { asOf }, signal),
  batch: (batchNo: string, asOf: AsOf, signal?: AbortSignal) => api.get(C.BatchPage, batchPath(batchNo), { asOf }, signal),
  createBatch: (body: BatchInput) => api.post(C.FundBatch, '/funds/batches', body),
  plan: (year: number, signal?: AbortSignal) => api.get(C.YearPlan, `/funds/plans/${year}`, undefined, signal),
  savePlan: (year: number, body: z.input<typeof C.YearPlanBody>) => api.put(C.YearPlan, `/funds/plans/${year}`, body),
  entries: (query: Partial<Record<keyof z.input<typeof C.EntriesQuery>, string | number>>, signal?: AbortSignal) =>
    api.get(C.EntryList, '/funds/entries', query, signal),
  enter: (body: z.input<typeof C.EntryBody>) => api.post(C.FundEntry, '/funds/entries', body),
  remaining: (query: { batchNo: string; projectNo?: string }, signal?: AbortSignal) => api.get(C.Remaining, '/funds/remaining', query, signal),
  projectOptions: (q: string, signal?: AbortSignal) => api.get(C.ProjectOptions, '/funds/project-options', { q }, signal),
  requestReversal: (entryId: number, body: z.input<typeof C.ReversalBody>) => api.post(C.ReversalRequest, `/funds/entries/${entryId}/reversal`, body),
  reversals: (status: z.input<typeof C.ReversalsQuery>['status'], signal?: AbortSignal) => api.get(C.ReversalList, '/funds/reversals', { status }, signal),
  decideReversal: (id: number, body: z.input<typeof C.DecisionBody>) => api.post(C.ReversalRequest, `/funds/reversals/${id}/decision`, body),
  uploadFile: (file: File) => api.upload(C.StoredFile, '/funds/files', { file }),
  importPreview: (files: readonly File[]) => api.request(C.ImportResult, '/funds/import/preview', { method: 'POST', body: ledgerForm(files) }),
  importConfirm: (files: readonly File[], sha256: string) =>
    api.request(C.ImportResult, '/funds/import', { method: 'POST', query: { sha256 } satisfies z.input<typeof C.ImportQuery>, body: ledgerForm(files) }),
  overview: (asOf: AsOf, signal?: AbortSignal) => api.get(C.Overview, '/funds/overview', { asOf }, signal),
  dispatch: (asOf: AsOf, signal?: AbortSignal) => api.get(C.Dispatch, '/funds/dispatch', { asOf }, signal),
};

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
