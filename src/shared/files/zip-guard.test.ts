// A generated zip bomb (about 400 KB that inflates to 400 MB) is refused by what its directory
// declares, before any reader inflates it; a directory that lies is caught while inflating.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createDeflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { assertZipInflatesAsDeclared, assertZipWithinLimits, zipSummary } from './zip-guard.ts';
import { openTable } from './table.ts';
import { openXlsxFast } from './xlsx-fast.ts';

/** Deflate `size` bytes of '<' without holding them: 1 MB at a time. */
async function deflateZeros(size: number): Promise<Buffer> {
  const d = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const chunk = Buffer.alloc(1 << 20, 0x3c);
  for (let left = size; left > 0; left -= chunk.length) {
    if (!d.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => d.once('drain', r));
  }
  await new Promise((r) => d.end(r));
  return Buffer.concat(out);
}

/** A zip of the given entries; `declare` may lie about the uncompressed size. */
function zip(entries: { name: string; data: Buffer; size: number; declare?: number; method?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const size = e.declare ?? e.size;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(e.method ?? 8, 8);
    lh.writeUInt32LE(0, 14);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(e.method ?? 8, 10);
    ch.writeUInt32LE(0, 16);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, e.data);
    central.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const text = (s: string) => ({ data: Buffer.from(s), size: Buffer.byteLength(s), method: 0 });
const skeleton = () => [
  { name: '[Content_Types].xml', ...text('<Types/>') },
  { name: 'xl/workbook.xml', ...text('<workbook><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>') },
  { name: 'xl/_rels/workbook.xml.rels', ...text('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>') },
];

describe('zip bombs', () => {
  const SIZE = 400 * 1024 * 1024;
  let sheet: Buffer;
  before(async () => {
    sheet = await deflateZeros(SIZE);
  });

  it('refuses a 400 KB bomb by its declared sizes, before inflating, in every reader', async () => {
    const bomb = zip([...skeleton(), { name: 'xl/worksheets/sheet1.xml', data: sheet, size: SIZE }]);
    assert.ok(bomb.length < 600 * 1024, `bomb is ${bomb.length} bytes`);
    const s = await zipSummary(bomb);
    assert.ok(s.uncompressed >= SIZE);
    const rss = process.memoryUsage().rss;
    await assert.rejects(assertZipWithinLimits(bomb, { maxUncompressed: 2 * 1024 ** 3, maxEntries: 5000, maxRatio: 200 }), /压缩比异常.*压缩炸弹/);
    await assert.rejects(assertZipWithinLimits(bomb, { maxUncompressed: 100 * 1024 ** 2, maxEntries: 5000, maxRatio: 1e9 }), /解压后约400MB，超过上限100MB/);
    await assert.rejects(openTable(bomb), /压缩炸弹/);
    await assert.rejects(openXlsxFast(bomb), /压缩炸弹/);
    assert.ok(process.memoryUsage().rss - rss < 100 * 1024 * 1024, 'nothing was inflated');
  });

  it('refuses too many entries', async () => {
    const many = zip(Array.from({ length: 5001 }, (_, i) => ({ name: `x/${i}.xml`, ...text('<a/>') })));
    await assert.rejects(assertZipWithinLimits(many), /5001个内部文件，超过上限5000个/);
  });

  it('stops inflating an entry that is larger than its directory says', async () => {
    const liar = zip([...skeleton(), { name: 'xl/worksheets/sheet1.xml', data: sheet, size: SIZE, declare: sheet.length * 10 }]);
    const t = await openXlsxFast(liar).catch((e: Error) => e);
    const err =
      t instanceof Error
        ? t
        : await (async () => {
            try {
              for await (const _ of t.rows) {
                /* read */
              }
              return null;
            } catch (e) {
              return e as Error;
            }
          })();
    assert.ok(err, 'the lying entry is refused');
    assert.match(err!.message, /超过压缩目录所写的大小|已损坏/);
    // ExcelJS (openTable) inflates by the local headers: the bytes it would inflate are counted first
    const rss = process.memoryUsage().rss;
    await assert.rejects(openTable(liar), /xl\/worksheets\/sheet1.xml解压后超过压缩目录所写的大小/);
    assert.ok(process.memoryUsage().rss - rss < 100 * 1024 * 1024, 'the bytes were counted, not kept');
  });

  it('refuses a zip whose local headers say other than its directory (what a header-walking reader would inflate)', async () => {
    const entries = [...skeleton(), { name: 'xl/worksheets/sheet1.xml', ...text('<worksheet><sheetData/></worksheet>') }];
    const good = zip(entries);
    await assertZipInflatesAsDeclared(good);
    const bad = Buffer.from(good);
    bad.writeUInt32LE(999, bad.indexOf('xl/worksheets/sheet1.xml') - 30 + 22); // the local header's size only
    await assert.rejects(assertZipInflatesAsDeclared(bad), /与压缩目录不符/);
  });

  it('lets an ordinary xlsx through', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['姓名', '身份证号']);
    for (let i = 0; i < 2000; i++) ws.addRow(['张三', '430582199001011234']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const s = await assertZipWithinLimits(buf);
    assert.ok(s.entries > 3 && s.worstRatio < 200);
    const t = await openXlsxFast(buf);
    let n = 0;
    for await (const _ of t.rows) n++;
    assert.equal(n, 2000);
  });
});
