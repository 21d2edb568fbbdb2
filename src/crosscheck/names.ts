// Comparing a roster name with the name the hukou extract gives for the same ID
// (FORMATS §6 ID_NAME_MISMATCH): names are compared with all whitespace removed, and the
// explanation says whether they sound the same (同音字), differ by one character (likely a
// typo) or are clearly different.
import { pinyin } from 'pinyin-pro';

/** Remove every kind of whitespace (half- and full-width). */
export function cleanName(s: string | null | undefined): string {
  return String(s ?? '').replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, '');
}

export type NameDifference = 'same' | 'homophone' | 'one-char' | 'different';

const pinyinCache = new Map<string, string>();
/** Toneless pinyin of a name, syllables joined by spaces; surnames read as surnames (曾 zeng, 单 shan). */
export function namePinyin(name: string): string {
  let p = pinyinCache.get(name);
  if (p === undefined) {
    p = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true }).join(' ').toLowerCase();
    if (pinyinCache.size > 100000) pinyinCache.clear();
    pinyinCache.set(name, p);
  }
  return p;
}

/** Edit distance ≤ 1 (one character replaced, added or missing). */
function withinOneEdit(a: string[], b: string[]): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0,
    j = 0,
    edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

export function compareNames(a: string, b: string): NameDifference {
  const x = cleanName(a),
    y = cleanName(b);
  if (x === y) return 'same';
  if (x.length === y.length && namePinyin(x) === namePinyin(y)) return 'homophone';
  if (withinOneEdit([...x], [...y])) return 'one-char';
  return 'different';
}

/** The Chinese sentence that explains a name difference to a township officer. */
export function describeNameDifference(d: NameDifference, a: string, b: string): string {
  switch (d) {
    case 'same':
      return '两者一致。';
    case 'homophone':
      return `两者读音相同（拼音均为${namePinyin(cleanName(a))}，属同音字），多为登记时选错了字，请核对身份证原件后更正。`;
    case 'one-char':
      return '两者仅相差一个字，可能是录入笔误，请核对身份证原件后更正。';
    case 'different':
      return '两者明显不同，可能不是同一人或身份证号被冒用，请重点核实。';
  }
}
