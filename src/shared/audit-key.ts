// The key of the audit chain, kept OUTSIDE the database: a file (default `audit.key` in the data
// folder, ANJU_AUDIT_KEY_FILE elsewhere), mode 0600, created at first start. Whoever can rewrite
// the database but not read this file cannot recompute the chain. The file also records from
// which entry on the chain is keyed (entries before it, from older versions, keep plain sha256).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Tables } from './db/tables.ts';
import { markAuditKeyedFrom, readAuditHead } from './audit.store.ts';
import { AppError } from './errors.ts';

export interface AuditKey {
  key: Buffer;
  keyedFrom: number;
  file?: string;
}

const HEADER = '# 安居 审计日志密钥：请勿删除、勿放入数据库备份同一位置；丢失后无法再校验带密钥的审计记录';

/** Where the key is: ANJU_AUDIT_KEY_FILE, else audit.key in ANJU_DATA_DIR (default ./data). */
export function auditKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ANJU_AUDIT_KEY_FILE || join(env.ANJU_DATA_DIR || './data', 'audit.key');
}

export function readAuditKey(file: string): AuditKey | null {
  if (!existsSync(file)) return null;
  const fields = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], m[2].trim());
  }
  const hex = fields.get('key') ?? '';
  const from = Number(fields.get('keyed_from'));
  if (!/^[0-9a-f]{64}$/.test(hex) || !Number.isInteger(from) || from < 1) throw new AppError('INTERNAL', `审计密钥文件 ${file} 格式不正确`);
  return { key: Buffer.from(hex, 'hex'), keyedFrom: from, file };
}

function writeAuditKey(file: string, k: AuditKey): void {
  mkdirSync(dirname(file), { recursive: true });
  // wx: never overwrite a key (the chain behind it could no longer be checked)
  writeFileSync(file, `${HEADER}\nkey=${k.key.toString('hex')}\nkeyed_from=${k.keyedFrom}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

let current: AuditKey | null = null;

/** The key in use by this process (null: not loaded). */
export function currentAuditKey(): AuditKey | null {
  return current;
}
/** Use this key for appends and checks in this process (tests pass one made in memory). */
export function setAuditKey(k: AuditKey | null): void {
  current = k;
}

/** The key for a database whose chain is keyed: the loaded one, else the file, else a Chinese error. */
export function requireAuditKey(env: NodeJS.ProcessEnv = process.env): AuditKey {
  if (current) return current;
  const file = auditKeyPath(env);
  const k = readAuditKey(file);
  if (!k)
    throw new AppError('INTERNAL', `审计日志已启用密钥，但找不到密钥文件 ${file}（可用 ANJU_AUDIT_KEY_FILE 指定位置），为防止留下无法校验的记录，操作已停止`);
  current = k;
  return k;
}

/**
 * Start keying this database's chain with a new key, from the next entry on; writes the file
 * first (so no keyed entry exists without its key). With `file` undefined the key lives in memory.
 */
export async function createAuditKey(db: Kysely<Tables>, file?: string): Promise<AuditKey> {
  return db.transaction().execute(async (trx) => {
    const head = await readAuditHead(trx, true);
    if (head.keyedFrom !== null) throw new AppError('CONFLICT', `审计日志已从第${head.keyedFrom}条起启用密钥，找不到原密钥时不能另建新密钥`);
    const k: AuditKey = { key: randomBytes(32), keyedFrom: head.seq + 1, file };
    if (file) writeAuditKey(file, k);
    await markAuditKeyedFrom(trx, k.keyedFrom);
    return k;
  });
}

/**
 * At start: load the key file, or create it when this database's chain is not keyed yet.
 * A key file whose starting point does not match the database gives a warning to print (the
 * server keeps working; `anju audit verify` reports the mismatch).
 */
export async function ensureAuditKey(db: Kysely<Tables>, file = auditKeyPath()): Promise<{ key: AuditKey; created: boolean; warning?: string }> {
  const found = readAuditKey(file);
  if (!found) {
    const k = await createAuditKey(db, file);
    current = k;
    return { key: k, created: true };
  }
  current = found;
  const head = await readAuditHead(db);
  const marked = head.keyedFrom;
  if (marked === found.keyedFrom) return { key: found, created: false };
  if (marked === null && head.seq < found.keyedFrom) {
    // a database not yet at the key's starting point (e.g. a new database beside an old key)
    await markAuditKeyedFrom(db, found.keyedFrom, true);
    return { key: found, created: false };
  }
  return {
    key: found,
    created: false,
    warning: `警告：审计密钥文件 ${file} 记录的起点（第${found.keyedFrom}条）与数据库（${marked === null ? '未启用密钥' : `第${marked}条`}）不符：审计日志可能被改写，或密钥文件属于另一个数据库。请运行 anju audit verify 核查。`,
  };
}
