// Issue 8, items 2 and 3 over HTTP on both engines: separation of duties (不相容岗位分离) in each
// workflow — adjustment approval, roll review, roster imports that change accounts or 状态 —,
// the county's audited self-approval setting marking every such record, and region scope on
// writes (imports, reinstating, county-wide settings, the audit log of a township auditor).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import type { AppContext } from '../src/shared/context.ts';
import { loginAs, type LoggedIn } from '../src/auth/index.ts';
import { makeId } from '../src/subsidy/testing-fixtures.ts';

const C = '430582',
  TA = '430582130',
  TB = '430582131';
const VA = TA + '241',
  VB = TB + '005';
const HEAD =
  '户编号,姓名,身份证号,性别,出生日期,与户主关系,村代码,乡镇,村,组,人口类别,所属水库,搬迁日期,扶持开始日期,扶持截止日期,状态,核减日期,核减原因,银行账号,开户银行,持卡人姓名,联系电话';
interface P {
  no: string;
  name: string;
  id: string;
  village: string;
  town: string;
  account: string;
  phone: string;
  status?: string;
  removal?: string;
  reason?: string;
}
const P1: P = { no: 'HA1', name: '张一', id: makeId(C, '19600101', 1), village: VA, town: '竹田镇', account: '6217000000000000011', phone: '13800000001' };
const P2: P = { no: 'HA2', name: '张二', id: makeId(C, '19600101', 2), village: VA, town: '竹田镇', account: '6217000000000000012', phone: '13800000002' };
const P3: P = { no: 'HB1', name: '李三', id: makeId(C, '19600101', 3), village: VB, town: '大桥镇', account: '6217000000000000013', phone: '13800000003' };
const P4: P = {
  no: 'HB2',
  name: '李四',
  id: makeId(C, '19600101', 4),
  village: VB,
  town: '大桥镇',
  account: '6217000000000000014',
  phone: '13800000004',
  status: '已核减',
  removal: '2023-05-01',
  reason: '死亡',
};
const row = (p: P) =>
  [
    p.no,
    p.name,
    p.id,
    '男',
    '1960-01-01',
    '户主',
    p.village,
    p.town,
    '新村',
    '1组',
    '现状人口',
    '某水库',
    '',
    '2006-07-01',
    '',
    p.status ?? '正常',
    p.removal ?? '',
    p.reason ?? '',
    p.account,
    '农村信用社',
    p.name,
    p.phone,
  ].join(',');
const csv = (...ps: P[]) => Buffer.from('\ufeff' + [HEAD, ...ps.map(row)].join('\r\n'));

