// Changing the county's control settings: audited, with the reason, in one transaction.
// Reading is open to every user of the county (controls.store.ts); the route requires
// settings.manage at county level.
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { loadControls, storeAllowSelfApproval, type CountyControls } from './controls.store.ts';

export { loadControls } from './controls.store.ts';

export async function saveControls(
  db: Kysely<Tables>,
  actor: AuditActor,
  countyCode: string,
  next: { allowSelfApproval: boolean; reason: string },
): Promise<CountyControls> {
  return db.transaction().execute(async (trx) => {
    const before = await loadControls(trx, countyCode);
    await storeAllowSelfApproval(trx, countyCode, next.allowSelfApproval);
    await appendAudit(trx, actor, {
      action: 'county.controls_update',
      entityType: 'county',
      entityId: countyCode,
      countyCode,
      before: { allowSelfApproval: before.allowSelfApproval },
      after: { allowSelfApproval: next.allowSelfApproval },
      detail: { reason: next.reason },
    });
    return { countyCode, allowSelfApproval: next.allowSelfApproval };
  });
}
