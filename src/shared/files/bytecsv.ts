// The fastest way through very large CSV extracts (tens of millions of rows): the file is
// scanned as bytes, line by line, and a field is decoded only when the caller asks for it —
// `ascii(i)` for IDs, codes, dates and amounts, `text(i)` for names and statuses. A row with
// a quote character takes an exact slow path (decoded and split with quotes honoured, also
// across line breaks). UTF-8 and GB18030 are scanned as bytes (a line feed byte never occurs
// inside a character in either); UTF-16 files go through the string reader in fastcsv.ts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../errors.ts';
import { cleanHeader, detectEncoding, readHead, type TextEncoding } from './table.ts';
import { openFastTable, splitRecord } from './fastcsv.ts';
import iconv from 'iconv-lite';

/** Node's undocumented but long-standing direct slice decoders (faster than toString with a range). */
type FastBuf = Buffer & { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string };

/** One row, valid only during the callback (it is reused for the next row). */
export class RowView {
  rowNumber = 0;
  /** byte mode */
  buf: Buffer = Buffer.alloc(0);
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  n = 0;
  /** string mode (rows with quotes, UTF-16 and XLSX files) */
  cells: string[] | null = null;
  constructor(private decodeBytes: (buf: Buffer, s: number, e: number) => string) {}

  /** number of fields in this row */
  get length(): number {
    return this.cells ? this.cells.length : this.n;
  }

  /** set by span(): field i's bytes without surrounding ASCII spaces, tabs and CR */
  private s0 = 0;
  private e0 = 0;

  /** Trim field i (byte mode, i in range) into s0..e0. */
  private span(i: number): void {
    let s = this.starts[i],
      e = this.ends[i];
    const b = this.buf;
    while (s < e && (b[s] === 32 || b[s] === 9)) s++;
    while (e > s && (b[e - 1] === 32 || b[e - 1] === 9 || b[e - 1] === 13)) e--;
    this.s0 = s;
    this.e0 = e;
  }

  /** Field text, trimmed (half- and full-width spaces); '' when the row is shorter. */
  text(i: number): string {
    if (i < 0) return '';
    if (this.cells) return i < this.cells.length ? this.cells[i].trim() : '';
    if (i >= this.n) return '';
    this.span(i);
    if (this.s0 === this.e0) return '';
    return this.decodeBytes(this.buf, this.s0, this.e0).trim();
  }

  /** Like text(), faster for fields that are usually plain ASCII (IDs, codes, dates, amounts). */
  ascii(i: number): string {
    if (this.cells || i < 0 || i >= this.n) return this.text(i);
    this.span(i);
    const s = this.s0,
      e = this.e0,
      b = this.buf;
    for (let k = s; k < e; k++) if (b[k] >= 0x80) return this.text(i);
    return (b as FastBuf).latin1Slice(s, e);
  }

  /** set by idKey(): the ID as two integers */
  idHi = 0;
  idLo = 0;

  /**
   * Read field i as a standard 18-character ID (17 digits, then a digit or X/x) into idHi (first
   * 9 digits) and idLo (next 8 digits × 11 + check value, X = 10) without allocating a string.
   * False for anything else (the caller then uses ascii()).
   */
  idKey(i: number): boolean {
    if (this.cells || i < 0 || i >= this.n) return false;
    let s = this.starts[i],
      e = this.ends[i];
    const b = this.buf;
    while (s < e && b[s] === 32) s++;
    while (e > s && (b[e - 1] === 32 || b[e - 1] === 13)) e--;
    if (e - s !== 18) return false;
    let hi = 0,
      lo = 0;
    for (let k = 0; k < 9; k++) {
      const c = b[s + k] - 48;
      if (c < 0 || c > 9) return false;
      hi = hi * 10 + c;
    }
    for (let k = 9; k < 17; k++) {
      const c = b[s + k] - 48;
      if (c < 0 || c > 9) return false;
      lo = lo * 10 + c;
    }
    const last = b[s + 17];
    const chk = last === 88 || last === 120 ? 10 : last - 48;
    if (chk < 0 || chk > 10) return false;
    this.idHi = hi;
    this.idLo = lo * 11 + chk;
    return true;
  }

