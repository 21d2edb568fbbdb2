// Reading tabular files (FORMATS.md "General rules"): CSV in UTF-8 (with or without BOM),
// GB18030/GBK or UTF-16, and XLSX (first worksheet). Streams rows, so memory does not grow
// with the file. Header names are matched after trimming half- and full-width spaces.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type ExcelJS from 'exceljs'; // loaded when an XLSX is opened: importing it costs 0.6 s CPU, which CSV-only commands need not pay
import { AppError } from '../errors.ts';
import { assertZipInflatesAsDeclared } from './zip-guard.ts';

export type FileFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le';

export interface RawRow {
  /** row number as a spreadsheet shows it: the header is row 1 */
  rowNumber: number;
  /** one cell per header column: string (csv) or string/number/Date/boolean (xlsx) */
  cells: unknown[];
}

export interface OpenTable {
  format: FileFormat;
  encoding?: TextEncoding;
  /** headers as written, trimmed */
  headers: string[];
  rows: AsyncIterable<RawRow>;
}

export type TableSource = string | Buffer;

/** Trim spaces of both widths (and BOM / zero-width) around a header. */
export function cleanHeader(h: unknown): string {
  return String(h ?? '').replace(/^[\s\u3000\ufeff\u200b]+|[\s\u3000\ufeff\u200b]+$/g, '');
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);

/** Detect the text encoding of a CSV from its first bytes. */
export function detectEncoding(sample: Buffer): { encoding: TextEncoding; bom: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  // Strict UTF-8 decode of the sample, ignoring a multi-byte sequence cut at its end.
  let end = sample.length;
  if (end >= 65536) {
    let i = end - 1,
      back = 0;
    while (i > 0 && back < 4 && (sample[i] & 0xc0) === 0x80) {
      i--;
      back++;
    }
    end = i; // drop the (possibly partial) last character
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

/** The first `n` bytes of a file (or buffer), to detect its kind and encoding. */
export async function readHead(source: TableSource, n: number): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source.subarray(0, n);
  let fh: FileHandle | undefined;
  try {
    fh = await open(source, 'r');
  } catch (e) {
    throw new AppError('FILE_UNREADABLE', `无法打开文件${source}：${(e as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : (e as Error).message}`);
  }
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function sourceStream(source: TableSource, start = 0): Readable {
  if (Buffer.isBuffer(source)) return Readable.from([source.subarray(start)]);
  return createReadStream(source, { start, highWaterMark: 1 << 20 });
}

/** Open a CSV or XLSX file (by content, not by name) and stream its rows. */
export async function openTable(source: TableSource): Promise<OpenTable> {
  const head = await readHead(source, 65536);
  if (head.length === 0) throw new AppError('FILE_EMPTY', '文件为空，没有表头行');
  if (startsWith(head, OLE)) throw new AppError('FILE_FORMAT', '不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx或CSV后再导入');
  if (startsWith(head, ZIP)) {
    // before ExcelJS inflates anything: the declared sizes, then the bytes each entry really gives
    // (ExcelJS reads the local headers and writes a sheet met before its strings to a temporary file)
    await assertZipInflatesAsDeclared(source);
    return openXlsx(source);
  }
  if (head.includes(0) && !(head[0] === 0xff && head[1] === 0xfe)) {
    throw new AppError('FILE_FORMAT', '文件不是CSV文本或XLSX表格（含有二进制内容），请检查文件');
  }
  return openCsv(source, head);
}

async function openCsv(source: TableSource, head: Buffer): Promise<OpenTable> {
  const { encoding, bom } = detectEncoding(head);
  const firstLine = new TextDecoder(encoding).decode(head.subarray(bom)).split(/\r?\n/)[0] ?? '';
  const delimiter = !firstLine.includes(',') && !firstLine.includes('，') && firstLine.includes('\t') ? '\t' : ',';
  const decoder = new TextDecoder(encoding);
  const text = sourceStream(source, bom).map((chunk: Buffer) => decoder.decode(chunk, { stream: true }));
  const parser = parseCsv({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true });
  text.pipe(parser);
  text.on('error', (e) => parser.destroy(e));
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const first = await it.next();
  if (first.done) throw new AppError('FILE_EMPTY', '文件为空，没有表头行');
  const headers = first.value.map(cleanHeader);
  async function* rows(): AsyncGenerator<RawRow> {
    let rowNumber = 1;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        rowNumber++;
        const cells = r.value;
        if (cells.length === 1 && cells[0].trim() === '') continue; // blank line
        yield { rowNumber, cells };
      }
    } catch (e) {
      throw new AppError('FILE_MALFORMED', `第${rowNumber + 1}行附近无法解析：${(e as Error).message}`);
    }
  }
  return { format: 'csv', encoding, headers, rows: rows() };
}

