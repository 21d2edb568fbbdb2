// Every monitoring route against every role (401, 403, township outside → 403/404), and the
// removal workflow over HTTP: the responses pass their declared schemas (a mismatch would be
// a 500), refusals carry their codes, and an alert file uploads as multipart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { todayIso } from '../shared/dates.ts';
import { testEngines } from '../shared/db/testing.ts';
import { startTestApp, multipart, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { assertPermissionMatrix, type RouteSpec } from '../auth/permission-matrix.testkit.ts';
import { REQUIRED_CONDITIONS } from './codes.ts';
import { synthId } from './synth.ts';

const C = '430582',
  T = '430582001',
  V = '430582001001';
const TODAY = todayIso();
const YEAR = Number(TODAY.slice(0, 4));
const identify = (k: number) => ({
  villageCode: V,
  category: 'unstable',
  identifiedOn: TODAY,
  identifiedHow: 'declared',
  responsibleName: '帮扶人',
  members: [{ name: '户主甲', idNumber: synthId(C, 700_000 + k), relation: '户主', phone: '13900001111', healthNote: '慢性病' }],
  risks: [{ riskType: 'illness' }],
});
const findings = { food: { ok: true }, clothing: { ok: true }, schooling: { ok: true }, medical: { ok: true }, housing: { ok: true }, water: { ok: true } };

for (const engine of await testEngines()) {
  describe(`monitoring routes (${engine})`, () => {
    let h: TestApp;
    let enter: Headers, review: Headers, county: Headers, leader: Headers;
    before(async () => {
      h = await startTestApp(engine);
    });
    after(async () => {
      await h.close();
    });

    it('every route refuses who it must', async () => {
      const specs: RouteSpec[] = [
        { method: 'GET', url: '/api/monitoring/households', permission: 'monitoring.read' },
        { method: 'POST', url: '/api/monitoring/households', permission: 'monitoring.enter', payload: identify(1), scopedTo: V },
        { method: 'GET', url: '/api/monitoring/households/999999', permission: 'monitoring.read', holderStatus: 404 },
        {
          method: 'POST',
          url: '/api/monitoring/households/999999/risks',
          permission: 'monitoring.enter',
          payload: { riskType: 'illness', identifiedOn: TODAY },
          holderStatus: 404,
        },
        {
          method: 'POST',
          url: '/api/monitoring/households/999999/measures',
          permission: 'monitoring.enter',
          payload: { measureType: 'health', description: '医疗救助', startOn: TODAY, amountFen: 100 },
          holderStatus: 404,
        },
        {
          method: 'PUT',
          url: '/api/monitoring/households/999999/income',
          permission: 'monitoring.enter',
          payload: { year: YEAR, incomeFen: 1 },
          holderStatus: 404,
        },
        {
          method: 'POST',
          url: '/api/monitoring/risks/999999/removal',
          permission: 'monitoring.enter',
          payload: { removalDate: TODAY, conditions: [], note: '' },
          holderStatus: 404,
        },
        { method: 'POST', url: '/api/monitoring/risks/999999/approve-township', permission: 'monitoring.approve', holderStatus: 404 },
        { method: 'POST', url: '/api/monitoring/risks/999999/approve-county', permission: 'monitoring.approve', holderStatus: 404 },
        { method: 'POST', url: '/api/monitoring/risks/999999/return', permission: 'monitoring.approve', payload: { reason: '退回' }, holderStatus: 404 },
        { method: 'GET', url: '/api/monitoring/removals?step=township', permission: 'monitoring.read', holderStatus: 200 },
        { method: 'GET', url: '/api/monitoring/lines', permission: 'monitoring.read', holderStatus: 200 },
        {
          method: 'PUT',
          url: `/api/monitoring/lines/${YEAR}`,
          permission: 'monitoring.approve',
          payload: { lineFen: 700_000 },
          alsoForbidden: ['township'],
          holderStatus: 200,
        },
        { method: 'GET', url: `/api/monitoring/figures?from=${YEAR}-01-01&to=${TODAY}`, permission: 'monitoring.read', holderStatus: 200 },
        { method: 'GET', url: '/api/monitoring/campaigns', permission: 'monitoring.read', holderStatus: 200 },
        {
          method: 'POST',
          url: '/api/monitoring/campaigns',
          permission: 'monitoring.enter',
          payload: { name: '排查', startOn: TODAY, endOn: TODAY, villages: [V] },
          scopedTo: V,
          holderStatus: 201,
        },
        { method: 'GET', url: '/api/monitoring/campaigns/999999', permission: 'monitoring.read', holderStatus: 404 },
        { method: 'POST', url: '/api/monitoring/campaigns/999999/close', permission: 'monitoring.approve', alsoForbidden: ['township'], holderStatus: 404 },
        { method: 'GET', url: `/api/monitoring/campaigns/999999/villages/${V}/targets`, permission: 'monitoring.read', holderStatus: 200 },
        { method: 'GET', url: '/api/monitoring/campaigns/999999/problems', permission: 'monitoring.read', holderStatus: 200 },
        { method: 'GET', url: '/api/monitoring/targets/999999/visits', permission: 'monitoring.read', holderStatus: 404 },
        {
          method: 'POST',
          url: '/api/monitoring/targets/999999/visits',
          permission: 'monitoring.enter',
          payload: { visitedOn: TODAY, visitor: '走访人', findings },
          holderStatus: 404,
        },
        {
          method: 'POST',
          url: '/api/monitoring/problems/999999/clear',
          permission: 'monitoring.enter',
          payload: { clearedOn: TODAY, note: '已整改' },
          holderStatus: 404,
        },
        { method: 'POST', url: '/api/monitoring/alerts/imports?source=medical', permission: 'monitoring.enter', payload: {} },
        { method: 'GET', url: '/api/monitoring/alerts/imports', permission: 'monitoring.read', holderStatus: 200 },
        { method: 'GET', url: '/api/monitoring/alerts/imports/999999/problems', permission: 'monitoring.read', holderStatus: 404 },
        { method: 'GET', url: '/api/monitoring/alerts', permission: 'monitoring.read', holderStatus: 200 },
        {
          method: 'POST',
          url: '/api/monitoring/alerts/999999/decision',
          permission: 'monitoring.enter',
          payload: { decision: 'exclude', reason: '不属实' },
          holderStatus: 404,
        },
      ];
      await assertPermissionMatrix(h.app, h.ctx, specs, { countyCode: C, townshipCode: T });
    });

    it('identify, risk, measure, removal with township then county approval — over HTTP', async () => {
      enter = (await loginAs(h.app, h.ctx, { role: 'township', regionCode: T, username: 'enter1' })).headers;
      review = (await loginAs(h.app, h.ctx, { role: 'township', regionCode: T, username: 'review1' })).headers;
      county = (await loginAs(h.app, h.ctx, { role: 'rural', regionCode: C, username: 'rural1' })).headers;
      leader = (await loginAs(h.app, h.ctx, { role: 'leader', regionCode: C, username: 'leader1' })).headers;
      const made = await h.call('POST', '/api/monitoring/households', enter, identify(50));
      assert.equal(made.statusCode, 201, made.body);
      const id = made.json().id as number;
      assert.equal((await h.call('PUT', `/api/monitoring/lines/${YEAR}`, county, { lineFen: 700_000 })).statusCode, 200);
      assert.equal((await h.call('PUT', `/api/monitoring/households/${id}/income`, enter, { year: YEAR, incomeFen: 810_000 })).statusCode, 200);
      const risk2 = await h.call('POST', `/api/monitoring/households/${id}/risks`, enter, { riskType: 'housing', identifiedOn: TODAY });
      assert.equal(risk2.statusCode, 201, risk2.body);
      const m = await h.call('POST', `/api/monitoring/households/${id}/measures`, enter, {
        measureType: 'health',
        description: '大病救助',
        startOn: TODAY,
        amountFen: 250_000,
      });
      assert.equal(m.statusCode, 201, m.body);
      let page = await h.call('GET', `/api/monitoring/households/${id}`, leader);
      assert.equal(page.statusCode, 200, page.body);
      assert.equal(page.json().members[0].phone, '139****1111');
      assert.equal((await h.call('GET', `/api/monitoring/households/${id}?unmask=1`, leader)).statusCode, 403);
      const illness = page.json().risks.find((r: { riskType: string }) => r.riskType === 'illness').id;
      const none = await h.call('POST', `/api/monitoring/risks/${illness}/removal`, enter, { removalDate: TODAY, conditions: [], note: '说明' });
      assert.equal(none.statusCode, 400);
      assert.equal(none.json().error.details.refusal, 'NO_CONDITIONS');
      assert.match(none.json().error.message, /未记录风险消除条件/);
      assert.equal(
        (
          await h.call('POST', `/api/monitoring/risks/${illness}/removal`, enter, {
            removalDate: TODAY,
            conditions: REQUIRED_CONDITIONS,
            note: '已报销，务工稳定',
          })
        ).statusCode,
        200,
      );
      const self = await h.call('POST', `/api/monitoring/risks/${illness}/approve-township`, enter);
      assert.deepEqual([self.statusCode, self.json().error.details.refusal], [403, 'SELF_APPROVAL']);
      const early = await h.call('POST', `/api/monitoring/risks/${illness}/approve-county`, county);
      assert.deepEqual([early.statusCode, early.json().error.details.refusal], [409, 'NOT_PENDING_COUNTY']);
      const queue = await h.call('GET', '/api/monitoring/removals?step=township', review);
      assert.equal(queue.json().items.length, 1);
      assert.equal((await h.call('POST', `/api/monitoring/risks/${illness}/approve-township`, review)).statusCode, 200);
      const done = await h.call('POST', `/api/monitoring/risks/${illness}/approve-county`, county);
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().householdStatus, 'monitoring', 'the housing risk is still open');
      page = await h.call('GET', `/api/monitoring/households/${id}?unmask=1`, county);
      assert.equal(page.statusCode, 200, page.body);
      assert.equal(page.json().members[0].healthNote, '慢性病');
      assert.deepEqual(
        page
          .json()
          .risks.map((r: { state: string }) => r.state)
          .sort(),
        ['active', 'removed'],
      );
      const list = await h.call('GET', '/api/monitoring/households?riskType=housing', leader);
      assert.deepEqual([list.statusCode, list.json().total], [200, 1]);
      const figs = await h.call('GET', `/api/monitoring/figures?from=${YEAR}-01-01&to=${TODAY}`, leader);
      assert.equal(figs.statusCode, 200, figs.body);
    });

    it('campaign and alert routes answer in their declared shapes', async () => {
      const c = await h.call('POST', '/api/monitoring/campaigns', county, {
        name: '全面排查',
        startOn: `${YEAR}-01-01`,
        endOn: `${YEAR}-12-31`,
        villages: [V],
      });
      assert.equal(c.statusCode, 201, c.body);
      const board = await h.call('GET', `/api/monitoring/campaigns/${c.json().id}`, enter);
      assert.equal(board.statusCode, 200, board.body);
      const targets = await h.call('GET', `/api/monitoring/campaigns/${c.json().id}/villages/${V}/targets`, enter);
      const target = targets.json().targets[0].id;
      const v = await h.call('POST', `/api/monitoring/targets/${target}/visits`, enter, {
        visitedOn: TODAY,
        visitor: '走访人',
        findings: { ...findings, water: { ok: false, note: '季节性缺水' } },
      });
      assert.equal(v.statusCode, 201, v.body);
      const problems = await h.call('GET', `/api/monitoring/campaigns/${c.json().id}/problems`, enter);
      assert.equal(problems.json().problems[0].itemName, '饮水安全有保障');
      assert.equal(
        (await h.call('POST', `/api/monitoring/problems/${v.json().problemIds[0]}/clear`, enter, { clearedOn: TODAY, note: '已接通自来水' })).statusCode,
        200,
      );
      assert.equal((await h.call('GET', `/api/monitoring/targets/${target}/visits`, enter)).statusCode, 200);
      const file = Buffer.from(`身份证号,姓名,预警类型,金额\n${synthId(C, 700_050)},户主甲,高额医疗费用,5000\nbad,某,危房,\n`);
      const up = multipart('医保.csv', file, 'text/csv');
      const imp = await h.app.inject({
        method: 'POST',
        url: '/api/monitoring/alerts/imports?source=medical',
        payload: up.payload,
        headers: { ...county, ...up.headers },
      });
      assert.equal(imp.statusCode, 201, imp.body);
      assert.deepEqual([imp.json().accepted, imp.json().rejected, imp.json().matched.monitored], [1, 1, 1]);
      const inbox = await h.call('GET', '/api/monitoring/alerts?status=open', enter);
      assert.equal(inbox.statusCode, 200, inbox.body);
      const dec = await h.call('POST', `/api/monitoring/alerts/${inbox.json().items[0].id}/decision`, enter, { decision: 'include', reason: '核实属实' });
      assert.equal(dec.statusCode, 200, dec.body);
      assert.equal((await h.call('GET', `/api/monitoring/alerts/imports/${imp.json().importId}/problems`, county)).json().problems[0].column, '身份证号');
      assert.equal((await h.call('GET', '/api/monitoring/alerts/imports', county)).statusCode, 200);
      assert.equal((await h.call('GET', '/api/monitoring/campaigns', county)).statusCode, 200);
      assert.equal((await h.call('GET', '/api/monitoring/lines', county)).statusCode, 200);
    });
  });
}
