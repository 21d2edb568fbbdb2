// Writes an approved plan to the register (inside the approval's transaction) and returns the
// audit entries, one per touched person and household, each with before and after.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { AuditEntry } from '../shared/audit.ts';
import type { Account, PersonFields, Plan } from './adjustment.ts';

const COLUMN: Record<Exclude<keyof PersonFields, 'account'>, string> = {
  householdNo: 'household_no',
  idNumber: 'id_number',
  idNumberRaw: 'id_number_raw',
  idValid: 'id_valid',
  name: 'name',
  sex: 'sex',
  birthDate: 'birth_date',
  relation: 'relation',
  villageCode: 'village_code',
  townshipName: 'township_name',
  villageName: 'village_name',
  groupName: 'group_name',
  category: 'category',
  reservoir: 'reservoir',
  moveDate: 'move_date',
  supportStart: 'support_start',
  supportEnd: 'support_end',
  status: 'status',
  removalDate: 'removal_date',
  removalReason: 'removal_reason',
  phone: 'phone',
};

async function setAccount(trx: Kysely<Tables>, county: string, personId: number, acc: Account | null) {
  if (!acc) {
    await sql`DELETE FROM accounts WHERE county_code = ${county} AND person_id = ${personId}`.execute(trx);
    return;
  }
  await sql`INSERT INTO accounts (county_code, person_id, account_no, bank_name, holder_name) VALUES (${county}, ${personId}, ${acc.accountNo}, ${acc.bankName}, ${acc.holderName})
    ON CONFLICT (county_code, person_id) DO UPDATE SET account_no = EXCLUDED.account_no, bank_name = EXCLUDED.bank_name, holder_name = EXCLUDED.holder_name, updated_at = now()`.execute(
    trx,
  );
}

export async function applyPlan(
  trx: Kysely<Tables>,
  county: string,
  plan: Plan,
  detail: Record<string, unknown>,
): Promise<{ audit: AuditEntry[]; insertedIds: number[] }> {
  const audit: AuditEntry[] = [];
  const insertedIds: number[] = [];
  for (const op of plan.ops) {
    switch (op.op) {
      case 'insertHousehold':
        await sql`INSERT INTO households (county_code, household_no, village_code, group_name) VALUES (${county}, ${op.householdNo}, ${op.after.villageCode}, ${op.after.groupName})`.execute(
          trx,
        );
        audit.push({ action: 'household.create', entityType: 'household', entityId: op.householdNo, countyCode: county, after: op.after, detail });
        break;
      case 'updateHousehold':
        await sql`INSERT INTO households (county_code, household_no, village_code, group_name) VALUES (${county}, ${op.householdNo}, ${op.after.villageCode as string}, ${op.after.groupName as string})
          ON CONFLICT (county_code, household_no) DO UPDATE SET village_code = EXCLUDED.village_code, group_name = EXCLUDED.group_name, updated_at = now()`.execute(
          trx,
        );
        audit.push({
          action: 'household.update',
          entityType: 'household',
          entityId: op.householdNo,
          countyCode: county,
          before: op.before,
          after: op.after,
          detail,
        });
        break;
      case 'deleteHousehold':
        await sql`DELETE FROM households WHERE county_code = ${county} AND household_no = ${op.householdNo}`.execute(trx);
        audit.push({ action: 'household.delete', entityType: 'household', entityId: op.householdNo, countyCode: county, before: op.before, detail });
        break;
      case 'insertPerson': {
        const p = op.after;
        const r = await sql<{ id: number }>`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, sex, birth_date, relation,
            village_code, township_name, village_name, group_name, category, reservoir, move_date, support_start, support_end, status, phone)
          VALUES (${county}, ${p.householdNo}, ${p.idNumber}, ${p.idNumberRaw}, ${p.idValid}, ${p.name}, ${p.sex}, ${p.birthDate}, ${p.relation},
            ${p.villageCode}, ${p.townshipName}, ${p.villageName}, ${p.groupName}, ${p.category}, ${p.reservoir}, ${p.moveDate}, ${p.supportStart}, ${p.supportEnd}, '正常', ${p.phone})
          RETURNING id`.execute(trx);
        const id = Number(r.rows[0].id);
        if (p.account) await setAccount(trx, county, id, p.account);
        insertedIds.push(id);
        audit.push({ action: 'person.add', entityType: 'person', entityId: id, countyCode: county, after: p, detail });
        break;
      }
      case 'updatePerson': {
        const sets = Object.entries(op.after)
          .filter(([k]) => k !== 'account')
          .map(([k, v]) => sql`${sql.ref(COLUMN[k as keyof typeof COLUMN])} = ${v}`);
        const r = await sql`UPDATE persons SET ${sql.join([...sets, sql`version = version + 1`, sql`updated_at = now()`])}
          WHERE county_code = ${county} AND id = ${op.personId}`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) throw new Error(`person ${op.personId} vanished during approval`);
        if ('account' in op.after) await setAccount(trx, county, op.personId, op.after.account ?? null);
        audit.push({ action: 'person.adjust', entityType: 'person', entityId: op.personId, countyCode: county, before: op.before, after: op.after, detail });
        break;
      }
    }
  }
  return { audit, insertedIds };
}
