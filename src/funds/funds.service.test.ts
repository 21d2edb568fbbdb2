// Money entries on both engines: every §8.1 money rule refused with its code against what the
// database holds, the append-only table, concurrent entries that together exceed a batch
// (exactly one refused), reversals approved by another person, the year plan as a checked sum.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { createBatch, createProject, decideReversal, enterEntry, getYearPlan, remaining, requestReversal, saveYearPlan, type Actor } from './funds.service.ts';
import type { FundBatch, LedgerProject } from './ledger.types.ts';

const C = '430582';
const finance: Actor = { userId: 11, username: '财务甲', countyCode: C, regionCode: C };
const county: Actor = { userId: 12, username: '业务股乙', countyCode: C, regionCode: C };
const batch = (no: string, amountFen: number, issuedOn = '2024-03-01', year = 2024): FundBatch => ({
  batchNo: no,
  year,
  level: '中央',
  category: '到县资金',
  docNo: '财农〔2024〕1号',
  issuedOn,
  amountFen,
  countsInRates: true,
});
const project = (no: string, village = '430582101001'): LedgerProject => ({
  projectNo: no,
  name: `项目${no}`,
  year: 2024,
  villageCode: village,
  category: '基础设施',
  plannedFen: 100_000_00,
  unit: '某某村委会',
  startedOn: null,
  completedOn: null,
  acceptedOn: null,
});
const rule = (code: string) => (e: unknown) => (e as { details?: { code?: string } }).details?.code === code;

