// A change to the register is followed by a data-quality check of the households it touched.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEngines } from '../src/shared/db/testing.ts';
import { loginAs } from '../src/auth/index.ts';
import { COUNTY, VILLAGE_A1, VILLAGE_B1, insertHousehold } from '../src/registry/registry.fixtures.ts';
import { startTestApp, type TestApp } from './kit/http.ts';

for (const engine of await testEngines()) {
  describe(`register changes are checked at once (${engine})`, () => {
    let h: TestApp;
    before(async () => {
      h = await startTestApp(engine);
    });
    after(async () => {
      await h.close();
    });

    it('an approved adjustment runs the quality rules on its household only', async () => {
      // household A: the spouse has the head's sex (SPOUSE_SAME_SEX); household B has the same problem but is untouched
      const a = await insertHousehold(h.t.db, '4305821302410001', VILLAGE_A1, [
        { name: '李明根', relation: '户主', sex: '男', birthDate: '1955-07-29' },
        { name: '朱建', relation: '配偶', sex: '男', birthDate: '1957-08-04' },
        { name: '李小', relation: '子', sex: '男', birthDate: '1980-01-01' },
      ]);
      await insertHousehold(h.t.db, '4305821012010003', VILLAGE_B1, [
        { name: '王一', relation: '户主', sex: '男', birthDate: '1950-01-01' },
        { name: '王二', relation: '配偶', sex: '男', birthDate: '1952-01-01' },
      ]);
      const county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: COUNTY })).headers;
      const created = await h.call('POST', '/api/registry/adjustments', county, {
        kind: 'remove',
        personIds: [a[2]],
        reason: '迁出',
        effectiveDate: '2025-03-01',
        evidenceNote: '迁移证明',
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().adjustment.id;
      // separation of duties: another county officer approves
      const county2 = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: COUNTY })).headers;
      const ok = await h.call('POST', `/api/registry/adjustments/${id}/approve`, county2, {});
      assert.equal(ok.statusCode, 200, ok.body);
      await h.ctx.events!.idle();

      const runs = await sql<{ kind: string }>`SELECT kind FROM quality_runs WHERE county_code = ${COUNTY}`.execute(h.t.db);
      assert.deepEqual(
        runs.rows.map((r) => r.kind),
        ['incremental'],
      );
      const problems = await sql<{
        rule_code: string;
        household_no: string;
      }>`SELECT rule_code, household_no FROM quality_problems WHERE county_code = ${COUNTY}`.execute(h.t.db);
      const households = new Set(problems.rows.map((r) => r.household_no));
      assert.ok(
        problems.rows.some((r) => r.rule_code === 'SPOUSE_SAME_SEX' && r.household_no === '4305821302410001'),
        JSON.stringify(problems.rows),
      );
      assert.ok(!households.has('4305821012010003'), 'an untouched household is not checked by an incremental run');
    });
  });
}
