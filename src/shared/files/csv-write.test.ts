import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvText, csvRaw, csvLine, csvDocument } from './csv-write.ts';
import { attachmentDisposition } from '../http/attachment.ts';

test('text cells that a spreadsheet would run are neutralised; raw cells are not', () => {
  for (const s of ['=1+1', '+86', '-2', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvText(s).replace(/^"|"$/g, '')[0], "'", s);
  assert.equal(csvRaw('-9000.00'), '-9000.00');
  assert.equal(csvText('张三'), '张三');
  assert.equal(csvText('a,"b"'), '"a,""b"""');
  assert.equal(csvLine(['=x', '-1.00', null], ['text', 'raw', 'raw']), "'=x,-1.00,");
});

test('a document has a BOM, the header and CRLF line ends', () => {
  assert.equal(csvDocument(['分组', '金额'], [['合计', '1.00']], ['text', 'raw']), '\ufeff分组,金额\r\n合计,1.00\r\n');
});

test('attachment names keep Chinese through RFC 5987 and give old clients an ASCII name', () => {
  const h = attachmentDisposition('调度表 2024年5月.xlsx', 'dispatch.xlsx');
  assert.match(h, /^attachment; filename="dispatch\.xlsx"; filename\*=UTF-8''%E8%B0%83/);
  assert.equal(attachmentDisposition('x', '中"文'), `attachment; filename="___"; filename*=UTF-8''x`);
});
