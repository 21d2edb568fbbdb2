// Figures of 防返贫监测, pure: households and people by category, by risk type and by
// township, identified and removed in a period, by month. Every figure carries the list filter
// that gives exactly its records (the drill), and `inDrill` is that filter's meaning, shared
// with the list query's tests.
import type { IsoDate } from '../shared/dates.ts';
import { CATEGORIES, RISK_TYPES, type Category, type RiskState, type RiskType } from './codes.ts';

export interface FigureRisk {
  riskType: RiskType;
  state: RiskState;
  identifiedOn: IsoDate;
  removalDate: IsoDate | null;
}
export interface FigureHousehold {
  id: number;
  townshipCode: string;
  villageCode: string;
  category: Category;
  status: 'monitoring' | 'removed';
  identifiedOn: IsoDate;
  removedOn: IsoDate | null;
  people: number;
  risks: FigureRisk[];
}

/** The list filter a figure drills to (GET /api/monitoring/households with these as query). */
export interface Drill {
  status?: 'monitoring' | 'removed';
  category?: Category;
  /** households with a risk of this type not yet removed */
  riskType?: RiskType;
  region?: string;
  identifiedFrom?: IsoDate;
  identifiedTo?: IsoDate;
  removedFrom?: IsoDate;
  removedTo?: IsoDate;
}

export interface Figure {
  label: string;
  households: number;
  people: number;
  drill: Drill;
}
export interface TownshipFigure {
  townshipCode: string;
  monitoring: Figure;
  identified: Figure;
  removed: Figure;
}
export interface MonthFigure {
  month: string;
  identified: number;
  removed: number;
}

export interface Figures {
  from: IsoDate;
  to: IsoDate;
  monitoring: Figure;
  byCategory: Figure[];
  byRisk: Figure[];
  identified: Figure;
  removed: Figure;
  byTownship: TownshipFigure[];
  /** risks by type and township (households under monitoring with an open risk of the type) */
  riskByTownship: { townshipCode: string; riskType: RiskType; households: number }[];
  byMonth: MonthFigure[];
}

/** Does a household belong to a drill? The list query implements the same conditions in SQL. */
export function inDrill(h: FigureHousehold, d: Drill): boolean {
  if (d.status && h.status !== d.status) return false;
  if (d.category && h.category !== d.category) return false;
  if (d.riskType && !h.risks.some((r) => r.riskType === d.riskType && r.state !== 'removed')) return false;
  if (d.region && !h.villageCode.startsWith(d.region)) return false;
  if (d.identifiedFrom && h.identifiedOn < d.identifiedFrom) return false;
  if (d.identifiedTo && h.identifiedOn > d.identifiedTo) return false;
  if ((d.removedFrom || d.removedTo) && !h.removedOn) return false;
  if (d.removedFrom && h.removedOn! < d.removedFrom) return false;
  if (d.removedTo && h.removedOn! > d.removedTo) return false;
  return true;
}

function figure(all: FigureHousehold[], label: string, drill: Drill): Figure {
  let households = 0,
    people = 0;
  for (const h of all)
    if (inDrill(h, drill)) {
      households++;
      people += h.people;
    }
  return { label, households, people, drill };
}

/** Months from `from` to `to`, as YYYY-MM. */
export function monthsBetween(from: IsoDate, to: IsoDate): string[] {
  const out: string[] = [];
  let y = +from.slice(0, 4),
    m = +from.slice(5, 7);
  const end = to.slice(0, 7);
  for (let guard = 0; guard < 600; guard++) {
    const k = `${y}-${String(m).padStart(2, '0')}`;
    if (k > end) break;
    out.push(k);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export function computeFigures(all: FigureHousehold[], from: IsoDate, to: IsoDate): Figures {
  const monitoring = figure(all, '监测中', { status: 'monitoring' });
  const byCategory = (Object.keys(CATEGORIES) as Category[]).map((c) => figure(all, CATEGORIES[c], { status: 'monitoring', category: c }));
  const byRisk = (Object.keys(RISK_TYPES) as RiskType[]).map((r) => figure(all, RISK_TYPES[r], { status: 'monitoring', riskType: r }));
  const identified = figure(all, '期内新识别', { identifiedFrom: from, identifiedTo: to });
  const removed = figure(all, '期内风险消除', { status: 'removed', removedFrom: from, removedTo: to });
  const townships = [...new Set(all.map((h) => h.townshipCode))].sort();
  const byTownship = townships.map((t) => ({
    townshipCode: t,
    monitoring: figure(all, '监测中', { status: 'monitoring', region: t }),
    identified: figure(all, '期内新识别', { region: t, identifiedFrom: from, identifiedTo: to }),
    removed: figure(all, '期内风险消除', { status: 'removed', region: t, removedFrom: from, removedTo: to }),
  }));
  const riskByTownship: Figures['riskByTownship'] = [];
  for (const t of townships) {
    for (const r of Object.keys(RISK_TYPES) as RiskType[]) {
      const n = figure(all, '', { status: 'monitoring', riskType: r, region: t }).households;
      if (n) riskByTownship.push({ townshipCode: t, riskType: r, households: n });
    }
  }
  const months = new Map(monthsBetween(from, to).map((m) => [m, { month: m, identified: 0, removed: 0 }]));
  for (const h of all) {
    if (h.identifiedOn >= from && h.identifiedOn <= to) {
      const x = months.get(h.identifiedOn.slice(0, 7));
      if (x) x.identified++;
    }
    if (h.status === 'removed' && h.removedOn && h.removedOn >= from && h.removedOn <= to) {
      const x = months.get(h.removedOn.slice(0, 7));
      if (x) x.removed++;
    }
  }
  return { from, to, monitoring, byCategory, byRisk, identified, removed, byTownship, riskByTownship, byMonth: [...months.values()] };
}
