// The subsidy and cases routes over HTTP: permission (401/403), township scoping, masking, and
// build roll → export bank file → import results → failures → notice, plus the dashboard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { startTestApp, multipart as upload, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { insertPersons, makeId } from './testing-fixtures.ts';

const C = '430582',
  TA = '430582101',
  TB = '430582102';
const id = (n: number) => makeId('430582', '19700101', n);

for (const engine of await testEngines()) {
  describe(`subsidy routes (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let county: Headers, townA: Headers, leader: Headers;
    let rollId = 0;
    let h: TestApp;
    const call: TestApp['call'] = (...args) => h.call(...args);

    before(async () => {
      h = await startTestApp(engine);
      ({ t, ctx, app } = h);
      await insertPersons(t.db, C, [
        { idNumber: id(1), name: '张一', householdNo: 'A1', villageCode: TA + '001', accountNo: '6230000000001' },
        { idNumber: id(2), name: '张二', householdNo: 'A2', villageCode: TA + '001', accountNo: '6230000000002' },
        { idNumber: id(3), name: '李三', householdNo: 'B1', villageCode: TB + '001', accountNo: '6230000000003' },
      ]);
      county = (await loginAs(app, ctx, { role: 'county', regionCode: C })).headers;
      townA = (await loginAs(app, ctx, { role: 'township', regionCode: TA })).headers;
      leader = (await loginAs(app, ctx, { role: 'leader', regionCode: C })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('needs a login and the right permission', async () => {
      assert.equal((await call('GET', '/api/subsidy/payrolls', null)).statusCode, 401);
      assert.equal((await call('POST', '/api/subsidy/payrolls', townA, { period: '2024' })).statusCode, 403);
      assert.equal((await call('PUT', '/api/subsidy/settings', leader, { effectiveFrom: '2024-01-01', values: { standardFen: 1 } })).statusCode, 403);
      assert.equal((await call('POST', '/api/subsidy/payrolls', county, { period: '2024X' })).statusCode, 400);
    });

    it('settings, build, lines (masked; township sees its own), review, export, import, failures, notice, dashboard', async () => {
      const s = await call('PUT', '/api/subsidy/settings', county, { effectiveFrom: '2024-01-01', values: { standardFen: 60000, accountFallback: 'head' } });
      assert.equal(s.statusCode, 200, s.body);
      const b = await call('POST', '/api/subsidy/payrolls', county, { period: '2024' });
      assert.equal(b.statusCode, 201, b.body);
      rollId = b.json().id;
      assert.equal(b.json().totalFen, 180000);
      const l = await call('GET', `/api/subsidy/payrolls/${rollId}/lines`, county);
      assert.equal(l.json().total, 3);
      assert.ok(l.json().lines.every((x: { idNumber: string; accountNo: string }) => x.idNumber.includes('*') && x.accountNo.includes('*')));
      assert.match(l.json().lines[0].reason, /覆盖全部12个月/);
      const lu = await call('GET', `/api/subsidy/payrolls/${rollId}/lines?unmask=1`, county);
      assert.equal(lu.json().lines[0].idNumber.length, 18);
      const la = await call('GET', `/api/subsidy/payrolls/${rollId}/lines`, townA);
      assert.equal(la.json().total, 2);
      assert.equal((await call('POST', `/api/subsidy/payrolls/${rollId}/bank-file`, county)).statusCode, 409);
      // separation of duties: the builder may not review; another county officer does
      assert.equal((await call('POST', `/api/subsidy/payrolls/${rollId}/review`, county)).statusCode, 403);
      const county2 = (await loginAs(app, ctx, { role: 'county', regionCode: C })).headers;
      assert.equal((await call('POST', `/api/subsidy/payrolls/${rollId}/review`, county2)).json().status, 'reviewed');
      const f = await call('POST', `/api/subsidy/payrolls/${rollId}/bank-file?template=generic`, county);
      assert.equal(f.statusCode, 200);
      assert.match(String(f.headers['content-disposition']), /attachment/);
      const text = f.body.replace(/^\ufeff/, '');
      const lines = text.trim().split(/\r\n/);
      assert.equal(lines.length, 4);
      const back = [
        lines[0],
        ...lines.slice(1).map((x) =>
          x
            .split(',')
            .map((c, i) => (i === 4 ? (c === '' && x.includes(id(3)) ? '失败' : '成功') : c))
            .join(','),
        ),
      ].join('\n');
      const imp = await call('POST', `/api/subsidy/payrolls/${rollId}/results`, county, undefined);
      assert.equal(imp.statusCode, 400);
      const mp = upload('回盘.csv', Buffer.from(back), 'text/csv');
      const r1 = await app.inject({
        method: 'POST',
        url: `/api/subsidy/payrolls/${rollId}/results`,
        headers: { ...county, ...mp.headers },
        payload: mp.payload,
      });
      assert.equal(r1.statusCode, 200, r1.body);
      assert.deepEqual([r1.json().succeeded, r1.json().failed], [2, 1]);
      const r2 = await app.inject({
        method: 'POST',
        url: `/api/subsidy/payrolls/${rollId}/results`,
        headers: { ...county, ...mp.headers },
        payload: mp.payload,
      });
      assert.equal(r2.json().alreadyImported, true);
      const fl = await call('GET', '/api/subsidy/failures?period=2024', county);
      assert.equal(fl.json().total, 1);
      assert.equal((await call('GET', '/api/subsidy/failures?period=2024', townA)).json().total, 0);
      const n = await call('GET', `/api/subsidy/payrolls/${rollId}/notice?format=html`, townA);
      assert.equal(n.statusCode, 200);
      assert.ok(n.body.includes('张一') && !n.body.includes('李三') && !n.body.includes(id(1)));
      const x = await call('GET', `/api/subsidy/payrolls/${rollId}/notice?format=xlsx`, county);
      assert.equal(x.rawPayload.subarray(0, 2).toString(), 'PK');
      const sup = await call('POST', '/api/subsidy/payrolls', county, { period: '2024', kind: 'supplementary' });
      assert.equal(sup.statusCode, 201, sup.body);
      assert.equal(sup.json().persons, 1);
      const d = await call('GET', '/api/subsidy/dashboard?year=2024', leader);
      assert.equal(d.statusCode, 200, d.body);
      assert.deepEqual([d.json().paid.persons, d.json().paid.paidFen], [2, 120000]);
    });

    it('cases routes answer and scope', async () => {
      // a run needs at least one input file
      assert.equal((await call('POST', '/api/crosscheck/runs', county, { inputIds: [] })).statusCode, 400);
      const mp = upload('死亡名单.csv', Buffer.from('\ufeff姓名,身份证号,死亡日期,来源\r\n张一,' + id(1) + ',2023-02-01,民政\r\n'), 'text/csv');
      const input = await app.inject({ method: 'POST', url: '/api/crosscheck/inputs?kind=deaths', headers: { ...county, ...mp.headers }, payload: mp.payload });
      assert.ok(input.statusCode === 201 || input.statusCode === 202, input.body);
      const run = await call('POST', '/api/crosscheck/runs', county, { inputIds: [input.json().id] });
      assert.equal(run.statusCode, 202, run.body);
      assert.equal((await call('POST', '/api/crosscheck/runs', townA, { inputIds: [input.json().id] })).statusCode, 403);
      for (let i = 0; i < 300; i++) {
        const r = await call('GET', `/api/crosscheck/runs/${run.json().id}`, county);
        if (r.json().status !== 'running') {
          assert.equal(r.json().status, 'done', r.body);
          break;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
      const cs = await call('GET', '/api/cases', county);
      assert.equal(cs.statusCode, 200);
      const csv = await call('GET', `/api/crosscheck/runs/${run.json().id}/findings.csv`, county);
      assert.ok(csv.body.startsWith('\ufeff问题代码,问题类型,身份证号'));
      assert.equal((await call('GET', '/api/recovery/totals', leader)).statusCode, 200);
    });
  });
}
