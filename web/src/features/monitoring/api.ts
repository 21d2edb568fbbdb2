// The monitoring pages' types come from the server's contract (z.infer), and their few
// helpers: labels, risk colours, yuan ↔ fen without floating point.
import type { z } from 'zod';
import type * as c from '../../../../src/monitoring/monitoring.contract.ts';
export {
  CATEGORIES, IDENTIFIED_HOW, RISK_TYPES, RISK_STATES, MEASURE_TYPES, REMOVAL_CONDITIONS, REQUIRED_CONDITIONS, VISIT_ITEMS, ALERT_SOURCES,
  ALERT_TYPES, ALERT_STATUSES, MATCH_KINDS, HOUSEHOLD_STATUSES, RELATIONS,
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

export const RISK_COLORS: Record<string, string> = {
  illness: 'red', disability: 'volcano', schooling: 'blue', disaster: 'orange', accident: 'magenta', employment: 'gold', industry: 'lime', housing: 'purple', water: 'cyan', other: 'default',
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
