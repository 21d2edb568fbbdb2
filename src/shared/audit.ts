// The append-only audit log. Every change to people, money and cases, every unmasked view
// and every export is one entry, written in the same transaction as the change.
// Entries are chained: hash = sha256(prev_hash + canonical JSON), so an edited or removed
// row breaks the chain and `verifyAuditChain` finds where.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export interface AuditActor { userId: number | null; username: string }

export interface AuditEntry {
  action: string;            // e.g. person.update, adjustment.approve, roster.export, person.view_unmasked
  entityType?: string;       // person, household, adjustment, user, payroll …
  entityId?: string | number;
  countyCode?: string;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, username: '系统' };

/** JSON with sorted keys, so the same entry always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
}

interface StoredEntry {
  seq: number; at: string; user_id: number | null; username: string; action: string;
  entity_type: string; entity_id: string; county_code: string;
  before: unknown; after: unknown; detail: unknown;
}

export function entryHash(prevHash: string, e: StoredEntry): string {
  const body = canonicalJson({
    seq: Number(e.seq), at: e.at, user_id: e.user_id === null ? null : Number(e.user_id), username: e.username,
    action: e.action, entity_type: e.entity_type, entity_id: e.entity_id, county_code: e.county_code,
    before: e.before ?? null, after: e.after ?? null, detail: e.detail ?? null,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

// JSON round trip so what we hash is exactly what jsonb gives back (dates as strings, no undefined)
const asJson = (v: unknown) => (v === undefined || v === null ? null : JSON.parse(JSON.stringify(v)));

/**
 * Append entries. Call inside the transaction that makes the change (pass the transaction).
 * Locks the chain head, so concurrent writers are serialised.
 */
export async function appendAudit(trx: Kysely<any>, actor: AuditActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  const head = await sql<{ seq: number; hash: string }>`SELECT seq, hash FROM audit_head WHERE one FOR UPDATE`.execute(trx);
  let { seq, hash } = head.rows[0];
  seq = Number(seq);
  // milliseconds, ISO, UTC: the text form is what gets hashed
  const at = new Date().toISOString();
  for (const e of list) {
    seq++;
    const stored: StoredEntry = {
      seq, at, user_id: actor.userId, username: actor.username, action: e.action,
      entity_type: e.entityType ?? '', entity_id: e.entityId === undefined ? '' : String(e.entityId),
      county_code: e.countyCode ?? '', before: asJson(e.before), after: asJson(e.after), detail: asJson(e.detail),
    };
    const h = entryHash(hash, stored);
    await sql`INSERT INTO audit_log (seq, at, user_id, username, action, entity_type, entity_id, county_code, before, after, detail, prev_hash, hash)
      VALUES (${seq}, ${at}::timestamptz, ${stored.user_id}, ${stored.username}, ${stored.action}, ${stored.entity_type}, ${stored.entity_id}, ${stored.county_code},
        ${JSON.stringify(stored.before)}::jsonb, ${JSON.stringify(stored.after)}::jsonb, ${JSON.stringify(stored.detail)}::jsonb, ${hash}, ${h})`.execute(trx);
    hash = h;
  }
  await sql`UPDATE audit_head SET seq = ${seq}, hash = ${hash} WHERE one`.execute(trx);
}

export interface ChainCheck { ok: boolean; entries: number; brokenAt?: number; reason?: string }

/** Recompute the chain from the start; report the first entry that does not fit. */
export async function verifyAuditChain(db: Kysely<any>, batch = 5000): Promise<ChainCheck> {
  let prev = '0'.repeat(64);
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await sql<StoredEntry & { prev_hash: string; hash: string; at_text: string }>`
      SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text, user_id, username, action,
             entity_type, entity_id, county_code, before, after, detail, prev_hash, hash
      FROM audit_log WHERE seq >= ${expectedSeq} ORDER BY seq LIMIT ${batch}`.execute(db);
    if (!rows.rows.length) break;
    for (const r of rows.rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { ok: false, entries: count, brokenAt: expectedSeq, reason: `缺少第${expectedSeq}条记录（被删除）` };
      if (r.prev_hash !== prev) return { ok: false, entries: count, brokenAt: seq, reason: `第${seq}条记录的前序哈希与上一条不符` };
      const h = entryHash(prev, { ...r, at: r.at_text });
      if (h !== r.hash) return { ok: false, entries: count, brokenAt: seq, reason: `第${seq}条记录的内容与哈希不符（被篡改）` };
      prev = r.hash;
      expectedSeq++;
      count++;
    }
  }
  const head = await sql<{ seq: number; hash: string }>`SELECT seq, hash FROM audit_head WHERE one`.execute(db);
  if (Number(head.rows[0].seq) !== count) return { ok: false, entries: count, brokenAt: count + 1, reason: `链尾记录数${head.rows[0].seq}与实际${count}不符（末尾记录被删除）` };
  return { ok: true, entries: count };
}
