// Facts derived once per roster person before the rules run: normalised and validated ID,
// parsed dates, and the effective sex and birth date (FORMATS §7: from the column when
// filled, otherwise from a valid ID; an empty column is never a mismatch).
import { validateId, cleanIdText, checkDigit, ID_WEIGHTS as WEIGHTS, ID_CHECK_CHARS } from '../shared/idnumber.ts';
import { daysInMonth, parseDateStrict, type IsoDate } from '../shared/dates.ts';
import type { PersonFacts, RosterPerson } from './types.ts';

const CHECK_CODES = Array.from(ID_CHECK_CHARS, (c) => c.charCodeAt(0));

/** Parse a date cell: undefined when empty, null when filled but unreadable. */
const dateCache = new Map<string, IsoDate | null | undefined>();
export function parseCellDate(text: string): IsoDate | null | undefined {
  if (text === '') return undefined;
  if (isIsoDateText(text)) return text;
  const hit = dateCache.get(text);
  if (hit !== undefined || dateCache.has(text)) return hit;
  const d = parseCellDateUncached(text);
  if (dateCache.size > 200_000) dateCache.clear();
  dateCache.set(text, d);
  return d;
}

function parseCellDateUncached(text: string): IsoDate | null | undefined {
  const r = parseDateStrict(text);
  if (!r.ok) return null;
  return r.date ?? undefined;
}

/** Account numbers are compared without spaces. */
export function normalizeAccount(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 0x3000 || c === 0xa0) return text.replace(/[\s\u3000]+/g, '');
  }
  return text;
}

/** YYYY-MM-DD with a real calendar date, checked without regular expressions or new strings. */
export function isIsoDateText(t: string): boolean {
  if (t.length !== 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return false;
  const y0 = t.charCodeAt(0) - 48,
    y1 = t.charCodeAt(1) - 48,
    y2 = t.charCodeAt(2) - 48,
    y3 = t.charCodeAt(3) - 48;
  const m0 = t.charCodeAt(5) - 48,
    m1 = t.charCodeAt(6) - 48,
    d0 = t.charCodeAt(8) - 48,
    d1 = t.charCodeAt(9) - 48;
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0 || y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return false;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3,
    m = m0 * 10 + m1,
    d = d0 * 10 + d1;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Per 2-digit prefix: 0 not yet asked, 1 a province code, 2 not. Asked of validateId once per prefix, so the two never disagree. */
const provinceState = new Uint8Array(100);
function provinceOk(code: number): boolean {
  if (provinceState[code] === 0) {
    const first17 = String(code).padStart(2, '0') + '0101' + '19800101' + '001';
    provinceState[code] = validateId(first17 + checkDigit(first17), '2000-01-01').ok ? 1 : 2;
  }
  return provinceState[code] === 1;
}

let asOfText = '',
  asOfKey = 0;
/** A clean 18-character ID (digits, last may be X) that passes every GB 11643 check; false → use validateId. */
function fastValid18(s: string, asOf: IsoDate): boolean {
  if (s.length !== 18) return false;
  // checkDigit's sum, fused with the digit check: no slice per ID
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    sum += c * WEIGHTS[i];
  }
  const last = s.charCodeAt(17);
  const check = sum % 11;
  if (last !== CHECK_CODES[check]) return false;
  const y = (s.charCodeAt(6) - 48) * 1000 + (s.charCodeAt(7) - 48) * 100 + (s.charCodeAt(8) - 48) * 10 + s.charCodeAt(9) - 48;
  const m = (s.charCodeAt(10) - 48) * 10 + s.charCodeAt(11) - 48,
    d = (s.charCodeAt(12) - 48) * 10 + s.charCodeAt(13) - 48;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return false;
  if (asOf !== asOfText) {
    asOfText = asOf;
    asOfKey = +asOf.slice(0, 4) * 10000 + +asOf.slice(5, 7) * 100 + +asOf.slice(8, 10);
  }
  const key = y * 10000 + m * 100 + d;
  return key >= 18000101 && key <= asOfKey && provinceOk((s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48);
}

const birthCache = new Map<number, IsoDate>();
/** The birth date of a valid 18-digit ID, one string per date (millions of people share a few tens of thousands). */
function birthOfId(id: string): IsoDate {
  let key = 0;
  for (let i = 6; i < 14; i++) key = key * 10 + id.charCodeAt(i) - 48;
  let v = birthCache.get(key);
  if (v === undefined) {
    v = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    if (birthCache.size > 200_000) birthCache.clear();
    birthCache.set(key, v);
  }
  return v;
}

export function deriveFacts(p: RosterPerson, asOf: IsoDate): PersonFacts {
  const raw = p.idRaw;
  let idClean: string,
    idNorm: string,
    idValid: boolean,
    idReason = '';
  if (fastValid18(raw, asOf)) {
    idClean = idNorm = raw;
    idValid = true;
  } else {
    idClean = cleanIdText(raw);
    const v = validateId(raw, asOf);
    idValid = v.ok;
    idNorm = v.normalized;
    idReason = v.reason ?? '';
  }
  let idSex: '男' | '女' | null = null;
  let idBirth: IsoDate | null = null;
  if (idValid) {
    idSex = (idNorm.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
    idBirth = birthOfId(idNorm);
  }
  const sexCol = p.sex === '男' || p.sex === '女' ? p.sex : null;
  const birthCol = parseCellDate(p.birthDate);
  return {
    p,
    idClean,
    idNorm,
    idValid,
    idReason,
    idSex,
    idBirth,
    sexEff: p.sex !== '' ? sexCol : idSex,
    birthEff: birthCol ?? idBirth,
    birthCol,
    moveDate: parseCellDate(p.moveDate),
    supportStart: parseCellDate(p.supportStart),
    supportEnd: parseCellDate(p.supportEnd),
    removalDate: parseCellDate(p.removalDate),
    isHead: p.relation === '户主',
    isActive: p.status === '正常',
    isRemoved: p.status === '已核减',
    account: normalizeAccount(p.account),
  };
}
