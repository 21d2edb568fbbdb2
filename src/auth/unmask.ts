// Unmasked personal data (ID numbers, accounts, phones): who may see it, and the audit entry
// every unmasked view or export must leave.
import type { Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Tables } from '../shared/db/tables.ts';
import { appendAudit } from '../shared/audit.ts';
import { canUnmask, type SessionUser } from './permissions.ts';
import { actorOf } from './guards.ts';
import { idSearchTerm } from '../shared/search.ts';

/**
 * May this request see unmasked data? The user's role must allow it (canUnmask) and the
 * request must ask for it with `?unmask=1` (lists stay masked by default).
 * Routes that return unmasked data must also call auditUnmaskedView in their transaction.
 */
export function unmaskAllowed(req: FastifyRequest, opts: { requireAsk?: boolean } = {}): boolean {
  const user = req.user;
  if (!user || !canUnmask(user)) return false;
  if (opts.requireAsk === false) return true;
  const q = (req.query ?? {}) as Record<string, unknown>;
  return q.unmask === '1' || q.unmask === 'true' || q.unmask === true;
}

export interface UnmaskedView {
  /** e.g. person, household, roster, payroll */
  entityType: string;
  entityId?: string | number;
  countyCode?: string;
  /** which data were shown: idNumber, accountNo, phone … */
  fields: string[];
  /** how many records, for lists and exports */
  count?: number;
  /** what was looked at, e.g. the list filter or the export file name */
  detail?: Record<string, unknown>;
  /** default `${entityType}.view_unmasked` */
  action?: string;
}

/**
 * A search by ID number (whole or last digits) is itself a look-up of a person: audited
 * (action `<entityType>.search_by_id`) whatever the role, so repeated probing shows in the log.
 * Does nothing when the query is no ID search.
 */
export async function auditIdSearch(
  db: Kysely<Tables>,
  user: SessionUser,
  what: { entityType: string; q: string | null | undefined; count: number; entityId?: string | number },
): Promise<void> {
  const t = idSearchTerm(what.q);
  if (!t) return;
  await appendAudit(db, actorOf(user), {
    action: `${what.entityType}.search_by_id`,
    entityType: what.entityType,
    entityId: what.entityId,
    countyCode: user.countyCode,
    detail: {
      match: t.kind === 'full' ? '完整身份证号' : `后${t.value.length}位`,
      idNumber: t.kind === 'full' ? t.value : undefined,
      tail: t.kind === 'tail' ? t.value : undefined,
      count: what.count,
    },
  });
}

/** The audit entry of an unmasked view or export; call inside the request's transaction (or with the db). */
export async function auditUnmaskedView(trx: Kysely<Tables>, user: SessionUser, what: UnmaskedView): Promise<void> {
  await appendAudit(trx, actorOf(user), {
    action: what.action ?? `${what.entityType}.view_unmasked`,
    entityType: what.entityType,
    entityId: what.entityId,
    countyCode: what.countyCode ?? user.countyCode,
    detail: { fields: what.fields, ...(what.count === undefined ? {} : { count: what.count }), ...(what.detail ?? {}) },
  });
}
