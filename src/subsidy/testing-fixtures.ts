// Test helper: put persons, households and accounts straight into the register tables, so the
// subsidy and cases tests do not depend on the roster import. Used by tests only.
import { sql, type Kysely } from 'kysely';
import { checkDigit } from '../shared/idnumber.ts';
import type { Tables } from '../shared/db/tables.ts';

export interface FixturePerson {
  idNumber: string;
  name: string;
  householdNo: string;
  villageCode: string;
  relation?: string;
  supportStart?: string | null;
  supportEnd?: string | null;
  status?: '正常' | '已核减';
  removalDate?: string | null;
  removalReason?: string | null;
  accountNo?: string;
  holderName?: string;
  townshipName?: string;
  villageName?: string;
  idValid?: boolean;
}

/** A valid 18-digit ID from a 6-digit area, a birth date YYYYMMDD and a 3-digit sequence. */
export function makeId(area: string, birth: string, seq: number): string {
  const first17 = `${area}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

export async function insertPersons(db: Kysely<Tables>, countyCode: string, persons: FixturePerson[]): Promise<number[]> {
  const ids: number[] = [];
  for (const p of persons) {
    await sql`INSERT INTO households (county_code, household_no, village_code) VALUES (${countyCode}, ${p.householdNo}, ${p.villageCode}) ON CONFLICT DO NOTHING`.execute(
      db,
    );
    const r = await sql<{ id: number }>`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code,
        township_name, village_name, support_start, support_end, status, removal_date, removal_reason)
      VALUES (${countyCode}, ${p.householdNo}, ${p.idNumber}, ${p.idNumber}, ${p.idValid ?? true}, ${p.name}, ${p.relation ?? '户主'}, ${p.villageCode},
        ${p.townshipName ?? '城关镇'}, ${p.villageName ?? '新村'}, ${p.supportStart === undefined ? '2006-07-01' : p.supportStart}::date, ${p.supportEnd ?? null}::date,
        ${p.status ?? '正常'}, ${p.removalDate ?? null}::date, ${p.removalReason ?? null}) RETURNING id`.execute(db);
    const id = Number(r.rows[0].id);
    ids.push(id);
    if (p.accountNo) {
      await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name) VALUES (${countyCode}, ${id}, ${p.accountNo}, '农村信用社', ${p.holderName ?? p.name})`.execute(
        db,
      );
    }
  }
  return ids;
}
