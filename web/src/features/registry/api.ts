// The registry feature's calls: every answer typed and (outside production) checked by the
// schemas of the server's contract (src/registry/registry.contract.ts).
import type { z } from 'zod';
import { api, type Query } from '../../shared/api.ts';
import {
  AdjustmentApproved,
  AdjustmentDecided,
  AdjustmentDetail,
  AdjustmentList,
  AdjustmentSaved,
  FileSchema,
  HouseholdPageResponse,
  ImportStarted,
  ImportView,
  PersonPageResponse,
  PlanSchema,
  SearchResponse,
  type AdjustmentItemView,
  type HouseholdPageView,
  type PersonListItemView,
  type PersonPageView,
  type PlanOpView,
  type AdjustmentPlanView,
} from '../../../../src/registry/registry.contract.ts';

export type { AdjustmentItemView, HouseholdPageView, PersonListItemView, PersonPageView, PlanOpView, AdjustmentPlanView };
export type AdjustmentKind = AdjustmentItemView['kind'];
export type AdjustmentStatus = AdjustmentItemView['status'];
export type ImportViewData = z.infer<typeof ImportView>;
export type ImportPreviewRowView = ImportViewData['added'][number];
export type ImportProblemView = ImportViewData['problems'][number];
export {
  ADD_REASONS,
  ADJUSTMENT_KINDS,
  FIELD_NAMES,
  IMPORT_PROBLEM_LABELS,
  KIND_NAMES,
  RELATIONS,
  REMOVAL_REASONS,
  CATEGORIES,
} from '../../../../src/registry/registry.contract.ts';

const adj = (id: number | string) => `/registry/adjustments/${id}`;

export const registryApi = {
  searchPersons: (query: Query, signal?: AbortSignal) => api.get(SearchResponse, '/registry/persons', query, signal),
  person: (id: number | string, unmask: boolean, signal?: AbortSignal) =>
    api.get(PersonPageResponse, `/registry/persons/${id}`, unmask ? { unmask: 1 } : undefined, signal),
  household: (no: string, signal?: AbortSignal) => api.get(HouseholdPageResponse, `/registry/households/${encodeURIComponent(no)}`, undefined, signal),

  adjustments: (query: Query, signal?: AbortSignal) => api.get(AdjustmentList, '/registry/adjustments', query, signal),
  adjustment: (id: number, signal?: AbortSignal) => api.get(AdjustmentDetail, adj(id), undefined, signal),
  previewAdjustment: (body: unknown) => api.post(PlanSchema, '/registry/adjustments/preview', body),
  createAdjustment: (body: unknown) => api.post(AdjustmentSaved, '/registry/adjustments', body),
  resubmitAdjustment: (id: number, body: unknown) => api.put(AdjustmentSaved, adj(id), body),
  approveAdjustment: (id: number, note: string) => api.post(AdjustmentApproved, `${adj(id)}/approve`, { note }),
  returnAdjustment: (id: number, note: string) => api.post(AdjustmentDecided, `${adj(id)}/return`, { note }),
  withdrawAdjustment: (id: number, note: string) => api.post(AdjustmentDecided, `${adj(id)}/withdraw`, { note }),
  addAdjustmentFile: (id: number, file: Blob | File) => api.upload(FileSchema, `${adj(id)}/files`, { file }),

  importView: (id: string, offset: number, limit: number, signal?: AbortSignal) => api.get(ImportView, `/registry/imports/${id}`, { offset, limit }, signal),
  startImport: (file: File) => api.upload(ImportStarted, '/registry/imports/preview', { file }),
  applyImport: (id: string) => api.post(ImportStarted, `/registry/imports/${id}/apply`),
};
