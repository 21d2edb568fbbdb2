// The SQL conditions of a masked-field search (search.ts decides what a query may match).
import { sql, type RawBuilder } from 'kysely';
import { idSearchTerm, likeEscape } from './search.ts';

/** The condition on an ID column for a query, or null when the query is no ID search. `column` is a trusted SQL name. */
export function idMatch(column: string, q: string | null | undefined): RawBuilder<unknown> | null {
  const t = idSearchTerm(q);
  if (!t) return null;
  const col = sql.ref(column);
  return t.kind === 'full' ? sql`${col} = ${t.value}` : sql`right(${col}, ${t.value.length}) = ${t.value}`;
}

/** A name (or other unmasked text) containing the query, wildcards taken literally. */
export function containsText(column: string, q: string): RawBuilder<unknown> {
  return sql`${sql.ref(column)} LIKE ${'%' + likeEscape(q) + '%'}`;
}
