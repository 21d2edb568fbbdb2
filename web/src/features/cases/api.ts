// Calls of the cross-check, cases and recovery pages, each with its answer's schema from the
// server's contract (src/cases/cases.contract.ts): types, finding labels and the 核减 rule are
// the contract's, never restated here.
import type { z } from 'zod';
import { api, download, type Query } from '../../shared/api.ts';
import * as C from '../../../../src/cases/cases.contract.ts';

export type StoredInput = z.infer<typeof C.StoredInputSchema>;
export type Run = z.infer<typeof C.RunSchema>;
export type Finding = z.infer<typeof C.FindingSchema>;
export type Case = z.infer<typeof C.CaseSchema>;
export type RecoveryItem = z.infer<typeof C.RecoveryItemSchema>;
export type RecoveryTotal = z.infer<typeof C.RecoveryTotalSchema>;
export type VerifyBody = z.input<typeof C.VerifyBody>;
export type InstalmentBody = z.input<typeof C.InstalmentBody>;
export {
  FINDING_CODES,
  FINDING_LABELS,
  INPUT_KINDS,
  INPUT_KIND_LABELS,
  CASE_STATUSES,
  VERDICTS,
  VERDICT_LABELS,
  RUN_STATUS_LABELS,
  canBecomeRemoval,
  type FindingCode,
  type InputKind,
  type CaseStatus,
} from '../../../../src/cases/cases.contract.ts';

export const casesApi = {
  inputs: (signal?: AbortSignal) => api.get(C.InputList, '/crosscheck/inputs', undefined, signal),
  upload: (kind: z.infer<typeof C.InputQuery>['kind'], file: File) => api.upload(C.UploadedInput, `/crosscheck/inputs?kind=${kind}`, { file }),
  runs: (signal?: AbortSignal) => api.get(C.RunList, '/crosscheck/runs', undefined, signal),
  startRun: (body: z.input<typeof C.RunBody>) => api.post(C.RunSchema, '/crosscheck/runs', body),
  findings: (runId: number, query: Query, signal?: AbortSignal) => api.get(C.FindingPage, `/crosscheck/runs/${runId}/findings`, query, signal),
  findingsCsv: (runId: number) => download(`/crosscheck/runs/${runId}/findings.csv`),
  cases: (query: Query, signal?: AbortSignal) => api.get(C.CasePage, '/cases', query, signal),
  verify: (id: number, body: VerifyBody) => api.post(C.CaseSchema, `/cases/${id}/verify`, body),
  removal: (id: number, body: z.input<typeof C.RemovalBody>) => api.post(C.RemovalMade, `/cases/${id}/removal`, body),
  recovery: (query: Query, signal?: AbortSignal) => api.get(C.RecoveryPage, '/recovery', query, signal),
  recoveryTotals: (signal?: AbortSignal) => api.get(C.RecoveryTotals, '/recovery/totals', undefined, signal),
  addInstalment: (id: number, body: InstalmentBody) => api.post(C.RecoveryItemSchema, `/recovery/${id}/instalments`, body),
  requestWriteOff: (id: number, reason: string) => api.post(C.RecoveryItemSchema, `/recovery/${id}/writeoff-request`, { reason }),
  approveWriteOff: (id: number) => api.post(C.RecoveryItemSchema, `/recovery/${id}/writeoff-approve`),
  // for other features, through index.tsx: the person page's cases and the home page's figures
  personCases: (personId: number, signal?: AbortSignal) => api.get(C.PersonCases, `/cases/persons/${personId}`, undefined, signal),
  dashboard: (year?: number, signal?: AbortSignal) => api.get(C.Dashboard, '/subsidy/dashboard', { year }, signal),
};
export type Dashboard = z.infer<typeof C.Dashboard>;
