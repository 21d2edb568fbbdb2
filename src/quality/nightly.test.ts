import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { msUntilNextRun } from './nightly.ts';

describe('nightly data-quality run', () => {
  it('is due at the next 02:00 Beijing time', () => {
    // 2024-12-31 17:00 UTC = 2025-01-01 01:00 Beijing: one hour to go
    assert.equal(msUntilNextRun(new Date('2024-12-31T17:00:00Z')), 3600000);
    // 18:00 UTC = 02:00 Beijing exactly: the next one is tomorrow
    assert.equal(msUntilNextRun(new Date('2024-12-31T18:00:00Z')), 86400000);
    // 03:00 Beijing: 23 hours
    assert.equal(msUntilNextRun(new Date('2024-12-31T19:00:00Z')), 23 * 3600000);
  });
});
