import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseYuanToFen, formatFen, formatYuan } from './money.ts';
import { parseDate, parseDateStrict, wholeYearsBetween, addYears } from './dates.ts';

describe('money in fen', () => {
  it('parses the forms used in files', () => {
    assert.equal(parseYuanToFen('600'), 60000);
    assert.equal(parseYuanToFen('600.00'), 60000);
    assert.equal(parseYuanToFen('1,200.50'), 120050);
    assert.equal(parseYuanToFen(' ￥300.5 '), 30050);
    assert.equal(parseYuanToFen(600.1), 60010);
    assert.equal(parseYuanToFen('0.1'), 10);
    assert.equal(parseYuanToFen('600.001'), null);
    assert.equal(parseYuanToFen('abc'), null);
    assert.equal(parseYuanToFen(''), null);
  });
  it('formats', () => {
    assert.equal(formatFen(60000), '600.00');
    assert.equal(formatFen(5), '0.05');
    assert.equal(formatFen(-12345), '-123.45');
    assert.equal(formatYuan(16485000, '万元'), '16.49万元');
  });
  it('sums of fen never drift', () => {
    let s = 0;
    for (let i = 0; i < 100000; i++) s += parseYuanToFen('0.10')!;
    assert.equal(s, 1000000);
  });
});

describe('dates', () => {
  it('accepts every file date form', () => {
    assert.equal(parseDate('2024-03-05'), '2024-03-05');
    assert.equal(parseDate('2024/3/5'), '2024-03-05');
    assert.equal(parseDate('20240305'), '2024-03-05');
    assert.equal(parseDate('2024年3月5日'), '2024-03-05');
    assert.equal(parseDate('2024-03-05 00:00:00'), '2024-03-05');
    assert.equal(parseDate(new Date(Date.UTC(2024, 2, 5))), '2024-03-05');
    assert.equal(parseDate(''), null);
    assert.deepEqual(parseDateStrict('2024-02-30'), { ok: false, reason: '“2024-02-30”不是有效日期' });
    assert.equal(parseDateStrict('明天').ok, false);
  });
  it('whole years', () => {
    assert.equal(wholeYearsBetween('1990-06-15', '2024-06-14'), 33);
    assert.equal(wholeYearsBetween('1990-06-15', '2024-06-15'), 34);
    assert.equal(addYears('2004-02-29', 1), '2005-02-28');
  });
});

describe('Luhn', () => {
  it('checks and completes card numbers', async () => {
    const { luhnOk, luhnCheckDigit } = await import('./luhn.ts');
    assert.equal(luhnOk('6228480402564890018'), true);
    assert.equal(luhnOk('6228480402564890019'), false);
    assert.equal(luhnCheckDigit('622848040256489001'), '8');
    assert.equal(luhnOk('79927398713'), true);
    assert.equal(luhnCheckDigit('7992739871'), '3');
    for (const body of ['621799000000000001', '62170000000000000000', '4']) assert.ok(luhnOk(body + luhnCheckDigit(body)));
  });
});
