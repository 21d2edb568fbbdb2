import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openTable } from './table.ts';
import { openXlsxFast, xlsxSheetNames } from './xlsx-fast.ts';
import { isAppError } from '../errors.ts';

async function all(t: { headers: string[]; rows: AsyncIterable<unknown> }) {
  const rows: unknown[] = [];
  for await (const r of t.rows) rows.push(r);
  return { headers: t.headers, rows };
}

describe('openXlsxFast', () => {
  for (const f of ['roster.xlsx', 'quality_roster.xlsx']) {
    it(`reads ${f} exactly as openTable does`, async () => {
      const buf = readFileSync(join('test', 'fixtures', 'samples', f));
      const fast = await all(await openXlsxFast(buf));
      assert.equal(fast.rows.length, 4010);
      assert.deepEqual(fast, await all(await openTable(buf)));
    });
  }

  it('shared strings, rich text, dates, numbers, booleans, formulas, escapes, gaps and empty rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('表');
    ws.addRow([' 姓名 ', '日期', '数', '布尔', '公式', '文本']);
    ws.addRow(['张三', new Date(Date.UTC(2006, 6, 1)), 430582, true, { formula: 'C2*2', result: 861164 }, 'a<b & "c"']);
    ws.addRow([]);
    ws.addRow([{ richText: [{ text: '李' }, { text: '四', font: { bold: true } }] }, null, 1.5, false, { formula: 'A2&"x"', result: '张三x' }, '']);
    ws.getCell('F5').value = '只有这一格';
    ws.getColumn(2).numFmt = 'yyyy"年"m"月"d"日"';
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const fast = await all(await openXlsxFast(buf));
    assert.deepEqual(fast, await all(await openTable(buf)));
    assert.deepEqual(fast.headers, ['姓名', '日期', '数', '布尔', '公式', '文本']);
    const rows = fast.rows as { rowNumber: number; cells: unknown[] }[];
    assert.deepEqual(
      rows.map((r) => r.rowNumber),
      [2, 4, 5],
    );
    assert.equal((rows[0].cells[1] as Date).toISOString().slice(0, 10), '2006-07-01');
    assert.deepEqual(rows[0].cells[4], { formula: 'C2*2', result: 861164 });
    assert.equal(rows[0].cells[5], 'a<b & "c"');
    assert.equal(rows[1].cells[0], '李四');
  });

  it('a truncated or damaged file is a Chinese error, not a crash', async () => {
    const buf = readFileSync(join('test', 'fixtures', 'samples', 'roster.xlsx'));
    for (const cut of [buf.subarray(0, 1000), buf.subarray(0, Math.floor(buf.length * 0.9))]) {
      await assert.rejects((async () => all(await openXlsxFast(cut)))(), (e) => isAppError(e) && /XLSX文件已损坏或不完整/.test(e.message));
    }
    const damaged = Buffer.from(buf);
    damaged.fill(0x41, 2000, 6000); // inside the compressed sheet
    await assert.rejects((async () => all(await openXlsxFast(damaged)))(), (e) => isAppError(e) && /XLSX/.test(e.message));
  });

  it('lists the sheets in tab order and opens one by its place', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['x']);
    wb.addWorksheet(' 拨付 ').addRow(['日期', '金额']);
    wb.getWorksheet(' 拨付 ')!.addRow(['2024-01-02', 5]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    assert.deepEqual(xlsxSheetNames(buf), ['说明', ' 拨付 ']);
    const t = await all(await openXlsxFast(buf, 1));
    assert.deepEqual(t.headers, ['日期', '金额']);
    assert.deepEqual(t.rows, [{ rowNumber: 2, cells: ['2024-01-02', 5] }]);
    assert.deepEqual((await all(await openXlsxFast(buf))).headers, ['x']);
    await assert.rejects(openXlsxFast(buf, 5), (e) => isAppError(e) && /第6个工作表/.test(e.message));
  });
});
