// Reading persons and households of the register (shared by search, pages and adjustments),
// and the household page.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { SessionUser } from '../auth/index.ts';
import type { HouseholdRecord, PersonRecord } from './adjustment.ts';
import type { HistoryItem } from './history.store.ts';
import { maskAccount, maskId, maskPhone } from './mask.ts';

export type Viewer = Pick<SessionUser, 'id' | 'username' | 'role' | 'regionCode' | 'countyCode'>;

/** SELECT list giving a PersonRecord (plus county_code) from `persons p LEFT JOIN accounts a`. */
export const PERSON_COLUMNS = sql`p.id, p.household_no AS "householdNo", p.id_number AS "idNumber", p.id_number_raw AS "idNumberRaw",
  p.id_valid AS "idValid", p.name, p.sex, p.birth_date::text AS "birthDate", p.relation, p.village_code AS "villageCode",
  p.township_name AS "townshipName", p.village_name AS "villageName", p.group_name AS "groupName", p.category, p.reservoir,
  p.move_date::text AS "moveDate", p.support_start::text AS "supportStart", p.support_end::text AS "supportEnd", p.status,
  p.removal_date::text AS "removalDate", p.removal_reason AS "removalReason", p.phone,
  a.account_no AS "accountNo", a.bank_name AS "bankName", a.holder_name AS "holderName"`;

export interface PersonRow extends Omit<PersonRecord, 'account'> {
  accountNo: string | null;
  bankName: string | null;
  holderName: string | null;
}

export function toPerson(r: PersonRow): PersonRecord {
  const { accountNo, bankName, holderName, ...p } = r;
  return { ...p, id: Number(p.id), account: accountNo ? { accountNo, bankName: bankName ?? '', holderName: holderName ?? '' } : null };
}

export interface PersonListItem {
  id: number;
  householdNo: string;
  name: string;
  idNumber: string;
  idValid: boolean;
  sex: string | null;
  birthDate: string | null;
  relation: string;
  villageCode: string;
  townshipName: string;
  villageName: string;
  groupName: string;
  category: string | null;
  status: string;
  removalDate: string | null;
  removalReason: string | null;
  supportStart: string | null;
  supportEnd: string | null;
  phone: string;
  accountNo: string;
}
export function listItem(p: PersonRecord, unmasked: boolean): PersonListItem {
  return {
    id: p.id,
    householdNo: p.householdNo,
    name: p.name,
    idNumber: unmasked ? p.idNumber : maskId(p.idNumber),
    idValid: p.idValid,
    sex: p.sex,
    birthDate: p.birthDate,
    relation: p.relation,
    villageCode: p.villageCode,
    townshipName: p.townshipName,
    villageName: p.villageName,
    groupName: p.groupName,
    category: p.category,
    status: p.status,
    removalDate: p.removalDate,
    removalReason: p.removalReason,
    supportStart: p.supportStart,
    supportEnd: p.supportEnd,
    phone: unmasked ? p.phone : maskPhone(p.phone),
    accountNo: unmasked ? (p.account?.accountNo ?? '') : maskAccount(p.account?.accountNo),
  };
}

/** Order of members on a page: head first, then by id. */
const MEMBER_ORDER = sql`(p.relation <> '户主'), p.status, p.id`;

/** Households by number with all members; `lock` takes row locks (inside a transaction). */
export async function loadHouseholds(db: Kysely<Tables>, countyCode: string, nos: string[], lock = false): Promise<Record<string, HouseholdRecord>> {
  const out: Record<string, HouseholdRecord> = {};
  const list = [...new Set(nos)];
  if (!list.length) return out;
  const hs = await sql<{ household_no: string; village_code: string; group_name: string }>`
    SELECT household_no, village_code, group_name FROM households
    WHERE county_code = ${countyCode} AND household_no = ANY(${list}::text[]) ORDER BY household_no ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  const ps = await sql<PersonRow>`SELECT ${PERSON_COLUMNS} FROM persons p
    LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
    WHERE p.county_code = ${countyCode} AND p.household_no = ANY(${list}::text[]) ORDER BY p.household_no, ${MEMBER_ORDER}
    ${lock ? sql`FOR UPDATE OF p` : sql``}`.execute(db);
  for (const h of hs.rows) out[h.household_no] = { householdNo: h.household_no, villageCode: h.village_code, groupName: h.group_name, members: [] };
  for (const r of ps.rows) {
    const p = toPerson(r);
    // a person whose household row is missing (imported without one): the household is its members
    out[p.householdNo] ??= { householdNo: p.householdNo, villageCode: p.villageCode, groupName: p.groupName, members: [] };
    out[p.householdNo].members.push(p);
  }
  return out;
}

/** Household numbers of persons by id (county-bounded). */
export async function householdsOfPersons(db: Kysely<Tables>, countyCode: string, ids: number[]): Promise<string[]> {
  if (!ids.length) return [];
  const r = await sql<{
    household_no: string;
  }>`SELECT DISTINCT household_no FROM persons WHERE county_code = ${countyCode} AND id = ANY(${ids}::bigint[])`.execute(db);
  return r.rows.map((x) => x.household_no);
}

export interface HouseholdPage {
  householdNo: string;
  villageCode: string;
  groupName: string;
  townshipName: string;
  villageName: string;
  head: { id: number; name: string } | null;
  members: PersonListItem[];
  history: HistoryItem[];
  masked: boolean;
}
