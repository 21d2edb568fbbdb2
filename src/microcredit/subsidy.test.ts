// §9 by example: day counting at quarter and leap-year edges, 算头不算尾, repayment on the end
// date, a rate change on the 发放日期, an extension keeping its rate, rounding at half a fen,
// exact decimals, the rejections, and a property check against the day-by-day reference.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkBook, type TextRow } from './book.ts';
import { quarterSubsidy, loanQuarter, subsidyFen } from './subsidy.ts';
import { parseQuarter, readYuan, readPercent, formatDecimal, compareCodePoints, decimalOf, type Quarter } from './values.ts';
import { referenceQuarter } from './reference.ts';

const LOAN_H = ['贷款编号', '身份证号', '姓名', '村代码', '贷款银行', '发放日期', '到期日期', '展期到期日期', '贷款金额', '合同年利率', '贷款类型'];
const ID = '430582198001010015';
const rows = (cells: string[][]): TextRow[] => cells.map((c, i) => ({ rowNumber: i + 2, cells: c }));
const Q = (s: string) => parseQuarter(s) as Quarter;

interface L {
  no?: string;
  issued: string;
  due: string;
  ext?: string;
  amount: string;
  rate?: string;
  id?: string;
  kind?: string;
}
function book(
  loans: L[],
  repayments: [string, string, string][] = [],
  rates: [string, string][] = [
    ['2015-10-24', '4.35'],
    ['2020-04-20', '3.85'],
  ],
) {
  return checkBook({
    rates: { headers: ['生效日期', '年利率'], rows: rows(rates) },
    loans: {
      headers: LOAN_H,
      rows: rows(
        loans.map((l, i) => [
          l.no ?? `L${i + 1}`,
          l.id ?? ID,
          '张三',
          '430582101001',
          '农商银行',
          l.issued,
          l.due,
          l.ext ?? '',
          l.amount,
          l.rate ?? '4.35',
          l.kind ?? '新增',
        ]),
      ),
    },
    repayments: { headers: ['贷款编号', '还款日期', '还款本金'], rows: rows(repayments) },
  });
}
const one = (l: L, reps: [string, string, string][] = [], q = '2020Q2', rates?: [string, string][]) => {
  const b = book([l], reps, rates);
  assert.deepEqual(b.rejected, []);
  return loanQuarter(b.loans[0], Q(q));
};

