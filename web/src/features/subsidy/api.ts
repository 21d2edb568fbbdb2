// Calls of the subsidy pages, each with its answer's schema from the server's contract
// (src/subsidy/subsidy.contract.ts): the types are the contract's, never restated here.
import type { z } from 'zod';
import { api, download, type Query } from '../../shared/api.ts';
import * as C from '../../../../src/subsidy/subsidy.contract.ts';

export type Payroll = z.infer<typeof C.PayrollView>;
export type Line = z.infer<typeof C.LineView>;
export type FailureLine = z.infer<typeof C.FailureLine>;
export type ImportSummary = z.infer<typeof C.ImportSummarySchema>;
export type Subtotal = z.infer<typeof C.SubtotalView>;
export type Exclusion = z.infer<typeof C.Exclusion>;
export type SettingsBody = z.input<typeof C.SettingsBody>;
export type PayrollAction = 'review' | 'close' | 'rebuild';
export { RESULT_NAMES, FLAG_NAMES, LINE_RESULTS, type LineResult } from '../../../../src/subsidy/subsidy.contract.ts';

export const subsidyApi = {
  payrolls: (signal?: AbortSignal) => api.get(C.PayrollList, '/subsidy/payrolls', undefined, signal),
  build: (body: z.input<typeof C.BuildBody>) => api.post(C.PayrollView, '/subsidy/payrolls', body),
  payroll: (id: number, signal?: AbortSignal) => api.get(C.PayrollView, `/subsidy/payrolls/${id}`, undefined, signal),
  lines: (id: number, query: Query, signal?: AbortSignal) => api.get(C.LinePage, `/subsidy/payrolls/${id}/lines`, query, signal),
  subtotals: (id: number, signal?: AbortSignal) => api.get(C.Subtotals, `/subsidy/payrolls/${id}/subtotals`, undefined, signal),
  exclusions: (id: number, query: Query, signal?: AbortSignal) => api.get(C.ExclusionList, `/subsidy/payrolls/${id}/exclusions`, query, signal),
  act: (id: number, action: PayrollAction) => api.post(C.PayrollView, `/subsidy/payrolls/${id}/${action}`),
  templates: (signal?: AbortSignal) => api.get(C.TemplateList, '/subsidy/bank-templates', undefined, signal),
  bankFile: (id: number, template: string) => download(`/subsidy/payrolls/${id}/bank-file`, { template }, '银行发放文件', 'POST'),
  importResults: (id: number, file: File) => api.upload(C.ImportSummarySchema, `/subsidy/payrolls/${id}/results`, { file }),
  noticeXlsx: (id: number) => download(`/subsidy/payrolls/${id}/notice`, { format: 'xlsx' }),
  failures: (period: string, signal?: AbortSignal) => api.get(C.FailureList, '/subsidy/failures', { period }, signal),
  settings: (signal?: AbortSignal) => api.get(C.SettingsView, '/subsidy/settings', undefined, signal),
  saveSettings: (body: SettingsBody) => api.put(C.SettingsSaved, '/subsidy/settings', body),
  /** the person page's payment history (other features call this through index.tsx) */
  personPayments: (personId: number, signal?: AbortSignal) => api.get(C.PersonPayments, `/subsidy/persons/${personId}/payments`, undefined, signal),
};
export type PersonPayment = z.infer<typeof C.PersonPayment>;
