// Fill the pinyin keys of persons whose keys are missing (new rows, renamed people, rows from
// before migration 0014). Called before a pinyin search, so the search never misses anyone;
// when nothing is missing this is one index probe.
import { sql, type Kysely } from 'kysely';
import { pinyinKeys } from './pinyin.ts';

export async function fillMissingPinyin(db: Kysely<any>, countyCode: string, chunk = 5000): Promise<number> {
  let filled = 0;
  for (;;) {
    const r = await sql<{ id: number; name: string }>`SELECT id, name FROM persons WHERE county_code = ${countyCode} AND name_pinyin IS NULL
      ORDER BY id LIMIT ${chunk}`.execute(db);
    if (!r.rows.length) return filled;
    const ids: number[] = [], full: string[] = [], initials: string[] = [];
    for (const x of r.rows) {
      const k = pinyinKeys(x.name);
      ids.push(Number(x.id)); full.push(k.full); initials.push(k.initials);
    }
    await sql`UPDATE persons p SET name_pinyin = v.py, name_initials = v.ini
      FROM unnest(${ids}::bigint[], ${full}::text[], ${initials}::text[]) AS v(id, py, ini)
      WHERE p.county_code = ${countyCode} AND p.id = v.id`.execute(db);
    filled += r.rows.length;
    if (r.rows.length < chunk) return filled;
  }
}
