// Limits on a ZIP (XLSX) file, read from its central directory BEFORE anything is inflated:
// a 400 KB "zip bomb" that would grow to gigabytes is refused by what it declares, and the
// readers cap each inflate at the declared size, so a directory that lies is caught too.
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { AppError } from '../errors.ts';

export interface ZipLimits {
  /** sum of the declared uncompressed sizes */
  maxUncompressed: number;
  /** number of entries in the directory */
  maxEntries: number;
  /** uncompressed / compressed of any one entry (XML compresses about 10–20 times) */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressed: 2 * 1024 ** 3, maxEntries: 5000, maxRatio: 200 };

export interface ZipSummary {
  entries: number;
  uncompressed: number;
  compressed: number;
  worstRatio: number;
  worstEntry: string;
  /** each entry as the directory describes it */
  list: { name: string; method: number; flags: number; compSize: number; size: number; localOffset: number }[];
  /** where the directory starts: the entries lie before it */
  cdOffset: number;
}

/** Read the central directory of a zip held in `tail` (the last bytes of a file of `size` bytes, or all of it). */
function summarise(readAt: (pos: number, len: number) => Promise<Buffer>, size: number): Promise<ZipSummary> {
  return (async () => {
    const tailLen = Math.min(size, 65557);
    const tail = await readAt(size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new AppError('FILE_MALFORMED', 'XLSX文件已损坏或不完整（找不到压缩目录），无法读取。请在Excel中重新保存后再导入');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new AppError('FILE_FORMAT', 'XLSX文件过大（ZIP64格式），请拆分后再导入');
    if (cdOffset + cdSize > size) throw new AppError('FILE_MALFORMED', 'XLSX文件已损坏（压缩目录超出文件末尾）');
    const cd = await readAt(cdOffset, cdSize);
    const s: ZipSummary = { entries: 0, uncompressed: 0, compressed: 0, worstRatio: 0, worstEntry: '', list: [], cdOffset };
    let p = 0;
    while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
      const comp = cd.readUInt32LE(p + 20),
        uncomp = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28),
        extraLen = cd.readUInt16LE(p + 30),
        commentLen = cd.readUInt16LE(p + 32);
      const ratio = uncomp / Math.max(comp, 1);
      s.entries++;
      s.list.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        flags: cd.readUInt16LE(p + 8),
        compSize: comp,
        size: uncomp,
        localOffset: cd.readUInt32LE(p + 42),
      });
      s.uncompressed += uncomp;
      s.compressed += comp;
      if (ratio > s.worstRatio) {
        s.worstRatio = ratio;
        s.worstEntry = cd.toString('utf8', p + 46, p + 46 + nameLen);
      }
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (s.entries !== count) throw new AppError('FILE_MALFORMED', 'XLSX文件已损坏（压缩目录的条目数不符）');
    return s;
  })();
}

export async function zipSummary(source: string | Buffer): Promise<ZipSummary> {
  if (Buffer.isBuffer(source)) return summarise(async (pos, len) => source.subarray(pos, pos + len), source.length);
  const fh = await open(source, 'r');
  try {
    const size = (await fh.stat()).size;
    return await summarise(async (pos, len) => {
      const b = Buffer.alloc(len);
      const { bytesRead } = await fh.read(b, 0, len, pos);
      return b.subarray(0, bytesRead);
    }, size);
  } finally {
    await fh.close();
  }
}

