import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { numberCellText, readDateStrict, readYuanStrict } from './strict-values.ts';

const fen = (v: unknown) => {
  const r = readYuanStrict(v);
  return r.ok ? r.value : 'bad';
};
const date = (v: unknown) => {
  const r = readDateStrict(v);
  return r.ok ? r.value : 'bad';
};

describe('readYuanStrict', () => {
  it('reads yuan with at most 2 decimals, with or without separators in their places', () => {
    assert.equal(fen('600'), 60000);
    assert.equal(fen('600.00'), 60000);
    assert.equal(fen('600.5'), 60050);
    assert.equal(fen('1,200.50'), 120050);
    assert.equal(fen('12,345,678.09'), 1234567809);
    assert.equal(fen(' 199,200.00　'), 19920000);
    assert.equal(fen('-10,900.00'), -1090000);
    assert.equal(fen('0.01'), 1);
    assert.equal(fen('-0.01'), -1);
    assert.equal(fen('0'), 0);
    assert.equal(fen('-0.00'), 0);
    assert.ok(!Object.is(fen('-0.00'), -0));
  });
  it('refuses every other spelling', () => {
    for (const s of [
      '3万',
      '600元',
      '¥600',
      '12.345',
      '1.200,50',
      '1,2000',
      '12,00',
      ',600',
      '600.',
      '.5',
      '+600',
      '6 00',
      '６００',
      '1e3',
      '--5',
      '600-',
      'abc',
      '1，200',
    ]) {
      assert.equal(fen(s), 'bad', s);
    }
  });
  it('treats empty as null', () => {
    assert.equal(fen(''), null);
    assert.equal(fen('  '), null);
    assert.equal(fen(null), null);
    assert.equal(fen(undefined), null);
  });
  it('reads an xlsx number by how the spreadsheet shows it', () => {
    assert.equal(fen(515191.26), 51519126);
    assert.equal(fen(0.1 + 0.2), 30);
    assert.equal(fen(1.1 * 3), 330); // 3.3000000000000003
    assert.equal(fen(-967000.01), -96700001);
    assert.equal(fen(12.345), 'bad');
    assert.equal(fen(35000.125), 'bad');
    assert.equal(fen(0), 0);
    assert.equal(fen(1e16), 'bad');
    assert.equal(fen(Number.NaN), 'bad');
  });
  it('reads a formula cell by its result', () => {
    assert.equal(fen({ formula: 'A1+A2', result: 100.5 }), 10050);
  });
  it('numberCellText keeps 15 significant digits', () => {
    assert.equal(numberCellText(0.30000000000000004), '0.3');
    assert.equal(numberCellText(12.345), '12.345');
    assert.equal(numberCellText(522727101206), '522727101206');
    assert.equal(numberCellText(-5), '-5');
  });
});

describe('readDateStrict', () => {
  it('reads the listed forms', () => {
    assert.equal(date('2024-04-08'), '2024-04-08');
    assert.equal(date('2024-4-8'), '2024-04-08');
    assert.equal(date('2024/4/8'), '2024-04-08');
    assert.equal(date('2024/04/08'), '2024-04-08');
    assert.equal(date('20240408'), '2024-04-08');
    assert.equal(date('2024年4月8日'), '2024-04-08');
    assert.equal(date(' 2024-02-29 '), '2024-02-29');
  });
  it('reads Excel date cells and numbers', () => {
    assert.equal(date(new Date(Date.UTC(2024, 3, 8))), '2024-04-08');
    assert.equal(date(20240408), '2024-04-08');
    assert.equal(date(45390), '2024-04-08');
    assert.equal(date(new Date(Number.NaN)), 'bad');
  });
  it('refuses impossible dates and other forms', () => {
    for (const s of [
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-00',
      '2024.04.08',
      '2024-04',
      '24-4-8',
      '2024-04-08 10:00',
      '2024年4月8',
      '2024/4-8',
      '08/04/2024',
      '明年',
    ]) {
      assert.equal(date(s), 'bad', s);
    }
  });
  it('treats empty as null', () => {
    assert.equal(date(''), null);
    assert.equal(date(null), null);
  });
});
