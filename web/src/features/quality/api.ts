// The quality feature's calls: every answer typed and (outside production) checked by the
// schemas of the server's contract (src/quality/quality.contract.ts).
import type { z } from 'zod';
import { api, type Query } from '../../shared/api.ts';
import {
  Catalogue,
  CatalogueEntry,
  ExpressionCheck,
  ImportCheck,
  Ok,
  ProblemList,
  RulePreview,
  RunSummary,
  Trend,
  type CatalogueEntryView,
  type ProblemItemView,
} from '../../../../src/quality/quality.contract.ts';

export type { CatalogueEntryView, ProblemItemView };
export type CatalogueView = z.infer<typeof Catalogue>;
export type ProblemChange = { id: number; status?: ProblemItemView['status']; reason?: string; assignedTo?: string | null };
export { PROBLEM_STATUSES, RUN_KIND_LABELS, SEVERITIES } from '../../../../src/quality/quality.contract.ts';

export const qualityApi = {
  catalogue: (signal?: AbortSignal) => api.get(Catalogue, '/quality/rules', undefined, signal),
  checkExpression: (expression: string) => api.post(ExpressionCheck, '/quality/rules/check', { expression }),
  previewRule: (body: unknown) => api.post(RulePreview, '/quality/rules/preview', body),
  saveRule: (body: unknown) => api.post(CatalogueEntry, '/quality/rules', body),
  switchRule: (code: string, enabled: boolean) => api.patch(Ok, `/quality/rules/${code}`, { enabled }),
  importCheck: (importId: string, signal?: AbortSignal) => api.get(ImportCheck, `/quality/import-check/${importId}`, undefined, signal),
  run: (asOf?: string) => api.post(RunSummary, '/quality/runs', asOf ? { asOf } : {}),
  problems: (query: Query, signal?: AbortSignal) => api.get(ProblemList, '/quality/problems', query, signal),
  changeProblem: (v: ProblemChange) => api.patch(Ok, `/quality/problems/${v.id}`, v),
  trend: (signal?: AbortSignal) => api.get(Trend, '/quality/trend', undefined, signal),
};
