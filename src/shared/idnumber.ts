// Resident ID numbers (居民身份证号码), GB 11643-1999.
// Pure functions: normalisation for joins, validation with a Chinese reason, 15→18 conversion,
// sex and birth date read from the number, and masking for display.
import { isValidDate, type IsoDate } from './dates.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** for hot loops that check millions of IDs without building strings */
export { WEIGHTS as ID_WEIGHTS, CHECK_CHARS as ID_CHECK_CHARS };

// First two digits of GB/T 2260 province-level codes (incl. 71 台湾, 81 香港, 82 澳门).
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** Check digit for the first 17 characters (digits) of an 18-digit number. */
/**
 * The one rule for an ID that fails GB 11643 (a bad check digit, an impossible date …): the same
 * code, name and severity in the roster import and in the data-quality catalogue (ID_INVALID).
 * The import still registers the row as written — the error is to be corrected, not a refusal.
 */
export const ID_INVALID_RULE = { code: 'ID_INVALID', name: '身份证号无效', severity: '错误' } as const;

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Full-width digits/letters/spaces to half-width. */
export function toHalfWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += s[i];
  }
  return out;
}

/** Trim (both widths), half-width, x→X. Does not convert 15-digit numbers. */
export function cleanIdText(raw: string): string {
  return toHalfWidth(raw ?? '')
    .trim()
    .toUpperCase();
}

function plausibleDate15(s15: string): boolean {
  return isValidDate(`19${s15.slice(6, 8)}-${s15.slice(8, 10)}-${s15.slice(10, 12)}`);
}

/** Convert a 15-digit legacy number to 18 digits; null when it is not a valid 15-digit number. */
export function convert15to18(s15: string): string | null {
  if (!/^\d{15}$/.test(s15) || !PROVINCES.has(s15.slice(0, 2)) || !plausibleDate15(s15)) return null;
  const first17 = s15.slice(0, 6) + '19' + s15.slice(6);
  return first17 + checkDigit(first17);
}

/**
 * The form used to compare and join: trimmed, half-width, upper-case X, and a valid
 * 15-digit number converted to 18 digits. Anything else is returned cleaned but unchanged.
 */
export function normalizeId(raw: string): string {
  const s = cleanIdText(raw);
  if (s.length === 15) return convert15to18(s) ?? s;
  return s;
}

export type IdProblem =
  | { code: 'EMPTY' }
  | { code: 'LENGTH'; length: number }
  | { code: 'CHARS' }
  | { code: 'REGION'; region: string }
  | { code: 'DATE_INVALID'; date: string }
  | { code: 'DATE_FUTURE'; date: string }
  | { code: 'CHECK_DIGIT'; expected: string };

export interface IdValidation {
  ok: boolean;
  /** normalised number (18 digits when ok) */
  normalized: string;
  problem?: IdProblem;
  /** Chinese reason, e.g. 校验位错误（应为4） */
  reason?: string;
}

export function describeIdProblem(p: IdProblem): string {
  switch (p.code) {
    case 'EMPTY':
      return '身份证号为空';
    case 'LENGTH':
      return `长度为${p.length}位（应为18位）`;
    case 'CHARS':
      return '含有非法字符';
    case 'REGION':
      return `行政区划代码${p.region}不存在`;
    case 'DATE_INVALID':
      return `出生日期${p.date}不是有效日期`;
    case 'DATE_FUTURE':
      return `出生日期${p.date}不合理（晚于核查日期）`;
    case 'CHECK_DIGIT':
      return `校验位错误（应为${p.expected}）`;
  }
}

/**
 * Validate per GB 11643-1999 in normalised form. A valid 15-digit legacy number is valid
 * (it is converted). `asOf` is the check date: a birth date after it is not plausible.
 */
export function validateId(raw: string, asOf?: IsoDate): IdValidation {
  const s = normalizeId(raw ?? '');
  if (s.length === 0) return failedId(s, { code: 'EMPTY' });
  if (s.length !== 18) {
    if (s.length === 15 && /^\d{15}$/.test(s)) {
      // a 15-digit number that did not convert: say why
      if (!PROVINCES.has(s.slice(0, 2))) return failedId(s, { code: 'REGION', region: s.slice(0, 6) });
      return failedId(s, { code: 'DATE_INVALID', date: '19' + s.slice(6, 12) });
    }
    return failedId(s, { code: 'LENGTH', length: [...s].length });
  }
  if (!/^\d{17}[\dX]$/.test(s)) return failedId(s, { code: 'CHARS' });
  if (!PROVINCES.has(s.slice(0, 2))) return failedId(s, { code: 'REGION', region: s.slice(0, 6) });
  const ymd = s.slice(6, 14);
  const iso = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  if (!isValidDate(iso) || iso < '1800-01-01') return failedId(s, { code: 'DATE_INVALID', date: ymd });
  const today = asOf ?? new Date().toISOString().slice(0, 10);
  if (iso > today) return failedId(s, { code: 'DATE_FUTURE', date: ymd });
  const expected = checkDigit(s.slice(0, 17));
  if (expected !== s[17]) return failedId(s, { code: 'CHECK_DIGIT', expected });
  return { ok: true, normalized: s };
}

// outside validateId: a closure made per call costs more than the check on a large roster
const failedId = (normalized: string, problem: IdProblem): IdValidation => ({ ok: false, normalized, problem, reason: describeIdProblem(problem) });

export function isValidId(raw: string, asOf?: IsoDate): boolean {
  return validateId(raw, asOf).ok;
}

/** Birth date from an ID whose date part is a real date (not necessarily a valid ID). */
export function birthDateFromId(raw: string): IsoDate | null {
  const s = normalizeId(raw);
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  const iso = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  return isValidDate(iso) ? iso : null;
}

/** 男 for an odd sequence digit (17th), 女 for even. */
export function sexFromId(raw: string): '男' | '女' | null {
  const s = normalizeId(raw);
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  return (s.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
}

/** Mask for lists: first 6 and last 4 kept, e.g. 430582********6475. */
export function maskId(raw: string): string {
  return maskIdText(cleanIdText(raw));
}

/** The same mask over the text as given (an ID as written, only trimmed by the caller). */
export function maskIdText(s: string): string {
  if (s.length <= 8) return s.replace(/./g, '*');
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
}
