// One way to receive an uploaded file: the multipart stream goes to a temporary file on disk
// (never whole into memory while it arrives), hashed on the way, cut off at the route's own
// limit with a Chinese 413. Every upload route calls receiveUpload (one file) or receiveUploads
// (several files of one request, the limit bounding them together); the caller removes them.
import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';

export interface ReceivedFile {
  path: string;
  filename: string;
  mimetype: string;
  size: number;
  sha256: string;
  /** the whole file in memory, for stores that keep it as bytes */
  read(): Promise<Buffer>;
  /** delete the temporary file (safe to call twice) */
  remove(): Promise<void>;
}

/** The largest upload any route accepts; each route passes its own, smaller or equal, limit. */
export const MAX_ANY_UPLOAD = 512 * 1024 * 1024;

export const mbText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)}KB` : `${Math.round(bytes / 1024 / 1024)}MB`);

/**
 * Receive the one file of a multipart request (field `file`) into a temporary file.
 * `what` names the file in messages (花名册文件, 回盘文件 …).
 */
export async function receiveUpload(req: FastifyRequest, opts: { maxBytes: number; what: string }): Promise<ReceivedFile> {
  if (!req.isMultipart()) throw new AppError('BAD_REQUEST', `请以multipart/form-data上传${opts.what}`);
  const tooLarge = () => new AppError('TOO_LARGE', `${opts.what}不能超过${mbText(opts.maxBytes)}，请拆分后再上传`);
  let part: MultipartFile | undefined;
  try {
    part = await req.file({ limits: { fileSize: opts.maxBytes, files: 1 } });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 413) throw tooLarge();
    throw new AppError('BAD_REQUEST', `没有正确收到${opts.what}，请重新上传`, undefined, { cause: e });
  }
  if (!part) throw new AppError('FILE_EMPTY', `没有收到${opts.what}`);
  const dir = await mkdtemp(join(tmpdir(), 'anju-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    return await toDisk(part, join(dir, 'upload'), remove, opts.what, tooLarge);
  } catch (e) {
    await remove();
    throw e;
  }
}

/**
 * Receive several named files of one multipart request (e.g. loans, repayments, rates), each
 * streamed to its own temporary file like receiveUpload; other parts are skipped. A field not
 * sent is absent from the answer: the route decides which ones it needs. `remove` deletes all.
 */
export async function receiveUploads<F extends string>(
  req: FastifyRequest,
  opts: { fields: readonly F[]; maxBytes: number; what: string },
): Promise<{ files: Partial<Record<F, ReceivedFile>>; remove(): Promise<void> }> {
  if (!req.isMultipart()) throw new AppError('BAD_REQUEST', `请以multipart/form-data上传${opts.what}`);
  const tooLarge = () => new AppError('TOO_LARGE', `${opts.what}每个不能超过${mbText(opts.maxBytes)}，请拆分后再上传`);
  const dir = await mkdtemp(join(tmpdir(), 'anju-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const files: Partial<Record<F, ReceivedFile>> = {};
  try {
    for await (const part of req.parts({ limits: { files: opts.fields.length, fileSize: opts.maxBytes } })) {
      if (part.type !== 'file') continue;
      if (!(opts.fields as readonly string[]).includes(part.fieldname) || files[part.fieldname as F]) {
        part.file.resume();
        continue;
      }
      const field = part.fieldname as F;
      const path = join(dir, `upload-${Object.keys(files).length}`);
      files[field] = await toDisk(part, path, () => rm(path, { force: true }), opts.what, tooLarge);
    }
  } catch (e) {
    await remove();
    if (e instanceof AppError) throw e;
    if ((e as { statusCode?: number }).statusCode === 413) throw tooLarge();
    throw new AppError('BAD_REQUEST', `没有正确收到${opts.what}，请重新上传`, undefined, { cause: e });
  }
  return { files, remove };
}

/**
 * Stream one file part to `path`, hashing it; a part over the limit or empty is refused. With a
 * `budget` the bytes also count against what is left for the whole request (a set of files).
 */
async function toDisk(
  part: MultipartFile,
  path: string,
  remove: () => Promise<void>,
  what: string,
  tooLarge: () => AppError,
  opts: { budget?: { left: number }; emptyMessage?: string } = {},
): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  const { budget } = opts;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (budget && (budget.left -= chunk.length) < 0) {
        done(tooLarge());
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(part.file, hashing, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    if ((budget && budget.left < 0) || (e as { statusCode?: number }).statusCode === 413 || part.file.truncated) throw tooLarge();
    throw new AppError('BAD_REQUEST', `${what}上传中断，请重新上传`, undefined, { cause: e });
  }
  if (part.file.truncated) throw tooLarge();
  const size = (await stat(path)).size;
  if (size === 0) throw new AppError('FILE_EMPTY', opts.emptyMessage ?? `上传的${what}为空`);
  return { path, filename: part.filename ?? '', mimetype: part.mimetype ?? '', size, sha256: hash.digest('hex'), read: () => readFile(path), remove };
}

/**
 * Receive every file of a multipart request (field `file`, at most `maxFiles`) into one
 * temporary folder. `maxBytes` bounds all the files of the request together, so a set of files
 * is held to the same limit as one file; an empty file is refused by its name.
 */
export async function receiveFileSet(
  req: FastifyRequest,
  opts: { maxBytes: number; maxFiles: number; what: string },
): Promise<{ files: ReceivedFile[]; remove(): Promise<void> }> {
  if (!req.isMultipart()) throw new AppError('BAD_REQUEST', `请以multipart/form-data上传${opts.what}`);
  const tooLarge = () => new AppError('TOO_LARGE', `${opts.what}合计不能超过${mbText(opts.maxBytes)}，请拆分后再上传`);
  const dir = await mkdtemp(join(tmpdir(), 'anju-upload-'));
  const removeAll = () => rm(dir, { recursive: true, force: true });
  const files: ReceivedFile[] = [];
  const budget = { left: opts.maxBytes };
  try {
    const parts = req.files({ limits: { fileSize: opts.maxBytes, files: opts.maxFiles } });
    for (;;) {
      let step: Awaited<ReturnType<typeof parts.next>>;
      try {
        step = await parts.next();
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT') throw new AppError('BAD_REQUEST', `一次最多上传${opts.maxFiles}个文件`);
        if ((e as { statusCode?: number }).statusCode === 413) throw tooLarge();
        throw new AppError('BAD_REQUEST', `没有正确收到${opts.what}，请重新上传`, undefined, { cause: e });
      }
      if (step.done) break;
      const part = step.value;
      const path = join(dir, String(files.length));
      files.push(
        await toDisk(part, path, () => rm(path, { force: true }), opts.what, tooLarge, { budget, emptyMessage: `上传的文件“${part.filename ?? ''}”为空` }),
      );
    }
  } catch (e) {
    await removeAll();
    throw e;
  }
  if (!files.length) {
    await removeAll();
    throw new AppError('FILE_EMPTY', `没有收到${opts.what}`);
  }
  return { files, remove: removeAll };
}
