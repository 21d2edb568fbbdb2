// Facts derived once per roster person before the rules run: normalised and validated ID,
// parsed dates, and the effective sex and birth date (FORMATS §7: from the column when
// filled, otherwise from a valid ID; an empty column is never a mismatch).
import { validateId, cleanIdText, normalizeId } from '../shared/idnumber.ts';
import { isValidDate, parseDateStrict, type IsoDate } from '../shared/dates.ts';
import type { PersonFacts, RosterPerson } from './types.ts';

/** Parse a date cell: undefined when empty, null when filled but unreadable. */
export function parseCellDate(text: string): IsoDate | null | undefined {
  if (text === '') return undefined;
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && isValidDate(text)) return text;
  const r = parseDateStrict(text);
  if (!r.ok) return null;
  return r.date ?? undefined;
}

/** Account numbers are compared without spaces. */
export function normalizeAccount(text: string): string {
  return text.replace(/[\s\u3000]+/g, '');
}

export function deriveFacts(p: RosterPerson, asOf: IsoDate): PersonFacts {
  const idClean = cleanIdText(p.idRaw);
  const v = validateId(p.idRaw, asOf);
  const idNorm = v.ok ? v.normalized : normalizeId(p.idRaw);
  let idSex: '男' | '女' | null = null;
  let idBirth: IsoDate | null = null;
  if (v.ok) {
    idSex = (idNorm.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
    idBirth = `${idNorm.slice(6, 10)}-${idNorm.slice(10, 12)}-${idNorm.slice(12, 14)}`;
  }
  const sexCol = p.sex === '男' || p.sex === '女' ? p.sex : null;
  const birthCol = parseCellDate(p.birthDate);
  return {
    p,
    idClean,
    idNorm,
    idValid: v.ok,
    idReason: v.reason ?? '',
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
