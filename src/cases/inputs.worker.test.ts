// Counting a cross-check upload in a worker thread, streamed from the file on disk: the same
// answer as in the main thread, and a Chinese error comes back as the same AppError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../shared/errors.ts';
import { countInput, countInputInWorker } from './inputs.ts';

const S = 'test/fixtures/samples/';

describe('cross-check uploads read in a worker thread', () => {
  it('counts the same rows and problems as the main thread', async () => {
    for (const [kind, f] of [
      ['deaths', 'deaths.csv'],
      ['hukou', 'hukou.csv'],
      ['payments', 'payments.csv'],
    ] as const) {
      assert.deepEqual(await countInputInWorker(kind, S + f), await countInput(kind, readFileSync(S + f)), f);
    }
  });

  it('returns the Chinese error of a file without the needed columns', async () => {
    const e = await countInputInWorker('hukou', S + 'deaths.csv').catch((x) => x);
    assert.ok(isAppError(e));
    assert.equal(e.code, 'FILE_COLUMNS');
    assert.match(e.message, /缺少必需的列：户籍状态/);
  });
});
