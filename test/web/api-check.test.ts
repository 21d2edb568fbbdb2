// The web client checks each answer against the contract's schema outside a production build:
// an answer that left its contract is refused with a Chinese message naming the call and the
// field, instead of reaching a page as a wrong type.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api } from '../../web/src/shared/api.ts';
import { JobResponse } from '../../src/system/system.contract.ts';
import { Ok } from '../../src/auth/auth.contract.ts';

const realFetch = globalThis.fetch;
const realError = console.error;
// the client logs the mismatch for the developer; the test reads the thrown error instead
console.error = () => {};
const answer = (body: unknown) => {
  globalThis.fetch = async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
};
afterEach(() => {
  globalThis.fetch = realFetch;
});
process.on('exit', () => {
  console.error = realError;
});

const job = {
  id: 'a',
  kind: 'roster.import.preview',
  status: 'running',
  done: 3,
  total: 10,
  message: '',
  result: null,
  createdAt: '2024-01-01T00:00:00.000Z',
  finishedAt: null,
};

describe('web client: answers checked against the contract (outside production)', () => {
  it('an answer within its schema comes back typed', async () => {
    answer(job);
    const j = await api.get(JobResponse, '/jobs/a');
    assert.equal(j.status, 'running');
    assert.equal(j.total, 10);
  });

  it('an answer outside its schema is refused, in Chinese, naming the call and the field', async () => {
    answer({ ...job, status: 'paused', done: '3' });
    await assert.rejects(api.get(JobResponse, '/jobs/a'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 'CONTRACT');
      assert.match(e.message, /^服务器的回答与约定不符（GET \/jobs\/a）/);
      assert.match(e.message, /字段 (status、done|done、status) 不符$/);
      return true;
    });
  });

  it('a change answered outside its schema is refused too', async () => {
    answer({ ok: false });
    await assert.rejects(api.post(Ok, '/auth/logout'), (e: unknown) => e instanceof ApiError && e.code === 'CONTRACT' && /POST \/auth\/logout/.test(e.message));
  });
});
