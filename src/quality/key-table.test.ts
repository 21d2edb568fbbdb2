import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyTable } from './key-table.ts';

describe('KeyTable', () => {
  it('gives each distinct key one id in order of first appearance, across growth', () => {
    const t = new KeyTable(4);
    const keys: string[] = [];
    for (let i = 0; i < 50_000; i++) keys.push(`43058219${String(i % 20_000).padStart(10, '0')}`);
    keys.push('', '户编号一', '户编号一');
    const ids = keys.map((k) => t.id(k));
    assert.equal(t.size, 20_002);
    for (let i = 0; i < keys.length; i++) assert.equal(t.keys[ids[i]], keys[i]);
    assert.equal(ids[20_000], ids[0]);
    assert.deepEqual(ids.slice(0, 3), [0, 1, 2]);
    assert.equal(ids[ids.length - 1], ids[ids.length - 2]);
  });
});
