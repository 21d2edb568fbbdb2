import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskAccount, maskName, maskPhone } from './mask.ts';

describe('masks', () => {
  it('phones', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone(' 138-1234-5678 '), '138****5678');
    assert.equal(maskPhone('07395551234'), '0739*****34');
    assert.equal(maskPhone('5551234'), '*****34');
    assert.equal(maskPhone('12'), '**');
    assert.equal(maskPhone(''), '');
    assert.equal(maskPhone(null), '');
  });
  it('accounts keep the last 4', () => {
    assert.equal(maskAccount('6217 0000 0000 1234'), '************1234');
    assert.equal(maskAccount('123'), '***');
    assert.equal(maskAccount(undefined), '');
  });
  it('names for public notices', () => {
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('欧阳小明'), '欧**明');
    assert.equal(maskName('李'), '李');
  });
  it('never shows the masked digits', () => {
    for (const s of ['13812345678', '6217000012345678901']) {
      const m = s.length === 11 ? maskPhone(s) : maskAccount(s);
      assert.ok(!m.includes(s.slice(4, 7)), m);
    }
  });
});

describe('numbers inside free text', () => {
  const id = '430582195507296475',
    acct = '6217006880645182208';
  it('masks IDs and accounts wherever they stand, by the rule of the fields', async () => {
    const { maskInText, maskDeep } = await import('./mask.ts');
    const { maskId } = await import('./idnumber.ts');
    assert.equal(maskInText(`身份证号${id}与户籍不符`), `身份证号${maskId(id)}与户籍不符`);
    assert.equal(maskInText(`账号${acct}，`), '账号***************2208，');
    assert.equal(maskInText('43058219550729647x重复'), '430582********647X重复');
    assert.equal(maskInText('旧号430582550729647'), `旧号${maskId('430582550729647')}`);
    assert.equal(maskInText('金额600.00元，2024H1期间，电话13812345678'), '金额600.00元，2024H1期间，电话13812345678');
    assert.doesNotMatch(maskInText(`${id};${acct} ${id}`), /\d{15}/);
    assert.deepEqual(maskDeep({ a: [`x${id}`], n: 5, b: { c: acct } }), { a: [`x${maskId(id)}`], n: 5, b: { c: '***************2208' } });
  });
});
