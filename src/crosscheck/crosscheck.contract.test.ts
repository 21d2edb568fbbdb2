// The cross-check's codes as data: every code has its label, and the 核减 rule the web shows
// the button by is the one the server enforces.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FINDING_CODES, FINDING_LABELS, REMOVABLE_CODES, DEATH_CODES, canBecomeRemoval } from './crosscheck.contract.ts';

describe('cross-check contract', () => {
  it('labels every finding code', () => {
    assert.deepEqual(Object.keys(FINDING_LABELS).sort(), [...FINDING_CODES].sort());
  });

  it('only a confirmed death or duplicate registration may become a 核减', () => {
    assert.deepEqual([...REMOVABLE_CODES].sort(), ['DECEASED_PAID', 'DUPLICATE_REGISTRY', 'HUKOU_CANCELLED']);
    for (const code of FINDING_CODES) {
      assert.equal(canBecomeRemoval({ code, verdict: '违规' }), REMOVABLE_CODES.includes(code), code);
      assert.equal(canBecomeRemoval({ code, verdict: '误报' }), false);
      assert.equal(canBecomeRemoval({ code, verdict: null }), false);
    }
    assert.ok(DEATH_CODES.every((c) => REMOVABLE_CODES.includes(c)));
  });
});
