// The book in the database, on both engines: the samples imported (every rejected row listed),
// the expected quarters reproduced from the database, a re-import of the same files changing
// nothing, a refused file writing nothing, and the run's 计算 → 审核 → 公示 → 发放 with the
// reviewer never the one who computed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testEngines, createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { importBook, quarterFromDatabase, computeRun, advanceRun, runLines, loansByIdNumbers } from './microcredit.service.ts';
import { subsidyCsv } from './subsidy.ts';
import { MC_SAMPLES, QUARTERS, assertSameSubsidy, csvRows } from './samples.testkit.ts';

const C = '430923';
const file = (name: string) => ({ filename: name, content: readFileSync(join(MC_SAMPLES, name)) });
const upload = (loans = 'loans.csv') => ({ loans: file(loans), repayments: file('repayments.csv'), rates: file('rates.csv') });
const alice = { userId: 1, username: 'alice' },
  bob = { userId: 2, username: 'bob' };
const count = async (t: TestDatabase, table: string) =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0].n);

for (const engine of await testEngines()) {
  describe(`microcredit database (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
    });
    after(async () => {
      await t.drop();
    });

    it('imports the samples, lists every rejected row, and reproduces every expected quarter from the database', async () => {
      const r = await importBook(t.db, alice, C, upload());
      assert.equal(r.unchanged, false);
      assert.deepEqual(
        r.rejected.map((x) => [x.file, String(x.row), x.reason]),
        csvRows(readFileSync(join(MC_SAMPLES, 'expected_rejected.csv'), 'utf8')).slice(1),
      );
      for (const q of QUARTERS)
        assertSameSubsidy(subsidyCsv(await quarterFromDatabase(t.db, C, q)), readFileSync(join(MC_SAMPLES, `expected_${q}.csv`), 'utf8'), `db ${q}`);
      const events = await sql<any>`SELECT kind, count(*)::int AS n FROM mc_loan_events WHERE county_code = ${C} GROUP BY kind ORDER BY kind`.execute(t.db);
      assert.ok(
        events.rows.some((e) => e.kind === '展期' && e.n > 0),
        '展期 recorded',
      );
      assert.ok(
        events.rows.some((e) => e.kind === '续贷' && e.n > 0),
        '续贷 recorded',
      );
    });

    it('a re-import of the same files changes nothing; the xlsx ledger gives the same book', async () => {
      const before = {
        loans: await count(t, 'mc_loans'),
        reps: await count(t, 'mc_repayments'),
        imports: await count(t, 'mc_imports'),
        events: await count(t, 'mc_loan_events'),
      };
      const again = await importBook(t.db, alice, C, upload());
      assert.equal(again.unchanged, true);
      assert.deepEqual(
        {
          loans: await count(t, 'mc_loans'),
          reps: await count(t, 'mc_repayments'),
          imports: await count(t, 'mc_imports'),
          events: await count(t, 'mc_loan_events'),
        },
        before,
      );
      const x = await importBook(t.db, alice, C, upload('loans.xlsx'));
      assert.equal(x.unchanged, false);
      assert.equal(x.changes.added, 0);
      assert.equal(x.changes.removed, 0);
      assert.equal(await count(t, 'mc_loan_events'), before.events, 'events recorded once');
      assertSameSubsidy(
        subsidyCsv(await quarterFromDatabase(t.db, C, '2021Q4')),
        readFileSync(join(MC_SAMPLES, 'expected_2021Q4.csv'), 'utf8'),
        'xlsx db 2021Q4',
      );
    });

    it('a file that cannot be read writes nothing', async () => {
      const before = await count(t, 'mc_imports');
      await assert.rejects(importBook(t.db, alice, C, { ...upload(), rates: file('loans.csv') }), /贴息利率缺少必需的列/);
      assert.equal(await count(t, 'mc_imports'), before);
      const dry = await importBook(t.db, alice, C, upload(), { dryRun: true });
      assert.equal(dry.dryRun, true);
      assert.equal(await count(t, 'mc_imports'), before);
    });

    it('computes, refuses review by the same user, then 审核 → 公示 → 发放', async () => {
      const run = await computeRun(t.db, alice, C, '2020Q2');
      assert.equal(run.state, 'computed');
      assert.equal(run.loans, 149);
      assert.equal(run.subsidyFen, 4363742);
      const { lines } = await runLines(t.db, C, run);
      assertSameSubsidy(subsidyCsv(lines), readFileSync(join(MC_SAMPLES, 'expected_2020Q2.csv'), 'utf8'), 'saved run 2020Q2');
      await assert.rejects(advanceRun(t.db, alice, C, run.id, 'review'), /审核人不能是计算人/);
      await assert.rejects(advanceRun(t.db, bob, C, run.id, 'publish'), /不能公示/);
      assert.equal((await advanceRun(t.db, bob, C, run.id, 'review')).state, 'reviewed');
      await assert.rejects(computeRun(t.db, alice, C, '2020Q2'), /已审核，不能重新计算/);
      assert.equal((await advanceRun(t.db, bob, C, run.id, 'publish')).state, 'published');
      assert.equal((await advanceRun(t.db, alice, C, run.id, 'pay')).state, 'paid');
      const audit = await sql<any>`SELECT action FROM audit_log WHERE entity_type = 'microcredit_run' ORDER BY seq`.execute(t.db);
      assert.deepEqual(
        audit.rows.map((x) => x.action),
        ['microcredit.subsidy_compute', 'microcredit.subsidy_review', 'microcredit.subsidy_publish', 'microcredit.subsidy_pay'],
      );
    });

    it('gives a person’s loans by ID number (for the monitored-household page)', async () => {
      const loans = await loansByIdNumbers(t.db, C, ['430923197608197389']);
      assert.deepEqual(loans.map((l) => l.loanNo).sort(), ['NH202002030001', 'NH202006200001']);
    });
  });
}
