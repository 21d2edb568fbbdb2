// Importing a checked ledger (FORMATS §8) into the database, in one transaction.
// The file's own §8.1 checks come first (funds-core's checkLedger); then every accepted row is
// held against what the database already has:
// - a batch or project number already present with the same content is skipped (present);
//   with different content the row is rejected (L_DUPLICATE), the database's row stays;
//   a project's empty 开工/完工/验收 dates are filled from the ledger, never overwritten;
// - a money entry is identified by its content and its occurrence (the n-th identical row of
//   the ledger is the n-th identical imported entry): an entry already imported is skipped,
//   so importing the same ledger twice changes nothing, and next month's longer ledger adds
//   only its new rows;
// - new entries go through the same §8.1 money rules as a web entry, in the ledger's order
//   (日期, sheet, row), against the database's running sums, the batches locked.
// A dry run does all of it and rolls back.
import type { Kysely } from 'kysely';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { ensureRegions } from '../registry/index.ts';
import { LEDGER_SHEETS, type CheckedLedger, type FundBatch, type LedgerProject, type LedgerRejection, type MoneyEntry } from './ledger.types.ts';
import { addToPair, checkMoneyEntry, KIND_OF_SHEET, ZERO_PAIR, type PairSums } from './money-rules.ts';
import {
  existingImportKeys,
  fillProjectDates,
  finishImport,
  insertBatches,
  insertEntries,
  insertImport,
  insertProjects,
  listBatches,
  lockBatches,
  lockFundData,
  pairSumsOf,
  projectNumbers,
  projectsByNo,
  type NewEntry,
} from './funds.store.ts';
import type { Actor } from './funds.service.ts';
import type { Tables } from '../shared/db/tables.ts';

type Db = Kysely<Tables>;

export interface ImportMeta {
  filename: string;
  sha256: string;
  countyCode?: string;
  countyName?: string;
}

export interface ImportCounts {
  added: number;
  present: number;
}

export interface ImportResult {
  countyCode: string;
  dryRun: boolean;
  importId: number | null;
  batches: ImportCounts;
  projects: ImportCounts & { datesFilled: number };
  entries: ImportCounts;
  regionsAdded: number;
  /** every rejected row: the file's own and those the database refused, in sheet and row order */
  rejected: LedgerRejection[];
}

class DryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

const SHEET_ORDER = new Map(LEDGER_SHEETS.map((s, i) => [s, i]));
const sortRejected = (list: LedgerRejection[]) => list.sort((a, b) => SHEET_ORDER.get(a.sheet)! - SHEET_ORDER.get(b.sheet)! || a.row - b.row);

/** The county of a ledger: the one its projects' village codes name. */
export function ledgerCounty(checked: CheckedLedger, fallback: string | undefined): string {
  const counties = [...new Set(checked.projects.map((p) => p.villageCode.slice(0, 6)))].sort();
  if (counties.length > 1) throw new AppError('VALIDATION', `台账的项目分属${counties.length}个县（${counties.join('、')}），请按县分别导入`);
  const c = counties[0] ?? fallback;
  if (!c) throw new AppError('VALIDATION', '台账中没有可导入的项目，无法确定所属县，请指定县代码');
  return c;
}

