// FORMATS §6 month boundaries through a database run (the register in the database, the payment
// detail uploaded): a period with no whole month inside the support term is NOT_ELIGIBLE_PAID.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { termBoundaryCases } from '../crosscheck/testkit.ts';
import { uploadInput, executeRun, listFindings } from './runs.service.ts';

const C = '430582';
const actor = { userId: 1, username: '县业务股' };

for (const engine of await testEngines()) {
  describe(`§6 month boundaries in a database run (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('each boundary gives the code the engine gives', async () => {
      const cases = termBoundaryCases();
      for (const [i, x] of cases.entries()) {
        await sql`INSERT INTO households (county_code, household_no, village_code) VALUES (${C}, ${'H' + i}, '430582130241')`.execute(t.db);
        await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, support_start, support_end, status)
          VALUES (${C}, ${'H' + i}, ${x.idNumber}, ${x.idNumber}, true, '张三', '户主', '430582130241', '2004-07-12', ${x.supportEnd}::date, '正常')`.execute(
          t.db,
        );
      }
      const payments = [
        '批次号,发放期间,身份证号,姓名,银行账号,持卡人姓名,金额,发放结果,发放日期,备注',
        ...cases.map((x) => `B1,2024H2,${x.idNumber},张三,6217000000000000001,张三,300.00,成功,2024-12-01,`),
      ].join('\r\n');
      const input = await uploadInput(t.db, actor, C, 'payments', { filename: 'payments.csv', content: Buffer.from('\ufeff' + payments) });
      const r = await sql<{ id: number }>`INSERT INTO crosscheck_runs (county_code, created_by) VALUES (${C}, 1) RETURNING id`.execute(t.db);
      const run = await executeRun(t.db, actor, C, Number(r.rows[0].id), { inputIds: [input.id] });
      assert.equal(run.status, 'done');
      const { findings } = await listFindings(t.db, C, run.id, { limit: 1000 });
      for (const x of cases) {
        const fs = findings.filter((f) => f.idNumber === x.idNumber);
        assert.deepEqual(fs.map((f) => f.code).sort(), x.expect, x.supportEnd);
        for (const f of fs) assert.equal(f.overFen, x.overFen, x.supportEnd);
      }
    });
  });
}