  /** The first 6 characters of field i as a number when they are digits (a county code), else -1. */
  county6(i: number): number {
    if (this.cells) {
      const t = this.text(i);
      return /^\d{6}/.test(t) ? +t.slice(0, 6) : -1;
    }
    if (i < 0 || i >= this.n) return -1;
    let s = this.starts[i];
    const e = this.ends[i],
      b = this.buf;
    while (s < e && b[s] === 32) s++;
    if (e - s < 6) return -1;
    let v = 0;
    for (let k = 0; k < 6; k++) {
      const c = b[s + k] - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  }

  /**
   * Field i as an amount in fen when it is written plainly (digits, optionally `.` and 1–2
   * decimals); -1 otherwise (the caller then parses the text).
   */
  plainFen(i: number): number {
    if (this.cells || i < 0 || i >= this.n) return -1;
    let s = this.starts[i],
      e = this.ends[i];
    const b = this.buf;
    while (s < e && b[s] === 32) s++;
    while (e > s && (b[e - 1] === 32 || b[e - 1] === 13)) e--;
    if (s === e || e - s > 15) return -1;
    let v = 0,
      k = s;
    for (; k < e && b[k] !== 46; k++) {
      const c = b[k] - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    if (k === e) return v * 100;
    const dec = e - k - 1;
    if (dec < 1 || dec > 2) return -1;
    const d1 = b[k + 1] - 48,
      d2 = dec === 2 ? b[k + 2] - 48 : 0;
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
    return v * 100 + d1 * 10 + d2;
  }

  /** Whether field i (trimmed) is exactly `text`, compared as bytes in the file's encoding. */
  is(i: number, text: string): boolean {
    if (this.cells) return this.text(i) === text;
    if (i < 0 || i >= this.n) return text === '';
    let enc = this.encoded.get(text);
    if (!enc) {
      enc = this.encodeText(text);
      this.encoded.set(text, enc);
    }
    this.span(i);
    return sameBytes(enc, this.buf, this.s0, this.e0);
  }
  private encoded = new Map<string, Buffer>();
  encodeText: (s: string) => Buffer = (s) => Buffer.from(s, 'utf8');

  /** Whether fields i and j hold the same text (compared as bytes, no strings made). */
  same(i: number, j: number): boolean {
    if (i < 0 || j < 0) return false;
    if (this.cells) return this.text(i) === this.text(j);
    if (i >= this.n || j >= this.n) return false;
    this.span(j);
    const s2 = this.s0,
      e2 = this.e0;
    this.span(i);
    const s1 = this.s0,
      b = this.buf;
    if (this.e0 - s1 !== e2 - s2) return false;
    for (let k = 0; k < e2 - s2; k++) if (b[s1 + k] !== b[s2 + k]) return false;
    return true;
  }

  /** Field i exactly as written (not trimmed): for values whose spacing is itself worth reporting. */
  raw(i: number): string {
    if (this.cells) return i >= 0 && i < this.cells.length ? this.cells[i] : '';
    if (i < 0 || i >= this.n) return '';
    const s = this.starts[i],
      e = this.ends[i],
      b = this.buf;
    for (let k = s; k < e; k++) if (b[k] >= 0x80) return this.decodeBytes(b, s, e);
    return (b as FastBuf).latin1Slice(s, e);
  }

  /**
   * Field text like text(), taken from `pool` when the same bytes were seen before: a column with
   * few distinct values (sex, relation, village, dates …) then costs no new string per row.
   */
  pooled(i: number, pool: FieldPool): string {
    if (this.cells) return pool.intern(this.text(i));
    if (i < 0 || i >= this.n) return '';
    this.span(i);
    const s = this.s0,
      e = this.e0,
      b = this.buf;
    if (s === e) return '';
    const last = pool.last;
    if (last !== null && sameBytes(last.bytes, b, s, e)) return last.text; // sorted rosters repeat the row above
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k], 16777619);
    h ^= h >>> 15; // mix: the table slot is the low bits
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    const hit = pool.find(h, b, s, e);
    if (hit !== null) {
      pool.last = hit;
      return hit.text;
    }
    const t = this.text(i);
    pool.add(h, { bytes: Uint8Array.prototype.slice.call(b, s, e), text: t });
    return t;
  }

