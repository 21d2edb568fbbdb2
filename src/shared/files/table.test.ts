import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { openTable, cellText, mapHeaders, detectEncoding } from './table.ts';

const S = (f: string) => join('test/fixtures/samples', f);

async function readAll(src: string | Buffer) {
  const t = await openTable(src);
  const rows: string[][] = [];
  for await (const r of t.rows) rows.push(r.cells.map(cellText));
  return { t, rows };
}

describe('reading tables', () => {
  it('reads the same roster from UTF-8 CSV, GB18030 CSV and XLSX', async () => {
    const a = await readAll(S('roster.csv'));
    const b = await readAll(S('roster_gbk.csv'));
    const c = await readAll(S('roster.xlsx'));
    assert.equal(a.t.encoding, 'utf-8');
    assert.equal(b.t.encoding, 'gb18030');
    assert.equal(c.t.format, 'xlsx');
    assert.equal(a.rows.length, 4010);
    assert.equal(b.rows.length, 4010);
    assert.equal(c.rows.length, 4010);
    const idx = (t: { headers: string[] }) => t.headers.indexOf('身份证号');
    const ids = (x: typeof a) => x.rows.map((r) => r[idx(x.t)]);
    assert.deepEqual(ids(b), ids(a));
    assert.deepEqual(ids(c), ids(a));
  });

  it('trims half- and full-width spaces around headers', async () => {
    const { t } = await readAll(S('deaths.csv'));
    const m = mapHeaders(t.headers, { columns: { 姓名: true, 身份证号: true, 死亡日期: true, 来源: false } });
    assert.deepEqual(m.missing, []);
  });

  it('detects GB18030 without a BOM and UTF-8 with one', () => {
    assert.equal(detectEncoding(iconv.encode('姓名,身份证号\n张三,1\n', 'gb18030')).encoding, 'gb18030');
    assert.deepEqual(detectEncoding(Buffer.from('\ufeff姓名', 'utf8')), { encoding: 'utf-8', bom: 3 });
  });

  it('keeps quoted commas and reports row numbers as a spreadsheet shows them', async () => {
    const t = await openTable(Buffer.from('姓名,备注\n张三,"a,b"\n\n李四,c\n'));
    const got: [number, string[]][] = [];
    for await (const r of t.rows) got.push([r.rowNumber, r.cells as string[]]);
    assert.deepEqual(got, [
      [2, ['张三', 'a,b']],
      [4, ['李四', 'c']],
    ]);
  });

  it('reports missing required columns and unknown ones', () => {
    const m = mapHeaders(['姓名 ', '\u3000备注'], { columns: { 姓名: true, 身份证号: true } });
    assert.deepEqual(m.missing, ['身份证号']);
    assert.deepEqual(m.unknown, [{ header: '备注', index: 1 }]);
  });

  it('refuses binary, empty and legacy xls content with a Chinese message', async () => {
    await assert.rejects(openTable(Buffer.alloc(0)), /文件为空/);
    await assert.rejects(openTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0])), /\.xls/);
    await assert.rejects(openTable(Buffer.from([1, 2, 0, 4, 5])), /二进制/);
  });

  it('refuses a truncated xlsx', async () => {
    const { readFileSync } = await import('node:fs');
    const buf = readFileSync(S('roster.xlsx'));
    await assert.rejects(async () => {
      const t = await openTable(buf.subarray(0, Math.floor(buf.length / 2)));
      for await (const _ of t.rows) {
        /* read on */
      }
    }, /XLSX/);
  });
});
