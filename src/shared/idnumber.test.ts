import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDigit, normalizeId, validateId, convert15to18, sexFromId, birthDateFromId, maskId } from './idnumber.ts';

describe('GB 11643 ID numbers', () => {
  it('computes the check digit of published examples', () => {
    // GB 11643-1999 appendix example and commonly cited examples
    assert.equal(checkDigit('11010519491231002'), 'X');
    assert.equal(checkDigit('44052418800101001'), '4');
    assert.ok(validateId('11010519491231002X').ok);
    assert.ok(validateId('440524188001010014').ok);
  });

  it('gives a reason for each failure', () => {
    const asOf = '2024-12-31';
    assert.equal(validateId('43058219570321852', asOf).reason, '长度为17位（应为18位）');
    assert.equal(validateId('43058219590615487X8', asOf).reason, '长度为19位（应为18位）');
    assert.equal(validateId('430582193013154291', asOf).reason, '出生日期19301315不是有效日期');
    assert.equal(validateId('430582209403102212', asOf).reason, '出生日期20940310不合理（晚于核查日期）');
    assert.equal(validateId('430582199509280509', asOf).reason, '校验位错误（应为4）');
    assert.equal(validateId('430602193606106O40', asOf).reason, '含有非法字符');
    assert.equal(validateId('990602193606106040', asOf).reason, '行政区划代码990602不存在');
    assert.equal(validateId('', asOf).reason, '身份证号为空');
  });

  it('normalises width, case, spaces and 15-digit numbers', () => {
    assert.equal(normalizeId(' 11010519491231002x '), '11010519491231002X');
    assert.equal(normalizeId('１１０１０５１９４９１２３１００２Ｘ'), '11010519491231002X');
    assert.equal(convert15to18('110105491231002'), '11010519491231002X');
    assert.equal(normalizeId('110105491231002'), '11010519491231002X');
    assert.ok(validateId('110105491231002').ok);
    // an invalid 15-digit number stays as written
    assert.equal(normalizeId('110105491331002'), '110105491331002');
    assert.equal(validateId('110105491331002').ok, false);
  });

  it('reads sex and birth date', () => {
    assert.equal(sexFromId('11010519491231002X'), '女');
    assert.equal(sexFromId('430582195507296475'), '男');
    assert.equal(birthDateFromId('430582195507296475'), '1955-07-29');
    assert.equal(birthDateFromId('430582195513296475'), null);
  });

  it('masks', () => {
    assert.equal(maskId('430582195507296475'), '430582********6475');
  });

  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const validId = fc
    .record({
      region: fc.constantFrom('430582', '430602', '110105', '650102'),
      date: fc.date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
      seq: digits(3),
    })
    .map(({ region, date, seq }) => {
      const f17 = region + date.toISOString().slice(0, 10).replace(/-/g, '') + seq;
      return f17 + checkDigit(f17);
    });

  it('property: every generated valid ID validates and is a fixed point of normalisation', () => {
    fc.assert(fc.property(validId, (id) => validateId(id).ok && normalizeId(id) === id && normalizeId(normalizeId(id)) === normalizeId(id)));
  });

  it('property: normalisation ignores padding, width and case', () => {
    const full = (s: string) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    fc.assert(
      fc.property(validId, fc.constantFrom(' ', '\u3000', ''), fc.boolean(), (id, pad, wide) => {
        const written = pad + (wide ? full(id.toLowerCase()) : id.toLowerCase()) + pad;
        return normalizeId(written) === id;
      }),
    );
  });

  it('property: a 15-digit number and its 18-digit form normalise alike', () => {
    fc.assert(
      fc.property(
        validId.filter((id) => id.slice(6, 8) === '19'),
        (id18) => {
          const id15 = id18.slice(0, 6) + id18.slice(8, 17);
          return normalizeId(id15) === id18;
        },
      ),
    );
  });

  it('property: changing one digit of a valid ID makes it invalid', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 14, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        const d = String((Number(id[pos]) + delta) % 10);
        const bad = id.slice(0, pos) + d + id.slice(pos + 1);
        return !validateId(bad).ok;
      }),
    );
  });
});
