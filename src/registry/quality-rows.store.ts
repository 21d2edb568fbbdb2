// Read-only queries over the register for the data-quality capability: persons as roster rows
// (FORMATS §1 fields as text), for a whole county or for some households and the people
// sharing an ID or an account with them. Written for quality; owned by quality's engineer.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';

export interface RegisterRowForQuality {
  personId: number;
  householdNo: string;
  name: string;
  idNumberRaw: string;
  idNumber: string;
  sex: string;
  birthDate: string;
  relation: string;
  villageCode: string;
  townshipName: string;
  villageName: string;
  groupName: string;
  category: string;
  reservoir: string;
  moveDate: string;
  supportStart: string;
  supportEnd: string;
  status: string;
  removalDate: string;
  removalReason: string;
  accountNo: string;
  bankName: string;
  holderName: string;
  phone: string;
}

const SELECT = sql`SELECT p.id, p.household_no, p.name, p.id_number_raw, p.id_number, COALESCE(p.sex, '') AS sex,
    COALESCE(p.birth_date::text, '') AS birth_date, p.relation, p.village_code, p.township_name, p.village_name, p.group_name,
    COALESCE(p.category, '') AS category, p.reservoir, COALESCE(p.move_date::text, '') AS move_date,
    COALESCE(p.support_start::text, '') AS support_start, COALESCE(p.support_end::text, '') AS support_end, p.status,
    COALESCE(p.removal_date::text, '') AS removal_date, COALESCE(p.removal_reason, '') AS removal_reason,
    COALESCE(a.account_no, '') AS account_no, COALESCE(a.bank_name, '') AS bank_name, COALESCE(a.holder_name, '') AS holder_name, p.phone
  FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id`;

/** A row as SELECT reads it: every optional field COALESCEd to text. */
interface QualityRow {
  id: number | string;
  household_no: string;
  name: string;
  id_number_raw: string;
  id_number: string;
  sex: string;
  birth_date: string;
  relation: string;
  village_code: string;
  township_name: string;
  village_name: string;
  group_name: string;
  category: string;
  reservoir: string;
  move_date: string;
  support_start: string;
  support_end: string;
  status: string;
  removal_date: string;
  removal_reason: string;
  account_no: string;
  bank_name: string;
  holder_name: string;
  phone: string;
}

function toRow(x: QualityRow): RegisterRowForQuality {
  return {
    personId: Number(x.id),
    householdNo: x.household_no,
    name: x.name,
    idNumberRaw: x.id_number_raw,
    idNumber: x.id_number,
    sex: x.sex,
    birthDate: x.birth_date,
    relation: x.relation,
    villageCode: x.village_code,
    townshipName: x.township_name,
    villageName: x.village_name,
    groupName: x.group_name,
    category: x.category,
    reservoir: x.reservoir,
    moveDate: x.move_date,
    supportStart: x.support_start,
    supportEnd: x.support_end,
    status: x.status,
    removalDate: x.removal_date,
    removalReason: x.removal_reason,
    accountNo: x.account_no,
    bankName: x.bank_name,
    holderName: x.holder_name,
    phone: x.phone,
  };
}

/** The whole register of a county, in chunks (keyset on person id). */
export async function* streamRegisterForQuality(db: Kysely<Tables>, countyCode: string, chunk = 20000): AsyncGenerator<RegisterRowForQuality[]> {
  let after = -1;
  for (;;) {
    const r = await sql<QualityRow>`${SELECT} WHERE p.county_code = ${countyCode} AND p.id > ${after} ORDER BY p.id LIMIT ${chunk}`.execute(db);
    if (!r.rows.length) return;
    after = Number(r.rows[r.rows.length - 1].id);
    yield r.rows.map(toRow);
  }
}

/**
 * Some households of a county, plus every person sharing a normalised ID or an account number
 * with their members, plus the households of those people (what an incremental check needs).
 */
export async function registerRowsAroundHouseholds(db: Kysely<Tables>, countyCode: string, householdNos: string[]): Promise<RegisterRowForQuality[]> {
  if (!householdNos.length) return [];
  const r = await sql<QualityRow>`
    WITH touched AS (
      SELECT p.id, p.id_number, a.account_no FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
      WHERE p.county_code = ${countyCode} AND p.household_no IN (${sql.join(householdNos)})
    ), partners AS (
      SELECT p.household_no FROM persons p WHERE p.county_code = ${countyCode} AND p.id_number IN (SELECT id_number FROM touched)
      UNION
      SELECT p.household_no FROM accounts a JOIN persons p ON p.county_code = a.county_code AND p.id = a.person_id
      WHERE a.county_code = ${countyCode} AND a.account_no <> '' AND a.account_no IN (SELECT account_no FROM touched WHERE account_no IS NOT NULL)
    )
    ${SELECT} WHERE p.county_code = ${countyCode}
      AND (p.household_no IN (${sql.join(householdNos)}) OR p.household_no IN (SELECT household_no FROM partners))
    ORDER BY p.id`.execute(db);
  return r.rows.map(toRow);
}
