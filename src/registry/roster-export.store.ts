// The export's SQL: the persons of a region with their accounts, in roster order.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { containsText, idMatch } from '../shared/search.ts';
import type { PersonRecordRow } from './roster-import.store.ts';
import type { ExportFilter } from './roster-export.ts';

export async function selectExportRows(db: Kysely<Tables>, county: string, f: ExportFilter, q: string): Promise<PersonRecordRow[]> {
  const r = await sql<PersonRecordRow>`
    SELECT p.county_code, p.id, p.household_no, p.id_number, p.id_number_raw, p.id_valid, p.name, p.sex, p.birth_date::text AS birth_date,
      p.relation, p.village_code, p.township_name, p.village_name, p.group_name, p.category, p.reservoir, p.move_date::text AS move_date,
      p.support_start::text AS support_start, p.support_end::text AS support_end, p.status, p.removal_date::text AS removal_date,
      p.removal_reason, p.phone, p.extra, a.account_no, a.bank_name, a.holder_name
    FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
    WHERE p.county_code = ${county} AND p.village_code LIKE ${f.scope + '%'}
      AND (${f.village ?? null}::text IS NULL OR p.village_code = ${f.village ?? null})
      AND (${f.status ?? null}::text IS NULL OR p.status = ${f.status ?? null})
      AND (${q} = '' OR ${containsText('p.name', q)} OR p.household_no = ${q} ${idMatch('p.id_number', q) ? sql`OR ${idMatch('p.id_number', q)}` : sql``})
    ORDER BY p.village_code, p.household_no, CASE WHEN p.relation = '户主' THEN 0 ELSE 1 END, p.id`.execute(db);
  return r.rows;
}
