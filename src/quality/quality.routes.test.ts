// Quality over HTTP on both database engines: permissions and township scope, a full run, problem
// work (确认无误 needs a reason), an incremental run after a fix (已更正, corrections counted),
// custom rules (check, preview, versions, switch off) and the trend.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { startTestApp, type TestApp, type Headers } from '../../test/kit/http.ts';
import type { AppContext } from '../shared/context.ts';
import { loginAs } from '../auth/index.ts';
import { COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_B1, insertHousehold } from '../registry/registry.fixtures.ts';

for (const engine of await testEngines()) {
  describe(`quality routes (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    let county: Headers, townA: Headers, townB: Headers;
    let h: TestApp;
    const call: TestApp['call'] = (...args) => h.call(...args);

    before(async () => {
      h = await startTestApp(engine);
      ({ t, ctx, app } = h);
      // A: a household without a head (HOUSEHOLD_NO_HEAD for both); B: a clean household
      await insertHousehold(t.db, '4305821302410001', VILLAGE_A1, [
        { name: '李明根', relation: '配偶', birthDate: '1955-07-29', sex: '男' },
        { name: '朱菊', relation: '子', birthDate: '1980-08-04', sex: '男' },
      ]);
      await insertHousehold(t.db, '4305821012010003', VILLAGE_B1, [{ name: '李明', relation: '户主', birthDate: '1970-01-01' }]);
      county = (await loginAs(app, ctx, { role: 'county', regionCode: COUNTY, username: 'qcounty' })).headers;
      townA = (await loginAs(app, ctx, { role: 'township', regionCode: TOWN_A, username: 'qtowna' })).headers;
      townB = (await loginAs(app, ctx, { role: 'township', regionCode: TOWN_B, username: 'qtownb' })).headers;
    });
    after(async () => {
      await h.close();
    });

    it('refuses the unauthenticated and the wrong role', async () => {
      assert.equal((await call('GET', '/api/quality/problems', null)).statusCode, 401);
      assert.equal((await call('POST', '/api/quality/runs', townA, {})).statusCode, 403);
      assert.equal((await call('POST', '/api/quality/rules', townA, {})).statusCode, 403);
    });

    let problemId = 0;
    it('runs on the register and lists problems by township', async () => {
      const run = await call('POST', '/api/quality/runs', county, { asOf: '2024-12-31' });
      assert.equal(run.statusCode, 200, run.body);
      const s = run.json();
      assert.equal(s.kind, 'full');
      assert.equal(s.ruleCounts.HOUSEHOLD_NO_HEAD, 2);
      assert.equal(s.townshipCounts[TOWN_A] >= 2, true);
      const a = (await call('GET', '/api/quality/problems?ruleCode=HOUSEHOLD_NO_HEAD', townA)).json();
      assert.equal(a.total, 2);
      assert.match(a.items[0].idNumber, /^430582\*+\d{3}[\dX]$/);
      assert.equal(a.items[0].status, '未处理');
      problemId = a.items[0].id;
      const b = (await call('GET', '/api/quality/problems?ruleCode=HOUSEHOLD_NO_HEAD', townB)).json();
      assert.equal(b.total, 0);
      assert.equal((await call('GET', `/api/quality/problems?townshipCode=${TOWN_A}`, townB)).statusCode, 403);
    });

    it('works a problem: 确认无误 needs a reason; other townships cannot touch it', async () => {
      assert.equal((await call('PATCH', `/api/quality/problems/${problemId}`, townA, { status: '确认无误' })).statusCode, 400);
      assert.equal((await call('PATCH', `/api/quality/problems/${problemId}`, townB, { assignedTo: '王五' })).statusCode, 404);
      const ok = await call('PATCH', `/api/quality/problems/${problemId}`, townA, { assignedTo: '张三' });
      assert.equal(ok.statusCode, 200, ok.body);
      const l = (await call('GET', '/api/quality/problems?assignedTo=张三', townA)).json();
      assert.equal(l.total, 1);
      const x = await call('GET', '/api/quality/problems.xlsx?status=未处理', townA);
      assert.equal(x.statusCode, 200);
      assert.match(String(x.headers['content-type']), /spreadsheetml/);
      assert.equal(x.rawPayload.subarray(0, 2).toString(), 'PK');
    });

    it('an incremental run after the fix marks the problems 已更正 and counts them', async () => {
      await sql`UPDATE persons SET relation = '户主' WHERE county_code = ${COUNTY} AND name = '李明根'`.execute(t.db);
      const run = await call('POST', '/api/quality/runs', county, { asOf: '2024-12-31', householdNos: ['4305821302410001'] });
      assert.equal(run.statusCode, 200, run.body);
      assert.equal(run.json().kind, 'incremental');
      assert.equal(run.json().corrected >= 2, true);
      const fixed = (await call('GET', '/api/quality/problems?ruleCode=HOUSEHOLD_NO_HEAD&status=已更正', townA)).json();
      assert.equal(fixed.total, 2);
      // a full run afterwards agrees: nothing new, nothing more corrected
      const full = (await call('POST', '/api/quality/runs', county, { asOf: '2024-12-31' })).json();
      assert.equal(full.newProblems, 0);
      assert.equal(full.corrected, 0);
      const trend = (await call('GET', '/api/quality/trend', townA)).json();
      assert.equal(trend.runs.length, 3);
      assert.equal(trend.corrected >= 2, true);
    });

    it('custom rules: checked on save, previewed, versioned, switched off', async () => {
      const bad = (await call('POST', '/api/quality/rules/check', county, { expression: '年龄 >' })).json();
      assert.equal(bad.ok, false);
      assert.match(bad.error, /第5个字符处/);
      const rule = { code: 'CUSTOM_BORN_1955', name: '1955年出生', severity: '提示', expression: 'year(出生日期) = 1955' };
      const prev = await call('POST', '/api/quality/rules/preview', county, rule);
      assert.equal(prev.statusCode, 200, prev.body);
      assert.equal(prev.json().flagged, 1);
      const refused = await call('POST', '/api/quality/rules', county, { ...rule, expression: 'year(出生日期) = "1955"' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.message, /不能比较数值和文字/);
      assert.equal((await call('POST', '/api/quality/rules', county, rule)).json().version, 1);
      assert.equal((await call('POST', '/api/quality/rules', county, { ...rule, name: '1955年生人' })).json().version, 2);
      const run = (await call('POST', '/api/quality/runs', county, { asOf: '2024-12-31' })).json();
      assert.equal(run.ruleCounts.CUSTOM_BORN_1955, 1);
      assert.equal((await call('PATCH', '/api/quality/rules/CUSTOM_BORN_1955', county, { enabled: false })).statusCode, 200);
      assert.equal((await call('PATCH', '/api/quality/rules/PHONE_INVALID', county, { enabled: false })).statusCode, 200);
      const list = (await call('GET', '/api/quality/rules', townA)).json();
      assert.equal(list.rules.find((r: { code: string }) => r.code === 'CUSTOM_BORN_1955').enabled, false);
      assert.equal(list.rules.find((r: { code: string }) => r.code === 'PHONE_INVALID').enabled, false);
      const again = (await call('POST', '/api/quality/runs', county, { asOf: '2024-12-31' })).json();
      assert.equal(again.ruleCounts.CUSTOM_BORN_1955, undefined);
    });
  });
}
