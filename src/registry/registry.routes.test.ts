// Every registry route: unauthenticated 401, wrong role 403, wrong township 403/404 — and the
// adjustment workflow end to end over HTTP (entry, evidence upload, approval, history).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestDatabase } from '../shared/db/testing.ts';
import type { AppContext } from '../shared/context.ts';
import { startTestApp, multipart as upload, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs, CSRF_HEADER } from '../auth/index.ts';
import { assertPermissionMatrix, type RouteSpec } from '../auth/permission-matrix.testkit.ts';
import { COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_B1, insertHousehold, makeId } from './registry.fixtures.ts';

for (const engine of await testEngines()) {
  describe(`registry routes (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let county: Headers, townA: Headers, townB: Headers, leader: Headers, otherCounty: Headers;
    let a1: number[], b1: number[];
    let adjA: number, fileA: number;
    const HEAD_ID = makeId('1955-07-29', 647);

    let h: TestApp;
    const call: TestApp['call'] = (...args) => h.call(...args);

    before(async () => {
      h = await startTestApp(engine);
      ({ t, ctx, app } = h);
      a1 = await insertHousehold(t.db, '4305821302410001', VILLAGE_A1, [
        { name: '李明根', relation: '户主', idNumber: HEAD_ID, birthDate: '1955-07-29', accountNo: '6217006880645182208' },
        { name: '朱菊', relation: '配偶', sex: '女', birthDate: '1957-08-04' },
      ]);
      b1 = await insertHousehold(t.db, '4305821012010003', VILLAGE_B1, [{ name: '李明', relation: '户主', birthDate: '1970-01-01' }]);
      county = (await loginAs(app, ctx, { role: 'county', regionCode: COUNTY, username: 'county1' })).headers;
      townA = (await loginAs(app, ctx, { role: 'township', regionCode: TOWN_A, username: 'towna' })).headers;
      townB = (await loginAs(app, ctx, { role: 'township', regionCode: TOWN_B, username: 'townb' })).headers;
      leader = (await loginAs(app, ctx, { role: 'leader', regionCode: COUNTY, username: 'leader1' })).headers;
      otherCounty = (await loginAs(app, ctx, { role: 'county', regionCode: '430581', username: 'county2' })).headers;
      const res = await call('POST', '/api/registry/adjustments', townA, {
        kind: 'remove',
        personIds: [a1[1]],
        reason: '死亡',
        effectiveDate: '2025-03-01',
        evidenceNote: '死亡证明',
      });
      assert.equal(res.statusCode, 201, res.body);
      adjA = res.json().adjustment.id;
      const up = await app.inject({
        method: 'POST',
        url: `/api/registry/adjustments/${adjA}/files`,
        ...((m) => ({ payload: m.payload, headers: { ...townA, ...m.headers } }))(upload('证明.pdf', Buffer.from('%PDF evidence'), 'application/pdf')),
      });
      assert.equal(up.statusCode, 201, up.body);
      fileA = up.json().id;
    });
    after(async () => {
      await h.close();
    });

    // [method, url, body, allowed caller, wrong-role caller (null: every role may), wrong-region caller, status for wrong region]
    const routes = (): [string, string, unknown, Headers, Headers | null, Headers, number][] => [
      ['GET', '/api/registry/persons?q=李明根', undefined, townA, null, townB, 200],
      ['GET', `/api/registry/persons/${a1[0]}`, undefined, townA, null, townB, 404],
      ['GET', '/api/registry/households/4305821302410001', undefined, townA, null, townB, 404],
      ['GET', '/api/registry/regions/tree', undefined, townA, null, townB, 200],
      ['GET', '/api/registry/figures', undefined, townA, null, townB, 200],
      ['GET', '/api/registry/adjustments', undefined, townA, null, townB, 200],
      [
        'POST',
        '/api/registry/adjustments/preview',
        { kind: 'update', personId: a1[0], changes: { phone: '13800000000' }, reason: '更新' },
        townA,
        leader,
        townB,
        404,
      ],
      ['POST', '/api/registry/adjustments', { kind: 'update', personId: a1[0], changes: { phone: '13800000001' }, reason: '更新' }, townA, leader, townB, 404],
      ['GET', `/api/registry/adjustments/${adjA}`, undefined, townA, null, townB, 404],
      [
        'PUT',
        `/api/registry/adjustments/${adjA}`,
        { kind: 'remove', personIds: [a1[1]], reason: '死亡', effectiveDate: '2025-03-02', evidenceNote: '死亡证明' },
        townA,
        leader,
        townB,
        404,
      ],
      ['POST', `/api/registry/adjustments/${adjA}/return`, { note: '请补充' }, county, townA, otherCounty, 404],
      ['POST', `/api/registry/adjustments/${adjA}/approve`, {}, county, townA, otherCounty, 404],
      ['POST', `/api/registry/adjustments/${adjA}/withdraw`, {}, townA, leader, townB, 404],
      ['GET', `/api/registry/adjustments/${adjA}/files/${fileA}`, undefined, townA, null, townB, 404],
    ];

    it('every route answers 401 without a session', async () => {
      for (const [m, url, body] of routes()) {
        const r = await call(m, url, null, body);
        assert.equal(r.statusCode, 401, `${m} ${url}: ${r.body}`);
      }
      const up = await app.inject({ method: 'POST', url: `/api/registry/adjustments/${adjA}/files`, ...upload('x.pdf', Buffer.from('x'), 'application/pdf') });
      assert.equal(up.statusCode, 401);
    });

    it('every changing route refuses a request without the CSRF token', async () => {
      for (const [m, url, body, ok] of routes()) {
        if (m === 'GET') continue;
        const { [CSRF_HEADER]: _csrf, ...noCsrf } = ok;
        assert.equal((await call(m, url, noCsrf, body)).statusCode, 403, `${m} ${url}`);
      }
    });

    it('every route refuses the wrong role with 403', async () => {
      for (const [m, url, body, , wrong] of routes()) {
        if (!wrong) continue;
        const r = await call(m, url, wrong, body);
        assert.equal(r.statusCode, 403, `${m} ${url}: ${r.body}`);
      }
      // reading is for every role, but only some may unmask
      assert.equal((await call('GET', `/api/registry/persons/${a1[0]}?unmask=1`, leader)).statusCode, 403);
      assert.equal((await call('GET', '/api/registry/households/4305821302410001?unmask=1', leader)).statusCode, 403);
      assert.equal((await call('GET', '/api/registry/persons?q=李明根&unmask=1', leader)).statusCode, 403);
      const up = await app.inject({
        method: 'POST',
        url: `/api/registry/adjustments/${adjA}/files`,
        ...((x) => ({ payload: x.payload, headers: { ...leader, ...x.headers } }))(upload('x.pdf', Buffer.from('x'), 'application/pdf')),
      });
      assert.equal(up.statusCode, 403);
    });

    it('every route keeps another township (or county) out: 403/404, or nothing of theirs in a list', async () => {
      for (const [m, url, body, , , wrong, status] of routes()) {
        const r = await call(m, url, wrong, body);
        assert.equal(r.statusCode, status, `${m} ${url}: ${r.body}`);
        if (status !== 200) continue;
        const text = r.body;
        assert.ok(
          !text.includes('李明根') && !text.includes('4305821302410001') && !text.includes(TOWN_A + '241'),
          `${url} leaks township A: ${text.slice(0, 300)}`,
        );
      }
      const figures = (await call('GET', '/api/registry/figures', townB)).json();
      assert.equal(figures.persons, 1);
      assert.equal(figures.pendingAdjustments, 0);
      const up = await app.inject({
        method: 'POST',
        url: `/api/registry/adjustments/${adjA}/files`,
        ...((x) => ({ payload: x.payload, headers: { ...townB, ...x.headers } }))(upload('x.pdf', Buffer.from('x'), 'application/pdf')),
      });
      assert.equal(up.statusCode, 404);
      // township B cannot remove township A's person, nor search them by ID
      const rm = await call('POST', '/api/registry/adjustments', townB, {
        kind: 'remove',
        personIds: [a1[0]],
        reason: '死亡',
        effectiveDate: '2025-01-01',
        evidenceNote: '死亡证明',
      });
      assert.equal(rm.statusCode, 404, 'as if the person did not exist');
      assert.equal((await call('GET', `/api/registry/persons?q=${HEAD_ID}`, townB)).json().total, 0);
    });

    it('permission matrix: every route × every role, and outside the region', async () => {
      const r = await call('POST', '/api/registry/adjustments', townA, { kind: 'update', personId: a1[0], changes: { phone: '13800000077' }, reason: '矩阵' });
      const id = r.json().adjustment.id;
      const upd = { kind: 'update', personId: a1[0], changes: { phone: '13800000078' }, reason: '矩阵' };
      const specs: RouteSpec[] = [
        { method: 'GET', url: '/api/registry/persons?q=李', permission: 'registry.read', holderStatus: 200 },
        { method: 'GET', url: `/api/registry/persons/${a1[0]}`, permission: 'registry.read', scopedTo: VILLAGE_A1, holderStatus: 200 },
        { method: 'GET', url: '/api/registry/households/4305821302410001', permission: 'registry.read', scopedTo: VILLAGE_A1, holderStatus: 200 },
        { method: 'GET', url: '/api/registry/regions/tree', permission: 'registry.read', holderStatus: 200 },
        { method: 'GET', url: '/api/registry/figures', permission: 'registry.read', holderStatus: 200 },
        { method: 'GET', url: '/api/registry/adjustments', permission: 'registry.read', holderStatus: 200 },
        { method: 'GET', url: `/api/registry/adjustments/${id}`, permission: 'registry.read', scopedTo: TOWN_A, holderStatus: 200 },
        { method: 'POST', url: '/api/registry/adjustments/preview', permission: 'adjustment.enter', payload: upd, scopedTo: TOWN_A, holderStatus: 200 },
        // the first holder enters it (201); later holders meet that open adjustment (409, one per kind and person)
        { method: 'POST', url: '/api/registry/adjustments', permission: 'adjustment.enter', payload: upd, scopedTo: TOWN_A },
        { method: 'PUT', url: `/api/registry/adjustments/${id}`, permission: 'adjustment.enter', payload: upd, scopedTo: TOWN_A },
        { method: 'POST', url: `/api/registry/adjustments/${id}/return`, permission: 'adjustment.approve', payload: { note: '矩阵退回' }, scopedTo: TOWN_A },
        { method: 'POST', url: `/api/registry/adjustments/${id}/approve`, permission: 'adjustment.approve', payload: {}, scopedTo: TOWN_A },
        { method: 'POST', url: `/api/registry/adjustments/${id}/withdraw`, permission: 'adjustment.enter', payload: {}, scopedTo: TOWN_A },
        { method: 'GET', url: `/api/registry/adjustments/${adjA}/files/${fileA}`, permission: 'registry.read', scopedTo: TOWN_A, holderStatus: 200 },
      ];
      await assertPermissionMatrix(app, ctx, specs, { countyCode: COUNTY, townshipCode: TOWN_A, outsideTownshipCode: TOWN_B });
    });

    it('works end to end: search masked, enter, evidence, approve, history', async () => {
      const s = (await call('GET', `/api/registry/persons?q=${HEAD_ID.slice(-4)}`, townA)).json();
      assert.equal(s.items[0].name, '李明根');
      assert.equal(s.masked, true);
      assert.notEqual(s.items[0].idNumber, HEAD_ID);
      const detail = (await call('GET', `/api/registry/adjustments/${adjA}`, county)).json();
      assert.equal(detail.files.length, 1);
      assert.deepEqual(detail.preview.errors, []);
      const dl = await call('GET', `/api/registry/adjustments/${adjA}/files/${fileA}`, county);
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.body, '%PDF evidence');
      assert.match(String(dl.headers['content-disposition']), /filename\*=UTF-8''%E8%AF%81%E6%98%8E\.pdf/);
      const ap = await call('POST', `/api/registry/adjustments/${adjA}/approve`, county, { note: '同意' });
      assert.equal(ap.statusCode, 200, ap.body);
      assert.equal(ap.json().adjustment.status, 'approved');
      assert.equal((await call('POST', `/api/registry/adjustments/${adjA}/approve`, county, {})).statusCode, 409);
      const page = (await call('GET', `/api/registry/persons/${a1[1]}`, townA)).json();
      assert.equal(page.person.status, '已核减');
      assert.ok(page.history.some((h: { why: string; who: string }) => h.why === '死亡' && h.who === 'county1'));
      const unmasked = (await call('GET', `/api/registry/persons/${a1[0]}?unmask=1`, county)).json();
      assert.equal(unmasked.person.idNumber, HEAD_ID);
      assert.equal(unmasked.masked, false);
      const hh = (await call('GET', '/api/registry/households/4305821302410001?unmask=1', townA)).json();
      assert.ok(hh.members.some((m: { idNumber: string }) => m.idNumber === HEAD_ID));
      assert.equal((await call('GET', '/api/registry/households/4305821302410001', townA)).json().masked, true);
    });

    it('rejects bad input with Chinese messages, and too large evidence', async () => {
      const bad = await call('POST', '/api/registry/adjustments', townA, {
        kind: 'remove',
        personIds: [a1[0]],
        reason: '搬家',
        effectiveDate: '2025-01-01',
        evidenceNote: '死亡证明',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /核减原因“搬家”不正确/);
      const noKind = await call('POST', '/api/registry/adjustments', townA, { personIds: [a1[0]] });
      assert.equal(noKind.statusCode, 400);
      const c = (
        await call('POST', '/api/registry/adjustments', townA, { kind: 'update', personId: a1[0], changes: { phone: '13800000009' }, reason: '更新' })
      ).json();
      const big = upload('big.pdf', Buffer.alloc(10 * 1024 * 1024 + 1, 1), 'application/pdf');
      const r = await app.inject({
        method: 'POST',
        url: `/api/registry/adjustments/${c.adjustment.id}/files`,
        payload: big.payload,
        headers: { ...townA, ...big.headers },
      });
      assert.equal(r.statusCode, 413, r.body);
      assert.equal((await call('GET', `/api/registry/adjustments/${c.adjustment.id}`, townA)).json().files.length, 0);
      assert.equal((await call('GET', '/api/registry/persons/abc', townA)).statusCode, 400);
      assert.equal((await call('GET', `/api/registry/persons/${b1[0]}`, townA)).statusCode, 404);
    });
  });
}