describe('microcredit subsidy (§9)', () => {
  it('reads quarters, amounts and percentages as §8.3 says', () => {
    assert.deepEqual([Q('2020Q1').first, Q('2020Q1').last, Q('2020Q4').last, Q('2021Q1').last], ['2020-01-01', '2020-03-31', '2020-12-31', '2021-03-31']);
    assert.equal(parseQuarter('2020Q5'), null);
    assert.equal(parseQuarter('2020-2'), null);
    assert.equal(readYuan('1,200.50'), 120050);
    assert.equal(readYuan('30000'), 3000000);
    for (const bad of ['3万', '600元', '12.345', '1.200,50', '#VALUE!', '']) assert.equal(readYuan(bad), null, bad);
    assert.equal(formatDecimal(readPercent('4.350')!), '4.35');
    assert.equal(formatDecimal(readPercent('4.00')!), '4');
    assert.equal(formatDecimal(readPercent('0.0425')!), '0.0425');
    assert.equal(readPercent('待定'), null);
    assert.ok(compareCodePoints('A\u{20000}', 'A\uffff') > 0, 'an astral character sorts after U+FFFF');
  });

  it('counts days at quarter and leap-year boundaries, the first day and not the last', () => {
    // issued on the last day of Q1: one day in Q1 2020 (leap year: Q1 has 91 days)
    assert.equal(one({ issued: '2020-03-31', due: '2021-03-31', amount: '10000' }, [], '2020Q1')!.days, 1);
    assert.equal(one({ issued: '2019-12-01', due: '2021-12-01', amount: '10000' }, [], '2020Q1')!.days, 91);
    assert.equal(one({ issued: '2020-12-01', due: '2022-12-01', amount: '10000' }, [], '2021Q1')!.days, 90);
    // 2100 is not a leap year
    assert.equal(one({ issued: '2099-12-01', due: '2101-12-01', amount: '10000' }, [], '2100Q1')!.days, 90);
    // due on the first day of the quarter: nothing counts (算头不算尾)
    assert.equal(one({ issued: '2019-04-01', due: '2020-04-01', amount: '10000' }), null);
    const l = one({ issued: '2019-04-02', due: '2020-04-02', amount: '10000' })!;
    assert.equal(l.days, 1);
    assert.equal(l.productFen, 1000000);
    assert.ok(l.note.includes('逾期'));
  });

  it('a repayment on the end date is not overdue; the day after is', () => {
    const paid = one({ issued: '2019-05-10', due: '2020-05-10', amount: '10000' }, [['L1', '2020-05-10', '10000']])!;
    assert.equal(paid.days, 39); // 04-01 … 05-09
    assert.equal(paid.productFen, 39 * 1000000);
    assert.equal(paid.overdue, false);
    assert.ok(!paid.note.includes('逾期'));
    const late = one({ issued: '2019-05-10', due: '2020-05-10', amount: '10000' }, [['L1', '2020-05-11', '10000']])!;
    assert.equal(late.days, 39, 'days on or after the end date never count');
    assert.equal(late.overdue, true);
    assert.match(late.note, /逾期：到期日2020-05-10尚欠10000\.00元/);
    // a repayment dated on day d lowers the balance of day d itself
    const part = one({ issued: '2019-01-01', due: '2021-01-01', amount: '10000' }, [['L1', '2020-04-01', '4000']])!;
    assert.equal(part.productFen, 91 * 600000);
  });

  it('takes the table rate in force on the 发放日期 (a change on that day already applies)', () => {
    assert.equal(formatDecimal(one({ issued: '2020-04-20', due: '2021-04-20', amount: '10000' })!.rate), '3.85');
    assert.equal(formatDecimal(one({ issued: '2020-04-19', due: '2021-04-19', amount: '10000' })!.rate), '4.35');
    // the contract rate when lower
    assert.equal(formatDecimal(one({ issued: '2019-04-19', due: '2021-04-19', amount: '10000', rate: '4.00' })!.rate), '4');
  });

  it('an extended loan counts to its 展期到期日期 at the rate of its 发放日期', () => {
    const l = one({ issued: '2019-06-01', due: '2020-06-01', ext: '2021-06-01', amount: '10000' }, [], '2020Q3')!;
    assert.equal(l.days, 92);
    assert.equal(formatDecimal(l.rate), '4.35');
    assert.equal(l.overdue, false);
    assert.match(l.note, /展期至2021-06-01/);
  });

  it('rounds half up to the fen, once per loan and quarter, exactly', () => {
    assert.equal(subsidyFen(5000n, decimalOf('3.6')), 1); // 0.5 fen → 1
    assert.equal(subsidyFen(4999n, decimalOf('3.6')), 0);
    assert.equal(subsidyFen(15000n, decimalOf('3.6')), 2); // 1.5 → 2
    assert.equal(subsidyFen(45500000n, decimalOf('4.35')), 5498); // 455000.00 × 4.35 ÷ 100 ÷ 360 = 54.979…
    // one loan, one day, 50.00 yuan at 3.6%: half a fen
    assert.equal(one({ issued: '2020-06-30', due: '2021-06-30', amount: '50', rate: '3.6' }, [], '2020Q2', [['2015-01-01', '3.6']])!.subsidyFen, 1);
    // many decimals in a rate are kept exactly
    const l = one({ issued: '2020-06-30', due: '2021-06-30', amount: '72000', rate: '3.875' }, [], '2020Q2', [['2015-01-01', '4.35']])!;
    assert.equal(l.subsidyFen, 775); // 72000 × 3.875 ÷ 100 ÷ 360 = 7.75 yuan
    assert.equal(formatDecimal(l.rate), '3.875');
  });

  it('rejects once for all quarters, naming the column; later repayments are still tried', () => {
    const b = book(
      [
        { issued: '2020-01-10', due: '2021-01-10', amount: '10000' },
        { no: 'L1', issued: '2020-01-11', due: '2021-01-11', amount: '5000' },
        { issued: '2010-01-01', due: '2021-01-01', amount: '5000' },
        { issued: '2020-02-30', due: '2021-01-01', amount: '5000' },
        { issued: '2020-01-01', due: '2021-01-01', amount: '5万' },
        { issued: '2020-01-01', due: '2021-01-01', amount: '5000', id: '43058219800101001X' },
      ],
      [
        ['L1', '2020-03-01', '6000'],
        ['L1', '2020-02-01', '5000'],
        ['L1', '2020-02-01', '0'],
        ['L1', '2020-03-05', '5000'],
        ['L3', '2020-03-01', '1'],
        ['ZZ', '2020-03-01', '1'],
      ],
      [
        ['2015-10-24', '4.35'],
        ['2015-10-24', '4.00'],
        ['2016-01-01', '待定'],
      ],
    );
    assert.deepEqual(
      b.rejected.map((r) => `${r.file},${r.row},${r.reason}`),
      [
        '贷款台账,3,贷款编号L1重复（第2行）',
        '贷款台账,4,发放日期2010-01-01早于贴息利率表首个生效日期2015-10-24',
        '贷款台账,5,发放日期无法识别：2020-02-30',
        '贷款台账,6,贷款金额无法识别：5万',
        '贷款台账,7,身份证号无效：校验位错误（应为5）',
        '还款记录,2,还款本金6000.00超过贷款L1的余额5000.00',
        '还款记录,4,还款本金须大于0：0',
        '还款记录,6,贷款L3已被拒收（见贷款台账）',
        '还款记录,7,贷款编号ZZ不在贷款台账中',
        '贴息利率,3,生效日期2015-10-24重复（第2行）',
        '贴息利率,4,年利率无法识别：待定',
      ],
    );
    assert.equal(b.loans.length, 1);
    // 02-01 accepted (5000 left), 03-01 refused (6000 > 5000), 03-05 still tried and accepted
    assert.deepEqual(b.loans[0].repayRows, [3, 5]);
    const [line] = quarterSubsidy(b.loans, Q('2020Q1'));
    assert.equal(line.days, 55); // 01-10 … 03-04
    assert.equal(line.productFen, 22 * 1000000 + 33 * 500000);
    assert.match(line.note, /2020-03-05还清/);
    assert.deepEqual(quarterSubsidy(b.loans, Q('2020Q2')), []);
  });

  it('agrees with the day-by-day reference on random loans', () => {
    const day = fc.integer({ min: 0, max: 1400 }).map((n) => new Date(Date.UTC(2019, 0, 1) + n * 86400000).toISOString().slice(0, 10));
    const loanArb = fc.record({
      issued: day,
      len: fc.integer({ min: 1, max: 900 }),
      ext: fc.option(fc.integer({ min: 1, max: 400 })),
      amount: fc.integer({ min: 1, max: 6_000_000 }),
      rate: fc.constantFrom('4.35', '3.85', '4.9', '3.875', '4'),
      quarter: fc.constantFrom('2019Q3', '2020Q1', '2020Q2', '2021Q4', '2022Q1'),
      reps: fc.array(fc.record({ at: fc.integer({ min: -10, max: 1000 }), share: fc.integer({ min: 1, max: 60 }) }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(loanArb, (x) => {
        const plus = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86400000).toISOString().slice(0, 10);
        const due = plus(x.issued, x.len);
        const reps = x.reps.map(
          (r) => ['L1', plus(x.issued, r.at), (Math.max(1, Math.floor((x.amount * r.share) / 100)) / 100).toFixed(2)] as [string, string, string],
        );
        const b = book(
          [{ issued: x.issued, due, ext: x.ext === null ? undefined : plus(due, x.ext), amount: (x.amount / 100).toFixed(2), rate: x.rate }],
          reps,
          [
            ['2015-01-01', '4.35'],
            ['2020-04-20', '3.85'],
          ],
        );
        const q = Q(x.quarter);
        const fast = loanQuarter(b.loans[0], q),
          ref = referenceQuarter(b.loans[0], q);
        if (!ref) return fast === null;
        return (
          fast !== null &&
          fast.days === ref.days &&
          BigInt(fast.productFen) === ref.productFen &&
          BigInt(fast.subsidyFen) === ref.subsidyFen &&
          fast.overdue === ref.overdue
        );
      }),
      { numRuns: 400 },
    );
  });
});