for (const engine of await testEngines()) {
  describe(`funds money entries (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
      await createBatch(t.db, finance, batch('B1', 1000_00));
      await createBatch(t.db, finance, batch('B2', 500_00, '2024-06-01'));
      await createProject(t.db, finance, project('P1'));
      await createProject(t.db, finance, project('P2', '430582102003'));
    });
    after(async () => {
      await t.drop();
    });

    it('refuses every §8.1 money rule with its code and a Chinese reason', async () => {
      const e = (kind: 'allocation' | 'disbursement' | 'reimbursement', batchNo: string, projectNo: string, amountFen: number, date = '2024-04-01') =>
        enterEntry(t.db, finance, { kind, batchNo, projectNo, date, amountFen, voucherNo: 'V' });
      await assert.rejects(e('allocation', 'NOPE', 'P1', 1), rule('L_UNKNOWN_REF'));
      await assert.rejects(e('allocation', 'B1', 'NOPE', 1), rule('L_UNKNOWN_REF'));
      await assert.rejects(e('allocation', 'B1', 'P1', 1, '2024-02-28'), rule('L_BEFORE_BATCH'));
      await assert.rejects(e('allocation', 'B1', 'P1', -1), rule('L_NEGATIVE'));
      await e('allocation', 'B1', 'P1', 600_00);
      await assert.rejects(e('allocation', 'B1', 'P2', 400_01), (x: unknown) => rule('L_OVER_BATCH')(x) && /超过批次金额1000\.00元/.test((x as Error).message));
      await e('allocation', 'B1', 'P2', 400_00);
      await assert.rejects(e('disbursement', 'B1', 'P1', 600_01), rule('L_OVER_ALLOCATION'));
      await e('disbursement', 'B1', 'P1', 600_00);
      await assert.rejects(e('reimbursement', 'B1', 'P2', 400_01), rule('L_OVER_ALLOCATION'));
      await e('reimbursement', 'B1', 'P2', 100_00);
      const left = await remaining(t.db, C, 'B1', 'P2');
      assert.deepEqual([left.unallocatedFen, left.toDisburseFen, left.toReimburseFen], [0, 400_00, 300_00]);
    });

    it('keeps money entries append-only: UPDATE and DELETE are refused by the database', async () => {
      await assert.rejects(sql`UPDATE fund_entries SET amount_fen = 1`.execute(t.db), /append-only/);
      await assert.rejects(sql`DELETE FROM fund_entries`.execute(t.db), /append-only/);
    });

    it('two concurrent allocations that together exceed a batch: exactly one is refused', async () => {
      await createBatch(t.db, finance, batch('BC', 100_00));
      const one = () => enterEntry(t.db, finance, { kind: 'allocation', batchNo: 'BC', projectNo: 'P1', date: '2024-04-02', amountFen: 60_00 });
      const two = () => enterEntry(t.db, county, { kind: 'allocation', batchNo: 'BC', projectNo: 'P2', date: '2024-04-02', amountFen: 60_00 });
      const results = await Promise.allSettled([one(), two()]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(refused.length, 1);
      assert.ok(rule('L_OVER_BATCH')(refused[0].reason));
      const s = await sql<{ s: number }>`SELECT sum(amount_fen)::bigint AS s FROM fund_entries WHERE batch_no = 'BC'`.execute(t.db);
      assert.equal(Number(s.rows[0].s), 60_00);
      // and many at once: never above the batch
      await createBatch(t.db, finance, batch('BD', 100_00));
      const many = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          enterEntry(t.db, i % 2 ? finance : county, {
            kind: 'allocation',
            batchNo: 'BD',
            projectNo: i % 2 ? 'P1' : 'P2',
            date: '2024-04-03',
            amountFen: 30_00,
          }),
        ),
      );
      assert.equal(many.filter((r) => r.status === 'fulfilled').length, 3);
    });

    it('two concurrent 拨付 that together exceed an allocation: exactly one is refused', async () => {
      await createBatch(t.db, finance, batch('BE', 100_00));
      await enterEntry(t.db, finance, { kind: 'allocation', batchNo: 'BE', projectNo: 'P1', date: '2024-04-02', amountFen: 100_00 });
      const d = () => enterEntry(t.db, finance, { kind: 'disbursement', batchNo: 'BE', projectNo: 'P1', date: '2024-04-05', amountFen: 70_00 });
      const results = await Promise.allSettled([d(), d()]);
      assert.equal(results.filter((r) => r.status === 'rejected' && rule('L_OVER_ALLOCATION')(r.reason)).length, 1);
    });

    it('a correction is a reversal: requested by one, approved by another, booked as a negative entry', async () => {
      await createBatch(t.db, finance, batch('BR', 100_00));
      const a = await enterEntry(t.db, finance, { kind: 'allocation', batchNo: 'BR', projectNo: 'P1', date: '2024-04-02', amountFen: 100_00 });
      const d = await enterEntry(t.db, finance, { kind: 'disbursement', batchNo: 'BR', projectNo: 'P1', date: '2024-04-03', amountFen: 80_00 });
      // reversing the allocation below what was disbursed is refused at approval
      const ra = await requestReversal(t.db, finance, a.id, { amountFen: 30_00, date: '2024-04-04', reason: '多安排' });
      await assert.rejects(decideReversal(t.db, finance, ra.id, true), (e: unknown) => (e as { code?: string }).code === 'FORBIDDEN');
      await assert.rejects(decideReversal(t.db, county, ra.id, true), rule('L_OVER_ALLOCATION'));
      const rd = await requestReversal(t.db, finance, d.id, { amountFen: 80_00, date: '2024-04-05', reason: '收款单位错误' });
      const done = await decideReversal(t.db, county, rd.id, true, '核对无误');
      assert.equal(done.status, 'approved');
      assert.ok(done.reversingEntryId);
      await assert.rejects(requestReversal(t.db, finance, d.id, { amountFen: 1, date: '2024-04-06', reason: '再冲一次' }), /不超过尚未冲销的0\.00元/);
      const left = await remaining(t.db, C, 'BR', 'P1');
      assert.equal(left.disbursedFen, 0);
      assert.ok((await verifyAuditChain(t.db)).ok);
      const actions = await sql<{ action: string }>`SELECT action FROM audit_log WHERE action LIKE 'fund_%' ORDER BY seq`.execute(t.db);
      assert.ok(actions.rows.some((r) => r.action === 'fund_reversal.approve'));
      assert.ok(actions.rows.some((r) => r.action === 'fund_entry.reverse'));
    });

    it("the year plan by use must sum to the year's batches", async () => {
      const plan = await getYearPlan(t.db, C, 2024);
      const total = plan.batchesFen;
      await assert.rejects(saveYearPlan(t.db, finance, 2024, { 直补: 100, 项目: total, 培训宣传: 0, 其他: 0 }), /不符（相差1\.00元）/);
      const saved = await saveYearPlan(t.db, finance, 2024, { 直补: 100, 项目: total - 300, 培训宣传: 150, 其他: 50 });
      assert.equal(saved.balanced, true);
      await createBatch(t.db, finance, batch('BLATE', 1_00, '2024-12-01'));
      assert.equal((await getYearPlan(t.db, C, 2024)).balanced, false);
    });
  });
}
