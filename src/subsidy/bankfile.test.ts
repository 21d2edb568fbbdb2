// The CSV bank file is made by the database (one text a chunk of lines): it must be, byte for
// byte, what the JavaScript cells (cellOf + csvLine, still used for XLSX) make of the same lines,
// on awkward values (formula starts, quotes, commas, line breaks, tabs, odd fen), every field,
// both amount formats and both encodings, across chunk borders and with failed lines left out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { buildPayroll, listLines, reviewPayroll, prepareBankExport, writeBankFile, saveTemplate } from './subsidy.service.ts';
import { BANK_FIELDS, cellOf, csvLine, type BankField, type BankLine, type BankTemplate } from './bankfile.ts';
import { insertPersons, makeId, type FixturePerson } from './testing-fixtures.ts';

const C = '430582';
const V = '430582101001';
const actor = { userId: 1, username: '测试员' };
const reviewer = { userId: 2, username: '审核员' };
const id = (n: number) => makeId('430582', '19650101', n);

const AWKWARD = ['=SUM(A1)', '+86', '-张三', '@李四', '\t王五', '\r赵六', '钱"七"', '孙,八', '周\n九', '吴\r\n十', "'郑", '𠀀冯', ' 陈 ', '"', ','];

const persons: FixturePerson[] = [];
for (let i = 0; i < 37; i++) {
  const w = AWKWARD[i % AWKWARD.length];
  persons.push({
    idNumber: id(i + 1),
    name: i < AWKWARD.length ? w : `人员${i}`,
    holderName: i % 2 === 1 ? AWKWARD[(i + 4) % AWKWARD.length] : `持卡人${i}`,
    householdNo: i % 5 === 2 ? `${w}户` : `H${Math.floor(i / 3)}`,
    villageCode: V,
    villageName: i % 6 === 3 ? w : '新村',
    townshipName: i % 7 === 4 ? w : '城关镇',
    // starts in the period: part of the year, odd fen with the standard below
    supportStart: i % 4 === 0 ? `2024-0${(i % 9) + 1}-15` : '2006-07-01',
    // every fifth without an account: failed at export, not in the file
    accountNo: i % 5 === 4 ? undefined : i % 8 === 6 ? `-62300,${i}` : `62300${i}`,
    relation: i % 3 === 0 ? '户主' : '子女',
  });
}

const ALL_FIELDS = Object.keys(BANK_FIELDS) as BankField[];
const templates: BankTemplate[] = [
  {
    code: 'all-fen',
    name: '全部字段（分）',
    container: 'csv',
    encoding: 'utf-8',
    bom: false,
    amountFormat: 'fen',
    columns: ALL_FIELDS.map((f, i) => ({ header: `${BANK_FIELDS[f]}${i}`, field: f })),
  },
  {
    code: 'all-yuan-gbk',
    name: '全部字段（元，GBK）',
    container: 'csv',
    encoding: 'gb18030',
    bom: false,
    amountFormat: 'yuan',
    columns: [...ALL_FIELDS].reverse().map((f, i) => ({ header: `列${i}`, field: f })),
  },
];

async function fileOf(db: TestDatabase['db'], payrollId: number, tpl: BankTemplate, batchNo: string, chunk?: number): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c) => parts.push(c));
  await writeBankFile(db, C, payrollId, tpl, batchNo, out, undefined, chunk);
  return Buffer.concat(parts);
}

/** The file as the JavaScript cells make it from the lines as read. */
async function expected(db: TestDatabase['db'], payrollId: number, tpl: BankTemplate, batchNo: string): Promise<Buffer> {
  const { lines } = await listLines(db, C, payrollId, { result: 'pending', limit: 1000 });
  let text = (tpl.encoding === 'utf-8' && tpl.bom ? '\ufeff' : '') + csvLine(tpl.columns.map((c) => c.header));
  for (const x of lines) {
    const l: BankLine = { ...x, batchNo };
    text += csvLine(tpl.columns.map((c) => cellOf(tpl, c.field, l)));
  }
  return tpl.encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
}

for (const engine of await testEngines()) {
  describe(`bank file made by the database (${engine})`, () => {
    let t: TestDatabase;
    let rollId = 0;
    let batchNo = '';
    const saved = new Map<string, BankTemplate>();
    before(async () => {
      t = await createTestDatabase(engine);
      await insertPersons(t.db, C, persons);
      // an odd standard: amounts with fen that are not round
      await sql`INSERT INTO settings (county_code, key, effective_from, value) VALUES (${C}, 'subsidy.standard_fen', '2000-01-01', '60007')`.execute(t.db);
      const roll = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' });
      rollId = roll.id;
      await reviewPayroll(t.db, reviewer, C, rollId);
      for (const tpl of templates) saved.set(tpl.code, await saveTemplate(t.db, actor, C, tpl));
      batchNo = (await prepareBankExport(t.db, actor, C, rollId, 'generic')).batchNo;
    });
    after(async () => t?.drop());

    it('the roll holds the awkward values and leaves lines without an account out', async () => {
      const { lines } = await listLines(t.db, C, rollId, { limit: 1000 });
      assert.equal(lines.length, persons.length);
      assert.ok(lines.some((l) => l.result === 'failure'));
      assert.ok(lines.some((l) => l.amountFen % 100 !== 0));
      const texts = lines.flatMap((l) => [l.name, l.holderName, l.householdNo, l.villageName, l.townshipName, l.accountNo]).join('|');
      for (const w of ['=SUM(A1)', '周\n九', '孙,八', '钱"七"', '\r赵六', '-62300,']) assert.ok(texts.includes(w), JSON.stringify(w));
    });

    for (const code of ['generic', 'gbk-csv', 'all-fen', 'all-yuan-gbk']) {
      it(`template ${code}: the same bytes as the JavaScript cells, in one chunk and across chunk borders`, async () => {
        const tpl = saved.get(code) ?? (await prepareBankExport(t.db, actor, C, rollId, code)).tpl;
        const want = await expected(t.db, rollId, tpl, batchNo);
        for (const chunk of [undefined, 1, 7, 29, 30]) {
          const got = await fileOf(t.db, rollId, tpl, batchNo, chunk);
          assert.equal(got.toString('hex'), want.toString('hex'), `chunk ${chunk ?? 'default'}`);
        }
      });
    }
  });
}
