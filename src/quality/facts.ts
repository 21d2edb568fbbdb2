// Facts derived once per roster person before the rules run: normalised and validated ID,
// parsed dates, and the effective sex and birth date (FORMATS §7: from the column when
// filled, otherwise from a valid ID; an empty column is never a mismatch).
import { validateId, cleanIdText, checkDigit } from '../shared/idnumber.ts';
import { daysInMonth, parseDateStrict, type IsoDate } from '../shared/dates.ts';
import type { PersonFacts, RosterPerson } from './types.ts';

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

/** YYYY-MM-DD with a real calendar date, checked without regular expressions. */
export function isIsoDateText(t: string): boolean {
  if (t.length !== 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const y = +t.slice(0, 4), m = (t.charCodeAt(5) - 48) * 10 + t.charCodeAt(6) - 48, d = (t.charCodeAt(8) - 48) * 10 + t.charCodeAt(9) - 48;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const provinceCache = new Map<string, boolean>();
/** Is this 2-digit prefix a province code? Asked of validateId once per prefix, so the two never disagree. */
function provinceOk(two: string): boolean {
  let v = provinceCache.get(two);
  if (v === undefined) {
    const first17 = two + '0101' + '19800101' + '001';
    v = validateId(first17 + checkDigit(first17), '2000-01-01').ok;
    provinceCache.set(two, v);
  }
  return v;
}

/** A clean 18-character ID (digits, last may be X) that passes every GB 11643 check; null → use validateId. */
function fastValid18(s: string, asOf: IsoDate): boolean {
  if (s.length !== 18) return false;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const last = s.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88)) return false;
  const iso = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  return checkDigit(s) === s[17] && isIsoDateText(iso) && iso >= '1800-01-01' && iso <= asOf && provinceOk(s.slice(0, 2));
}

export function deriveFacts(p: RosterPerson, asOf: IsoDate): PersonFacts {
  const raw = p.idRaw;
  let idClean: string, idNorm: string, idValid: boolean, idReason = '';
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
    idBirth = `${idNorm.slice(6, 10)}-${idNorm.slice(10, 12)}-${idNorm.slice(12, 14)}`;
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
