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
