// Limits on a ZIP (XLSX) file, read from its central directory BEFORE anything is inflated:
// a 400 KB "zip bomb" that would grow to gigabytes is refused by what it declares, and the
// readers cap each inflate at the declared size, so a directory that lies is caught too.
import { open } from 'node:fs/promises';
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
    const s: ZipSummary = { entries: 0, uncompressed: 0, compressed: 0, worstRatio: 0, worstEntry: '' };
    let p = 0;
    while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
      const comp = cd.readUInt32LE(p + 20),
        uncomp = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28),
        extraLen = cd.readUInt16LE(p + 30),
        commentLen = cd.readUInt16LE(p + 32);
      const ratio = uncomp / Math.max(comp, 1);
      s.entries++;
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
