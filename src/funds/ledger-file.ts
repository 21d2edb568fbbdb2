// The ledger as files (FORMATS §8): one .xlsx workbook with the five sheets found by name, or a
// folder of five CSV files (UTF-8 with or without BOM, or GB18030). Every sheet and required
// column is looked for before any row is read: a ledger missing one is unreadable as a whole.
// Rows stream through the checker; the big sheets are never held as objects.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, isAppError } from '../shared/errors.ts';
import { openFastTable } from '../shared/files/fastcsv.ts';
import { xlsxSheetNames, openXlsxFast } from '../shared/files/xlsx-fast.ts';
import { cleanHeader, mapHeaders } from '../shared/files/table.ts';
import { csvDocument } from '../shared/files/csv-write.ts';
import type { IsoDate } from '../shared/dates.ts';
import { LEDGER_SHEETS, MONEY_SHEETS, type LedgerRejection, type LedgerSheet, type MoneySheet, type RateKey, type RateTable } from './ledger.types.ts';
import { LEDGER_COLUMNS, isBlankRow, type ColumnIndex } from './ledger-rows.ts';
import { LedgerChecker } from './ledger-check.ts';
import { computeRates } from './rates.ts';

/** A path to a .xlsx workbook or to a folder of the five CSV files, or the bytes of a workbook. */
export type LedgerSource = string | Buffer;

interface SheetRows { headers: string[]; batches: AsyncIterable<{ rowNumber: number; cells: unknown[] }[]> }

const unreadable = (why: string, code: 'FILE_FORMAT' | 'FILE_COLUMNS' = 'FILE_FORMAT') => new AppError(code, `台账无法读取：${why}`);

async function* batched(rows: AsyncIterable<{ rowNumber: number; cells: unknown[] }>): AsyncGenerator<{ rowNumber: number; cells: unknown[] }[]> {
  let b: { rowNumber: number; cells: unknown[] }[] = [];
  for await (const r of rows) {
    b.push(r);
    if (b.length >= 2000) { yield b; b = []; }
  }
  if (b.length) yield b;
}

async function openWorkbook(buf: Buffer): Promise<Map<LedgerSheet, () => Promise<SheetRows>>> {
  let names: string[];
  try {
    names = xlsxSheetNames(buf);
  } catch (e) {
    throw unreadable(isAppError(e) ? e.message : '不是有效的XLSX工作簿');
  }
  const out = new Map<LedgerSheet, () => Promise<SheetRows>>();
  const missing: string[] = [];
  for (const sheet of LEDGER_SHEETS) {
    const index = names.findIndex((n) => cleanHeader(n) === sheet);
    if (index < 0) { missing.push(sheet); continue; }
    out.set(sheet, async () => {
      const t = await openXlsxFast(buf, index).catch((e) => {
        throw unreadable(`工作表“${sheet}”${isAppError(e) && e.code === 'FILE_EMPTY' ? '为空，没有表头行' : `读取失败：${(e as Error).message}`}`);
      });
      return { headers: t.headers, batches: batched(t.rows) };
    });
  }
  if (missing.length) throw unreadable(`工作簿中缺少工作表：${missing.join('、')}（现有：${names.map(cleanHeader).join('、') || '无'}）`);
  return out;
}

async function openFolder(dir: string): Promise<Map<LedgerSheet, () => Promise<SheetRows>>> {
  const files = await readdir(dir);
  const out = new Map<LedgerSheet, () => Promise<SheetRows>>();
  const missing: string[] = [];
  for (const sheet of LEDGER_SHEETS) {
    const file = files.find((f) => /\.csv$/i.test(f) && cleanHeader(f.slice(0, -4)) === sheet);
    if (!file) { missing.push(`${sheet}.csv`); continue; }
    out.set(sheet, async () => {
      const t = await openFastTable(join(dir, file)).catch((e) => {
        throw unreadable(`${file}：${isAppError(e) ? e.message : (e as Error).message}`);
      });
      return { headers: t.headers, batches: t.batches };
    });
  }
  if (missing.length) throw unreadable(`文件夹中缺少：${missing.join('、')}`);
  return out;
}

