// Reading an alert file (CSV in UTF-8 / GB18030, or xlsx) through the shared streaming byte
// reader, like the cross-check: rows are handed out one by one, so memory grows with the
// population matched against, not with the file. Every rejected row is listed.
import { AppError } from '../shared/errors.ts';
import { scanCsv } from '../shared/files/bytecsv.ts';
import { mapHeaders } from '../shared/files/table.ts';
import type { IsoDate } from '../shared/dates.ts';
import { ALERT_COLUMNS, ALERT_SPEC, readAlertRow, type AlertProblem, type AlertRow, type Columns } from './alerts.ts';
import { ALERT_TYPES, type AlertSource } from './codes.ts';

const TYPE_INDEX = new Map(Object.keys(ALERT_TYPES).map((t, i) => [t, i]));
/** An alert's type and date as one number (date as yyyymmdd, 0 when unknown). */
const pairCode = (type: string, date: string | null) =>
  (TYPE_INDEX.get(type) ?? 99) * 1e8 + (date ? Number(date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10)) : 0);

/**
 * The (ID, type, date) triples accepted so far, as integers in typed arrays: a million-row file
 * keeps no strings alive for its duplicate check, so the garbage collector has little to trace.
 */
export class TripleSet {
  private keys = new Int32Array(3 * 65536);
  private used = new Uint8Array(65536);
  private n = 0;
  /** false when the triple was there already */
  add(a: number, b: number, c: number): boolean {
    if ((this.n + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
    for (i &= mask; this.used[i]; i = (i + 1) & mask) {
      if (this.keys[3 * i] === a && this.keys[3 * i + 1] === b && this.keys[3 * i + 2] === c) return false;
    }
    this.used[i] = 1;
    this.keys[3 * i] = a;
    this.keys[3 * i + 1] = b;
    this.keys[3 * i + 2] = c;
    this.n++;
    return true;
  }
  private grow(): void {
    const oldK = this.keys,
      oldU = this.used;
    this.keys = new Int32Array(oldK.length * 2);
    this.used = new Uint8Array(oldU.length * 2);
    this.n = 0;
    for (let i = 0; i < oldU.length; i++) if (oldU[i]) this.add(oldK[3 * i], oldK[3 * i + 1], oldK[3 * i + 2]);
  }
}

export interface AlertFileSummary {
  rows: number;
  accepted: number;
  rejected: number;
  /** rejected rows (row, column, reason); a row may have several */
  problems: AlertProblem[];
  warnings: string[];
  encoding: string;
}

/**
 * Stream an alert file: `onAlert` gets every accepted row. A row repeating an earlier accepted
 * row's ID, type and date is rejected as a duplicate (the office sent it twice).
 */
export async function readAlertFile(
  path: string,
  opts: { source: AlertSource | null; today: IsoDate; onAlert: (a: AlertRow) => void; maxProblems?: number },
): Promise<AlertFileSummary> {
  let cols: Columns | null = null;
  const problems: AlertProblem[] = [];
  const warnings: string[] = [];
  const seen = new TripleSet();
  let rows = 0,
    accepted = 0,
    rejected = 0,
    encoding = '';
  const max = opts.maxProblems ?? 100_000;
  const rowProblems: AlertProblem[] = [];
  let view: unknown = null;
  let cell: ((i: number) => string) | null = null;
  await scanCsv(path, {
    onHeader: (info) => {
      encoding = info.encoding;
      const m = mapHeaders(info.headers, ALERT_SPEC);
      if (m.missing.length)
        throw new AppError('FILE_COLUMNS', `预警文件缺少必需的列：${m.missing.join('、')}（文件中的列为：${info.headers.filter(Boolean).join('、')}）`);
      if (m.duplicated.length) warnings.push(`列“${m.duplicated.join('、')}”出现多次，只使用第一列`);
      if (m.unknown.length) warnings.push(`列“${m.unknown.map((u) => u.header).join('、')}”用不到，已忽略`);
      cols = Object.fromEntries(ALERT_COLUMNS.map((c) => [c, m.index.get(c) ?? -1])) as Columns;
    },
    onRow: (rv) => {
      rows++;
      rowProblems.length = 0;
      const c = cols!;
      // the reader hands out one reused row object: the accessor is made once
      if (view !== rv) {
        view = rv;
        cell = (i: number) => (i === c.身份证号 || i === c.金额 || i === c.日期 || i === c.村代码 ? rv.ascii(i) : rv.text(i));
      }
      const a = readAlertRow(cell!, c, rv.rowNumber, opts.source, opts.today, rowProblems);
      if (a) {
        // an accepted ID is valid: its first 17 digits decide it, as two integers
        const id = a.idNumber;
        if (!seen.add(Number(id.slice(0, 9)), Number(id.slice(9, 17)), pairCode(a.alertType, a.alertDate))) {
          rowProblems.push({ rowNumber: rv.rowNumber, column: '身份证号', reason: '与前面的行重复（同一身份证号、预警类型和日期）' });
        } else {
          accepted++;
          opts.onAlert(a);
        }
      }
      if (rowProblems.length) {
        rejected++;
        for (const p of rowProblems) if (problems.length < max) problems.push({ ...p });
      }
    },
  });
  if (!cols) throw new AppError('FILE_EMPTY', '预警文件为空，没有表头行');
  if (problems.length >= max) warnings.push(`被拒绝的行过多，只列出前${max}条问题`);
  return { rows, accepted, rejected, problems, warnings, encoding };
}
