// Reading the audit log: filtered, newest first, paged on the server.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { AppError } from '../shared/errors.ts';
import type { AuditQuery } from './auth.contract.ts';
import { actionLabel, auditChanges, auditSummary, ENTITY_LABELS } from '../shared/audit-labels.ts';

/** A date 'YYYY-MM-DD' is a day in Asia/Shanghai (UTC+8, no daylight saving); else an ISO timestamp. */
export function parseAuditTime(s: string, endOfDay: boolean, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  const d = m ? new Date(`${s.trim()}T00:00:00+08:00`) : new Date(s);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION', `${field}“${s}”不是有效的日期或时间（例如 2024-07-01）`);
  if (m && endOfDay) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

export interface AuditRow {
  seq: number;
  at: Date | string;
  user_id: number | null;
  username: string;
  action: string;
  entity_type: string;
  entity_id: string;
  county_code: string;
  before: unknown;
  after: unknown;
  detail: unknown;
  display_name: string | null;
}

/**
 * `countyCode`: the reader's county; entries of other counties are not shown
 * (entries without a county — e.g. failed logins of unknown names — are, to county-level readers).
 * `regionCode`: a township-level reader sees only entries about its township (audit_log.region_code,
 * derived when the entry is written: migration 0012).
 */
export async function queryAudit(db: Kysely<Tables>, countyCode: string | null, q: AuditQuery, regionCode?: string) {
  const township = regionCode && regionCode.length > 6 ? regionCode : null;
  const from = q.from ? parseAuditTime(q.from, false, '开始时间') : null;
  const to = q.to ? parseAuditTime(q.to, true, '结束时间') : null;
  const action = q.action?.trim() || null;
  const username = q.username?.trim() || null;
  const where = sql`WHERE (${countyCode}::text IS NULL OR county_code IN ('', ${countyCode ?? ''}))
    ${township ? sql`AND county_code = ${countyCode ?? ''} AND region_code LIKE ${township + '%'}` : sql``}
    AND (${from?.toISOString() ?? null}::timestamptz IS NULL OR at >= ${from?.toISOString() ?? null}::timestamptz)
    AND (${to?.toISOString() ?? null}::timestamptz IS NULL OR at < ${to?.toISOString() ?? null}::timestamptz)
    AND (${q.userId ?? null}::bigint IS NULL OR user_id = ${q.userId ?? null}::bigint)
    AND (${username}::text IS NULL OR starts_with(lower(username), lower(${username ?? ''})))
    AND (${action}::text IS NULL OR starts_with(action, ${action ?? ''}))
    AND (${q.entityType || null}::text IS NULL OR entity_type = ${q.entityType || null})
    AND (${q.entityId || null}::text IS NULL OR entity_id = ${q.entityId || null})`;
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log ${where}`.execute(db);
  const rows = await sql<AuditRow>`SELECT l.seq, l.at, l.user_id, l.username, l.action, l.entity_type, l.entity_id, l.county_code, l.before, l.after, l.detail,
      u.display_name
    FROM (SELECT * FROM audit_log ${where} ORDER BY seq DESC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}) l
    LEFT JOIN users u ON u.id = l.user_id ORDER BY l.seq DESC`.execute(db);
  return {
    items: rows.rows.map((r) => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      userId: r.user_id === null ? null : Number(r.user_id),
      username: r.username,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      countyCode: r.county_code,
      before: r.before ?? null,
      after: r.after ?? null,
      detail: r.detail ?? null,
      // in Chinese: who by name, what was done, to what, and what changed
      userName: r.display_name || r.username,
      actionName: actionLabel(r.action),
      entityName: ENTITY_LABELS[r.entity_type] ?? r.entity_type,
      summary: auditSummary({ action: r.action, entityType: r.entity_type, entityId: r.entity_id, before: r.before, after: r.after, detail: r.detail }),
      changes: auditChanges(r.before ?? null, r.after ?? null),
    })),
    total: Number(total.rows[0].n),
    page: q.page,
    pageSize: q.pageSize,
  };
}
