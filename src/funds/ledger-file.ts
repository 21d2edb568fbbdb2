// The ledger as files (FORMATS §8): one .xlsx workbook with the five sheets found by name, or a
// folder of five CSV files (UTF-8 with or without BOM, or GB18030). Every sheet and required
// column is looked for before any row is read: a ledger missing one is unreadable as a whole.
// Rows stream through the checker; the big sheets are never held as objects.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, isAppError } from '../shared/errors.ts';
import { openFastTable } from '../shared/files/fastcsv.ts';
import { xlsxSheetNames, openXlsxFast } from '../shared/files/xlsx-fast.ts';
import { cleanHeader, mapHeaders } from '../shared/files/table.ts';
import { csvDocument } from '../shared/files/csv-write.ts';
import type { IsoDate } from '../shared/dates.ts';
import {
  LEDGER_CSV_NAMES,
  LEDGER_SHEETS,
  MONEY_SHEETS,
  type LedgerRejection,
  type LedgerSheet,
  type MoneySheet,
  type RateKey,
  type RateTable,
} from './ledger.types.ts';
import { LEDGER_COLUMNS, isBlankRow, type ColumnIndex } from './ledger-rows.ts';
import { LedgerChecker } from './ledger-check.ts';
import { computeRates } from './rates.ts';

/** A path to a .xlsx workbook or to a folder of the five CSV files, the bytes of a workbook, or the five CSV files one by one. */
export type LedgerSource = string | Buffer | { csv: readonly LedgerCsvFile[] };

interface SheetRows {
  headers: string[];
  batches: AsyncIterable<{ rowNumber: number; cells: unknown[] }[]>;
}

const unreadable = (why: string, code: 'FILE_FORMAT' | 'FILE_COLUMNS' = 'FILE_FORMAT') => new AppError(code, `台账无法读取：${why}`);

