// The synthetic roster (FORMATS §1) as rows keyed by the Chinese headers — for `anju demo`,
// tests and benchmarks. Deterministic: the same options give the same rows.
import { households, type SynthPerson } from './households.ts';
import { ROSTER_HEADERS, type RosterColumn } from '../shared/files/roster-columns.ts';

export { ROSTER_HEADERS };
export type RosterHeader = RosterColumn;
export type RosterRow = Record<RosterHeader, string>;

/** One person's roster cells in ROSTER_HEADERS order. */
export function rosterRow(p: SynthPerson): string[] {
  return [
    p.householdNo,
    p.name,
    p.rosterId,
    p.sex,
    p.birth,
    p.relation,
    p.villageCode,
    p.township,
    p.village,
    p.group,
    p.category,
    p.reservoir,
    p.moveDate,
    p.supportStart,
    p.supportEnd,
    p.status,
    p.removalDate,
    p.removalReason,
    p.account,
    p.bank,
    p.holder,
    p.phone,
  ];
}

export interface GenerateRosterOptions {
  /** number of persons (rows; a planted duplicate registration adds a row) */
  persons: number;
  seed: number | string;
  /** 6-digit county code (GB/T 2260), default 430582; villages are county + 3-digit township + 3-digit village */
  countyCode?: string;
  /** years the support is checked for (only matters for planting); default 2021–2024 */
  years?: number[];
  /** share of persons with a planted register problem (invalid ID, removal, duplicate row …); default 0: a clean roster */
  plantRate?: number;
  /** the roster as a working county keeps it on this date (see HouseholdOptions.asOf); default: the plain generator */
  asOf?: string;
}

/**
 * Stream a realistic synthetic roster: households with a 户主 and consistent members
 * (配偶, 子, 女, 儿媳, 孙子, 孙女, 父亲, 母亲), valid unique IDs of the county (a few written as
 * legacy 15-digit numbers or with a lower-case x), 12-digit village codes, 现状人口 (support from
 * 2006-07-01) and 原迁人口 (support from the month after the move), a shared Luhn-valid 一卡通
 * account per household held by the 户主, phones, and about 3% removed persons (已核减 with date
 * and reason). Rows are objects keyed by the FORMATS §1 headers, all values strings ('' = empty).
 *
 *   for (const row of generateRoster({ persons: 5000, seed: 1 })) insert(row['身份证号'], row['姓名'], ...)
 */
export function* generateRoster(o: GenerateRosterOptions): Generator<RosterRow> {
  let n = 0;
  for (const members of households({
    seed: o.seed,
    countyCode: o.countyCode ?? '430582',
    years: o.years ?? [2021, 2022, 2023, 2024],
    plantRate: o.plantRate ?? 0,
    asOf: o.asOf,
  })) {
    for (const p of members) {
      if (n >= o.persons) return;
      if (!p.duplicateRow) n++;
      const cells = rosterRow(p);
      const row = {} as RosterRow;
      ROSTER_HEADERS.forEach((h, i) => {
        row[h] = cells[i];
      });
      yield row;
    }
  }
}
