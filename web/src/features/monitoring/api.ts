// The monitoring pages' calls and types, both from the server's contract (each call names its
// answer's schema, checked outside production), and their few helpers: labels, risk colours,
// yuan ↔ fen without floating point.
import type { z } from 'zod';
import { api, type Query } from '../../shared/api.ts';
import * as c from '../../../../src/monitoring/monitoring.contract.ts';
export {
  CATEGORIES,
  IDENTIFIED_HOW,
  RISK_TYPES,
  RISK_STATES,
  MEASURE_TYPES,
  REMOVAL_CONDITIONS,
  REQUIRED_CONDITIONS,
  VISIT_ITEMS,
  ALERT_SOURCES,
  ALERT_TYPES,
  ALERT_STATUSES,
  MATCH_KINDS,
  HOUSEHOLD_STATUSES,
  RELATIONS,
} from '../../../../src/monitoring/monitoring.contract.ts';

export type HouseholdList = z.infer<typeof c.HouseholdList>;
export type HouseholdItem = z.infer<typeof c.HouseholdItem>;
export type HouseholdPage = z.infer<typeof c.HouseholdPage>;
export type Figures = z.infer<typeof c.FiguresResponse>;
export type Drill = z.infer<typeof c.DrillSchema>;
export type AlertList = z.infer<typeof c.AlertList>;
export type AlertView = z.infer<typeof c.AlertView>;
export type CampaignList = z.infer<typeof c.CampaignList>;
export type CampaignBoard = z.infer<typeof c.CampaignBoard>;
export type TargetList = z.infer<typeof c.TargetList>;
export type ProblemList = z.infer<typeof c.ProblemList>;
export type RemovalQueue = z.infer<typeof c.RemovalQueue>;
export type ImportResult = z.infer<typeof c.ImportResultSchema>;
export type IdentifyBody = z.infer<typeof c.IdentifyBody>;
export type VisitBody = z.infer<typeof c.VisitBody>;
export type RiskBody = z.input<typeof c.RiskBody>;
export type MeasureBody = z.input<typeof c.MeasureBody>;
export type RemovalBody = z.input<typeof c.RemovalBody>;
export type CampaignBody = z.input<typeof c.CampaignBody>;
export type DecisionBody = z.input<typeof c.DecisionBody>;
export type Lines = z.infer<typeof c.Lines>;
export type RemovalStep = z.infer<typeof c.RemovalQueueQuery>['step'];

const household = (id: number | string) => `/monitoring/households/${id}`;
export const monitoringApi = {
  /** the list's filters come from the page's address, as text; the server's schema reads them */
  households: (query: Query, signal?: AbortSignal) => api.get(c.HouseholdList, '/monitoring/households', query, signal),
  identify: (body: z.input<typeof c.IdentifyBody>) => api.post(c.Created, '/monitoring/households', body),
  household: (id: string, unmask: boolean, signal?: AbortSignal) => api.get(c.HouseholdPage, household(id), unmask ? { unmask: 1 } : undefined, signal),
  addRisk: (id: number, body: RiskBody) => api.post(c.Created, `${household(id)}/risks`, body),
  addMeasure: (id: number, body: MeasureBody) => api.post(c.Created, `${household(id)}/measures`, body),
  recordIncome: (id: number, body: z.input<typeof c.IncomeBody>) => api.put(c.Ok, `${household(id)}/income`, body),
  requestRemoval: (riskId: number, body: RemovalBody) => api.post(c.Ok, `/monitoring/risks/${riskId}/removal`, body),
  approveRemoval: (riskId: number, step: RemovalStep) => api.post(c.ApproveResult, `/monitoring/risks/${riskId}/approve-${step}`),
  returnRemoval: (riskId: number, body: z.input<typeof c.ReturnBody>) => api.post(c.Ok, `/monitoring/risks/${riskId}/return`, body),
  removals: (step: RemovalStep, signal?: AbortSignal) => api.get(c.RemovalQueue, '/monitoring/removals', { step }, signal),
  lines: (signal?: AbortSignal) => api.get(c.Lines, '/monitoring/lines', undefined, signal),
  setLine: (year: number, body: z.input<typeof c.LineBody>) => api.put(c.Ok, `/monitoring/lines/${year}`, body),
  figures: (query: z.input<typeof c.FiguresQuery>, signal?: AbortSignal) => api.get(c.FiguresResponse, '/monitoring/figures', query, signal),
  campaigns: (signal?: AbortSignal) => api.get(c.CampaignList, '/monitoring/campaigns', undefined, signal),
  createCampaign: (body: CampaignBody) => api.post(c.Created, '/monitoring/campaigns', body),
  campaign: (id: number, signal?: AbortSignal) => api.get(c.CampaignBoard, `/monitoring/campaigns/${id}`, undefined, signal),
  targets: (id: number, village: string, signal?: AbortSignal) =>
    api.get(c.TargetList, `/monitoring/campaigns/${id}/villages/${village}/targets`, undefined, signal),
  problems: (id: number, signal?: AbortSignal) => api.get(c.ProblemList, `/monitoring/campaigns/${id}/problems`, undefined, signal),
  recordVisit: (targetId: number, body: z.input<typeof c.VisitBody>) => api.post(c.VisitResult, `/monitoring/targets/${targetId}/visits`, body),
  clearProblem: (id: number, body: z.input<typeof c.ClearBody>) => api.post(c.Ok, `/monitoring/problems/${id}/clear`, body),
  importAlerts: (source: string, file: File) => api.upload(c.ImportResultSchema, `/monitoring/alerts/imports?source=${encodeURIComponent(source)}`, { file }),
  /** the inbox's filters, as the page holds them (text); the server's schema reads them */
  alerts: (query: Query, signal?: AbortSignal) => api.get(c.AlertList, '/monitoring/alerts', query, signal),
  decideAlert: (id: number, body: DecisionBody) => api.post(c.DecisionResult, `/monitoring/alerts/${id}/decision`, body),
};

export const RISK_COLORS: Record<string, string> = {
  illness: 'red',
  disability: 'volcano',
  schooling: 'blue',
  disaster: 'orange',
  accident: 'magenta',
  employment: 'gold',
  industry: 'lime',
  housing: 'purple',
  water: 'cyan',
  other: 'default',
};
export const STATE_COLORS: Record<string, string> = { active: 'orange', pending_township: 'processing', pending_county: 'processing', removed: 'success' };

/** '1,234.5' yuan → 123450 fen; null when not an amount with at most 2 decimals. */
export function yuanToFen(text: string | number | null | undefined): number | null {
  const s = String(text ?? '').replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Query string of a figure's drill, for links to the list. */
export function drillQuery(d: Drill): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(d)) if (v) p.set(k, String(v));
  return p.toString();
}
