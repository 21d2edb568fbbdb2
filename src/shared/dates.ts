// Calendar dates as ISO strings `YYYY-MM-DD`: no time zone, compare with < and >.
export type IsoDate = string;

export function isValidDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const y = +m[1],
    mo = +m[2],
    d = +m[3];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));
export function isoOf(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** Excel's day serial (1900 system, with its 1900-02-29 bug) to a date. */
export function excelSerialToIso(serial: number): IsoDate | null {
  if (!Number.isFinite(serial) || serial < 1) return null;
  const ms = Math.round((Math.floor(serial) - 25569) * 86400000);
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Parse the date forms accepted in files: YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD,
 * YYYY年M月D日 (optionally with a time after it), and JS Date values (Excel cells, read as UTC).
 * Returns null for empty input, `undefined`-free: throws nothing. Use `parseDateStrict` for a reason.
 */
export function parseDate(value: unknown): IsoDate | null {
  const r = parseDateStrict(value);
  return r.ok ? r.date : null;
}

export type DateParse = { ok: true; date: IsoDate | null } | { ok: false; reason: string };

/** Like parseDate, but tells empty (ok, null) from unreadable (not ok, with a Chinese reason). */
export function parseDateStrict(value: unknown): DateParse {
  if (value === null || value === undefined) return { ok: true, date: null };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, reason: '日期无效' };
    return { ok: true, date: value.toISOString().slice(0, 10) };
  }
  if (typeof value === 'number') {
    if (value >= 19000101 && value <= 29991231 && Number.isInteger(value)) return parseDateStrict(String(value));
    const d = excelSerialToIso(value);
    return d ? { ok: true, date: d } : { ok: false, reason: `“${value}”不是日期` };
  }
  if (typeof value === 'string' && isPlainIso(value)) {
    // the common case, 'YYYY-MM-DD' as written: no regex, no new string
    const y = digits(value, 0, 4),
      m = digits(value, 5, 2),
      d = digits(value, 8, 2);
    return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m) ? { ok: true, date: value } : { ok: false, reason: `“${value}”不是有效日期` };
  }
  const s = String(value)
    .replace(/[\u3000\s]+/g, ' ')
    .trim();
  if (s === '') return { ok: true, date: null };
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?(?:\s.*)?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return { ok: false, reason: `“${s}”不是可识别的日期（应为YYYY-MM-DD）` };
  const iso = isoOf(+m[1], +m[2], +m[3]);
  if (!isValidDate(iso)) return { ok: false, reason: `“${s}”不是有效日期` };
  return { ok: true, date: iso };
}

export function addDays(iso: IsoDate, n: number): IsoDate {
  const t = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) + n * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Same month and day, `n` years later; 02-29 falls back to 02-28 in a common year. */
export function addYears(iso: IsoDate, n: number): IsoDate {
  const y = +iso.slice(0, 4) + n,
    m = +iso.slice(5, 7);
  const d = Math.min(+iso.slice(8, 10), daysInMonth(y, m));
  return isoOf(y, m, d);
}

/** Whole years from `from` to `to` (age on `to` of someone born on `from`). */
export function wholeYearsBetween(from: IsoDate, to: IsoDate): number {
  // from the characters, not slices: checks of millions of people call this several times each
  let years = digits(to, 0, 4) - digits(from, 0, 4);
  if (digits(to, 5, 2) * 100 + digits(to, 8, 2) < digits(from, 5, 2) * 100 + digits(from, 8, 2)) years--;
  return years;
}

function isPlainIso(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

export function todayIso(): IsoDate {
  // calendar date in Asia/Shanghai, where the offices work
  return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
}
