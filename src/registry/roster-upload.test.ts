// A roster upload is kept as a file in the upload store (not as bytea in the database), read
// from disk in a worker thread for the preview and the apply, with the same results as reading
// it in memory; an apply refuses a kept file whose bytes are no longer the previewed ones.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { multipart, startTestApp, waitJob as pollJob, type Headers, type TestApp } from '../../test/kit/http.ts';
import { keptPath } from '../shared/files/upload-store.ts';
import { workerStarts } from '../shared/worker.ts';
import { loginAs } from '../auth/index.ts';
import { previewRoster, previewRows, readRosterFile, readRosterFileInWorker } from './roster-import.ts';
import { rosterCsv } from './roster-export.ts';
import { ROSTER_HEADERS } from './roster-file.ts';
import { generateDemoRoster } from './demo.ts';

const sample = (f: string) => readFileSync(join('test', 'fixtures', 'samples', f));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const READER = 'roster-import.ts#readRosterFileParts';

describe('a roster read in a worker thread', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anju-roster-worker-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same file as reading it in memory (more records than one part), and names it by the sha256 it read', async () => {
    // 5 000 persons: the records come back in several parts; the sample files have problems of every kind
    const big = rosterCsv(ROSTER_HEADERS, generateDemoRoster({ persons: 5000, seed: 7 }));
    for (const [name, content] of [
      ['big.csv', big],
      ['roster.csv', sample('roster.csv')],
      ['roster.xlsx', sample('roster.xlsx')],
      ['roster_gbk.csv', sample('roster_gbk.csv')],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const opts = { asOf: '2024-07-01', counties: ['430582'] };
      const inMemory = await readRosterFile(content, opts);
      const starts = workerStarts.get(READER) ?? 0;
      const inWorker = await readRosterFileInWorker(path, opts);
      assert.equal(workerStarts.get(READER), starts + 1, name);
      assert.deepEqual(inWorker, inMemory, name);
      assert.equal(inWorker.sha256, sha(content), name);
    }
  });
});

for (const engine of await testEngines()) {
  describe(`roster uploads kept on disk (${engine})`, () => {
    let h: TestApp, t: TestDatabase, app: FastifyInstance, county: Headers;
    const upload = (content: Buffer) => {
      const m = multipart('roster.csv', content);
      return app.inject({ method: 'POST', url: '/api/registry/imports/preview', payload: m.payload, headers: { ...county, ...m.headers } });
    };
    const waitJob = (jobId: string) => pollJob(h, county, jobId);
    const stored = async (id: string) =>
      (
        await sql<{ n: number; stored_file: string; sha256: string; size: number }>`SELECT length(content) AS n, stored_file, sha256, size
          FROM roster_imports WHERE id = ${id}`.execute(t.db)
      ).rows[0];
    const persons = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(t.db)).rows[0].n);

    before(async () => {
      h = await startTestApp(engine);
      ({ t, app } = h);
      county = (await loginAs(app, h.ctx, { role: 'county', regionCode: '430582' })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('keeps the uploaded bytes as a file, not in the database, and previews them in a worker thread: the same preview as from memory', async () => {
      const content = sample('roster.csv');
      const starts = workerStarts.get(READER) ?? 0;
      const r = await upload(content);
      assert.equal(r.statusCode, 202, r.body);
      const job = await waitJob(r.json().jobId);
      assert.equal(job.status, 'done', job.message);
      assert.equal(workerStarts.get(READER), starts + 1, 'the preview read the file in a worker thread');
      const row = await stored(r.json().id);
      assert.equal(Number(row.n), 0, 'no bytes in the database');
      assert.match(row.stored_file, /^roster-imports\/[0-9a-f-]{36}$/);
      assert.deepEqual(readFileSync(keptPath(row.stored_file)), content);
      assert.equal(row.sha256, sha(content));
      assert.equal(Number(row.size), content.length);
      // the saved preview is the one previewRoster gives for the bytes in memory
      const expected = await previewRoster(t.db, content, { counties: ['430582'] });
      const v = (await app.inject({ method: 'GET', url: `/api/registry/imports/${r.json().id}?limit=200`, headers: county })).json();
      assert.equal(v.counts.added, expected.summary.added);
      assert.equal(v.counts.rejected, expected.summary.rejectedRows);
      assert.equal(v.totals.added, expected.summary.added);
      assert.deepEqual(
        v.added.map((x: { rowNumber: number; idNumber: string }) => [x.rowNumber, x.idNumber]),
        previewRows(expected.plan)
          .slice(0, v.added.length)
          .map((x) => [x.rowNumber, x.idNumber]),
      );
      assert.equal(v.totals.problems, expected.file.problems.length);
    });

    it('refuses to apply a kept file that changed after the preview (sha256), and writes nothing', async () => {
      const r = await upload(sample('roster.csv'));
      const id = r.json().id;
      assert.equal((await waitJob(r.json().jobId)).status, 'done');
      const path = keptPath((await stored(id)).stored_file);
      // one more person than was previewed
      const lines = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, [...lines.slice(0, -1), lines[1].replace(/^(\S+?),/, '$1X,'), lines.at(-1)].join('\n'));
      const a = await app.inject({ method: 'POST', url: `/api/registry/imports/${id}/apply`, headers: county });
      assert.equal(a.statusCode, 202, a.body);
      const job = await waitJob(a.json().jobId);
      assert.equal(job.status, 'failed');
      assert.match(job.message, /原始文件与上传时不一致（校验值不符）/);
      assert.equal(await persons(), 0);
      const v = (await app.inject({ method: 'GET', url: `/api/registry/imports/${id}`, headers: county })).json();
      assert.equal(v.status, 'previewed');
      assert.match(v.error, /导入失败，数据库未作修改：.*校验值不符/);
    });

    it('refuses to apply when the kept file is gone, and applies the unchanged one', async () => {
      const gone = await upload(sample('roster.csv'));
      assert.equal((await waitJob(gone.json().jobId)).status, 'done');
      rmSync(keptPath((await stored(gone.json().id)).stored_file));
      const a = await app.inject({ method: 'POST', url: `/api/registry/imports/${gone.json().id}/apply`, headers: county });
      const failed = await waitJob(a.json().jobId);
      assert.equal(failed.status, 'failed');
      assert.match(failed.message, /原始文件已不在服务器上.*请重新上传/);
      assert.equal(await persons(), 0);

      const ok = await upload(sample('roster.csv'));
      assert.equal((await waitJob(ok.json().jobId)).status, 'done');
      const starts = workerStarts.get(READER) ?? 0;
      const b = await app.inject({ method: 'POST', url: `/api/registry/imports/${ok.json().id}/apply`, headers: county });
      const done = await waitJob(b.json().jobId);
      assert.equal(done.status, 'done', done.message);
      assert.equal(workerStarts.get(READER), starts + 1, 'the apply read the file in a worker thread');
      assert.ok((await persons()) > 0);
    });
  });
}
