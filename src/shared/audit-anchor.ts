// Daily anchors of the audit chain: the head hash with its date and entry count, written to a
// file kept away from the database (or printed and filed). A later rewrite of any entry up to
// the anchor changes that entry's hash, so `anju audit verify --anchor F` no longer matches.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Tables } from './db/tables.ts';
import { auditHashAt, readAuditHead } from './audit.store.ts';
import { todayIso } from './dates.ts';
import { AppError } from './errors.ts';

export interface AuditAnchor {
  anju_audit_anchor: 1;
  date: string;
  at: string;
  entries: number;
  hash: string;
}

export async function auditAnchor(db: Kysely<Tables>): Promise<AuditAnchor> {
  const h = await readAuditHead(db);
  return { anju_audit_anchor: 1, date: todayIso(), at: new Date().toISOString(), entries: h.seq, hash: h.hash };
}

export function writeAnchor(file: string, a: AuditAnchor): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(a, null, 2) + '\n', { mode: 0o600 });
}

export function readAnchor(file: string): AuditAnchor {
  let a: AuditAnchor;
  try {
    a = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('FILE_UNREADABLE', `无法读取审计锚点文件 ${file}：${(e as Error).message}`);
  }
  if (a?.anju_audit_anchor !== 1 || !Number.isInteger(a.entries) || !/^[0-9a-f]{64}$/.test(a.hash))
    throw new AppError('FILE_MALFORMED', `${file} 不是安居审计锚点文件`);
  return a;
}

/** null when the chain still holds the anchored entry with the anchored hash, else the Chinese reason. */
export async function anchorProblem(db: Kysely<Tables>, a: AuditAnchor): Promise<string | null> {
  if (a.entries === 0) return null;
  const hash = await auditHashAt(db, a.entries);
  if (hash === null) return `锚点（${a.date}，第${a.entries}条）所指的记录已不存在`;
  if (hash !== a.hash) return `第${a.entries}条记录的哈希与${a.date}的锚点不符：该日之前的审计记录被改写`;
  return null;
}
