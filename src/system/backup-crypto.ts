// Optional encryption of backup files: AES-256-GCM with a key derived from a passphrase by
// scrypt. File: "ANJUENC1" | flags (1 byte, bit 0 = gzip inside) | salt (16) | iv (12) |
// check (16, tells a wrong passphrase at once) | ciphertext | GCM tag (16). The header is
// authenticated too, so any changed byte fails the restore (which then changes nothing).
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { openSync, readSync, closeSync, fstatSync, createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../shared/errors.ts';

const MAGIC = Buffer.from('ANJUENC1');
const HEADER = MAGIC.length + 1 + 16 + 12 + 16;
const TAG = 16;
// about 32 MiB and a few hundred ms: costly for someone trying passphrases
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const PASSPHRASE_ENV = 'ANJU_BACKUP_PASSPHRASE';

function deriveKey(passphrase: string, salt: Buffer): { key: Buffer; check: Buffer } {
  if (passphrase.length < 8) throw new AppError('VALIDATION', '备份口令至少需要8个字符');
  const key = scryptSync(passphrase.normalize('NFC'), salt, 32, SCRYPT);
  return { key, check: createHash('sha256').update(key).update('anju-backup-check').digest().subarray(0, 16) };
}

/** A stream that encrypts what is written to it into `out` (header first, tag last), then ends `out`. */
export function encryptInto(out: Writable, passphrase: string, gzip: boolean): Writable {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const { key, check } = deriveKey(passphrase, salt);
  const header = Buffer.concat([MAGIC, Buffer.from([gzip ? 1 : 0]), salt, iv, check]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  out.write(header);
  cipher.pipe(out, { end: false });
  cipher.on('end', () => out.end(cipher.getAuthTag()));
  return cipher;
}

export interface EncryptedInfo {
  gzip: boolean;
  salt: Buffer;
  iv: Buffer;
  check: Buffer;
  header: Buffer;
  size: number;
  tag: Buffer;
}

/** The header of an encrypted backup, or null for a plain one. */
export function readEncryptedInfo(file: string): EncryptedInfo | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER);
    const n = readSync(fd, head, 0, HEADER, 0);
    if (n < MAGIC.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    if (n < HEADER || size < HEADER + TAG) throw new AppError('FILE_MALFORMED', '加密的备份文件不完整');
    const tag = Buffer.alloc(TAG);
    readSync(fd, tag, 0, TAG, size - TAG);
    let o = MAGIC.length;
    const gzip = (head[o++] & 1) === 1;
    const salt = head.subarray(o, (o += 16));
    const iv = head.subarray(o, (o += 12));
    const check = head.subarray(o, (o += 16));
    return { gzip, salt, iv, check, header: head, size, tag };
  } finally {
    closeSync(fd);
  }
}

/** The decrypted content of an encrypted backup as a stream; a wrong passphrase is refused at once. */
export function decryptedStream(file: string, info: EncryptedInfo, passphrase: string | undefined): Readable {
  if (!passphrase) throw new AppError('VALIDATION', `备份文件已加密：请在环境变量 ${PASSPHRASE_ENV} 中提供备份口令`);
  const { key, check } = deriveKey(passphrase, info.salt);
  if (!timingSafeEqual(check, info.check)) throw new AppError('VALIDATION', '备份口令不正确');
  const decipher = createDecipheriv('aes-256-gcm', key, info.iv);
  decipher.setAAD(info.header);
  decipher.setAuthTag(info.tag);
  const raw = createReadStream(file, { start: HEADER, end: info.size - TAG - 1, highWaterMark: 1 << 20 });
  raw.on('error', (e) => decipher.destroy(e));
  return raw.pipe(decipher);
}
