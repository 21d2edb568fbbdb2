// Searching masked fields without leaving an oracle. A masked column (ID number, account) is
// matched only by its whole normalised value or by its last 4–6 characters — never by a part
// typed anywhere inside it, which rebuilds a masked ID digit by digit. Every LIKE escapes the
// user's text so % and _ match literally.
import { normalizeId } from './idnumber.ts';

/** Text for a LIKE pattern: \ % _ match themselves (PostgreSQL's default LIKE escape is \). */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => '\\' + c);

export type MaskedSearch = { kind: 'full'; value: string } | { kind: 'tail'; value: string };

/** What a free-text query may match in an ID column: a whole ID (15 or 18, normalised) or 4–6 trailing characters. */
export function idSearchTerm(q: string | null | undefined): MaskedSearch | null {
  const s = (q ?? '').replace(/\s+/g, '').toUpperCase();
  if (!s) return null;
  if (/^\d{17}[\dX]$/.test(s) || /^\d{15}$/.test(s)) return { kind: 'full', value: normalizeId(s) };
  if (/^\d{3,5}[\dX]$/.test(s)) return { kind: 'tail', value: s };
  return null;
}

// the SQL conditions built from these terms live with the other SQL
export { idMatch, containsText } from './search.store.ts';