function multipart(filename: string, content: Buffer) {
  const boundary = '----anjuctl' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`);
  return {
    payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

for (const engine of await testEngines()) {
  describe(`separation of duties and region scope on writes (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let c1: LoggedIn, c2: LoggedIn, countyAtA: LoggedIn, auditorA: LoggedIn, auditorCounty: LoggedIn;
    const call = async (u: LoggedIn | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      app.inject({ method, url, headers: u?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as never }) });
    async function waitJob(u: LoggedIn, jobId: string) {
      for (let i = 0; i < 600; i++) {
        const j = (await call(u, 'GET', `/api/jobs/${jobId}`)).json();
        if (j.status === 'done' || j.status === 'failed') return j;
        await new Promise((r) => setTimeout(r, 30));
      }
      throw new Error('job did not finish');
    }
    async function upload(u: LoggedIn, content: Buffer): Promise<string> {
      const m = multipart('roster.csv', content);
      const r = await app.inject({ method: 'POST', url: '/api/registry/imports/preview', payload: m.payload, headers: { ...u.headers, ...m.headers } });
      assert.equal(r.statusCode, 202, r.body);
      assert.equal((await waitJob(u, r.json().jobId)).status, 'done');
      return r.json().id;
    }
    async function apply(u: LoggedIn, id: string) {
      const r = await call(u, 'POST', `/api/registry/imports/${id}/apply`, {});
      if (r.statusCode === 202) assert.equal((await waitJob(u, r.json().jobId)).status, 'done');
      return r;
    }
    const personOf = async (id: string) =>
      (
        await sql<any>`SELECT p.id, p.status, p.phone, a.account_no FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
      WHERE p.id_number = ${id}`.execute(t.db)
      ).rows[0];

    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      c1 = await loginAs(app, ctx, { role: 'county', regionCode: C, username: 'c1' });
      c2 = await loginAs(app, ctx, { role: 'county', regionCode: C, username: 'c2' });
      countyAtA = await loginAs(app, ctx, { role: 'county', regionCode: TA, username: 'c_at_a' });
      auditorA = await loginAs(app, ctx, { role: 'auditor', regionCode: TA, username: 'aud_a' });
      auditorCounty = await loginAs(app, ctx, { role: 'auditor', regionCode: C, username: 'aud_c' });
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    it('an import that only adds people may be applied by its uploader', async () => {
      const id = await upload(c1, csv(P1, P2, P3, P4));
      assert.equal((await apply(c1, id)).statusCode, 202);
      assert.equal((await personOf(P3.id)).account_no, P3.account);
    });

    it('an import changing accounts or 状态 of existing people needs another user to apply it', async () => {
      const id = await upload(c1, csv({ ...P1, account: '6217000000000000099' }));
      const self = await apply(c1, id);
      assert.equal(self.statusCode, 403);
      assert.match(self.json().error.message, /不相容岗位分离/);
      assert.equal((await personOf(P1.id)).account_no, P1.account, 'nothing written');
      assert.equal((await apply(c2, id)).statusCode, 202);
      assert.equal((await personOf(P1.id)).account_no, '6217000000000000099');
      const view = (await call(c2, 'GET', `/api/registry/imports/${id}`)).json();
      assert.equal(view.selfApplied, false);
      const audit = (await call(auditorCounty, 'GET', `/api/audit?action=roster.import&entityId=${id}`)).json();
      assert.equal(audit.items[0].userId, c2.user.id);
      assert.equal(audit.items[0].detail.uploadedBy, c1.user.id);
    });

    it('a county role placed at a township imports only inside it: other townships’ rows are rejected in Chinese', async () => {
      const id = await upload(
        countyAtA,
        csv(
          { ...P1, account: '6217000000000000099', phone: '13900000001' },
          { ...P3, account: '6217000000000000666' },
          { ...P4, status: '正常', removal: '', reason: '' },
        ),
      );
      const view = (await call(countyAtA, 'GET', `/api/registry/imports/${id}`)).json();
      const rejected = view.rejected.filter((p: { reason: string }) => /不在您的辖区（430582130）内/.test(p.reason));
      assert.equal(rejected.length, 2, JSON.stringify(view.rejected));
      assert.equal((await apply(countyAtA, id)).statusCode, 202);
      assert.equal((await personOf(P1.id)).phone, '13900000001');
      assert.equal((await personOf(P3.id)).account_no, P3.account, 'township B’s account unchanged');
      assert.equal((await personOf(P4.id)).status, '已核减', 'township B’s removed person not reinstated');
    });

    it('reinstating a person outside the region is refused', async () => {
      const r = await call(countyAtA, 'POST', '/api/registry/adjustments', {
        kind: 'add',
        householdNo: P4.no,
        reason: '误减恢复',
        persons: [{ name: P4.name, idNumber: P4.id, relation: '户主', supportStart: '2006-07-01' }],
      });
      assert.ok(r.statusCode === 403 || r.statusCode === 404, r.body);
      assert.equal((await personOf(P4.id)).status, '已核减');
    });

    it('county-wide settings and work need a county-level region', async () => {
      for (const [m, url, body] of [
        ['PUT', '/api/subsidy/settings', { effectiveFrom: '2025-01-01', values: { standardFen: 1 } }],
        ['PUT', '/api/controls', { allowSelfApproval: true, reason: '试' }],
        ['POST', '/api/subsidy/payrolls', { period: '2024' }],
        ['POST', '/api/quality/runs', {}],
        ['POST', '/api/crosscheck/runs', { inputIds: [] }],
      ] as const) {
        const r = await call(countyAtA, m, url, body);
        assert.equal(r.statusCode, 403, `${m} ${url}: ${r.body}`);
        assert.match(r.json().error.message, /县级用户/);
      }
      assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM settings`.execute(t.db)).rows[0].n, 0);
    });

    let removal = 0;
    it('whoever enters an adjustment may not approve it; another user may, and the audit log says who entered it', async () => {
      const p2 = await personOf(P2.id);
      const r = await call(c1, 'POST', '/api/registry/adjustments', {
        kind: 'remove',
        personIds: [Number(p2.id)],
        reason: '死亡',
        effectiveDate: '2024-03-01',
        evidenceNote: '死亡证明编号123',
      });
      assert.equal(r.statusCode, 201, r.body);
      removal = r.json().adjustment.id;
      const self = await call(c1, 'POST', `/api/registry/adjustments/${removal}/approve`, {});
      assert.equal(self.statusCode, 403);
      assert.match(self.json().error.message, /录入人不能审批自己录入的调整/);
      const ok = await call(c2, 'POST', `/api/registry/adjustments/${removal}/approve`, { note: '同意' });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().adjustment.selfApproved, false);
      const a = (await call(auditorCounty, 'GET', `/api/audit?action=adjustment.approve&entityId=${removal}`)).json().items[0];
      assert.equal(a.userId, c2.user.id);
      assert.equal(a.detail.enteredBy, c1.user.id);
      assert.equal(a.detail.selfApproved, false);
    });

    let rollId = 0;
    it('whoever builds a roll may not review it; another user may', async () => {
      const b = await call(c1, 'POST', '/api/subsidy/payrolls', { period: '2024' });
      assert.equal(b.statusCode, 201, b.body);
      rollId = b.json().id;
      const self = await call(c1, 'POST', `/api/subsidy/payrolls/${rollId}/review`, {});
      assert.equal(self.statusCode, 403);
      assert.match(self.json().error.message, /编制人不能审核自己编制的发放批次/);
      // rebuilding makes the rebuilder a builder too
      assert.equal((await call(c2, 'POST', `/api/subsidy/payrolls/${rollId}/rebuild`, {})).statusCode, 200);
      assert.equal((await call(c2, 'POST', `/api/subsidy/payrolls/${rollId}/review`, {})).statusCode, 403);
      const admin = await loginAs(app, ctx, { role: 'admin', regionCode: C, username: 'adm' });
      const ok = await call(admin, 'POST', `/api/subsidy/payrolls/${rollId}/review`, {});
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().selfReviewed, false);
      const a = (await call(auditorCounty, 'GET', `/api/audit?action=payroll.review&entityId=${rollId}`)).json().items[0];
      assert.deepEqual(a.detail.builtBy, [c1.user.id, c2.user.id]);
    });

    it('a single-officer county may allow self-approval: the setting is audited and every such record says so', async () => {
      assert.equal((await call(c1, 'GET', '/api/controls')).json().allowSelfApproval, false);
      assert.equal((await call(c1, 'PUT', '/api/controls', { allowSelfApproval: true })).statusCode, 400, 'a reason is required');
      const put = await call(c1, 'PUT', '/api/controls', { allowSelfApproval: true, reason: '本县只有一名业务人员' });
      assert.equal(put.statusCode, 200, put.body);
      const set = (await call(auditorCounty, 'GET', '/api/audit?action=county.controls_update')).json().items[0];
      assert.deepEqual([set.before, set.after, set.detail.reason], [{ allowSelfApproval: false }, { allowSelfApproval: true }, '本县只有一名业务人员']);

      const p1 = await personOf(P1.id);
      const adj = (
        await call(c1, 'POST', '/api/registry/adjustments', { kind: 'update', personId: Number(p1.id), changes: { phone: '13911111111' }, reason: '新号码' })
      ).json().adjustment;
      const ap = await call(c1, 'POST', `/api/registry/adjustments/${adj.id}/approve`, {});
      assert.equal(ap.statusCode, 200, ap.body);
      assert.equal(ap.json().adjustment.selfApproved, true);
      assert.equal((await call(c1, 'GET', `/api/registry/adjustments/${adj.id}`)).json().adjustment.selfApproved, true);
      assert.equal((await call(auditorCounty, 'GET', `/api/audit?action=adjustment.approve&entityId=${adj.id}`)).json().items[0].detail.selfApproved, true);

      const roll = (await call(c1, 'POST', '/api/subsidy/payrolls', { period: '2023' })).json();
      const rv = await call(c1, 'POST', `/api/subsidy/payrolls/${roll.id}/review`, {});
      assert.equal(rv.statusCode, 200, rv.body);
      assert.equal(rv.json().selfReviewed, true);
      assert.equal((await call(c1, 'GET', `/api/subsidy/payrolls/${roll.id}`)).json().selfReviewed, true);

      const id = await upload(c1, csv({ ...P1, account: '6217000000000000777' }));
      assert.equal((await apply(c1, id)).statusCode, 202);
      assert.equal((await call(c1, 'GET', `/api/registry/imports/${id}`)).json().selfApplied, true);
      assert.equal((await personOf(P1.id)).account_no, '6217000000000000777');
    });

    it('a township auditor reads only its township’s audit entries', async () => {
      const [p1, p3] = [await personOf(P1.id), await personOf(P3.id)];
      const q = async (u: LoggedIn, qs: string) => (await call(u, 'GET', `/api/audit?${qs}`)).json().total as number;
      // something about township B's person (self-approval is allowed by now)
      const adj = (
        await call(c1, 'POST', '/api/registry/adjustments', { kind: 'update', personId: Number(p3.id), changes: { phone: '13922222222' }, reason: '新号码' })
      ).json().adjustment;
      assert.equal((await call(c1, 'POST', `/api/registry/adjustments/${adj.id}/approve`, {})).statusCode, 200);
      assert.equal(await q(auditorA, `entityType=adjustment&entityId=${adj.id}`), 0);
      assert.ok((await q(auditorA, `entityType=person&entityId=${p1.id}`)) > 0);
      assert.ok((await q(auditorCounty, `entityType=person&entityId=${p3.id}`)) > 0);
      assert.equal(await q(auditorA, `entityType=person&entityId=${p3.id}`), 0);
      assert.equal(await q(auditorA, 'entityType=payroll'), 0, 'county-wide rolls are not a township’s');
      assert.equal(await q(auditorA, 'action=county.'), 0);
      assert.ok((await q(auditorCounty, 'entityType=payroll')) > 0);
      const all = (await call(auditorA, 'GET', '/api/audit?pageSize=500')).json();
      assert.ok(all.total > 0);
      for (const e of all.items) assert.ok(!(e.entityType === 'person' && e.entityId === String(p3.id)) && e.entityType !== 'payroll', JSON.stringify(e));
    });
  });
}