  /** The whole row as strings (for readers that want every field). */
  all(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.text(i));
    return out;
  }
}

interface PoolEntry {
  bytes: Uint8Array;
  text: string;
}

function sameBytes(x: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (x.length !== e - s) return false;
  for (let k = 0; k < x.length; k++) if (x[k] !== b[s + k]) return false;
  return true;
}

/** Strings of one column already decoded, found again by their bytes (see RowView.pooled). */
export class FieldPool {
  last: PoolEntry | null = null;
  private hashes = new Int32Array(1024);
  private entries: (PoolEntry | null)[] = new Array(1024).fill(null);
  private size = 0;
  private readonly strings = new Map<string, string>();
  /** distinct values kept; later new values are decoded each time (still correct, just not shared) */
  constructor(readonly limit = 100_000) {}

  find(h: number, b: Uint8Array, s: number, e: number): PoolEntry | null {
    const mask = this.hashes.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = this.entries[i];
      if (x === null) return null;
      if (this.hashes[i] === h && sameBytes(x.bytes, b, s, e)) return x;
    }
  }

  add(h: number, entry: PoolEntry): void {
    if (this.size >= this.limit) return;
    if ((this.size + 1) * 2 > this.hashes.length) this.grow();
    const mask = this.hashes.length - 1;
    let i = h & mask;
    while (this.entries[i] !== null) i = (i + 1) & mask;
    this.hashes[i] = h;
    this.entries[i] = entry;
    this.size++;
    this.last = entry;
  }

  private grow(): void {
    const oldH = this.hashes,
      oldE = this.entries;
    this.hashes = new Int32Array(oldH.length * 2);
    this.entries = new Array(oldH.length * 2).fill(null);
    const mask = this.hashes.length - 1;
    for (let j = 0; j < oldH.length; j++) {
      const x = oldE[j];
      if (x === null) continue;
      let i = oldH[j] & mask;
      while (this.entries[i] !== null) i = (i + 1) & mask;
      this.hashes[i] = oldH[j];
      this.entries[i] = x;
    }
  }

  /** one string per value (for rows read as strings) */
  intern(t: string): string {
    if (t === '') return t;
    const hit = this.strings.get(t);
    if (hit !== undefined) return hit;
    if (this.strings.size < this.limit) this.strings.set(t, t);
    return t;
  }
}

export interface ByteCsvInfo {
  encoding: TextEncoding | 'xlsx';
  headers: string[];
  size: number;
}

export interface ScanOptions {
  /** called once with the headers; throw to refuse the file */
  onHeader(info: ByteCsvInfo): void;
  onRow(row: RowView): void;
  /** called after each chunk with the bytes read so far */
  onProgress?(bytes: number, size: number): void;
}

