// The demo county: a generated roster (households of consistent ages and relationships, valid
// IDs under a real county code, villages, accounts, a few removals — from the synth capability)
// loaded through the roster import, so loading the demo is also a real run of that path.
// Everything is invented; the same seed gives the same county.
import type { AppContext } from '../shared/context.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../shared/audit.ts';
import { generateRoster } from '../synth/index.ts';
import { todayIso } from '../shared/dates.ts';
import { ROSTER_HEADERS } from './roster-file.ts';
import { applyRoster, type ImportSummary } from './roster-import.ts';
import { rosterCsv } from './roster-export.ts';

export interface DemoOptions {
  persons: number;
  seed?: number;
  countyCode?: string;
  /** the day the county is shown on: terms, removals and deaths as a working county keeps them then (default today) */
  asOf?: string;
}

/** The demo roster as table rows in ROSTER_HEADERS order (FORMATS.md §1). */
export function generateDemoRoster(o: DemoOptions): string[][] {
  const rows: string[][] = [];
  const asOf = o.asOf ?? todayIso();
  const year = +asOf.slice(0, 4);
  for (const row of generateRoster({
    persons: o.persons,
    seed: o.seed ?? 1,
    countyCode: o.countyCode ?? '430582',
    asOf,
    years: [year - 3, year - 2, year - 1],
  })) {
    rows.push(ROSTER_HEADERS.map((h) => row[h] ?? ''));
  }
  return rows;
}

/** The demo roster as a UTF-8 CSV file (with BOM), as a county office would keep it. */
export function demoRosterCsv(o: DemoOptions): Buffer {
  return rosterCsv(ROSTER_HEADERS, generateDemoRoster(o));
}

/**
 * Generate a demo county and load it through the roster import (one transaction, audited).
 * Called on first start (src/system/first-start.ts) and by `anju demo`.
 */
export async function loadDemoCounty(
  ctx: Pick<AppContext, 'database'>,
  opts: { persons?: number; seed?: number; countyCode?: string; asOf?: string; actor?: AuditActor } = {},
): Promise<ImportSummary> {
  const countyCode = opts.countyCode ?? '430582';
  const content = demoRosterCsv({ persons: opts.persons ?? 3000, seed: opts.seed ?? 1, countyCode, asOf: opts.asOf });
  const { summary } = await applyRoster(ctx.database.db, content, { actor: opts.actor ?? SYSTEM_ACTOR, filename: '演示县花名册.csv', counties: [countyCode] });
  return summary;
}
