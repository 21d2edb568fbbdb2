// County settings of the direct subsidy, each with an effective date so past periods keep
// their rules: a roll uses the settings in force on its period's first day. Pure.
import { AppError } from '../shared/errors.ts';
import type { IsoDate } from '../shared/dates.ts';
import type { Period } from '../shared/periods.ts';
import type { SupportSettings } from '../shared/entitlement.ts';

export type PeriodKind = 'annual' | 'half-year';
/** whose account pays a person who has none: only their own (the line is flagged) or the household head's */
export type AccountFallback = 'own' | 'head';

export interface SubsidySettings {
  standardFen: number;
  periodKind: PeriodKind;
  termYears: number;
  accountFallback: AccountFallback;
}

export const SUBSIDY_DEFAULTS: SubsidySettings = { standardFen: 60000, periodKind: 'annual', termYears: 20, accountFallback: 'own' };

/** the settings table keys of each field */
export const SETTING_KEYS: Record<keyof SubsidySettings, string> = {
  standardFen: 'subsidy.standard_fen',
  periodKind: 'subsidy.period_kind',
  termYears: 'subsidy.term_years',
  accountFallback: 'subsidy.account_fallback',
};

export const SETTING_LABELS: Record<keyof SubsidySettings, string> = {
  standardFen: '补助标准（分/人·年）',
  periodKind: '发放期间类型',
  termYears: '扶持年限',
  accountFallback: '无本人账户时',
};

export interface SettingRow {
  key: string;
  effectiveFrom: IsoDate;
  value: unknown;
}

/** Check one value; returns the Chinese reason when it is not acceptable. */
export function checkSettingValue(field: keyof SubsidySettings, value: unknown): string | null {
  switch (field) {
    case 'standardFen':
      return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 100_000_00 ? null : '补助标准必须是大于0的整数（分）';
    case 'periodKind':
      return value === 'annual' || value === 'half-year' ? null : '发放期间类型必须是 annual（按年）或 half-year（按半年）';
    case 'termYears':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 50 ? null : '扶持年限必须是1到50之间的整数';
    case 'accountFallback':
      return value === 'own' || value === 'head' ? null : '无本人账户时的处理必须是 own（仅本人账户）或 head（使用户主账户）';
  }
}

/** The settings in force on `date`: for each field the row with the latest effective date not after it. */
export function settingsInForce(rows: SettingRow[], date: IsoDate): SubsidySettings {
  const out: SubsidySettings = { ...SUBSIDY_DEFAULTS };
  for (const field of Object.keys(SETTING_KEYS) as (keyof SubsidySettings)[]) {
    let best: SettingRow | null = null;
    for (const r of rows) {
      if (r.key !== SETTING_KEYS[field] || r.effectiveFrom > date) continue;
      if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
    }
    if (best && checkSettingValue(field, best.value) === null) (out as unknown as Record<string, unknown>)[field] = best.value;
  }
  return out;
}

export function supportSettingsOf(s: SubsidySettings): SupportSettings {
  return { standardFen: s.standardFen, termYears: s.termYears };
}

/** A period must be of the kind in force on its first day (2025 for annual, 2025H1/H2 for half-year). */
export function assertPeriodKind(period: Period, s: SubsidySettings): void {
  const isHalf = period.half !== 0;
  if (isHalf && s.periodKind === 'annual') throw new AppError('VALIDATION', `${period.first}起本县按年发放，期间应写作${period.year}，不能是${period.code}`);
  if (!isHalf && s.periodKind === 'half-year')
    throw new AppError('VALIDATION', `${period.first}起本县按半年发放，期间应写作${period.year}H1或${period.year}H2，不能是${period.code}`);
}
