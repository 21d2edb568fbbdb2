import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapHeaders } from '../shared/files/table.ts';
import { LedgerChecker, dayIso, dayNumber } from './ledger-check.ts';
import { LEDGER_COLUMNS } from './ledger-rows.ts';
import { MONEY_SHEETS, type LedgerSheet, type MoneySheet } from './ledger.types.ts';

type Rows = Partial<Record<LedgerSheet, Record<string, unknown>[]>>;

const BATCH = { 批次编号: 'B1', 年度: '2024', 资金级别: '中央', 资金类别: '到县资金', 下达日期: '2024-03-01', 金额: '1000.00' };
const PROJECT = { 项目编号: 'P1', 项目名称: '道路硬化', 年度: '2024', 村代码: '522727101206', 项目类别: '基础设施', 计划投资: '800' };
const money = (date: string, amount: string, batch = 'B1', project = 'P1') => ({ 日期: date, 批次编号: batch, 项目编号: project, 金额: amount });

/** Feed rows (row numbers from 2) to a checker, sheets in ledger order. */
function check(rows: Rows): LedgerChecker {
  const c = new LedgerChecker();
  for (const sheet of ['资金批次', '项目', ...MONEY_SHEETS] as LedgerSheet[]) {
    const list = rows[sheet] ?? [];
    const headers = [...new Set([...Object.keys(LEDGER_COLUMNS[sheet].columns), ...list.flatMap((r) => Object.keys(r))])];
    const col = mapHeaders(headers, LEDGER_COLUMNS[sheet]).index;
    list.forEach((r, i) => {
      const cells = headers.map((h) => r[h] ?? '');
      if (sheet === '资金批次') c.addBatchRow(i + 2, cells, col);
      else if (sheet === '项目') c.addProjectRow(i + 2, cells, col);
      else c.addMoneyRow(sheet as MoneySheet, i + 2, cells, col);
    });
  }
  return c.finish();
}
const codes = (c: LedgerChecker) => c.rejected.map((r) => `${r.sheet}:${r.row}:${r.code}`);
const base = (extra: Rows = {}): Rows => ({ 资金批次: [BATCH], 项目: [PROJECT], ...extra });

