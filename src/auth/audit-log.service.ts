// Reading the audit log: the reader's county and township, and before/after masked unless the
// reader may and asks to see them unmasked (then that view is itself audited).
import type { Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { maskDeep } from '../shared/mask.ts';
import { verifyAuditChain, type ChainCheck } from '../shared/audit.ts';
import type { AuditPage, AuditQuery } from './auth.contract.ts';
import type { SessionUser } from './permissions.ts';
import { queryAudit } from './audit-log.store.ts';
import { auditUnmaskedView } from './unmask.ts';

export async function readAuditLog(db: Kysely<Tables>, reader: SessionUser, q: AuditQuery, unmasked: boolean): Promise<AuditPage> {
  const page = await queryAudit(db, reader.countyCode, q, reader.regionCode);
  // before/after hold IDs and accounts: masked like every list unless the reader may and asks to unmask (audited)
  if (!unmasked) return { ...page, items: page.items.map((i) => ({ ...i, before: maskDeep(i.before), after: maskDeep(i.after), detail: maskDeep(i.detail) })) };
  await auditUnmaskedView(db, reader, { entityType: 'audit_log', fields: ['idNumber', 'accountNo'], count: page.items.length, detail: { query: q } });
  return page;
}

export const checkAuditChain = (db: Kysely<Tables>): Promise<ChainCheck> => verifyAuditChain(db);
