// History of a person or household: audit entries (who, when, before/after, why) and the
// adjustments not yet applied, newest first.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import { actionLabel } from '../shared/audit-labels.ts';
import { FIELD_NAMES, KIND_NAMES, STATUS_NAMES, type AdjustmentKind, type AdjustmentStatus } from './adjustment.ts';

export interface HistoryItem {
  at: string;
  who: string;
  action: string;
  /** what changed: field → [before, after] in Chinese labels, or a sentence */
  what: string;
  why: string;
  source: 'audit' | 'adjustment';
  adjustmentId: number | null;
  changes: { field: string; before: unknown; after: unknown }[];
}

/** An audit entry as history reads it: before, after and detail are the JSON written with it. */
export interface AuditRow {
  at: string;
  username: string;
  action: string;
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** Audit entries of an entity (person / household), newest first. */
export async function auditHistory(db: Kysely<Tables>, countyCode: string, entityType: string, entityIds: string[], limit = 500) {
  if (!entityIds.length) return [];
  const r = await sql<AuditRow & { entity_id: string }>`
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, username, action, entity_id, before, after, detail
    FROM audit_log WHERE entity_type = ${entityType} AND entity_id = ANY(${entityIds}::text[]) AND county_code = ${countyCode}
    ORDER BY seq DESC LIMIT ${limit}`.execute(db);
  return r.rows;
}

const ACTION_NAMES: Record<string, string> = {
  'person.add': '核增入册',
  'person.adjust': '调整生效',
  'person.import': '导入',
  'person.update': '信息修改',
  'person.create': '新建',
  'household.create': '建户',
  'household.update': '户信息变更',
  'household.delete': '撤户',
};

/** Audit entries with before/after, told in Chinese. Views (unmasked) are not history. */
export function historyFromAudit(rows: AuditRow[]): HistoryItem[] {
  return rows
    .filter((r) => !r.action.endsWith('view_unmasked'))
    .map((r) => {
      const before = (r.before ?? {}) as Record<string, unknown>,
        after = (r.after ?? {}) as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      const changes = keys.map((k) => ({ field: FIELD_NAMES[k] ?? k, before: before[k] ?? null, after: after[k] ?? null }));
      const d = (r.detail ?? {}) as { adjustmentId?: number; kind?: AdjustmentKind; reason?: string; summary?: string };
      const what = d.summary ?? (changes.length ? changes.map((c) => `${c.field}：${fmt(c.before)} → ${fmt(c.after)}`).join('；') : '');
      return {
        at: r.at,
        who: r.username,
        action: (d.kind ? KIND_NAMES[d.kind] + '·' : '') + (ACTION_NAMES[r.action] ?? actionLabel(r.action)),
        what,
        why: d.reason ?? '',
        source: 'audit' as const,
        adjustmentId: d.adjustmentId ?? null,
        changes,
      };
    });
}
const fmt = (v: unknown) => (v === null || v === undefined || v === '' ? '（空）' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Adjustments as history lines: those not yet applied (pending, returned, withdrawn) — approved ones
 * are told by the audit entries they wrote — or all of them with `includeApproved` (household page).
 */
export async function openAdjustmentHistory(
  db: Kysely<Tables>,
  countyCode: string,
  cond: RawBuilder<unknown>,
  includeApproved = false,
): Promise<HistoryItem[]> {
  const r = await sql<{
    id: number;
    kind: AdjustmentKind;
    status: AdjustmentStatus;
    summary: string;
    reason: string;
    entered_by_name: string;
    decided_by_name: string;
    at: string;
    decision_note: string;
  }>`
    SELECT id, kind, status, summary, reason, entered_by_name, decided_by_name, decision_note,
      to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    FROM adjustments WHERE county_code = ${countyCode} AND (${includeApproved} OR status <> 'approved') AND ${cond} ORDER BY id DESC LIMIT 200`.execute(db);
  return r.rows.map((a) => ({
    at: a.at,
    who: a.status === 'approved' ? `${a.entered_by_name}录入，${a.decided_by_name}批准` : a.entered_by_name,
    action: `${KIND_NAMES[a.kind]}（${STATUS_NAMES[a.status]}）`,
    what: a.summary + (a.decision_note ? `；${a.status === 'returned' ? '退回意见' : '审批意见'}：${a.decision_note}` : ''),
    why: a.reason,
    source: 'adjustment' as const,
    adjustmentId: Number(a.id),
    changes: [],
  }));
}

export function newestFirst(items: HistoryItem[]): HistoryItem[] {
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** A person's history: audit entries and the adjustments naming the person not yet applied, newest first. */
export async function personHistory(db: Kysely<Tables>, countyCode: string, personId: number): Promise<HistoryItem[]> {
  const audit = await auditHistory(db, countyCode, 'person', [String(personId)]);
  const open = await openAdjustmentHistory(db, countyCode, sql`${personId}::bigint = ANY(person_ids)`);
  return newestFirst([...historyFromAudit(audit), ...open]);
}

/** A household's history: audit entries and every adjustment naming the household, newest first. */
export async function householdHistory(db: Kysely<Tables>, countyCode: string, householdNo: string): Promise<HistoryItem[]> {
  const audit = await auditHistory(db, countyCode, 'household', [householdNo]);
  const open = await openAdjustmentHistory(db, countyCode, sql`${householdNo}::text = ANY(household_nos)`, true);
  return newestFirst([...historyFromAudit(audit), ...open]);
}
