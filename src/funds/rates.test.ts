import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareCodePoints, computeRates, percent, sumMoney } from './rates.ts';
import type { FundBatch, LedgerProject, MoneyEntry, RatesInput } from './ledger.types.ts';

const batch = (batchNo: string, over: Partial<FundBatch> = {}): FundBatch => ({
  batchNo,
  year: 2024,
  level: '中央',
  category: '到县资金',
  docNo: null,
  issuedOn: '2024-03-01',
  amountFen: 100000,
  countsInRates: true,
  ...over,
});
const project = (projectNo: string, over: Partial<LedgerProject> = {}): LedgerProject => ({
  projectNo,
  name: projectNo,
  year: 2024,
  villageCode: '522727101206',
  category: '基础设施',
  plannedFen: 50000,
  unit: null,
  startedOn: null,
  completedOn: null,
  acceptedOn: null,
  ...over,
});
const entry = (sheet: MoneyEntry['sheet'], date: string, amountFen: number, batchNo = 'B1', projectNo = 'P1'): MoneyEntry => ({
  sheet,
  batchNo,
  projectNo,
  date,
  amountFen,
  voucherNo: null,
});

describe('percent', () => {
  it('rounds half up from the exact fraction at the .005 boundary', () => {
    assert.equal(percent(1, 8), '12.50');
    assert.equal(percent(1, 3), '33.33');
    assert.equal(percent(2, 3), '66.67');
    assert.equal(percent(1, 200000), '0.00'); // 0.0005 %
    assert.equal(percent(1, 20000), '0.01'); // exactly 0.005 % → up
    assert.equal(percent(16975, 100000), '16.98'); // exactly .975 → up
    assert.equal(percent(16974999, 100000000), '16.97'); // just below the half
    assert.equal(percent(1992600, 2400000), '83.03'); // 83.025 exactly
    assert.equal(percent(5, 5), '100.00');
    assert.equal(percent(0, 7), '0.00');
  });
  it('is empty when the denominator is 0, exact on sums past 2^53', () => {
    assert.equal(percent(0, 0), '');
    assert.equal(percent(5, 0), '');
    assert.equal(percent(2n ** 60n + 1n, 2n ** 61n), '50.00');
    assert.equal(percent(9_007_199_254_740_991, 18_014_398_509_481_982), '50.00');
  });
  it('rounds a negative fraction away from zero', () => {
    assert.equal(percent(-1, 8), '-12.50');
    assert.equal(percent(-1, 20000), '-0.01');
  });
});

describe('compareCodePoints', () => {
  it('orders by Unicode code point, not locale', () => {
    assert.deepEqual(['省级', '市级', '中央', '县级'].sort(compareCodePoints), ['中央', '县级', '市级', '省级']);
    assert.deepEqual(['b', 'B', 'a', '2', '10'].sort(compareCodePoints), ['10', '2', 'B', 'a', 'b']);
    assert.ok(compareCodePoints('\u{20000}', '\uffff') > 0); // astral after the BMP, unlike UTF-16 order
    assert.ok(compareCodePoints('PTZJ', 'PTZJ2') < 0);
  });
});

describe('computeRates — batch groupings', () => {
  const input = (): RatesInput => ({
    batches: [
      batch('B2', { level: '省级', issuedOn: '2024-05-01', amountFen: 200000 }),
      batch('B1'),
      batch('B3', { level: '省级', countsInRates: false, amountFen: 50000, issuedOn: '2024-04-01' }),
    ],
    projects: [project('P1')],
    sums: sumMoney(
      [
        entry('资金安排', '2024-03-02', 80000),
        entry('拨付', '2024-03-03', 30000),
        entry('报账', '2024-03-04', 10000),
        entry('资金安排', '2024-04-02', 50000, 'B3'),
        entry('拨付', '2024-04-03', 50000, 'B3'),
      ],
      null,
    ),
  });
  it('a row per group sorted by code point, 合计 last, 否 batches in amounts but not in rates', () => {
    const t = computeRates(input(), 'level', null);
    assert.deepEqual(t.headers, ['分组', '下达金额', '安排金额', '拨付金额', '报账金额', '结存金额', '拨付率', '报账率', '结存比例']);
    assert.deepEqual(t.rows, [
      ['中央', '1000.00', '800.00', '300.00', '100.00', '700.00', '30.00', '10.00', '70.00'],
      ['省级', '2500.00', '500.00', '500.00', '0.00', '2000.00', '0.00', '0.00', '100.00'],
      ['合计', '3500.00', '1300.00', '800.00', '100.00', '2700.00', '10.00', '3.33', '90.00'],
    ]);
  });
  it('a group of 否 batches only has empty rates', () => {
    const t = computeRates(input(), 'batch', null);
    assert.deepEqual(t.rows[2], ['B3', '500.00', '500.00', '500.00', '0.00', '0.00', '', '', '']);
  });
  it('with as-of: only batches issued on or before it; the boundary day counts', () => {
    const i = input();
    assert.deepEqual(
      computeRates({ ...i, sums: [] }, 'batch', '2024-03-31').rows.map((r) => r[0]),
      ['B1', '合计'],
    );
    assert.deepEqual(
      computeRates({ ...i, sums: [] }, 'batch', '2024-04-01').rows.map((r) => r[0]),
      ['B1', 'B3', '合计'],
    );
    assert.deepEqual(computeRates({ ...i, sums: [] }, 'batch', '2024-02-29').rows, [['合计', '0.00', '0.00', '0.00', '0.00', '0.00', '', '', '']]);
  });
  it('groups by batch year as text', () => {
    const t = computeRates({ ...input(), batches: [batch('B1', { year: 2023 }), batch('B2', { year: 2022 })] }, 'batch-year', null);
    assert.deepEqual(
      t.rows.map((r) => r[0]),
      ['2022', '2023', '合计'],
    );
  });
});

