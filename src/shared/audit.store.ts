// The audit chain's rows: the head (last seq and hash, where keying began) and the entries.
// SQL only: hashing, keying and checking are in audit.ts, audit-key.ts and audit-anchor.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from './db/tables.ts';

export interface AuditHead {
  seq: number;
  hash: string;
  keyedFrom: number | null;
}

/** An entry as stored and hashed (`at` is the ISO text that was hashed). */
export interface StoredEntry {
  seq: number;
  at: string;
  user_id: number | null;
  username: string;
  action: string;
  entity_type: string;
  entity_id: string;
  county_code: string;
  before: unknown;
  after: unknown;
  detail: unknown;
}

type HeadRow = { seq: number; hash: string; keyed_from: number | null };
const toHead = (r: HeadRow): AuditHead => ({ seq: Number(r.seq), hash: r.hash, keyedFrom: r.keyed_from === null ? null : Number(r.keyed_from) });

/** The chain head; `lock` holds it until the transaction ends, so writers queue one behind another. */
export async function readAuditHead(db: Kysely<Tables>, lock = false): Promise<AuditHead> {
  const r = lock
    ? await sql<HeadRow>`SELECT seq, hash, keyed_from FROM audit_head WHERE one FOR UPDATE`.execute(db)
    : await sql<HeadRow>`SELECT seq, hash, keyed_from FROM audit_head WHERE one`.execute(db);
  return toHead(r.rows[0]);
}

export async function insertAuditEntry(db: Kysely<Tables>, e: StoredEntry, prevHash: string, hash: string): Promise<void> {
  await sql`INSERT INTO audit_log (seq, at, user_id, username, action, entity_type, entity_id, county_code, before, after, detail, prev_hash, hash)
    VALUES (${e.seq}, ${e.at}::timestamptz, ${e.user_id}, ${e.username}, ${e.action}, ${e.entity_type}, ${e.entity_id}, ${e.county_code},
      ${JSON.stringify(e.before)}::jsonb, ${JSON.stringify(e.after)}::jsonb, ${JSON.stringify(e.detail)}::jsonb, ${prevHash}, ${hash})`.execute(db);
}

export async function moveAuditHead(db: Kysely<Tables>, seq: number, hash: string): Promise<void> {
  await sql`UPDATE audit_head SET seq = ${seq}, hash = ${hash} WHERE one`.execute(db);
}

/** Mark where keying begins; `onlyUnmarked` leaves a marker already set alone. */
export async function markAuditKeyedFrom(db: Kysely<Tables>, keyedFrom: number, onlyUnmarked = false): Promise<void> {
  if (onlyUnmarked) await sql`UPDATE audit_head SET keyed_from = ${keyedFrom} WHERE one AND keyed_from IS NULL`.execute(db);
  else await sql`UPDATE audit_head SET keyed_from = ${keyedFrom} WHERE one`.execute(db);
}

export type ChainRow = StoredEntry & { prev_hash: string; hash: string };

/** Entries from `fromSeq` up to `toSeq`, in order, at most `limit`; `at` as the ISO text that was hashed. */
export async function readAuditEntries(db: Kysely<Tables>, fromSeq: number, toSeq: number, limit: number): Promise<ChainRow[]> {
  const r = await sql<ChainRow>`
    SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, user_id, username, action,
           entity_type, entity_id, county_code, before, after, detail, prev_hash, hash
    FROM audit_log WHERE seq >= ${fromSeq} AND seq <= ${toSeq} ORDER BY seq LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** The hash of entry `seq`, or null when there is no such entry. */
export async function auditHashAt(db: Kysely<Tables>, seq: number): Promise<string | null> {
  const r = await sql<{ hash: string }>`SELECT hash FROM audit_log WHERE seq = ${seq}`.execute(db);
  return r.rows[0]?.hash ?? null;
}
