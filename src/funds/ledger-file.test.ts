// Reading a ledger from files: row numbers with blank lines and multi-line cells, encodings,
// trimmed headers and sheet names, xlsx number and date cells, and unreadable ledgers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { isAppError } from '../shared/errors.ts';
import { checkLedgerSource } from './ledger-file.ts';

const HEAD = {
  资金批次: '批次编号,年度,资金级别,资金类别,下达日期,金额',
  项目: '项目编号,项目名称,年度,村代码,项目类别,计划投资',
  资金安排: '日期,批次编号,项目编号,金额',
  拨付: '日期,批次编号,项目编号,金额',
  报账: '日期,批次编号,项目编号,金额',
};
type Sheets = Record<keyof typeof HEAD, string>;
const CLEAN: Sheets = {
  资金批次: `${HEAD.资金批次}\nB1,2024,中央,到县资金,2024-03-01,1000\n`,
  项目: `${HEAD.项目}\nP1,道路,2024,522727101206,基础设施,800\n`,
  资金安排: `${HEAD.资金安排}\n2024-03-02,B1,P1,500\n`,
  拨付: `${HEAD.拨付}\n`,
  报账: `${HEAD.报账}\n`,
};

function folder(sheets: Partial<Sheets>, encode: (s: string) => Buffer = (s) => Buffer.from(s)): string {
  const dir = mkdtempSync(join(tmpdir(), 'anju-ledger-'));
  for (const [name, text] of Object.entries({ ...CLEAN, ...sheets })) writeFileSync(join(dir, `${name}.csv`), encode(text));
  return dir;
}

const codes = (c: { rejected: { sheet: string; row: number; code: string }[] }) => c.rejected.map((r) => `${r.sheet}:${r.row}:${r.code}`);

