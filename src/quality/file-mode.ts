// File mode: roster file in, FORMATS §7 problem list out, no database. Used by the CLI and the bench.
import { writeFile } from 'node:fs/promises';
import { readRosterFile } from './roster-file.ts';
import { runQuality, type RunResult } from './engine.ts';
import { problemsCsv } from './problems-file.ts';
import { KeyTable } from './key-table.ts';
import type { IsoDate } from '../shared/dates.ts';
import type { RosterPerson, Rule } from './types.ts';

export interface FileModeOptions {
  roster: string;
  out?: string;
  asOf: IsoDate;
  counties?: string[];
  rules: Rule[];
  onReadProgress?: (bytesRead: number, size: number) => void;
  onCheckProgress?: (done: number, total: number) => void;
}

export interface FileModeResult extends RunResult {
  persons: RosterPerson[];
  households: number;
  warnings: string[];
  readMs: number;
  checkMs: number;
  writeMs: number;
}

export async function runFileMode(o: FileModeOptions): Promise<FileModeResult> {
  const t0 = performance.now();
  const read = await readRosterFile(o.roster, o.onReadProgress);
  const t1 = performance.now();
  const result = runQuality(read.persons, { asOf: o.asOf, counties: o.counties, rules: o.rules, onProgress: o.onCheckProgress });
  const t2 = performance.now();
  if (o.out) await writeFile(o.out, problemsCsv(result.problems, read.persons, o.rules));
  const t3 = performance.now();
  const households = new KeyTable(read.persons.length);
  for (const p of read.persons) households.id(p.householdNo);
  return { ...result, persons: read.persons, households: households.size, warnings: read.warnings, readMs: t1 - t0, checkMs: t2 - t1, writeMs: t3 - t2 };
}
