// Data quality on an import preview: the county's rules over the uploaded file, before anything
// is written, so the office sees what the province's cleaning would flag.
import { maskInText } from '../shared/mask.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import { maskIdText } from '../shared/idnumber.ts';
import { todayIso, type IsoDate } from '../shared/dates.ts';
import { getImportFile } from '../registry/index.ts';
import { readRosterFile } from './roster-file.ts';
import { runQuality } from './engine.ts';
import { loadRules } from './rules.store.ts';

export interface ImportCheck {
  persons: number;
  asOf: IsoDate;
  byRule: { code: string; name: string; severity: string; count: number }[];
  /** the first problems, in file order: the ID masked, the row number to find it */
  items: { rowNumber: number; code: string; name: string; severity: string; householdNo: string; personName: string; idNumber: string; message: string }[];
  total: number;
}

export async function checkImport(
  db: Kysely<Tables>,
  countyCode: string,
  importId: string,
  opts: { asOf?: IsoDate; limit?: number } = {},
): Promise<ImportCheck> {
  const file = await getImportFile(db, countyCode, importId);
  if (!file) throw new AppError('NOT_FOUND', '导入记录不存在');
  const dir = await mkdtemp(join(tmpdir(), 'anju-import-check-'));
  try {
    const path = join(dir, 'roster' + (file.content[0] === 0x50 && file.content[1] === 0x4b ? '.xlsx' : '.csv'));
    await writeFile(path, file.content);
    const read = await readRosterFile(path);
    // rows of other counties are refused by the import itself: check what would be stored
    const persons = read.persons.filter((p) => !/^\d{12}$/.test(p.villageCode) || p.villageCode.startsWith(countyCode)).map((p, index) => ({ ...p, index }));
    const rules = await loadRules(db, countyCode);
    const asOf = opts.asOf ?? todayIso();
    const result = runQuality(persons, { asOf, counties: [countyCode], rules });
    const byCode = new Map(rules.map((r) => [r.code, r]));
    const byRule = [...result.counts]
      .filter(([, n]) => n > 0)
      .map(([code, count]) => ({ code, name: byCode.get(code)?.name ?? code, severity: byCode.get(code)?.severity ?? '', count }));
    const sorted = [...result.problems].sort((a, b) => persons[a.person].rowNumber - persons[b.person].rowNumber);
    const items = sorted.slice(0, opts.limit ?? 200).map((p) => {
      const person = persons[p.person];
      const rule = byCode.get(p.code);
      return {
        rowNumber: person.rowNumber,
        code: p.code,
        name: rule?.name ?? p.code,
        severity: rule?.severity ?? '',
        householdNo: person.householdNo,
        personName: person.name,
        idNumber: maskIdText(person.idRaw.trim()),
        message: maskInText(p.message),
      };
    });
    return { persons: persons.length, asOf, byRule, items, total: result.problems.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
