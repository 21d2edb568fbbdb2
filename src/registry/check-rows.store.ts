// Read-only queries over the register for the subsidy and cases capabilities. They live here
// because only the registry knows its tables; callers get SQL fragments and rows, never tables.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

/**
 * The register of one county as a row source for set-based work (payment rolls of millions):
 * one row per person row, with the own account and the household head's account.
 * Columns: person_id, id_number, id_valid, name, household_no, village_code, township_name,
 * village_name, support_start, support_end, status, removal_date, removal_reason,
 * own_account_no, own_bank_name, own_holder_name, head_account_no, head_bank_name, head_holder_name,
 * dup_count (rows of the county sharing the normalised ID).
 */
export function payrollRosterSource(countyCode: string): RawBuilder<unknown> {
  return sql`(
    WITH heads AS (
      SELECT DISTINCT ON (h.household_no) h.household_no, a.account_no, a.bank_name, a.holder_name
      FROM persons h JOIN accounts a ON a.county_code = h.county_code AND a.person_id = h.id AND a.account_no <> ''
      WHERE h.county_code = ${countyCode} AND h.relation = '户主'
      ORDER BY h.household_no, (h.status = '正常') DESC, h.id
    ), dups AS (
      SELECT id_number, count(*) AS n FROM persons WHERE county_code = ${countyCode} GROUP BY id_number HAVING count(*) > 1
    )
    SELECT p.id AS person_id, p.id_number, p.id_valid, p.name, p.household_no, p.village_code, p.township_name, p.village_name,
           p.support_start, p.support_end, p.status, p.removal_date, p.removal_reason,
           COALESCE(a.account_no, '') AS own_account_no, COALESCE(a.bank_name, '') AS own_bank_name, COALESCE(a.holder_name, '') AS own_holder_name,
           COALESCE(hd.account_no, '') AS head_account_no, COALESCE(hd.bank_name, '') AS head_bank_name, COALESCE(hd.holder_name, '') AS head_holder_name,
           COALESCE(d.n, 1) AS dup_count
    FROM persons p
    LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
    LEFT JOIN heads hd ON hd.household_no = p.household_no
    LEFT JOIN dups d ON d.id_number = p.id_number
    WHERE p.county_code = ${countyCode}
  )`;
}

export interface RosterPersonForCheck {
  personId: number;
  idNumber: string;
  idNumberRaw: string;
  name: string;
  householdNo: string;
  villageCode: string;
  supportStart: string | null;
  supportEnd: string | null;
  status: '正常' | '已核减';
  removalDate: string | null;
  removalReason: string | null;
}

interface CheckRow {
  id: number | string;
  id_number: string;
  id_number_raw: string;
  name: string;
  household_no: string;
  village_code: string;
  support_start: string | null;
  support_end: string | null;
  status: '正常' | '已核减';
  removal_date: string | null;
  removal_reason: string | null;
}
const toCheck = (x: CheckRow): RosterPersonForCheck => ({
  personId: Number(x.id),
  idNumber: x.id_number,
  idNumberRaw: x.id_number_raw,
  name: x.name,
  householdNo: x.household_no,
  villageCode: x.village_code,
  supportStart: x.support_start,
  supportEnd: x.support_end,
  status: x.status,
  removalDate: x.removal_date,
  removalReason: x.removal_reason,
});

/** Stream the register of a county in chunks (keyset on id), for cross-checks. */
export async function* streamRosterForCheck(db: Kysely<Tables>, countyCode: string, chunk = 20000): AsyncGenerator<RosterPersonForCheck[]> {
  let after = -1;
  for (;;) {
    const r = await sql<CheckRow>`SELECT id, id_number, id_number_raw, name, household_no, village_code, support_start::text AS support_start,
        support_end::text AS support_end, status, removal_date::text AS removal_date, removal_reason
      FROM persons WHERE county_code = ${countyCode} AND id > ${after} ORDER BY id LIMIT ${chunk}`.execute(db);
    if (!r.rows.length) return;
    after = Number(r.rows[r.rows.length - 1].id);
    yield r.rows.map(toCheck);
  }
}

/** Persons of a county with these normalised IDs (for cases: which township, which household). */
export async function personsByIdNumbers(db: Kysely<Tables>, countyCode: string, idNumbers: string[]): Promise<RosterPersonForCheck[]> {
  if (!idNumbers.length) return [];
  const r = await sql<CheckRow>`SELECT id, id_number, id_number_raw, name, household_no, village_code, support_start::text AS support_start,
      support_end::text AS support_end, status, removal_date::text AS removal_date, removal_reason
    FROM persons WHERE county_code = ${countyCode} AND id_number = ANY(${idNumbers}::text[]) ORDER BY id`.execute(db);
  return r.rows.map(toCheck);
}

/** Who a person is for other capabilities' pages (payments, cases): the normalised ID and the village. */
export async function personIdentity(
  db: Kysely<Tables>,
  countyCode: string,
  personId: number,
): Promise<{ idNumber: string; villageCode: string; name: string } | null> {
  const r = await sql<{
    id_number: string;
    village_code: string;
    name: string;
  }>`SELECT id_number, village_code, name FROM persons WHERE county_code = ${countyCode} AND id = ${personId}`.execute(db);
  return r.rows[0] ? { idNumber: r.rows[0].id_number, villageCode: r.rows[0].village_code, name: r.rows[0].name } : null;
}
