// Uploaded files that must be kept (a roster import until it is applied, a cross-check extract
// for its runs) are kept beside the database, not in it: in the data folder's `uploads/`, one
// file each (mode 0600) under a random key that the upload's record holds with its sha256.
// A 500 MB upload is then moved into place, not sent through the database as one value
// (PGlite, which runs inside the server's process, stores bytea at a few MB/s and would hold
// the server all that time; PostgreSQL cannot send a bytea over 512 MB back as text at all).
// Whoever reads a kept file checks its sha256 first (`keptFile`), so an import applies exactly
// the bytes it previewed. The retention rule removes the files (src/system/retention.ts).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../errors.ts';

export type UploadArea = 'roster-imports' | 'crosscheck-inputs';

let configured: string | null = null;
let fallback: string | null = null;

/** The server keeps uploads in `<data folder>/uploads` (buildApp sets it from config.dataDir). */
export function configureUploadDir(dir: string): void {
  configured = dir;
}

/** Where kept uploads are; without a configured folder (tests, tools) a folder of this process, removed at exit. */
export function uploadDir(): string {
  if (configured) return configured;
  if (!fallback) {
    const dir = mkdtempSync(join(tmpdir(), 'anju-uploads-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    fallback = dir;
  }
  return fallback;
}

const KEY = /^(roster-imports|crosscheck-inputs)\/[0-9a-f-]{36}$/;

/** The path of a kept file by its key (a key is never a path of its own choosing). */
export function keptPath(key: string): string {
  if (!KEY.test(key)) throw new AppError('INTERNAL', `上传文件的存放编号不正确：${key}`);
  return join(uploadDir(), key);
}

async function place(area: UploadArea, put: (dest: string) => Promise<void>): Promise<string> {
  const key = `${area}/${randomUUID()}`;
  const dest = keptPath(key);
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  await put(dest);
  await chmod(dest, 0o600);
  return key;
}

/** Keep a received temporary file: moved into place (copied when on another disk); returns its key. */
export function keepUpload(area: UploadArea, tempPath: string): Promise<string> {
  return place(area, async (dest) => {
    try {
      await rename(tempPath, dest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      await copyFile(tempPath, dest);
    }
  });
}

/** Keep bytes held in memory (small files: the demo county, tests); returns its key. */
export function keepBytes(area: UploadArea, content: Buffer): Promise<string> {
  return place(area, (dest) => writeFile(dest, content, { mode: 0o600 }));
}

/** sha256 of a file, read as a stream (the server's loop hashes 1 MB at a time). */
export async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A kept file that is no longer there: `what` names it (导入的花名册文件 …). */
export const keptFileGone = (what: string) => new AppError('CONFLICT', `${what}的原始文件已不在服务器上（可能已按保留期清理或从备份恢复），请重新上传`);
/** A kept file whose bytes no longer have the sha256 they had on arrival. */
export const keptFileChanged = (what: string) => new AppError('CONFLICT', `${what}的原始文件与上传时不一致（校验值不符），已拒绝使用，请重新上传`);

/**
 * The path of a kept file that is still there and still has its sha256 (hashed as a stream);
 * otherwise a Chinese error naming what to do. `what` names the file (导入的花名册文件 …).
 */
export async function keptFile(key: string, sha256: string, what: string): Promise<string> {
  const path = keptPath(key);
  let actual: string;
  try {
    actual = await sha256OfFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw keptFileGone(what);
    throw e;
  }
  if (actual !== sha256) throw keptFileChanged(what);
  return path;
}

/** Remove kept files (missing ones are fine). */
export async function removeKept(keys: readonly string[]): Promise<void> {
  for (const key of keys) if (key) await rm(keptPath(key), { force: true });
}
