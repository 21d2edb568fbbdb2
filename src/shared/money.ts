// Money is an integer number of fen (分) everywhere inside the program.
export type Fen = number;

/**
 * Parse yuan as written in files: `600`, `600.00`, `1,200.50`, `￥600`, `600元`.
 * Returns null when the text is not an amount with at most 2 decimals.
 */
export function parseYuanToFen(value: unknown): Fen | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const fen = Math.round(value * 100);
    // reject more than 2 decimals (allowing float noise)
    if (Math.abs(fen - value * 100) > 1e-6 * Math.max(1, Math.abs(value))) return null;
    return fen;
  }
  let s = String(value)
    .replace(/[\s\u3000,，]/g, '')
    .replace(/^[¥￥]/, '')
    .replace(/元$/, '');
  let neg = false;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  }
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return neg ? -fen : fen;
}

/** `60000` → `600.00` (yuan with 2 decimals, no grouping: the file form). */
export function formatFen(fen: Fen): string {
  const neg = fen < 0;
  const a = Math.abs(fen);
  const s = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg ? '-' + s : s;
}

/** `60000` → `600.00元`; large sums as 万元 with 2 decimals. */
export function formatYuan(fen: Fen, unit: '元' | '万元' = '元'): string {
  if (unit === '元') return formatFen(fen) + '元';
  // 万元 = 1 000 000 fen; round half away from zero to 0.01 万元 (= 100 yuan)
  const hundreds = Math.round(Math.abs(fen) / 10000) * Math.sign(fen);
  return formatFen(hundreds) + '万元';
}

export function sumFen(values: Iterable<Fen>): Fen {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
