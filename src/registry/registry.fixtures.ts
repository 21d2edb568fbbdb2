// Test fixtures for the registry's tests: valid ID numbers, in-memory household records, and a
// small SQL helper that writes households and persons straight into the register.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { checkDigit } from '../shared/idnumber.ts';
import type { HouseholdRecord, PersonRecord, RegisterState } from './adjustment.ts';

export const COUNTY = '430582';
export const TOWN_A = '430582130'; // 竹田镇
export const TOWN_B = '430582101'; // 另一个乡镇
export const VILLAGE_A1 = '430582130241';
export const VILLAGE_A2 = '430582130242';
export const VILLAGE_B1 = '430582101201';

/** A valid 18-digit ID: county, birth date, sequence (odd = 男). */
export function makeId(birth: string, seq: number, county = COUNTY): string {
  const first17 = county + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
  return first17 + checkDigit(first17);
}

let nextId = 1;
export function person(p: Partial<PersonRecord> & { name: string; relation: string; householdNo: string }): PersonRecord {
  const birth = p.birthDate ?? '1960-05-01';
  const id = p.id ?? nextId++;
  const idNumber = p.idNumber ?? makeId(birth, id % 1000);
  return {
    id,
    idNumber,
    idNumberRaw: idNumber,
    idValid: true,
    sex: '男',
    birthDate: birth,
    villageCode: VILLAGE_A1,
    townshipName: '竹田镇',
    villageName: '茶雁村',
    groupName: '4组',
    category: '现状人口',
    reservoir: '湖杉水库',
    moveDate: null,
    supportStart: '2006-07-01',
    supportEnd: null,
    status: '正常',
    removalDate: null,
    removalReason: null,
    phone: '',
    account: null,
    ...p,
  };
}

export function household(no: string, members: PersonRecord[], villageCode = VILLAGE_A1, groupName = '4组'): HouseholdRecord {
  return { householdNo: no, villageCode, groupName, members: members.map((m) => ({ ...m, householdNo: no, villageCode })) };
}

export function state(hs: HouseholdRecord[], extra: Partial<RegisterState> = {}): RegisterState {
  return { households: Object.fromEntries(hs.map((h) => [h.householdNo, h])), idHolders: {}, villages: {}, fileCount: 0, ...extra };
}

export interface FixturePerson {
  name: string;
  relation: string;
  idNumber?: string;
  birthDate?: string;
  sex?: string;
  status?: '正常' | '已核减';
  removalDate?: string;
  removalReason?: string;
  phone?: string;
  accountNo?: string;
  supportStart?: string;
}

/** Write one household and its members; returns the persons' ids in order. */
export async function insertHousehold(
  db: Kysely<Tables>,
  no: string,
  villageCode: string,
  members: FixturePerson[],
  opts: { county?: string; groupName?: string; townshipName?: string; villageName?: string } = {},
): Promise<number[]> {
  const county = opts.county ?? COUNTY;
  await sql`INSERT INTO households (county_code, household_no, village_code, group_name) VALUES (${county}, ${no}, ${villageCode}, ${opts.groupName ?? '1组'})`.execute(
    db,
  );
  const ids: number[] = [];
  for (const [i, m] of members.entries()) {
    const birth = m.birthDate ?? '1960-05-01';
    const id = m.idNumber ?? makeId(birth, (Number(no.slice(-4)) * 10 + i) % 1000, county);
    const r = await sql<{ id: number }>`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, sex, birth_date, relation,
        village_code, township_name, village_name, group_name, category, support_start, status, removal_date, removal_reason, phone)
      VALUES (${county}, ${no}, ${id}, ${id}, true, ${m.name}, ${m.sex ?? '男'}, ${birth}, ${m.relation}, ${villageCode},
        ${opts.townshipName ?? (villageCode.startsWith(TOWN_A) ? '竹田镇' : '大桥乡')}, ${opts.villageName ?? '某村'}, ${opts.groupName ?? '1组'}, '现状人口',
        ${m.supportStart ?? '2006-07-01'}, ${m.status ?? '正常'}, ${m.removalDate ?? null}, ${m.removalReason ?? null}, ${m.phone ?? ''})
      RETURNING id`.execute(db);
    const pid = Number(r.rows[0].id);
    if (m.accountNo)
      await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name) VALUES (${county}, ${pid}, ${m.accountNo}, '农商银行', ${m.name})`.execute(
        db,
      );
    ids.push(pid);
  }
  return ids;
}