/** Scan a CSV (or XLSX, through the streaming reader) row by row. */
export async function scanCsv(path: string, o: ScanOptions): Promise<void> {
  const h = await readHead(path, 65536);
  const size = (await stat(path)).size;
  if (h.length === 0) throw new AppError('FILE_EMPTY', '文件为空，没有表头行');
  const { encoding, bom } = detectEncoding(h);
  const binary = (h[0] === 0x50 && h[1] === 0x4b) || (h[0] === 0xd0 && h[1] === 0xcf) || encoding === 'utf-16le' || h.includes(0);
  if (binary) {
    const t = await openFastTable(path);
    o.onHeader({ encoding: t.format === 'xlsx' ? 'xlsx' : (t.encoding ?? 'utf-16le'), headers: t.headers, size });
    const rv = new RowView(() => '');
    for await (const batch of t.batches) {
      for (const r of batch) {
        if (r.cells.every((c) => c.trim() === '')) continue;
        rv.cells = r.cells;
        rv.rowNumber = r.rowNumber;
        o.onRow(rv);
      }
      o.onProgress?.(t.bytesRead(), size);
    }
    return;
  }
  const gb = encoding === 'gb18030' ? new TextDecoder('gb18030') : null;
  const decode = gb ? (b: Buffer, s: number, e: number) => gb.decode(b.subarray(s, e)) : (b: Buffer, s: number, e: number) => (b as FastBuf).utf8Slice(s, e);
  const firstLine = decode(h, bom, Math.max(bom, h.indexOf(10) < 0 ? h.length : h.indexOf(10)));
  const delim = !firstLine.includes(',') && firstLine.includes('\t') ? 9 : 44;
  const delimStr = String.fromCharCode(delim);
  const rv = new RowView(decode);
  if (gb) rv.encodeText = (t) => iconv.encode(t, 'gb18030');
  let rowNumber = 0;
  let pending: string | null = null;
  let headerDone = false;
  let consumed = bom;

  const emitStrings = (rec: string) => {
    rowNumber++;
    if (!headerDone) {
      headerDone = true;
      o.onHeader({ encoding, headers: splitRecord(rec, delimStr).map(cleanHeader), size });
      return;
    }
    const cells = splitRecord(rec, delimStr);
    if (cells.every((c) => c.trim() === '')) return;
    rv.cells = cells;
    rv.rowNumber = rowNumber;
    o.onRow(rv);
  };

  // process the complete lines in buf[0, end)
  const lines = (buf: Buffer, from: number, end: number) => {
    let s = from;
    while (s < end) {
      let nl = buf.indexOf(10, s);
      if (nl < 0 || nl >= end) nl = end;
      let e = nl;
      if (e > s && buf[e - 1] === 13) e--;
      if (pending !== null) {
        const line = decode(buf, s, e);
        pending += '\n' + line;
        if (countQuotes(line) % 2 === 1) {
          const rec = pending;
          pending = null;
          emitStrings(rec);
        }
      } else {
        // scan for delimiters and quotes
        let q = false;
        let n = 0,
          fs = s;
        for (let k = s; k < e; k++) {
          const c = buf[k];
          if (c === delim) {
            if (n + 1 >= rv.starts.length) grow(rv);
            rv.starts[n] = fs;
            rv.ends[n] = k;
            n++;
            fs = k + 1;
          } else if (c === 34) {
            q = true;
            break;
          }
        }
        if (q) {
          const line = decode(buf, s, e);
          if (countQuotes(line) % 2 === 1) pending = line;
          else emitStrings(line);
        } else if (!headerDone) {
          emitStrings(decode(buf, s, e));
        } else {
          rowNumber++;
          rv.starts[n] = fs;
          rv.ends[n] = e;
          n++;
          if (!isBlank(buf, s, e, delim)) {
            rv.cells = null;
            rv.buf = buf;
            rv.n = n;
            rv.rowNumber = rowNumber;
            o.onRow(rv);
          }
        }
      }
      s = nl + 1;
    }
  };

  let carry: Buffer | null = null;
  const stream = createReadStream(path, { start: bom, highWaterMark: 1 << 21 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    consumed += chunk.length;
    let from = 0;
    if (carry) {
      // finish the line begun in the previous chunk without copying the whole chunk
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
      lines(joined, 0, joined.length);
      carry = null;
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last < from) {
      carry = Buffer.from(chunk.subarray(from));
      continue;
    }
    lines(chunk, from, last + 1);
    carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : null;
    o.onProgress?.(consumed, size);
  }
  if (carry && carry.length) lines(carry, 0, carry.length);
  if (pending !== null) {
    const rec: string = pending;
    pending = null;
    emitStrings(rec);
  }
  if (!headerDone) throw new AppError('FILE_EMPTY', '文件为空，没有表头行');
  o.onProgress?.(size, size);
}

function grow(rv: RowView) {
  const s = new Int32Array(rv.starts.length * 2);
  s.set(rv.starts);
  rv.starts = s;
  const e = new Int32Array(rv.ends.length * 2);
  e.set(rv.ends);
  rv.ends = e;
}

/** A line of nothing but spaces and delimiters. */
function isBlank(buf: Buffer, s: number, e: number, delim: number): boolean {
  for (let k = s; k < e; k++) if (buf[k] !== 32 && buf[k] !== 9 && buf[k] !== 13 && buf[k] !== delim) return false;
  return true;
}

function countQuotes(s: string): number {
  let c = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) c++;
  return c;
}
