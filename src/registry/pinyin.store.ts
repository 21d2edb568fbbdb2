// Fill the pinyin keys of persons whose keys are missing (new rows, renamed people, a fresh
// import, rows from before migration 0014). A pinyin search first fills the few missing keys
// (an adjustment, a rename) itself; after a bulk import it starts one background fill per county
// and searches what is filled, instead of making the officer wait for 100 000 names.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { pinyinKeys } from './pinyin.ts';

export async function fillMissingPinyin(db: Kysely<Tables>, countyCode: string, chunk = 5000): Promise<number> {
  let filled = 0;
  for (;;) {
    const r = await sql<{ id: number; name: string }>`SELECT id, name FROM persons WHERE county_code = ${countyCode} AND name_pinyin IS NULL
      ORDER BY id LIMIT ${chunk}`.execute(db);
    if (!r.rows.length) return filled;
    const ids: number[] = [],
      full: string[] = [],
      initials: string[] = [];
    for (const x of r.rows) {
      const k = pinyinKeys(x.name);
      ids.push(Number(x.id));
      full.push(k.full);
      initials.push(k.initials);
    }
    await sql`UPDATE persons p SET name_pinyin = v.py, name_initials = v.ini
      FROM unnest(${ids}::bigint[], ${full}::text[], ${initials}::text[]) AS v(id, py, ini)
      WHERE p.county_code = ${countyCode} AND p.id = v.id`.execute(db);
    filled += r.rows.length;
    if (r.rows.length < chunk) return filled;
  }
}

const running = new Map<string, Promise<number>>();
/** Above this many missing keys a search does not wait for the fill. */
export const FILL_INLINE_MAX = 2000;

/** Make the keys ready for a search: fill a few now, or start (once) a background fill of many. */
export async function pinyinReady(db: Kysely<Tables>, countyCode: string): Promise<{ complete: boolean }> {
  const inFlight = running.get(countyCode);
  if (inFlight) return { complete: false };
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM persons WHERE county_code = ${countyCode} AND name_pinyin IS NULL
    LIMIT ${FILL_INLINE_MAX + 1}) m`.execute(db);
  const missing = Number(r.rows[0].n);
  if (!missing) return { complete: true };
  if (missing <= FILL_INLINE_MAX) {
    await fillMissingPinyin(db, countyCode);
    return { complete: true };
  }
  const job = fillMissingPinyin(db, countyCode)
    .catch(() => 0)
    .finally(() => running.delete(countyCode));
  running.set(countyCode, job);
  return { complete: false };
}
