// Reading the cells of the loan files (FORMATS §9, read as §8.3): amounts in yuan with at most
// 2 decimals, dates as day numbers, percentages as exact decimals. Pure: no I/O.
import { daysInMonth, isValidDate, isoOf, parseDateStrict, type IsoDate } from '../shared/dates.ts';

/** An exact decimal n ÷ 10^s, kept with no trailing zeros (s = 0 for a whole number). */
export interface Decimal {
  n: bigint;
  s: number;
}

const TRIM = /^[\s\u3000\ufeff\u200b]+|[\s\u3000\ufeff\u200b]+$/g;
export const trimCell = (v: string | undefined): string => (v ?? '').replace(TRIM, '');

/**
 * §8.3: yuan with at most 2 decimals, optionally with `,` thousands separators, `-` allowed in
 * front. `3万`, `600元`, `12.345` and `1.200,50` are not amounts. Returns fen or null.
 */
export function readYuan(text: string): number | null {
  // fast path: plain digits with up to 2 decimals (what banks write)
  const n = text.length;
  if (n > 0 && n < 16) {
    let v = 0,
      i = 0;
    while (i < n && isDigit(text.charCodeAt(i))) v = v * 10 + text.charCodeAt(i++) - 48;
    if (i > 0) {
      if (i === n) return v * 100;
      if (text.charCodeAt(i) === 46 && n - i - 1 >= 1 && n - i - 1 <= 2) {
        const a = text.charCodeAt(i + 1),
          b = n - i - 1 === 2 ? text.charCodeAt(i + 2) : 48;
        if (isDigit(a) && isDigit(b)) return v * 100 + (a - 48) * 10 + (b - 48);
      }
    }
  }
  const m = /^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const fen = Number(m[2].replace(/,/g, '')) * 100 + (m[3] ? Number(m[3].padEnd(2, '0')) : 0);
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] ? -fen : fen;
}

/** A percentage such as `4.35`, `4.350`, `4` or `3.85%`: exact, any number of decimals. */
export function readPercent(text: string): Decimal | null {
  const m = /^(\d+)(?:\.(\d+))?%?$/.exec(text);
  if (!m) return null;
  return normalise(BigInt(m[1] + (m[2] ?? '')), (m[2] ?? '').length);
}

function normalise(n: bigint, s: number): Decimal {
  while (s > 0 && n % 10n === 0n) {
    n /= 10n;
    s--;
  }
  return { n, s };
}

/** −1, 0, 1 */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.s, b.s);
  const x = a.n * 10n ** BigInt(s - a.s),
    y = b.n * 10n ** BigInt(s - b.s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `3.85`, `4.9`, `4`: the percentage without trailing zeros. */
export function formatDecimal(d: Decimal): string {
  if (d.s === 0) return d.n.toString();
  const t = d.n.toString().padStart(d.s + 1, '0');
  return `${t.slice(0, -d.s)}.${t.slice(-d.s)}`;
}

export const decimalOf = (text: string): Decimal => {
  const d = readPercent(text);
  if (!d) throw new Error(`not a decimal: ${text}`);
  return d;
};

// Day numbers (days since 1970-01-01) make day counting integer arithmetic.
const MS_PER_DAY = 86400000;
export function dayOf(iso: IsoDate): number {
  return civilDay(num(iso, 0, 4), num(iso, 5, 2), num(iso, 8, 2));
}

function num(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/** Days from civil (H. Hinnant): integer arithmetic, no Date objects, for millions of rows. */
function civilDay(year: number, m: number, day: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * A date cell straight to its day number: `YYYY-MM-DD` read from the characters (the millions
 * of repayment rows), any other form through readDate. NaN for empty, -Infinity when unreadable.
 */
export function readDay(text: string): number {
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    let digits = true;
    for (let i = 0; i < 10; i++)
      if (i !== 4 && i !== 7 && !isDigit(text.charCodeAt(i))) {
        digits = false;
        break;
      }
    if (digits) {
      const y = num(text, 0, 4),
        m = num(text, 5, 2),
        d = num(text, 8, 2);
      if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -Infinity;
      return civilDay(y, m, d);
    }
  }
  const iso = readDate(text);
  return iso === null ? NaN : iso === false ? -Infinity : dayOf(iso);
}

export function isoOfDay(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * A date cell: `YYYY-MM-DD` (fast path, millions of repayment rows), else every form of §8.3
 * (`YYYY/M/D`, `YYYYMMDD`, `YYYY年M月D日`, `YYYY-M-D`, Excel cells already turned to ISO).
 * Returns the ISO date, null for empty, or false when unreadable.
 */
export function readDate(text: string): IsoDate | null | false {
  if (text === '') return null;
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return isValidDate(text) ? text : false;
  }
  const r = parseDateStrict(text);
  return r.ok ? r.date : false;
}

/** Compare by Unicode code point (not UTF-16 unit): the order §9 sorts 贷款编号 in. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i),
      y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (astral character) sorts after every BMP character above it in UTF-16
    const xs = x >= 0xd800 && x <= 0xdfff,
      ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export interface Quarter {
  label: string;
  year: number;
  q: number;
  first: IsoDate;
  last: IsoDate;
  firstDay: number;
  lastDay: number;
}

/** `2020Q2` → its first and last days; null when the text is not a quarter. */
export function parseQuarter(text: string): Quarter | null {
  const m = /^(\d{4})Q([1-4])$/.exec(text.trim().toUpperCase());
  if (!m) return null;
  const year = +m[1],
    q = +m[2];
  const first = isoOf(year, q * 3 - 2, 1);
  const lastDay = dayOf(isoOf(q === 4 ? year + 1 : year, q === 4 ? 1 : q * 3 + 1, 1)) - 1;
  return { label: `${year}Q${q}`, year, q, first, last: isoOfDay(lastDay), firstDay: dayOf(first), lastDay };
}
