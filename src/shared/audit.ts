// The append-only audit log. Every change to people, money and cases, every unmasked view
// and every export is one entry, written in the same transaction as the change.
// Entries are chained: hash = HMAC-SHA256(key, prev_hash + canonical JSON) with a key kept
// outside the database (audit-key.ts), so an edited or removed row breaks the chain and
// `verifyAuditChain` finds where, and whoever can write the database cannot recompute it.
// Entries written before the key existed (older versions) keep hash = sha256(prev_hash + JSON).
import type { Kysely } from 'kysely';
import type { Tables } from './db/tables.ts';
import { createHash, createHmac } from 'node:crypto';
import { currentAuditKey, requireAuditKey, readAuditKey, auditKeyPath, type AuditKey } from './audit-key.ts';
import { insertAuditEntry, moveAuditHead, readAuditEntries, readAuditHead, type StoredEntry } from './audit.store.ts';

export interface AuditActor {
  userId: number | null;
  username: string;
}

export interface AuditEntry {
  action: string; // e.g. person.update, adjustment.approve, roster.export, person.view_unmasked
  entityType?: string; // person, household, adjustment, user, payroll …
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
  return (
    '{' +
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k]))
      .join(',') +
    '}'
  );
}

/** The link of one entry: HMAC-SHA256 under the key, or plain sha256 without one (old entries). */
export function entryHash(prevHash: string, e: StoredEntry, key?: Buffer | null): string {
  const body = canonicalJson({
    seq: Number(e.seq),
    at: e.at,
    user_id: e.user_id === null ? null : Number(e.user_id),
    username: e.username,
    action: e.action,
    entity_type: e.entity_type,
    entity_id: e.entity_id,
    county_code: e.county_code,
    before: e.before ?? null,
    after: e.after ?? null,
    detail: e.detail ?? null,
  });
  const h = key ? createHmac('sha256', key) : createHash('sha256');
  return h.update(prevHash).update(body).digest('hex');
}

// JSON round trip so what we hash is exactly what jsonb gives back (dates as strings, no undefined)
const asJson = (v: unknown) => (v === undefined || v === null ? null : JSON.parse(JSON.stringify(v)));

/**
 * Append entries. Call inside the transaction that makes the change (pass the transaction).
 * Locks the chain head, so concurrent writers are serialised.
 */
export async function appendAudit(handle: Kysely<Tables>, actor: AuditActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const trx = handle;
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  const head = await readAuditHead(trx, true);
  let { seq, hash } = head;
  // a keyed chain never gets an unkeyed entry: without its key the append stops here
  const key = head.keyedFrom !== null ? requireAuditKey().key : null;
  // milliseconds, ISO, UTC: the text form is what gets hashed
  const at = new Date().toISOString();
  for (const e of list) {
    seq++;
    const stored: StoredEntry = {
      seq,
      at,
      user_id: actor.userId,
      username: actor.username,
      action: e.action,
      entity_type: e.entityType ?? '',
      entity_id: e.entityId === undefined ? '' : String(e.entityId),
      county_code: e.countyCode ?? '',
      before: asJson(e.before),
      after: asJson(e.after),
      detail: asJson(e.detail),
    };
    const h = entryHash(hash, stored, key);
    await insertAuditEntry(trx, stored, hash, h);
    hash = h;
  }
  await moveAuditHead(trx, seq, hash);
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  brokenAt?: number;
  reason?: string;
  keyedFrom?: number | null;
  head?: string;
}

/**
 * Recompute the chain from the start; report the first entry that does not fit. Entries from
 * the key's `keyedFrom` on are checked with the key (the loaded one, else the key file).
 */
export async function verifyAuditChain(handle: Kysely<Tables>, opts: { key?: AuditKey | null; batch?: number } = {}): Promise<ChainCheck> {
  const db = handle;
  const batch = opts.batch ?? 5000;
  const headRow = await readAuditHead(db);
  const markedFrom = headRow.keyedFrom;
  let key: AuditKey | null = opts.key !== undefined ? opts.key : currentAuditKey();
  // the key file is read here only for a keyed chain (the server and `anju audit verify` load it first)
  if (key === null && opts.key === undefined && markedFrom !== null) key = readAuditKey(auditKeyPath());
  if (!key && markedFrom !== null)
    return {
      ok: false,
      entries: 0,
      brokenAt: markedFrom,
      keyedFrom: markedFrom,
      reason: `审计日志从第${markedFrom}条起带密钥，缺少密钥文件（${auditKeyPath()}）无法校验`,
    };
  // the key file says where keying began; the database's marker must agree (a cleared or moved
  // marker would let keyed entries be checked the old, unkeyed way)
  const keyedFrom = key ? key.keyedFrom : null;
  if (key && markedFrom !== keyedFrom && !(markedFrom === null && Number(headRow.seq) < key.keyedFrom)) {
    return {
      ok: false,
      entries: 0,
      brokenAt: key.keyedFrom,
      keyedFrom,
      reason: `数据库中的密钥起点（${markedFrom ?? '无'}）与密钥文件（第${key.keyedFrom}条）不符，审计日志可能被改写`,
    };
  }
  let prev = '0'.repeat(64);
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await readAuditEntries(db, expectedSeq, headRow.seq, batch);
    if (!rows.length) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { ok: false, entries: count, brokenAt: expectedSeq, keyedFrom, reason: `缺少第${expectedSeq}条记录（被删除）` };
      if (r.prev_hash !== prev) return { ok: false, entries: count, brokenAt: seq, keyedFrom, reason: `第${seq}条记录的前序哈希与上一条不符` };
      const keyed = keyedFrom !== null && seq >= keyedFrom;
      const h = entryHash(prev, r, keyed ? key!.key : null);
      if (h !== r.hash)
        return { ok: false, entries: count, brokenAt: seq, keyedFrom, reason: `第${seq}条记录的内容与${keyed ? '密钥签名' : '哈希'}不符（被篡改）` };
      prev = r.hash;
      expectedSeq++;
      count++;
    }
  }
  if (Number(headRow.seq) !== count)
    return { ok: false, entries: count, brokenAt: count + 1, keyedFrom, reason: `链尾记录数${headRow.seq}与实际${count}不符（末尾记录被删除）` };
  if (headRow.hash !== prev) return { ok: false, entries: count, brokenAt: count, keyedFrom, reason: '链尾哈希与最后一条记录不符' };
  return { ok: true, entries: count, keyedFrom, head: prev };
}
