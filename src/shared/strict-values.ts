// Strict readings of amounts and dates for files whose rules are exact (FORMATS §8.3): only the
// written forms the format lists are accepted, so `3万`, `600元`, `12.345`, `1.200,50` or
// `2024.04.08` are unreadable rather than guessed. parseYuanToFen / parseDateStrict stay the
// lenient readers of the older formats.
import { isValidDate, isoOf, excelSerialToIso, type IsoDate } from './dates.ts';
import type { Fen } from './money.ts';
import { isFormulaCell } from './files/table.ts';

export type StrictRead<T> = { ok: true; value: T | null } | { ok: false; text: string };

/** Trim half- and full-width spaces (and BOM / zero-width) around a cell's text. */
export function trimCell(s: string): string {
  // most cells need nothing: look at both ends before running the expression
  if (s.length === 0 || (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(s.length - 1)))) return s;
  return s.replace(/^[\s\u3000\ufeff\u200b]+|[\s\u3000\ufeff\u200b]+$/g, '');
}

/**
 * A copy of a string that does not keep the text it was cut from alive. Cells sliced out of a
 * 1 MiB chunk of a CSV hold the whole chunk in V8; a value kept after its row (a project's
 * name, a rejection's reason) is copied, so a province ledger's text is not retained.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1); // flattening the concatenation copies; short strings are never slices
}

function isSpace(c: number): boolean {
  return (
    c <= 32 ||
    c === 0x3000 ||
    c === 0xfeff ||
    c === 0x200b ||
    c === 0xa0 ||
    c === 0x85 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f
  );
}

/**
 * How a spreadsheet shows a number cell: 15 significant digits (Excel's precision), trailing
 * zeros dropped. So 0.1+0.2 reads `0.3`, while 35000.125 and 12.345 keep their third decimal.
 */
export function numberCellText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
  let s = v.toPrecision(15);
  if (s.includes('e')) return s;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

const YUAN = /^(-?)(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/;

/**
 * Yuan with at most 2 decimals, optionally with `,` thousands separators in their places, an
 * optional leading `-`; an xlsx number cell by its value. Empty → ok with null.
 */
export function readYuanStrict(cell: unknown): StrictRead<Fen> {
  if (isFormulaCell(cell)) cell = cell.result;
  if (cell === null || cell === undefined) return { ok: true, value: null };
  const text = typeof cell === 'number' ? numberCellText(cell) : trimCell(String(cell));
  if (text === '') return { ok: true, value: null };
  const m = YUAN.exec(text);
  if (!m) return { ok: false, text };
  const yuan = m[2].replace(/,/g, '');
  const fen = Number(yuan) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen) || yuan.length > 13) return { ok: false, text };
  return { ok: true, value: m[1] ? -fen || 0 : fen };
}

const DATE_FORMS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/, // YYYY-MM-DD, YYYY-M-D
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, // YYYY/M/D, YYYY/MM/DD
  /^(\d{4})(\d{2})(\d{2})$/, // YYYYMMDD
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/, // YYYY年M月D日
];

/**
 * A date in one of the listed forms, or an Excel date cell (a Date, or a day serial when the
 * cell lost its date format; an 8-digit number is read as YYYYMMDD). Empty → ok with null.
 */
export function readDateStrict(cell: unknown): StrictRead<IsoDate> {
  if (isFormulaCell(cell)) cell = cell.result;
  if (cell === null || cell === undefined) return { ok: true, value: null };
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, text: String(cell) };
    return { ok: true, value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 10000101 && cell <= 99991231) return readDateStrict(String(cell));
    const iso = cell >= 1 && cell < 2958466 ? excelSerialToIso(cell) : null;
    return iso ? { ok: true, value: iso } : { ok: false, text: numberCellText(cell) };
  }
  const text = trimCell(String(cell));
  if (text === '') return { ok: true, value: null };
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && isValidDate(text)) return { ok: true, value: text }; // YYYY-MM-DD, the usual case
  for (const re of DATE_FORMS) {
    const m = re.exec(text);
    if (!m) continue;
    const iso = isoOf(+m[1], +m[2], +m[3]);
    return isValidDate(iso) ? { ok: true, value: iso } : { ok: false, text };
  }
  return { ok: false, text };
}
