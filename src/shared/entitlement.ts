// The entitlement rule (FORMATS.md §5): what a person is due for one period.
import { addDays, addYears, daysInMonth, isoOf, type IsoDate } from './dates.ts';
import type { Fen } from './money.ts';
import type { Period } from './periods.ts';

export interface SupportSettings {
  /** yuan per person per year, in fen (default 600 元 = 60000) */
  standardFen: Fen;
  /** support term in years (default 20) */
  termYears: number;
}

export const DEFAULT_SETTINGS: SupportSettings = { standardFen: 60000, termYears: 20 };

/** 扶持截止日期 when the roster leaves it empty: start + termYears − 1 day. */
export function defaultSupportEnd(start: IsoDate, termYears = DEFAULT_SETTINGS.termYears): IsoDate {
  return addDays(addYears(start, termYears), -1);
}

export interface EntitlementInput {
  supportStart: IsoDate | null;
  /** null means the default term from the start */
  supportEnd: IsoDate | null;
  /** 核减日期 of a removed person (null when active) */
  removalDate?: IsoDate | null;
  /** death date from death records or a dated hukou 死亡注销 */
  deathDate?: IsoDate | null;
}

export interface Entitlement {
  fen: Fen;
  /** whole calendar months of the period inside the term */
  months: number;
  /** why the amount is what it is, in Chinese */
  reason: string;
  /** whether at least one whole month of the period lies inside the term (FORMATS §6: a period with none is outside it) */
  eligible: boolean;
  excludedBy?: 'death' | 'removal' | 'term' | 'no-start';
}

/** Whole calendar months of the period lying entirely inside [start, end]. */
export function monthsInside(period: Period, start: IsoDate, end: IsoDate): number {
  let n = 0;
  for (const m of period.months) {
    const first = isoOf(period.year, m, 1);
    const last = isoOf(period.year, m, daysInMonth(period.year, m));
    if (first >= start && last <= end) n++;
  }
  return n;
}

export function entitlementFor(period: Period, p: EntitlementInput, s: SupportSettings = DEFAULT_SETTINGS): Entitlement {
  if (!p.supportStart) return { fen: 0, months: 0, eligible: false, excludedBy: 'no-start', reason: '无扶持开始日期' };
  const end = p.supportEnd ?? defaultSupportEnd(p.supportStart, s.termYears);
  if (p.deathDate && p.deathDate < period.first) {
    return { fen: 0, months: 0, eligible: false, excludedBy: 'death', reason: `已于${p.deathDate}死亡，早于期间首日${period.first}` };
  }
  if (p.removalDate && p.removalDate <= period.first) {
    return { fen: 0, months: 0, eligible: false, excludedBy: 'removal', reason: `已于${p.removalDate}核减，不晚于期间首日${period.first}` };
  }
  // a period is inside the term when at least one whole month of it is (FORMATS §6 precise readings):
  // a term ending on 11 July leaves the second half-year outside, its payment NOT_ELIGIBLE_PAID
  const months = end < period.first || p.supportStart > period.last || end < p.supportStart ? 0 : monthsInside(period, p.supportStart, end);
  if (months === 0) {
    return { fen: 0, months: 0, eligible: false, excludedBy: 'term', reason: `期间不在扶持期限${p.supportStart}至${end}内` };
  }
  const fen = Math.round((s.standardFen * months) / 12);
  const full = period.months.length;
  const reason =
    months === full
      ? `扶持期限${p.supportStart}至${end}覆盖全部${full}个月，按标准${s.standardFen / 100}元/年`
      : `扶持期限${p.supportStart}至${end}覆盖${months}个整月（共${full}个月），按标准${s.standardFen / 100}元/年折算`;
  return { fen, months, eligible: true, reason };
}
