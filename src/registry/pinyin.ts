// Pinyin keys of a name for search: full pinyin and initials, lower case, no tones or spaces
// (张三 → zhangsan, zs). Surnames are read as surnames (曾 zeng, 单 shan). Pure.
import { pinyin } from 'pinyin-pro';

export function pinyinKeys(name: string): { full: string; initials: string } {
  const clean = name.replace(/\s+/g, '');
  const full = pinyin(clean, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed', v: true });
  return {
    full: full.join('').toLowerCase(),
    initials: full
      .map((s) => s[0] ?? '')
      .join('')
      .toLowerCase(),
  };
}

/** A query that can only be pinyin: latin letters (and spaces or apostrophes), nothing else. */
export function isPinyinQuery(q: string): boolean {
  return /^[a-z][a-z' ]*$/i.test(q.trim());
}

export function pinyinQuery(q: string): string {
  return q.toLowerCase().replace(/[' ]/g, '').replace(/ü/g, 'v');
}
