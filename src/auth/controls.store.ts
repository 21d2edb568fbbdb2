// The county's control settings (separation of duties) in the database: SQL only. Changing
// them (county level, audited) is controls.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { ControlsView } from './auth.contract.ts';

export type CountyControls = ControlsView;

export async function loadControls(db: Kysely<Tables>, countyCode: string): Promise<CountyControls> {
  const r = await db.selectFrom('counties').select('allow_self_approval').where('code', '=', countyCode).executeTakeFirst();
  return { countyCode, allowSelfApproval: r?.allow_self_approval === true };
}

/** The county's row (created when missing) with the new setting. */
export async function storeAllowSelfApproval(db: Kysely<Tables>, countyCode: string, allow: boolean): Promise<void> {
  await sql`INSERT INTO counties (code, name, allow_self_approval) VALUES (${countyCode}, ${countyCode}, ${allow})
    ON CONFLICT (code) DO UPDATE SET allow_self_approval = EXCLUDED.allow_self_approval`.execute(db);
}