/** Throws a Chinese AppError when the zip declares more than the limits allow. */
export async function assertZipWithinLimits(source: string | Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipSummary> {
  const s = await zipSummary(source);
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)}MB`;
  if (s.entries > limits.maxEntries)
    throw new AppError('FILE_FORMAT', `XLSX文件包含${s.entries}个内部文件，超过上限${limits.maxEntries}个，疑似异常文件，已拒绝`);
  if (s.uncompressed > limits.maxUncompressed)
    throw new AppError('FILE_FORMAT', `XLSX文件解压后约${mb(s.uncompressed)}，超过上限${mb(limits.maxUncompressed)}，疑似“压缩炸弹”，已拒绝；请拆分后再导入`);
  if (s.worstRatio > limits.maxRatio)
    throw new AppError('FILE_FORMAT', `XLSX文件中的${s.worstEntry}压缩比异常（${Math.round(s.worstRatio)}倍），疑似“压缩炸弹”，已拒绝`);
  return s;
}

const lying = (name: string) =>
  new AppError('FILE_MALFORMED', `XLSX文件中的${name}解压后超过压缩目录所写的大小（或与压缩目录不符），疑似“压缩炸弹”或已损坏，已拒绝`);

/**
 * For a reader that inflates entries by their local headers, one after another, and never
 * looks at the directory (ExcelJS): the entries must lie back to back from the start
 * of the file to the directory, each as the directory describes it, and each is inflated once
 * here, counting the bytes it actually gives — more than declared is refused (so the total
 * stays within the limit checked on the declared sizes). Costs one inflate of the file.
 */
export async function assertZipInflatesAsDeclared(source: string | Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipSummary> {
  const s = await assertZipWithinLimits(source, limits);
  const fh = Buffer.isBuffer(source) ? null : await open(source, 'r');
  const readAt = async (pos: number, len: number) => {
    if (!fh) return (source as Buffer).subarray(pos, pos + len);
    const b = Buffer.alloc(len);
    const { bytesRead } = await fh.read(b, 0, len, pos);
    return b.subarray(0, bytesRead);
  };
  try {
    let pos = 0;
    for (const e of [...s.list].sort((a, b) => a.localOffset - b.localOffset)) {
      const h = await readAt(e.localOffset, 30);
      if (e.localOffset !== pos || h.length < 30 || h.readUInt32LE(0) !== 0x04034b50 || h.readUInt16LE(8) !== e.method) throw lying(e.name);
      const name = await readAt(e.localOffset + 30, h.readUInt16LE(26));
      if (name.toString('utf8') !== e.name) throw lying(e.name);
      const descriptor = (h.readUInt16LE(6) & 8) !== 0;
      if (!descriptor && (h.readUInt32LE(18) !== e.compSize || h.readUInt32LE(22) !== e.size)) throw lying(e.name);
      const start = e.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
      pos = start + e.compSize;
      if (descriptor) pos += (await readAt(pos, 4)).readUInt32LE(0) === 0x08074b50 ? 16 : 12;
      if (e.method !== 0 && e.method !== 8) throw new AppError('FILE_MALFORMED', `XLSX文件中的${e.name}使用了不支持的压缩方式${e.method}`);
      if (e.method === 0) {
        if (e.compSize !== e.size) throw lying(e.name);
        continue;
      }
      if (e.compSize === 0) continue;
      const raw = Buffer.isBuffer(source)
        ? Readable.from([source.subarray(start, start + e.compSize)])
        : createReadStream(source, { start, end: start + e.compSize - 1, highWaterMark: 1 << 20 });
      let inflated = 0;
      const inflate = raw.pipe(createInflateRaw({ chunkSize: 1 << 20 }));
      try {
        for await (const chunk of inflate as AsyncIterable<Buffer>) {
          inflated += chunk.length;
          if (inflated > e.size) throw lying(e.name);
        }
      } catch (err) {
        raw.destroy();
        inflate.destroy();
        if (err instanceof AppError) throw err;
        throw new AppError('FILE_MALFORMED', `XLSX文件中的${e.name}无法解压，文件已损坏`);
      }
      if (inflated !== e.size) throw lying(e.name);
    }
    if (pos !== s.cdOffset) throw new AppError('FILE_MALFORMED', 'XLSX文件已损坏（压缩目录之前有多余或缺少的内容）');
    return s;
  } finally {
    await fh?.close();
  }
}
