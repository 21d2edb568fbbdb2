// The microcredit routes over HTTP on both engines: the permission matrix (401, 403 by role,
// township scope), and import → compute → review by another user → publish (public list masked)
// → bank file → paid, plus the boards and figures drilling to loans.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEngines } from '../shared/db/testing.ts';
import { startTestApp, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { assertPermissionMatrix, type RouteSpec } from '../auth/permission-matrix.testkit.ts';
import { MC_SAMPLES } from './samples.testkit.ts';
import { importBook } from './microcredit.service.ts';

const C = '430923',
  TA = '430923101',
  TB = '430923102';
const sample = (f: string) => readFileSync(join(MC_SAMPLES, f));

/** multipart body with the three bank files */
function bookUpload(files: Record<string, Buffer>) {
  const boundary = '----anjumc' + Math.random().toString(16).slice(2);
  const parts = Object.entries(files).map(([field, content]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${field}.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      content,
      Buffer.from('\r\n'),
    ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const engine of await testEngines()) {
  describe(`microcredit routes (${engine})`, () => {
    let h: TestApp;
    let county: Headers, county2: Headers, townA: Headers, leader: Headers;
    before(async () => {
      h = await startTestApp(engine);
      county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: C })).headers;
      county2 = (await loginAs(h.app, h.ctx, { role: 'finance', regionCode: C })).headers;
      townA = (await loginAs(h.app, h.ctx, { role: 'township', regionCode: TA })).headers;
      leader = (await loginAs(h.app, h.ctx, { role: 'leader', regionCode: C })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('imports the three files over HTTP (dry run first), lists the rejected rows, and imports nothing twice', async () => {
      const files = { loans: sample('loans.csv'), repayments: sample('repayments.csv'), rates: sample('rates.csv') };
      const dry = await h.app.inject({ method: 'POST', url: '/api/microcredit/imports?dryRun=1', ...withHeaders(bookUpload(files), county) });
      assert.equal(dry.statusCode, 200, dry.body);
      assert.equal(dry.json().dryRun, true);
      assert.equal(dry.json().rejected.length, 24);
      assert.equal((await h.call('GET', '/api/microcredit/imports', county)).json().imports.length, 0);
      const res = await h.app.inject({ method: 'POST', url: '/api/microcredit/imports', ...withHeaders(bookUpload(files), county) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().loans, 391);
      const again = await h.app.inject({ method: 'POST', url: '/api/microcredit/imports', ...withHeaders(bookUpload(files), county) });
      assert.equal(again.json().unchanged, true);
      const list = (await h.call('GET', '/api/microcredit/imports', county)).json();
      assert.equal(list.imports.length, 1);
      assert.equal((await h.call('GET', `/api/microcredit/imports/${list.imports[0].id}`, county)).json().rejected[0].row, 100);
      const partial = await h.app.inject({ method: 'POST', url: '/api/microcredit/imports', ...withHeaders(bookUpload({ loans: files.loans }), county) });
      assert.equal(partial.statusCode, 400);
      assert.match(partial.json().error.message, /三个文件/);
    });

    it('refuses whom it must (matrix over roles and township scope)', async () => {
      const specs: RouteSpec[] = [
        { method: 'GET', url: '/api/microcredit/loans', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/loans/NS201801090001', permission: 'microcredit.read', scopedTo: '430923201203' },
        {
          method: 'POST',
          url: '/api/microcredit/loans/NS201801090001/events',
          permission: 'microcredit.manage',
          payload: { kind: '逾期', onDate: '2020-02-01', note: '已电话催收' },
          scopedTo: '430923201203',
        },
        { method: 'GET', url: '/api/microcredit/due?from=2020-01-01&to=2020-06-30', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/overdue?asOf=2020-06-30', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/balances?asOf=2020-06-30&by=bank', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/figures?from=2020-01-01&to=2020-06-30&asOf=2020-06-30', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/monthly?from=2020-01&to=2020-12', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'GET', url: '/api/microcredit/imports', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'POST', url: '/api/microcredit/runs', permission: 'microcredit.manage', payload: { quarter: '2023Q3' }, holderStatus: 201 },
        { method: 'GET', url: '/api/microcredit/runs', permission: 'microcredit.read', holderStatus: 200 },
        { method: 'POST', url: '/api/microcredit/imports', permission: 'microcredit.manage' },
      ];
      await assertPermissionMatrix(h.app, h.ctx, specs, { countyCode: C, townshipCode: TA, outsideTownshipCode: TB });
      const runs = (await h.call('GET', '/api/microcredit/runs', county)).json().runs;
      const id = runs.find((r: { quarter: string }) => r.quarter === '2023Q3').id;
      await assertPermissionMatrix(
        h.app,
        h.ctx,
        [
          { method: 'GET', url: `/api/microcredit/runs/${id}/lines`, permission: 'microcredit.read', holderStatus: 200 },
          { method: 'POST', url: `/api/microcredit/runs/${id}/review`, permission: 'microcredit.approve' },
          { method: 'GET', url: `/api/microcredit/runs/${id}/notice`, permission: 'microcredit.read', holderStatus: 200 },
          { method: 'POST', url: `/api/microcredit/runs/${id}/publish`, permission: 'microcredit.manage' },
          { method: 'POST', url: `/api/microcredit/runs/${id}/bank-file`, permission: 'microcredit.manage' },
          { method: 'POST', url: `/api/microcredit/runs/${id}/pay`, permission: 'microcredit.manage' },
        ],
        { countyCode: C, townshipCode: TA, outsideTownshipCode: TB },
      );
    });

    it('computes a quarter, reviews it by another user, publishes a masked list, writes the bank file', async () => {
      const c = await h.call('POST', '/api/microcredit/runs', county, { quarter: '2020Q2' });
      assert.equal(c.statusCode, 201, c.body);
      const run = c.json();
      assert.equal(run.subsidyFen, 4363742);
      assert.equal(run.stateName, '计算');
      assert.equal((await h.call('POST', `/api/microcredit/runs/${run.id}/review`, county)).statusCode, 403);
      assert.equal((await h.call('GET', `/api/microcredit/runs/${run.id}/notice`, county)).statusCode, 409);
      const lines = (await h.call('GET', `/api/microcredit/runs/${run.id}/lines?overdue=1`, county)).json();
      assert.equal(lines.total, 4);
      assert.ok(lines.lines.every((l: { idNumber: string; note: string }) => l.idNumber.includes('*') && l.note.includes('逾期')));
      const townLines = (await h.call('GET', `/api/microcredit/runs/${run.id}/lines?pageSize=500`, townA)).json();
      assert.ok(townLines.total > 0 && townLines.lines.every((l: { villageCode: string }) => l.villageCode.startsWith(TA)));
      assert.equal((await h.call('POST', `/api/microcredit/runs/${run.id}/review`, county2)).json().stateName, '审核');
      assert.equal((await h.call('POST', `/api/microcredit/runs/${run.id}/bank-file`, county)).statusCode, 409);
      assert.equal((await h.call('POST', `/api/microcredit/runs/${run.id}/publish`, county)).json().stateName, '公示');
      const html = await h.call('GET', `/api/microcredit/runs/${run.id}/notice`, leader);
      assert.match(html.headers['content-type'] as string, /text\/html/);
      assert.match(html.body, /周淑华/);
      assert.ok(!html.body.includes('430923198001013883'), 'no ID in clear on the public list');
      assert.match(html.body, /430923\*{8}3883/);
      const xlsx = await h.call('GET', `/api/microcredit/runs/${run.id}/notice?format=xlsx`, county);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      const bank = await h.call('POST', `/api/microcredit/runs/${run.id}/bank-file`, county);
      assert.equal(bank.statusCode, 200);
      assert.equal(bank.headers['x-anju-total-fen'], '4363742');
      assert.match(bank.body, /NH201707170001/);
      assert.equal((await h.call('POST', `/api/microcredit/runs/${run.id}/pay`, county)).json().stateName, '发放');
    });

    it('boards and figures: due loans with their handling, overdue, balances, each drilling to loans', async () => {
      const due = (await h.call('GET', '/api/microcredit/due?from=2020-04-01&to=2020-06-30&asOf=2020-06-30', county)).json();
      assert.ok(due.loans.length > 0);
      assert.equal(
        Object.values(due.counts as Record<string, number>).reduce((a, b) => a + b, 0),
        due.loans.length,
      );
      assert.ok(due.loans.some((l: { loanNo: string; handling: string }) => l.loanNo === 'NH201905089001' && l.handling === '逾期'));
      const f = (await h.call('GET', '/api/microcredit/figures?from=2020-04-01&to=2020-06-30&asOf=2020-06-30', county)).json();
      assert.equal(f.outstanding.loans, f.outstanding.loanNos.length);
      const drill = (await h.call('GET', `/api/microcredit/loans?asOf=2020-06-30&status=outstanding&pageSize=500`, county)).json();
      const viaFigure = (await h.call('GET', '/api/microcredit/loans?drill=renewed&from=2020-04-01&to=2020-06-30&asOf=2020-06-30', county)).json();
      assert.equal(viaFigure.total, f.renewed.loans);
      assert.ok(viaFigure.loans.every((l: { kind: string }) => l.kind === '续贷'));
      assert.equal(drill.total, f.outstanding.loans);
      assert.equal(
        drill.loans.reduce((s: number, l: { balanceFen: number }) => s + l.balanceFen, 0),
        f.outstanding.balanceFen,
      );
      assert.ok(f.subsidyByQuarter.some((q: { quarter: string; subsidyFen: number }) => q.quarter === '2020Q2' && q.subsidyFen === 4363742));
      const byTown = (await h.call('GET', '/api/microcredit/balances?asOf=2020-06-30', county)).json();
      assert.equal(
        byTown.groups.reduce((s: number, g: { balanceFen: number }) => s + g.balanceFen, 0),
        f.outstanding.balanceFen,
      );
      const loan = (await h.call('GET', '/api/microcredit/loans/NH202006200001', county)).json();
      assert.equal(loan.renewedFrom, 'NH202002030001');
      assert.equal((await h.call('GET', '/api/microcredit/loans/NH202006200001', townA)).statusCode, 404);
    });
  });
}

function withHeaders(body: { payload: Buffer; headers: Record<string, string> }, h: Headers) {
  return { payload: body.payload, headers: { ...h, ...body.headers } };
}
void importBook;
