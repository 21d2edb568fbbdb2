import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { testEngines } from '../shared/db/testing.ts';
import { loginAs } from '../auth/index.ts';
import { startTestApp, multipart, waitJob, type TestApp } from '../../test/kit/http.ts';

const SAMPLE = 'test/fixtures/samples/quality_roster.csv';

/** ID_INVALID rows of the expected problem list inside one county (a person-level rule: other rows don't matter). */
function expectedInvalidIds(county: string): number {
  const lines = readFileSync('test/fixtures/samples/expected_problems.csv', 'utf8')
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .slice(1);
  return lines.filter((l) => l.startsWith('ID_INVALID,') && l.split(',')[6].startsWith(county)).length;
}

for (const engine of await testEngines()) {
  describe(`data quality on an import preview (${engine})`, () => {
    let h: TestApp;
    before(async () => {
      h = await startTestApp(engine);
    });
    after(async () => {
      await h.close();
    });

    it('shows the problems of the file before anything is written', async () => {
      const { headers } = await loginAs(h.app, h.ctx, { role: 'county', regionCode: '430582' });
      const m = multipart('quality_roster.csv', readFileSync(SAMPLE), 'text/csv');
      const up = await h.app.inject({ method: 'POST', url: '/api/registry/imports/preview', payload: m.payload, headers: { ...headers, ...m.headers } });
      assert.equal(up.statusCode, 202, up.body);
      const job = await waitJob(h, headers, up.json().jobId);
      assert.equal(job.status, 'done', job.message);

      const r = await h.call('GET', `/api/quality/import-check/${up.json().id}`, headers);
      assert.equal(r.statusCode, 200, r.body);
      const check = r.json();
      assert.ok(check.persons > 1000);
      const invalid = check.byRule.find((x: { code: string }) => x.code === 'ID_INVALID');
      assert.equal(invalid?.count, expectedInvalidIds('430582'));
      assert.ok(check.items.length > 0 && check.items.every((i: { idNumber: string }) => i.idNumber.includes('*')), 'IDs are masked');
      assert.ok(check.items.every((i: { rowNumber: number }, k: number, a: { rowNumber: number }[]) => k === 0 || a[k - 1].rowNumber <= i.rowNumber));
      // nothing was written by the preview or the check
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(h.t.db);
      assert.equal(n.rows[0].n, 0);
    });

    it('is refused to roles that cannot import, and for unknown imports', async () => {
      const { headers } = await loginAs(h.app, h.ctx, { role: 'township', regionCode: '430582130', username: 'tw' });
      assert.equal((await h.call('GET', '/api/quality/import-check/00000000-0000-4000-8000-000000000000', headers)).statusCode, 403);
      const county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: '430582', username: 'c2' })).headers;
      assert.equal((await h.call('GET', '/api/quality/import-check/00000000-0000-4000-8000-000000000000', county)).statusCode, 404);
    });
  });
}