describe('ledger checks (FORMATS §8.1)', () => {
  it('accepts a clean ledger', () => {
    const c = check(base({ 资金安排: [money('2024-03-01', '800')], 拨付: [money('2024-03-01', '800')], 报账: [money('2024-03-02', '1')] }));
    assert.deepEqual(codes(c), []);
    assert.equal(c.toCheckedLedger().entries.length, 3);
    assert.deepEqual(c.sums(null), [{ batchNo: 'B1', projectNo: 'P1', allocatedFen: 80000, disbursedFen: 80000, reimbursedFen: 100 }]);
  });

  it('L_MISSING: a required cell empty, before any bad value', () => {
    const c = check({
      资金批次: [
        { ...BATCH, 下达日期: '' },
        { ...BATCH, 批次编号: 'B2', 资金级别: '乡镇级', 金额: '' },
      ],
      项目: [{ ...PROJECT, 项目名称: '　' }],
      拨付: [money('2024-03-01', '')],
    });
    assert.deepEqual(codes(c), ['资金批次:2:L_MISSING', '资金批次:3:L_MISSING', '项目:2:L_MISSING', '拨付:2:L_MISSING']);
    assert.equal(c.rejected[1].reason, '缺少金额');
  });

  it('L_BAD_VALUE: dates, amounts, 0, years, village codes, lists, 计入比率', () => {
    const c = check({
      资金批次: [
        { ...BATCH, 年度: '24' },
        { ...BATCH, 资金级别: '乡镇级' },
        { ...BATCH, 资金类别: '专项' },
        { ...BATCH, 下达日期: '2024-02-30' },
        { ...BATCH, 金额: '3万' },
        { ...BATCH, 金额: '0.00' },
        { ...BATCH, 计入比率: '不计入' },
        { ...BATCH, 金额: '1.200,50' },
      ],
      项目: [
        { ...PROJECT, 村代码: '52272710120' },
        { ...PROJECT, 项目类别: '基础设施建设' },
        { ...PROJECT, 计划投资: '12.345' },
        { ...PROJECT, 开工日期: '2024-13-01' },
        { ...PROJECT, 年度: '2024年' },
        { ...PROJECT, 验收日期: '明年' },
      ],
      报账: [money('2024-02-30', '5'), money('2024-03-05', '600元'), money('2024-03-05', '-0.00')],
    });
    assert.deepEqual(new Set(c.rejected.map((r) => r.code)), new Set(['L_BAD_VALUE']));
    assert.equal(c.rejected.length, 17);
    assert.deepEqual(
      c.rejected.slice(0, 2).map((r) => r.reason),
      ['年度“24”不是4位数字', '资金级别“乡镇级”不在列表中'],
    );
  });

  it('L_DUPLICATE against an earlier accepted row only, before L_NEGATIVE', () => {
    const c = check({
      资金批次: [{ ...BATCH, 金额: '-5' }, BATCH, { ...BATCH, 金额: '-7' }, { ...BATCH, 年度: '24' }],
      项目: [{ ...PROJECT, 计划投资: '-1' }, PROJECT, { ...PROJECT, 完工日期: '2024-01-01', 开工日期: '2024-02-01' }],
    });
    assert.deepEqual(codes(c), ['资金批次:2:L_NEGATIVE', '资金批次:4:L_DUPLICATE', '资金批次:5:L_BAD_VALUE', '项目:2:L_NEGATIVE', '项目:4:L_DUPLICATE']);
    assert.equal(c.rejected[1].reason, '批次编号B1已在第3行');
  });

  it('L_DATES: 完工 before 开工, 验收 without 完工 or before it; equal dates pass', () => {
    const c = check({
      项目: [
        { ...PROJECT, 项目编号: 'A', 开工日期: '2024-06-15', 完工日期: '2024-05-19' },
        { ...PROJECT, 项目编号: 'B', 验收日期: '2024-11-11' },
        { ...PROJECT, 项目编号: 'C', 完工日期: '2024-09-13', 验收日期: '2024-09-04' },
        { ...PROJECT, 项目编号: 'D', 开工日期: '2024-06-15', 完工日期: '2024-06-15', 验收日期: '2024-06-15' },
        { ...PROJECT, 项目编号: 'E', 完工日期: '2024-06-15', 计划投资: '-3' },
      ],
    });
    assert.deepEqual(codes(c), ['项目:2:L_DATES', '项目:3:L_DATES', '项目:4:L_DATES', '项目:6:L_NEGATIVE']);
    assert.deepEqual(
      c.rejected.slice(0, 3).map((r) => r.reason),
      ['完工日期2024-05-19早于开工日期2024-06-15', '有验收日期但没有完工日期', '验收日期2024-09-04早于完工日期2024-09-13'],
    );
  });

  it('L_UNKNOWN_REF: a batch or project no accepted row holds', () => {
    const c = check(
      base({
        资金批次: [BATCH, { ...BATCH, 批次编号: 'B9', 金额: '-1' }],
        资金安排: [money('2024-03-01', '1', 'B9'), money('2024-03-01', '1', 'B1', 'P9'), money('2024-03-01', '1', 'X', 'Y')],
      }),
    );
    assert.deepEqual(codes(c).slice(1), ['资金安排:2:L_UNKNOWN_REF', '资金安排:3:L_UNKNOWN_REF', '资金安排:4:L_UNKNOWN_REF']);
    assert.equal(c.rejected[3].reason, '批次编号X不存在（或该行被拒绝）');
  });

  it('L_BEFORE_BATCH before L_NEGATIVE; the 下达日期 itself is allowed', () => {
    const c = check(base({ 资金安排: [money('2024-02-29', '-5'), money('2024-03-01', '-5'), money('2024-03-01', '5')], 拨付: [money('2024-02-29', '1')] }));
    assert.deepEqual(codes(c), ['资金安排:2:L_BEFORE_BATCH', '资金安排:3:L_NEGATIVE', '拨付:2:L_BEFORE_BATCH']);
  });

  it('L_OVER_BATCH: allocations of the batch above its 金额, in date order not row order', () => {
    const c = check(
      base({
        项目: [PROJECT, { ...PROJECT, 项目编号: 'P2' }],
        资金安排: [money('2024-05-01', '0.01', 'B1', 'P2'), money('2024-04-01', '600'), money('2024-04-02', '400', 'B1', 'P2'), money('2024-05-02', '0.01')],
      }),
    );
    assert.deepEqual(codes(c), ['资金安排:2:L_OVER_BATCH', '资金安排:5:L_OVER_BATCH']);
    assert.equal(c.rejected[0].reason, '批次B1安排累计1000.01超过下达金额1000.00');
  });

  it('L_OVER_ALLOCATION: 拨付 and 报账 each against allocations accepted so far (报账 not against 拨付)', () => {
    const c = check(
      base({
        资金安排: [money('2024-03-10', '500')],
        拨付: [money('2024-03-09', '1'), money('2024-03-10', '500'), money('2024-03-11', '0.01')],
        报账: [money('2024-03-10', '500'), money('2024-03-12', '0.01')],
      }),
    );
    assert.deepEqual(codes(c), ['拨付:2:L_OVER_ALLOCATION', '拨付:4:L_OVER_ALLOCATION', '报账:3:L_OVER_ALLOCATION']);
    assert.equal(c.rejected[0].reason, '拨付累计1.00超过批次B1对项目P1已安排的0.00');
  });

  it('L_BELOW_ZERO: a reversal below 0; a reversal back to exactly 0 is fine', () => {
    const c = check(
      base({
        资金安排: [money('2024-03-10', '500')],
        拨付: [money('2024-03-11', '300'), money('2024-03-12', '-300'), money('2024-03-13', '-0.01'), money('2024-03-10', '-1')],
        报账: [money('2024-03-14', '-1,000.00')],
      }),
    );
    assert.deepEqual(codes(c), ['拨付:4:L_BELOW_ZERO', '拨付:5:L_BELOW_ZERO', '报账:2:L_BELOW_ZERO']);
    assert.equal(c.rejected[0].reason, '冲销后拨付累计-0.01低于0');
  });

  it('same date: 资金安排 before 拨付 before 报账, then row order', () => {
    const c = check(
      base({
        报账: [money('2024-03-10', '100')],
        拨付: [money('2024-03-10', '100'), money('2024-03-10', '-100'), money('2024-03-10', '-0.01')],
        资金安排: [money('2024-03-10', '100')],
      }),
    );
    assert.deepEqual(codes(c), ['拨付:4:L_BELOW_ZERO']);
    assert.deepEqual(
      [...c.acceptedEntries()].map((e) => `${e.sheet}${e.row}`),
      ['资金安排2', '拨付2', '拨付3', '报账2'],
    );
  });

  it('counts per sheet and sums limited by date', () => {
    const c = check(base({ 资金安排: [money('2024-03-10', '500'), money('2024-04-10', '100')], 拨付: [money('2024-04-10', '9999')] }));
    assert.deepEqual(c.counts().资金安排, { accepted: 2, rejected: 0 });
    assert.deepEqual(c.counts().拨付, { accepted: 0, rejected: 1 });
    assert.equal(c.sums('2024-04-09')[0].allocatedFen, 50000);
    assert.equal(c.sums('2024-04-10')[0].allocatedFen, 60000);
    assert.deepEqual(c.sums('2024-03-09'), []);
  });

  it('keeps 乡镇/村 names and optional fields of a project', () => {
    const c = check({ 项目: [{ ...PROJECT, 乡镇: '云口镇', 村: '平家村', 实施单位: ' 县交通局 ' }] });
    assert.equal(c.projects[0].townshipName, '云口镇');
    assert.equal(c.projects[0].villageName, '平家村');
    assert.equal(c.projects[0].unit, '县交通局');
    assert.equal(c.projects[0].startedOn, null);
  });
});

describe('day numbers', () => {
  it('agree with the calendar, both ways, across leap years and centuries', () => {
    const base = Date.UTC(1970, 0, 1);
    for (const iso of ['1000-01-01', '1900-02-28', '1900-03-01', '2000-02-29', '2000-03-01', '2024-02-29', '2024-12-31', '2100-03-01', '9999-12-31']) {
      const ms = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
      assert.equal(dayNumber(iso) - dayNumber('1970-01-01'), (ms - base) / 86_400_000, iso);
      assert.equal(dayIso(dayNumber(iso)), iso);
    }
    assert.ok(dayNumber('1000-01-01') > 0);
  });
});
