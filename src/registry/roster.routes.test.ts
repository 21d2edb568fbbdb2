// Roster import and export over HTTP: upload → preview job → lists → apply job → result;
// problems.xlsx; export masking by role and township scope; who may call what.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { multipart, startTestApp, waitJob as pollJob, type Headers, type TestApp } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';

const sample = (f: string) => readFileSync(join('test', 'fixtures', 'samples', f));

for (const engine of await testEngines()) {
  describe(`roster routes (${engine})`, () => {
    let h: TestApp, t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let county: Headers, township: Headers, leader: Headers, otherCounty: Headers;

    const upload = (headers: Headers, filename: string, content: Buffer) => {
      const m = multipart(filename, content);
      return app.inject({ method: 'POST', url: '/api/registry/imports/preview', payload: m.payload, headers: { ...headers, ...m.headers } });
    };
    const waitJob = (headers: Headers, jobId: string) => pollJob(h, headers, jobId);
    const persons = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(t.db)).rows[0].n);

    before(async () => {
      h = await startTestApp(engine);
      ({ t, ctx, app } = h);
      county = (await loginAs(app, ctx, { role: 'county', regionCode: '430582' })).headers;
      township = (await loginAs(app, ctx, { role: 'township', regionCode: '430582130' })).headers;
      leader = (await loginAs(app, ctx, { role: 'leader', regionCode: '430582' })).headers;
      otherCounty = (await loginAs(app, ctx, { role: 'county', regionCode: '430602' })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('refuses import to roles without registry.import, and anyone not logged in', async () => {
      assert.equal((await upload({}, 'roster.csv', sample('roster.csv'))).statusCode, 401);
      for (const h of [township, leader]) assert.equal((await upload(h, 'roster.csv', sample('roster.csv'))).statusCode, 403);
      assert.equal(await persons(), 0);
    });

    let importId = '';
    it('uploads, previews as a job (nothing written), lists rows and problems', async () => {
      const r = await upload(county, 'roster.xlsx', sample('roster.xlsx'));
      assert.equal(r.statusCode, 202, r.body);
      importId = r.json().id;
      const job = await waitJob(county, r.json().jobId);
      assert.equal(job.status, 'done', job.message);
      assert.equal(await persons(), 0, 'preview writes nothing');
      const v = await app.inject({ method: 'GET', url: `/api/registry/imports/${importId}?limit=5`, headers: county });
      assert.equal(v.statusCode, 200, v.body);
      const body = v.json();
      assert.equal(body.status, 'previewed');
      // the county user imports their own county: the other county's rows are rejected, listed
      assert.equal(body.counts.read, 4010);
      assert.equal(body.counts.added, 2007);
      assert.equal(body.counts.rejected, 2003);
      assert.equal(body.added.length, 5);
      assert.equal(body.totals.added, 2007);
      assert.ok(body.rejected.every((p: { reason: string }) => /不属于本次导入的县/.test(p.reason)));
      // other counties cannot see it
      assert.equal((await app.inject({ method: 'GET', url: `/api/registry/imports/${importId}`, headers: otherCounty })).statusCode, 404);
    });

    it('downloads the problems list as xlsx (row, column, value, reason)', async () => {
      const r = await app.inject({ method: 'GET', url: `/api/registry/imports/${importId}/problems.xlsx`, headers: county });
      assert.equal(r.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as never);
      const ws = wb.worksheets[0];
      assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), ['行号', '列', '内容', '原因', '处理']);
      assert.ok(ws.rowCount > 2003);
    });

    it('applies once as a job; a second apply is refused', async () => {
      const r = await app.inject({ method: 'POST', url: `/api/registry/imports/${importId}/apply`, headers: county });
      assert.equal(r.statusCode, 202, r.body);
      const job = await waitJob(county, r.json().jobId);
      assert.equal(job.status, 'done', job.message);
      assert.equal((job.result as { added: number }).added, 2007);
      assert.equal(await persons(), 2007);
      const again = await app.inject({ method: 'POST', url: `/api/registry/imports/${importId}/apply`, headers: county });
      assert.equal(again.statusCode, 409);
      assert.match(again.json().error.message, /已经导入/);
      const v = (await app.inject({ method: 'GET', url: `/api/registry/imports/${importId}`, headers: county })).json();
      assert.equal(v.status, 'applied');
      const list = (await app.inject({ method: 'GET', url: '/api/registry/imports', headers: county })).json();
      assert.deepEqual(
        list.items.map((i: { id: string; status: string }) => [i.id, i.status]),
        [[importId, 'applied']],
      );
      assert.equal((await app.inject({ method: 'GET', url: '/api/registry/imports', headers: otherCounty })).json().items.length, 0);
    });

    it('a truncated file: the preview job fails with a Chinese message, nothing written', async () => {
      const x = sample('roster.xlsx');
      const r = await upload(county, 'cut.xlsx', x.subarray(0, 20000));
      assert.equal(r.statusCode, 202);
      const job = await waitJob(county, r.json().jobId);
      assert.equal(job.status, 'failed');
      assert.match(job.message, /XLSX|损坏|不完整/);
      const apply = await app.inject({ method: 'POST', url: `/api/registry/imports/${r.json().id}/apply`, headers: county });
      assert.equal(apply.statusCode, 409);
      assert.equal(await persons(), 2007);
    });

    it('export: unmasked for the county, masked on request; township only its own township; leader masked', async () => {
      const full = await app.inject({ method: 'GET', url: '/api/registry/export?format=csv', headers: county });
      assert.equal(full.statusCode, 200, full.body);
      assert.equal(full.headers['x-row-count'], '2007');
      assert.ok(full.body.includes('430582195507296475'));
      const masked = await app.inject({ method: 'GET', url: '/api/registry/export?format=csv&unmask=0', headers: county });
      assert.ok(!masked.body.includes('430582195507296475'));
      const town = await app.inject({ method: 'GET', url: '/api/registry/export?format=csv&status=正常', headers: township });
      assert.equal(town.statusCode, 200);
      const lines = town.body.split('\r\n').slice(1).filter(Boolean);
      assert.ok(lines.length > 0 && lines.every((l) => l.includes(',430582130')), "only the township's villages");
      assert.equal((await app.inject({ method: 'GET', url: '/api/registry/export?village=430582101201', headers: township })).statusCode, 403);
      const lead = await app.inject({ method: 'GET', url: '/api/registry/export?format=xlsx', headers: leader });
      assert.equal(lead.statusCode, 403, 'a leader has no registry.export');
      const audits = await sql<{ action: string }>`SELECT action FROM audit_log WHERE action LIKE 'roster.export%' ORDER BY seq`.execute(t.db);
      assert.deepEqual(
        audits.rows.map((a) => a.action),
        ['roster.export_unmasked', 'roster.export', 'roster.export_unmasked'],
      );
    });
  });
}