describe('computeRates — project groupings', () => {
  const projects = [
    project('P2', { villageCode: '522727103219', category: '产业发展', startedOn: '2024-04-01', completedOn: '2024-06-30', acceptedOn: '2024-07-01' }),
    project('P1', { startedOn: '2024-04-01' }),
    project('P3', { villageCode: '522727101230', year: 2025, plannedFen: 1 }),
  ];
  const batches = [batch('B1'), batch('B3', { countsInRates: false })];
  const entries = [
    entry('资金安排', '2024-03-02', 40000),
    entry('拨付', '2024-03-03', 10000),
    entry('报账', '2024-06-01', 5000),
    entry('资金安排', '2024-03-02', 20000, 'B1', 'P2'),
    entry('资金安排', '2024-03-02', 20000, 'B3', 'P2'),
    entry('拨付', '2024-03-09', 20000, 'B3', 'P2'),
  ];
  it('every project counted; rates over counting batches only; 完工率 of the group', () => {
    const t = computeRates({ batches, projects, sums: sumMoney(entries, null) }, 'township', null);
    assert.deepEqual(t.headers, ['分组', '项目数', '计划投资', '安排金额', '拨付金额', '报账金额', '拨付率', '报账率', '开工数', '完工数', '验收数', '完工率']);
    assert.deepEqual(t.rows, [
      ['522727101', '2', '500.01', '400.00', '100.00', '50.00', '25.00', '12.50', '1', '0', '0', '0.00'],
      ['522727103', '1', '500.00', '400.00', '200.00', '0.00', '0.00', '0.00', '1', '1', '1', '100.00'],
      ['合计', '3', '1000.01', '800.00', '300.00', '50.00', '16.67', '8.33', '2', '1', '1', '33.33'],
    ]);
  });
  it('with as-of: every group kept, 项目数 and 计划投资 whatever the date, dates counted ≤ D', () => {
    const t = computeRates({ batches, projects, sums: sumMoney(entries, '2024-03-01') }, 'project', '2024-06-30');
    assert.deepEqual(t.rows, [
      ['P1', '1', '500.00', '0.00', '0.00', '0.00', '', '', '1', '0', '0', '0.00'],
      ['P2', '1', '500.00', '0.00', '0.00', '0.00', '', '', '1', '1', '0', '100.00'],
      ['P3', '1', '0.01', '0.00', '0.00', '0.00', '', '', '0', '0', '0', '0.00'],
      ['合计', '3', '1000.01', '0.00', '0.00', '0.00', '', '', '2', '1', '0', '33.33'],
    ]);
  });
  it('groups by project category and year; an empty ledger has only 合计', () => {
    assert.deepEqual(
      computeRates({ batches, projects, sums: [] }, 'project-category', null).rows.map((r) => r[0]),
      ['产业发展', '基础设施', '合计'],
    );
    assert.deepEqual(
      computeRates({ batches, projects, sums: [] }, 'project-year', null).rows.map((r) => r[0]),
      ['2024', '2025', '合计'],
    );
    assert.deepEqual(computeRates({ batches: [], projects: [], sums: [] }, 'project', null).rows, [
      ['合计', '0', '0.00', '0.00', '0.00', '0.00', '', '', '0', '0', '0', ''],
    ]);
  });
});

describe('sumMoney', () => {
  it('sums per batch and project up to and including as-of', () => {
    const e = [entry('资金安排', '2024-03-02', 100), entry('拨付', '2024-03-03', 50), entry('拨付', '2024-03-04', -20), entry('报账', '2024-03-05', 7)];
    assert.deepEqual(sumMoney(e, '2024-03-04'), [{ batchNo: 'B1', projectNo: 'P1', allocatedFen: 100, disbursedFen: 30, reimbursedFen: 0 }]);
    assert.deepEqual(sumMoney(e, null)[0].reimbursedFen, 7);
    assert.deepEqual(sumMoney(e, '2024-03-01'), []);
  });
  it('writes a negative amount with a leading minus and no separators', () => {
    const t = computeRates(
      {
        batches: [batch('B1', { amountFen: 100 })],
        projects: [],
        sums: [{ batchNo: 'B1', projectNo: 'P', allocatedFen: 0, disbursedFen: 123456780, reimbursedFen: 0 }],
      },
      'batch',
      null,
    );
    assert.equal(t.rows[0][5], '-1234566.80');
  });
});
