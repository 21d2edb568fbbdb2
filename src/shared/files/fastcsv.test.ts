import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openFastTable, splitRecord } from './fastcsv.ts';
import iconv from 'iconv-lite';

async function readAll(path: string) {
  const t = await openFastTable(path);
  const rows = [];
  for await (const b of t.batches) rows.push(...b);
  return { t, rows };
}

describe('fast CSV reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anju-fastcsv-'));

  it('splits quoted fields with commas, doubled quotes and line breaks', () => {
    assert.deepEqual(splitRecord('a,"b,c","d""e",', ','), ['a', 'b,c', 'd"e', '']);
    assert.deepEqual(splitRecord('"",x', ','), ['', 'x']);
  });

  it('reads UTF-8 with BOM, CRLF, blank lines and a quoted line break; row numbers as a spreadsheet shows', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, '\ufeff 姓名 ,金额\r\n张三,"1,200.50"\r\n\r\n"李\r\n四",600\r\n王五,"7""0"');
    const { t, rows } = await readAll(p);
    assert.equal(t.encoding, 'utf-8');
    assert.deepEqual(t.headers, ['姓名', '金额']);
    assert.deepEqual(
      rows.map((r) => r.cells),
      [
        ['张三', '1,200.50'],
        ['李\n四', '600'],
        ['王五', '7"0'],
      ],
    );
    assert.deepEqual(
      rows.map((r) => r.rowNumber),
      [2, 4, 5],
    );
  });

  it('reads GB18030 across chunk boundaries', async () => {
    const p = join(dir, 'b.csv');
    const lines = ['姓名,村'];
    for (let i = 0; i < 60000; i++) lines.push(`张三${i},茶雁村"${i}"`.replace(/"/g, ''));
    writeFileSync(p, iconv.encode(lines.join('\n') + '\n', 'gb18030'));
    const { t, rows } = await readAll(p);
    assert.equal(t.encoding, 'gb18030');
    assert.equal(rows.length, 60000);
    assert.deepEqual(rows[59999].cells, ['张三59999', '茶雁村59999']);
    assert.equal(t.bytesRead(), t.size);
  });
});
