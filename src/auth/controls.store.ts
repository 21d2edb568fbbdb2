// The county's control settings (separation of duties). Reading is open to every user of the
// county; changing needs settings.manage at county level and is audited.
import { sql, type Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';

export interface CountyControls { countyCode: string; allowSelfApproval: boolean }

export async function loadControls(db: Kysely<any>, countyCode: string): Promise<CountyControls> {
  const r = await sql<{ allow_self_approval: boolean }>`SELECT allow_self_approval FROM counties WHERE code = ${countyCode}`.execute(db);
  return { countyCode, allowSelfApproval: r.rows[0]?.allow_self_approval === true };
}

export async function saveControls(db: Kysely<any>, actor: AuditActor, countyCode: string, next: { allowSelfApproval: boolean; reason: string }): Promise<CountyControls> {
  return db.transaction().execute(async (trx) => {
    const before = await loadControls(trx, countyCode);
    await sql`INSERT INTO counties (code, name, allow_self_approval) VALUES (${countyCode}, ${countyCode}, ${next.allowSelfApproval})
      ON CONFLICT (code) DO UPDATE SET allow_self_approval = EXCLUDED.allow_self_approval`.execute(trx);
    await appendAudit(trx, actor, { action: 'county.controls_update', entityType: 'county', entityId: countyCode, countyCode,
      before: { allowSelfApproval: before.allowSelfApproval }, after: { allowSelfApproval: next.allowSelfApproval }, detail: { reason: next.reason } });
    return { countyCode, allowSelfApproval: next.allowSelfApproval };
  });
}