describe('ledger files', () => {
  it('CSV row numbers count records: blank lines count, a multi-line quoted cell is one record', async () => {
    const dir = folder({
      项目: `${HEAD.项目}\r\nP1,"道路\r\n硬化",2024,522727101206,基础设施,800\r\n\r\n,,,,,\r\nP2,"桥,""二期""",2024,522727101206,基础设施,\r\n`,
      拨付: `${HEAD.拨付}\n\n2024-03-03,B1,P1,600\n`,
    });
    const c = await checkLedgerSource(dir);
    assert.deepEqual(codes(c), ['项目:5:L_MISSING', '拨付:3:L_OVER_ALLOCATION']);
    assert.equal(c.projects[0].name, '道路\n硬化');
    rmSync(dir, { recursive: true });
  });

  it('reads GB18030 and UTF-8 with BOM, trims headers of both widths, ignores unknown columns in any order', async () => {
    const dir = folder(
      {
        资金批次: `\ufeff序号, 批次编号 ,金额　,年度,资金级别,资金类别,下达日期,备注\n1,B1,"1,000.00",2024,中央,到县资金,2024/3/1,x\n`,
        项目: `项目名称,项目编号,年度,乡镇,村,村代码,项目类别,计划投资,开工日期\n道路,P1,2024,云口镇,平家村,522727101206,基础设施,800,2024年3月5日\n`,
      },
      (s) => (s.startsWith('\ufeff') ? Buffer.from(s) : iconv.encode(s, 'gb18030')),
    );
    const c = await checkLedgerSource(dir);
    assert.deepEqual(codes(c), []);
    assert.equal(c.batches[0].amountFen, 100000);
    assert.equal(c.projects[0].townshipName, '云口镇');
    assert.equal(c.projects[0].startedOn, '2024-03-05');
    rmSync(dir, { recursive: true });
  });

  it('unreadable: a missing file or a missing required column names it; nothing is checked', async () => {
    const dir = folder({});
    rmSync(join(dir, '报账.csv'));
    await assert.rejects(checkLedgerSource(dir), (e) => isAppError(e) && /缺少：报账\.csv/.test(e.message));
    const dir2 = folder({ 项目: '项目编号,项目名称,年度,项目类别,计划投资\n' });
    await assert.rejects(checkLedgerSource(dir2), (e) => isAppError(e) && /工作表“项目”缺少必填列：村代码/.test(e.message));
    await assert.rejects(checkLedgerSource(join(dir, 'nowhere')), (e) => isAppError(e) && /找不到/.test(e.message));
    await assert.rejects(checkLedgerSource(join(dir2, '项目.csv')), (e) => isAppError(e) && /不是XLSX工作簿/.test(e.message));
  });

  it('the CLI exits 2 on an unreadable ledger and writes nothing', () => {
    const dir = folder({ 拨付: '日期,批次编号,金额\n' });
    const out = join(dir, 'rej.csv');
    const r = spawnSync(process.execPath, [join('bin', 'anju.mjs'), 'funds', 'check', '--ledger', dir, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /台账无法读取：工作表“拨付”缺少必填列：项目编号/);
    assert.ok(!existsSync(out));
  });

  it('xlsx: sheets found by trimmed name in any order, number cells read by their value, date cells, blank rows', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['台账']);
    const add = (name: string, rows: unknown[][]) => {
      const ws = wb.addWorksheet(name);
      for (const r of rows) ws.addRow(r);
      return ws;
    };
    add(' 报账 ', [['日期', '批次编号', '项目编号', '金额']]);
    add('项目', [
      ['项目编号', '项目名称', '年度', '村代码', '项目类别', '计划投资'],
      ['P1', '道路', 2024, 522727101206, '基础设施', 800],
    ]);
    const b = add('资金批次', [
      ['批次编号', '年度', '资金级别', '资金类别', '下达日期', '金额'],
      ['B1', 2024, '中央', '到县资金', new Date(Date.UTC(2024, 2, 1)), 1000],
    ]);
    b.getCell('E2').numFmt = 'yyyy-mm-dd';
    const a = add('资金安排', [['日期', '批次编号', '项目编号', '金额']]);
    a.addRow([new Date(Date.UTC(2024, 2, 2)), 'B1', 'P1', 0.1 + 0.2]);
    a.addRow(['  ']); // row 3: blank
    a.addRow([20240303, 'B1', 'P1', 12.345]);
    a.getRow(6).values = [45355, 'B1', 'P1', 1]; // row 5 absent; a day serial that lost its date format: 2024-03-04
    a.addRow(['2024-03-05', 'B1', 'P1', { formula: '1+1', result: 2 }]);
    a.getCell('A2').numFmt = 'yyyy-mm-dd';
    add('拨付', [
      ['日期', '批次编号', '项目编号', '金额'],
      ['2024-03-02', 'B1', 'P1', '0.31'],
    ]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'anju-ledger-'));
    writeFileSync(join(dir, 'ledger.xlsx'), buf);
    for (const source of [join(dir, 'ledger.xlsx'), buf]) {
      const c = await checkLedgerSource(source);
      assert.equal(c.container, 'xlsx');
      assert.deepEqual(codes(c), ['资金安排:4:L_BAD_VALUE', '拨付:2:L_OVER_ALLOCATION']);
      assert.equal(c.rejected[0].reason, '金额“12.345”不是最多两位小数的元');
      assert.deepEqual(
        [...c.acceptedEntries()].map((e) => `${e.date} ${e.amountFen}`),
        ['2024-03-02 30', '2024-03-04 100', '2024-03-05 200'],
      );
      assert.equal(c.projects[0].villageCode, '522727101206');
      assert.equal(c.batches[0].issuedOn, '2024-03-01');
    }
    const only = new ExcelJS.Workbook();
    only.addWorksheet('资金批次').addRow(['批次编号']);
    await assert.rejects(
      checkLedgerSource(Buffer.from(await only.xlsx.writeBuffer())),
      (e) => isAppError(e) && /缺少工作表：项目、资金安排、拨付、报账/.test(e.message),
    );
    rmSync(dir, { recursive: true });
  });
});