async function* batched(rows: AsyncIterable<{ rowNumber: number; cells: unknown[] }>): AsyncGenerator<{ rowNumber: number; cells: unknown[] }[]> {
  let b: { rowNumber: number; cells: unknown[] }[] = [];
  for await (const r of rows) {
    b.push(r);
    if (b.length >= 2000) {
      yield b;
      b = [];
    }
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
    if (index < 0) {
      missing.push(sheet);
      continue;
    }
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

/** One CSV file of a ledger: the sheet it holds, where it is, and the name messages give it. */
export interface LedgerCsvFile {
  sheet: LedgerSheet;
  path: string;
  name: string;
}

function openCsvFiles(files: readonly LedgerCsvFile[]): Map<LedgerSheet, () => Promise<SheetRows>> {
  const missing = LEDGER_SHEETS.filter((s) => !files.some((f) => f.sheet === s));
  if (missing.length) throw unreadable(`缺少：${missing.map((s) => `${s}.csv`).join('、')}`);
  const out = new Map<LedgerSheet, () => Promise<SheetRows>>();
  for (const { sheet, path, name } of files) {
    out.set(sheet, async () => {
      const t = await openFastTable(path).catch((e) => {
        throw unreadable(`${name}：${isAppError(e) ? e.message : (e as Error).message}`);
      });
      return { headers: t.headers, batches: t.batches };
    });
  }
  return out;
}

/** The sheet a CSV file name stands for (资金批次.csv …), or null. */
export function csvSheetOf(filename: string): LedgerSheet | null {
  if (!/\.csv$/i.test(filename)) return null;
  const base = cleanHeader(filename.slice(0, -4));
  return LEDGER_SHEETS.find((s) => s === base) ?? null;
}

async function openFolder(dir: string): Promise<Map<LedgerSheet, () => Promise<SheetRows>>> {
  const names = await readdir(dir);
  const files: LedgerCsvFile[] = [];
  const missing: string[] = [];
  for (const sheet of LEDGER_SHEETS) {
    const file = names.find((f) => csvSheetOf(f) === sheet);
    if (!file) missing.push(`${sheet}.csv`);
    else files.push({ sheet, path: join(dir, file), name: file });
  }
  if (missing.length) throw unreadable(`文件夹中缺少：${missing.join('、')}`);
  return openCsvFiles(files);
}

/** A file as the web import receives it: its own name, where it was stored, its sha256. */
export interface UploadedLedgerFile {
  filename: string;
  path: string;
  sha256: string;
}

/**
 * The ledger of a web upload: one .xlsx workbook alone, or the five CSV files by their §8 names.
 * Any other file, a name given twice or a missing file is refused by name before anything is
 * read. The sha256 of a CSV ledger is that of its five files' hashes in sheet order, so the
 * confirmation can be held to the files that were previewed.
 */
export async function uploadedLedger(files: readonly UploadedLedgerFile[]): Promise<{ source: LedgerSource; sha256: string; filename: string }> {
  const isXlsx = (f: UploadedLedgerFile) => /\.xlsx$/i.test(f.filename);
  const expected = `请上传一个XLSX工作簿，或五个CSV文件：${LEDGER_CSV_NAMES.join('、')}`;
  if (files.length === 1 && !/\.csv$/i.test(files[0].filename)) {
    // a workbook is known by its content (a zip), whatever its name says
    const f = files[0];
    const buf = await readFile(f.path);
    if (!(buf[0] === 0x50 && buf[1] === 0x4b)) throw unreadable(`无法识别的文件“${f.filename}”，它不是XLSX工作簿。${expected}`);
    return { source: buf, sha256: f.sha256, filename: f.filename || 'ledger.xlsx' };
  }
  const workbooks = files.filter(isXlsx);
  if (workbooks.length) throw unreadable(`XLSX工作簿“${workbooks.map((f) => f.filename).join('”“')}”须单独上传，不能与其他文件一起上传`);
  const unknown = files.filter((f) => !csvSheetOf(f.filename));
  if (unknown.length) throw unreadable(`无法识别的文件“${unknown.map((f) => f.filename).join('”“')}”。${expected}`);
  const bySheet = new Map<LedgerSheet, UploadedLedgerFile>();
  for (const f of files) {
    const sheet = csvSheetOf(f.filename)!;
    if (bySheet.has(sheet)) throw unreadable(`收到两个${sheet}.csv（“${bySheet.get(sheet)!.filename}”和“${f.filename}”），请只选择一个`);
    bySheet.set(sheet, f);
  }
  const missing = LEDGER_CSV_NAMES.filter((_, i) => !bySheet.has(LEDGER_SHEETS[i]));
  if (missing.length) throw unreadable(`缺少${missing.join('、')}（已收到：${files.map((f) => f.filename).join('、')}）。${expected}`);
  const csv = LEDGER_SHEETS.map((sheet) => {
    const f = bySheet.get(sheet)!;
    return { sheet, path: f.path, name: f.filename, sha256: f.sha256 };
  });
  return {
    source: { csv: csv.map(({ sheet, path, name }) => ({ sheet, path, name })) },
    sha256: createHash('sha256')
      .update(csv.map((f) => `${f.sheet}.csv ${f.sha256}\n`).join(''))
      .digest('hex'),
    filename: csv.map((f) => f.name).join('、'),
  };
}

/** Open the ledger, find its five sheets and check their headers; an unreadable ledger throws (FILE_FORMAT / FILE_COLUMNS). */
export async function openLedger(
  source: LedgerSource,
): Promise<{ container: 'xlsx' | 'csv'; sheets: Map<LedgerSheet, { rows: SheetRows; col: ColumnIndex }> }> {
  let opener: Map<LedgerSheet, () => Promise<SheetRows>>;
  let container: 'xlsx' | 'csv';
  if (Buffer.isBuffer(source)) {
    opener = await openWorkbook(source);
    container = 'xlsx';
  } else if (typeof source !== 'string') {
    opener = openCsvFiles(source.csv);
    container = 'csv';
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
  return csvDocument(
    REJECTED_HEADERS,
    rejected.map((r) => [r.sheet, r.row, r.code, r.reason]),
    ['text', 'raw', 'raw', 'text'],
  );
}

/** A rate table as CSV: 分组 as text, every other cell as the program wrote it. */
export function rateTableCsv(table: RateTable): string {
  return csvDocument(
    table.headers,
    table.rows,
    table.headers.map((_, i) => (i === 0 ? 'text' : 'raw')),
  );
}

export async function writeRateTable(table: RateTable, out: string): Promise<void> {
  await writeFile(out, rateTableCsv(table));
}

/** The rate table of a checked ledger file (entries dated ≤ asOf). */
export function ledgerRates(checker: LedgerChecker, by: RateKey, asOf: IsoDate | null): RateTable {
  return computeRates({ batches: checker.batches, projects: checker.projects, sums: checker.sums(asOf) }, by, asOf);
}