/** Open the ledger, find its five sheets and check their headers; an unreadable ledger throws (FILE_FORMAT / FILE_COLUMNS). */
export async function openLedger(source: LedgerSource): Promise<{ container: 'xlsx' | 'csv'; sheets: Map<LedgerSheet, { rows: SheetRows; col: ColumnIndex }> }> {
  let opener: Map<LedgerSheet, () => Promise<SheetRows>>;
  let container: 'xlsx' | 'csv';
  if (Buffer.isBuffer(source)) {
    opener = await openWorkbook(source);
    container = 'xlsx';
  } else {
    const st = await stat(source).catch(() => null);
    if (!st) throw unreadable(`找不到${source}`);
    if (st.isDirectory()) {
      opener = await openFolder(source);
      container = 'csv';
    } else {
      const buf = await readFile(source);
      if (!(buf[0] === 0x50 && buf[1] === 0x4b)) throw unreadable(`${source}不是XLSX工作簿；CSV台账请给出存放五个CSV文件的文件夹`);
      opener = await openWorkbook(buf);
      container = 'xlsx';
    }
  }
  const sheets = new Map<LedgerSheet, { rows: SheetRows; col: ColumnIndex }>();
  const problems: string[] = [];
  try {
    for (const sheet of LEDGER_SHEETS) {
      const rows = await opener.get(sheet)!();
      const map = mapHeaders(rows.headers, LEDGER_COLUMNS[sheet]);
      if (map.missing.length) problems.push(`工作表“${sheet}”缺少必填列：${map.missing.join('、')}`);
      sheets.set(sheet, { rows, col: map.index });
    }
    if (problems.length) throw unreadable(problems.join('；'), 'FILE_COLUMNS');
  } catch (e) {
    await Promise.allSettled([...sheets.values()].map(({ rows }) => close(rows)));
    throw e;
  }
  return { container, sheets };
}

/** Close a sheet that will not be read (its file handle is released when its rows finish). */
async function close(rows: SheetRows): Promise<void> {
  const it = rows.batches[Symbol.asyncIterator]();
  try {
    await it.next();
  } finally {
    await it.return?.(undefined);
  }
}

/** Read and check a whole ledger (FORMATS §8.1). */
export async function checkLedgerSource(source: LedgerSource, opts: { keepVouchers?: boolean } = {}): Promise<LedgerChecker & { container: 'xlsx' | 'csv' }> {
  const { container, sheets } = await openLedger(source);
  const checker = new LedgerChecker(opts);
  for (const sheet of LEDGER_SHEETS) {
    const { rows, col } = sheets.get(sheet)!;
    const money = (MONEY_SHEETS as readonly string[]).includes(sheet);
    for await (const batch of rows.batches) {
      for (const r of batch) {
        if (isBlankRow(r.cells)) continue;
        if (sheet === '资金批次') checker.addBatchRow(r.rowNumber, r.cells, col);
        else if (sheet === '项目') checker.addProjectRow(r.rowNumber, r.cells, col);
        else if (money) checker.addMoneyRow(sheet as MoneySheet, r.rowNumber, r.cells, col);
      }
    }
  }
  checker.finish();
  return Object.assign(checker, { container });
}

export const REJECTED_HEADERS = ['工作表', '行号', '问题代码', '说明'];

/** The rejected rows as the CSV of §8.3 (UTF-8 with BOM). */
export function rejectedCsv(rejected: readonly LedgerRejection[]): string {
  return csvDocument(REJECTED_HEADERS, rejected.map((r) => [r.sheet, r.row, r.code, r.reason]), ['text', 'raw', 'raw', 'text']);
}

/** A rate table as CSV: 分组 as text, every other cell as the program wrote it. */
export function rateTableCsv(table: RateTable): string {
  return csvDocument(table.headers, table.rows, table.headers.map((_, i) => (i === 0 ? 'text' : 'raw')));
}

export async function writeRateTable(table: RateTable, out: string): Promise<void> {
  await writeFile(out, rateTableCsv(table));
}

/** The rate table of a checked ledger file (entries dated ≤ asOf). */
export function ledgerRates(checker: LedgerChecker, by: RateKey, asOf: IsoDate | null): RateTable {
  return computeRates({ batches: checker.batches, projects: checker.projects, sums: checker.sums(asOf) }, by, asOf);
}