/** The identity of each money entry of the ledger: content plus occurrence among identical rows. */
export function importKeys(entries: MoneyEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const base = [KIND_OF_SHEET[e.sheet], e.batchNo, e.projectNo, e.date, e.amountFen, e.voucherNo ?? ''].join('|');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}|${n}`;
  });
}

const sameBatch = (a: FundBatch, b: FundBatch) =>
  a.year === b.year &&
  a.level === b.level &&
  a.category === b.category &&
  (a.docNo ?? '') === (b.docNo ?? '') &&
  a.issuedOn === b.issuedOn &&
  a.amountFen === b.amountFen &&
  a.countsInRates === b.countsInRates;
const sameProject = (a: LedgerProject, b: LedgerProject) =>
  a.name === b.name &&
  a.year === b.year &&
  a.villageCode === b.villageCode &&
  a.category === b.category &&
  a.plannedFen === b.plannedFen &&
  (a.unit ?? '') === (b.unit ?? '');

export async function importCheckedLedger(
  db: Db,
  actor: Actor,
  checked: CheckedLedger,
  meta: ImportMeta,
  opts: { dryRun?: boolean } = {},
): Promise<ImportResult> {
  const county = meta.countyCode ?? ledgerCounty(checked, actor.countyCode);
  const named = new Set(checked.projects.map((p) => p.villageCode.slice(0, 6)));
  if (meta.countyCode && named.size && !named.has(meta.countyCode)) {
    throw new AppError('VALIDATION', `这份台账的项目属于县${[...named].sort().join('、')}，不是县${meta.countyCode}的台账，未导入任何数据`);
  }
  const rejected: LedgerRejection[] = [...checked.rejected];
  const projectsIn = checked.projects.filter((p) => {
    if (p.villageCode.startsWith(county)) return true;
    rejected.push({ sheet: '项目', row: p.row, code: 'L_BAD_VALUE', reason: `村代码：${p.villageCode}不属于县${county}` });
    return false;
  });
  try {
    return await db.transaction().execute(async (trx) => {
      await lockFundData(trx);
      const regionsAdded = await ensureRegions(
        trx,
        county,
        meta.countyName ?? county,
        projectsIn.flatMap((p) => [
          { code: p.villageCode.slice(0, 9), name: p.townshipName ?? '' },
          { code: p.villageCode, name: p.villageName ?? '' },
        ]),
      );
      const importId = await insertImport(trx, county, meta.filename, meta.sha256, actor.userId);
      await lockBatches(
        trx,
        county,
        checked.batches.map((b) => b.batchNo),
      );

      // batches and projects: skip what is present, refuse what differs, add the rest
      const dbBatches = new Map((await listBatches(trx, county)).map((b) => [b.batchNo, b]));
      const newBatches: FundBatch[] = [];
      let batchesPresent = 0;
      for (const b of checked.batches) {
        const had = dbBatches.get(b.batchNo);
        if (!had) {
          newBatches.push(b);
          continue;
        }
        if (sameBatch(had, b)) batchesPresent++;
        else rejected.push({ sheet: '资金批次', row: b.row, code: 'L_DUPLICATE', reason: `批次编号：数据库中已有批次${b.batchNo}，内容与本行不同` });
      }
      await insertBatches(trx, county, newBatches, importId, actor.userId);
      for (const b of newBatches) dbBatches.set(b.batchNo, b);

      const dbProjects = await projectsByNo(
        trx,
        county,
        projectsIn.map((p) => p.projectNo),
      );
      const newProjects: LedgerProject[] = [];
      let projectsPresent = 0,
        datesFilled = 0;
      for (const p of projectsIn) {
        const had = dbProjects.get(p.projectNo);
        if (!had) {
          newProjects.push(p);
          continue;
        }
        if (!sameProject(had, p)) {
          rejected.push({ sheet: '项目', row: p.row, code: 'L_DUPLICATE', reason: `项目编号：数据库中已有项目${p.projectNo}，内容与本行不同` });
          continue;
        }
        projectsPresent++;
        const fill = (!had.startedOn && p.startedOn) || (!had.completedOn && p.completedOn) || (!had.acceptedOn && p.acceptedOn);
        if (fill && datesFit(had, p)) {
          await fillProjectDates(trx, county, p);
          datesFilled++;
        }
      }
      await insertProjects(trx, county, newProjects, importId, actor.userId);
      const known = await projectNumbers(trx, county);

      // money entries: skip those already imported, check the rest in ledger order
      const keys = importKeys(checked.entries);
      const present = await existingImportKeys(trx, county, keys);
      const order = checked.entries.map((e, i) => ({ e, key: keys[i] })).filter((x) => !present.has(x.key));
      order.sort(
        (a, b) => (a.e.date < b.e.date ? -1 : a.e.date > b.e.date ? 1 : 0) || SHEET_ORDER.get(a.e.sheet)! - SHEET_ORDER.get(b.e.sheet)! || a.e.row - b.e.row,
      );
      const batchNos = [...new Set(order.map((x) => x.e.batchNo))];
      await lockBatches(trx, county, batchNos); // batches the ledger only refers to
      const pairs = new Map<string, PairSums>();
      const batchAllocated = new Map<string, number>();
      for (const s of await pairSumsOf(trx, county, batchNos)) {
        pairs.set(`${s.batchNo}\u0000${s.projectNo}`, { allocatedFen: s.allocatedFen, disbursedFen: s.disbursedFen, reimbursedFen: s.reimbursedFen });
        batchAllocated.set(s.batchNo, (batchAllocated.get(s.batchNo) ?? 0) + s.allocatedFen);
      }
      const accepted: NewEntry[] = [];
      for (const { e, key } of order) {
        const kind = KIND_OF_SHEET[e.sheet];
        const pk = `${e.batchNo}\u0000${e.projectNo}`;
        const pair = pairs.get(pk) ?? ZERO_PAIR;
        const breach = checkMoneyEntry(
          { kind, date: e.date, amountFen: e.amountFen },
          {
            batch: dbBatches.get(e.batchNo) ?? null,
            projectKnown: known.has(e.projectNo),
            batchAllocatedFen: batchAllocated.get(e.batchNo) ?? 0,
            pair,
          },
        );
        if (breach) {
          rejected.push({ sheet: e.sheet, row: e.row, code: breach.code, reason: `数据库核对：${breach.message}` });
          continue;
        }
        pairs.set(pk, addToPair(pair, kind, e.amountFen));
        if (kind === 'allocation') batchAllocated.set(e.batchNo, (batchAllocated.get(e.batchNo) ?? 0) + e.amountFen);
        accepted.push({ kind, batchNo: e.batchNo, projectNo: e.projectNo, date: e.date, amountFen: e.amountFen, voucherNo: e.voucherNo, importKey: key });
      }
      const ids = await insertEntries(trx, county, accepted, importId, actor.userId);

      const result: ImportResult = {
        countyCode: county,
        dryRun: !!opts.dryRun,
        importId: opts.dryRun ? null : importId,
        batches: { added: newBatches.length, present: batchesPresent },
        projects: { added: newProjects.length, present: projectsPresent, datesFilled },
        entries: { added: accepted.length, present: present.size },
        regionsAdded,
        rejected: sortRejected(rejected),
      };
      if (opts.dryRun) throw new DryRun(result);
      const summary = { ...result, rejected: result.rejected.length };
      await finishImport(trx, county, importId, summary);
      await appendAudit(trx, actor, {
        action: 'fund_ledger.import',
        entityType: 'fund_import',
        entityId: importId,
        countyCode: county,
        detail: { filename: meta.filename, sha256: meta.sha256, ...summary, entryIds: ids.length ? [ids[0], ids[ids.length - 1]] : [] },
      });
      return result;
    });
  } catch (e) {
    if (e instanceof DryRun) return e.result;
    throw e;
  }
}

/** Dates from the ledger may be filled in only when the project's dates stay in order. */
function datesFit(had: LedgerProject, p: LedgerProject): boolean {
  const s = had.startedOn ?? p.startedOn,
    c = had.completedOn ?? p.completedOn,
    a = had.acceptedOn ?? p.acceptedOn;
  return (!s || !c || c >= s) && (!a || (!!c && a >= c));
}