function xlsxCell(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || v instanceof Date) return v;
  const o = v as Record<string, unknown>;
  if ('richText' in o && Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
  if ('text' in o && 'hyperlink' in o) return o.text;
  if ('formula' in o || 'sharedFormula' in o) return { formula: String(o.formula ?? o.sharedFormula), result: o.result };
  if ('error' in o) return null;
  return String(v);
}

/** A cell that held a formula: callers reject it rather than trust a cached result. */
export interface FormulaCell {
  formula: string;
  result: unknown;
}
export function isFormulaCell(v: unknown): v is FormulaCell {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && 'formula' in v;
}

/** UTF-8 text of a byte stream, decoded with state so a character split between chunks survives. */
async function* utf8Chunks(it: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const c of it) {
    const s = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    if (s) yield s;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * ExcelJS's streaming reader decodes each zip chunk on its own, which garbles a Chinese
 * character cut at a chunk boundary (seen as U+FFFD in names and banks). Hand it text decoded
 * across chunks instead: its decoder passes strings through unchanged.
 */
function decodeUtf8AcrossChunks(reader: unknown): void {
  const r = reader as { _parseWorksheet: (it: unknown, n: string) => unknown; _parseSharedStrings: (entry: unknown) => unknown };
  const ws = r._parseWorksheet.bind(r);
  const ss = r._parseSharedStrings.bind(r);
  r._parseWorksheet = (it, n) => ws(utf8Chunks(it as AsyncIterable<Buffer>), n);
  r._parseSharedStrings = (entry) => ss(Readable.from(utf8Chunks(entry as AsyncIterable<Buffer>)));
}

async function openXlsx(source: TableSource): Promise<OpenTable> {
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : createReadStream(source);
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(input as never, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  decodeUtf8AcrossChunks(reader);
  let sheetIt: AsyncIterator<AsyncIterable<ExcelJS.Row>>;
  let rowIt: AsyncIterator<ExcelJS.Row>;
  let firstRow: ExcelJS.Row | undefined;
  try {
    sheetIt = (reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row>>)[Symbol.asyncIterator]();
    const sheet = await sheetIt.next();
    if (sheet.done) throw new AppError('FILE_EMPTY', 'XLSX文件中没有工作表');
    rowIt = sheet.value[Symbol.asyncIterator]();
    const r = await rowIt.next();
    firstRow = r.done ? undefined : r.value;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('FILE_MALFORMED', `XLSX文件已损坏或不完整，无法读取：${(e as Error).message}`);
  }
  if (!firstRow) throw new AppError('FILE_EMPTY', '第一个工作表为空，没有表头行');
  const hv = firstRow.values as unknown[];
  const headers: string[] = [];
  for (let i = 1; i < hv.length; i++) headers.push(cleanHeader(xlsxCell(hv[i]) as string));
  const headerRowNumber = firstRow.number;
  async function* rows(): AsyncGenerator<RawRow> {
    try {
      for (;;) {
        const r = await rowIt.next();
        if (r.done) break;
        const vals = r.value.values as unknown[];
        const cells: unknown[] = new Array(headers.length);
        let any = false;
        for (let i = 0; i < headers.length; i++) {
          const c = xlsxCell(vals[i + 1]);
          cells[i] = c;
          if (c !== null && c !== undefined && c !== '') any = true;
        }
        if (!any) continue;
        yield { rowNumber: r.value.number - headerRowNumber + 1, cells };
      }
      // drain remaining sheets so the reader finishes cleanly
    } catch (e) {
      throw new AppError('FILE_MALFORMED', `XLSX文件已损坏或不完整：${(e as Error).message}`);
    }
  }
  return { format: 'xlsx', headers, rows: rows() };
}

/** Cell to text: numbers without exponent, Excel dates as YYYY-MM-DD, formulas by their result. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 }) : String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (isFormulaCell(v)) return cellText(v.result);
  return String(v);
}

export interface ColumnSpec {
  /** canonical header → required? */
  columns: Record<string, boolean>;
  /** alternative spellings that mean the same column */
  aliases?: Record<string, string>;
}

export interface HeaderMap {
  /** canonical name → column index */
  index: Map<string, number>;
  missing: string[];
  /** headers not in the spec: kept or ignored by the caller, with a warning */
  unknown: { header: string; index: number }[];
  duplicated: string[];
}

/** Match a file's headers to a spec after trimming; order is free. */
export function mapHeaders(headers: string[], spec: ColumnSpec): HeaderMap {
  const index = new Map<string, number>();
  const unknown: { header: string; index: number }[] = [];
  const duplicated: string[] = [];
  headers.forEach((raw, i) => {
    const h = cleanHeader(raw);
    const canonical = h in spec.columns ? h : spec.aliases?.[h];
    if (!canonical) {
      if (h !== '') unknown.push({ header: h, index: i });
      return;
    }
    if (index.has(canonical)) duplicated.push(canonical);
    else index.set(canonical, i);
  });
  const missing = Object.entries(spec.columns)
    .filter(([k, req]) => req && !index.has(k))
    .map(([k]) => k);
  return { index, missing, unknown, duplicated };
}
