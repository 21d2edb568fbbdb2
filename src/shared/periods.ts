// Payment periods (发放期间): `2024` (annual) or `2024H1` / `2024H2` (half-year).
import type { IsoDate } from './dates.ts';

export interface Period {
  code: string;
  year: number;
  half: 0 | 1 | 2;
  first: IsoDate;
  last: IsoDate;
  /** calendar months, 1-based, in order */
  months: number[];
}

export function parsePeriod(text: string): Period | null {
  const s = String(text ?? '')
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '');
  let m = /^(\d{4})(?:年(?:度)?)?$/.exec(s);
  if (m) {
    const y = +m[1];
    return { code: String(y), year: y, half: 0, first: `${y}-01-01`, last: `${y}-12-31`, months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] };
  }
  m = /^(\d{4})(?:H|年?上半年|年?下半年)([12])?$/.exec(s) ?? null;
  const half = m ? (m[2] ? +m[2] : null) : null;
  const alt = /^(\d{4})年?(上|下)半年$/.exec(s);
  if (alt) return halfPeriod(+alt[1], alt[2] === '上' ? 1 : 2);
  if (m && half) return halfPeriod(+m[1], half as 1 | 2);
  return null;
}

function halfPeriod(y: number, h: 1 | 2): Period {
  return h === 1
    ? { code: `${y}H1`, year: y, half: 1, first: `${y}-01-01`, last: `${y}-06-30`, months: [1, 2, 3, 4, 5, 6] }
    : { code: `${y}H2`, year: y, half: 2, first: `${y}-07-01`, last: `${y}-12-31`, months: [7, 8, 9, 10, 11, 12] };
}

/** Sort key: 2024 < 2024H1 < 2024H2 < 2025. */
export function comparePeriods(a: string, b: string): number {
  const pa = parsePeriod(a),
    pb = parsePeriod(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa.year - pb.year || pa.half - pb.half;
}
