// Database-backed cross-check on both engines with the sample files: the register in the
// database, the payment detail, deaths and hukou uploaded; findings equal the expected sample
// findings; cases scoped to townships; re-running keeps verifications; the recovery ledger.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { openTable, cellText } from '../shared/files/table.ts';
import { normalizeId, validateId } from '../shared/idnumber.ts';
import { parseDate } from '../shared/dates.ts';
import { parseYuanToFen } from '../shared/money.ts';
import { getJob } from '../shared/jobs.ts';
import type { SessionUser } from '../auth/index.ts';
import { uploadInput, executeRun, startRun, listFindings, getRun } from './runs.service.ts';
import {
  listCases,
  verifyCase,
  getCase,
  caseToRemoval,
  listRecovery,
  addInstalment,
  requestWriteOff,
  approveWriteOff,
  recoveryTotals,
  getRecovery,
} from './cases.service.ts';

const C = '430582';
const S = 'test/fixtures/samples/';
const actor = { userId: 1, username: '县业务股' };
const county: SessionUser = { id: 1, username: 'county', displayName: '县', role: 'county', regionCode: C, countyCode: C, mustChangePassword: false };
const finance: SessionUser = { ...county, id: 2, username: 'finance', role: 'finance' };
const town = (code: string): SessionUser => ({ ...county, id: 3, username: 'town', role: 'township', regionCode: code });

async function loadRoster(t: TestDatabase) {
  const table = await openTable(readFileSync(S + 'roster.csv'));
  const h = (n: string) => table.headers.indexOf(n);
  for await (const { cells } of table.rows) {
    const c = (n: string) => cellText(cells[h(n)]).trim();
    const raw = c('身份证号');
    await sql`INSERT INTO households (county_code, household_no, village_code) VALUES (${C}, ${c('户编号')}, ${c('村代码')}) ON CONFLICT DO NOTHING`.execute(
      t.db,
    );
    await sql`INSERT INTO persons (county_code, household_no, id_number, id_number_raw, id_valid, name, relation, village_code, township_name, village_name,
        support_start, support_end, status, removal_date, removal_reason)
      VALUES (${C}, ${c('户编号')}, ${normalizeId(raw)}, ${raw}, ${validateId(raw).ok}, ${c('姓名')}, ${c('与户主关系')}, ${c('村代码')}, ${c('乡镇')}, ${c('村')},
        ${parseDate(c('扶持开始日期'))}::date, ${parseDate(c('扶持截止日期'))}::date, ${c('状态')}, ${parseDate(c('核减日期'))}::date, ${c('核减原因') || null})`.execute(
      t.db,
    );
  }
}

async function expected() {
  const table = await openTable(readFileSync(S + 'expected_findings.csv'));
  const out = new Map<string, { over: number; under: number; periods: string }>();
  for await (const { cells } of table.rows) {
    const c = cells.map(cellText);
    out.set(`${c[0]}|${c[2]}`, { over: parseYuanToFen(c[7])!, under: parseYuanToFen(c[8])!, periods: c[6] });
  }
  return out;
}

for (const engine of await testEngines()) {
  describe(`cross-check runs, cases and recovery (${engine})`, () => {
    let t: TestDatabase;
    const inputIds: number[] = [];
    let runId = 0;
    before(async () => {
      t = await createTestDatabase(engine);
      await loadRoster(t);
      for (const [kind, f] of [
        ['payments', 'payments.csv'],
        ['deaths', 'deaths.csv'],
        ['hukou', 'hukou.csv'],
      ] as const) {
        const i = await uploadInput(t.db, actor, C, kind, { filename: f, content: readFileSync(S + f) });
        inputIds.push(i.id);
      }
    });
    after(async () => {
      await t.drop();
    });

    it('keeps uploads once, with checksum and row count', async () => {
      const again = await uploadInput(t.db, actor, C, 'deaths', { filename: 'deaths-copy.csv', content: readFileSync(S + 'deaths.csv') });
      assert.equal(again.id, inputIds[1]);
      assert.equal(again.rows, 154);
      assert.match(again.sha256, /^[0-9a-f]{64}$/);
      await assert.rejects(uploadInput(t.db, actor, C, 'hukou', { filename: 'x.csv', content: readFileSync(S + 'deaths.csv') }), /缺少必需的列：户籍状态/);
    });

    it('a run over the register and the uploads gives the sample findings, to the fen', async () => {
      const r = await sql<{ id: number }>`INSERT INTO crosscheck_runs (county_code, created_by) VALUES (${C}, 1) RETURNING id`.execute(t.db);
      runId = Number(r.rows[0].id);
      const run = await executeRun(t.db, actor, C, runId, { inputIds });
      assert.equal(run.status, 'done');
      const exp = await expected();
      const { findings, total } = await listFindings(t.db, C, runId, { limit: 100000 });
      const got = new Map(findings.map((f) => [`${f.code}|${f.idNumber}`, f]));
      const missing = [...exp.keys()].filter((k) => !got.has(k));
      const extra = [...got.keys()].filter((k) => !exp.has(k));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      assert.equal(total, exp.size);
      for (const [k, e] of exp) {
        const f = got.get(k)!;
        assert.equal(f.overFen, e.over, k);
        assert.equal(f.underFen, e.under, k);
        assert.equal(f.periods.join(';'), e.periods, k);
      }
      const inputs = run.inputs as { kind: string; sha256?: string; rows: number }[];
      assert.equal(inputs.find((i) => i.kind === 'register')!.rows, 4010);
      assert.ok(inputs.filter((i) => i.sha256).length === 3);
      const { total: cases } = await listCases(t.db, C, county);
      assert.equal(cases, exp.size);
    });

    it('township officers see their own township only', async () => {
      const all = await listCases(t.db, C, county, { limit: 1000 });
      const tw = all.cases.find((c) => c.townshipCode)!.townshipCode;
      const mine = await listCases(t.db, C, town(tw), { limit: 1000 });
      assert.ok(mine.total > 0 && mine.total < all.total);
      assert.ok(mine.cases.every((c) => c.townshipCode === tw));
      const other = all.cases.find((c) => c.townshipCode && c.townshipCode !== tw)!;
      await assert.rejects(getCase(t.db, C, town(tw), other.id), /不存在或不在您的辖区/);
      await assert.rejects(verifyCase(t.db, town(tw), C, other.id, { verdict: '误报', evidence: '走访' }), /不在您的辖区/);
    });

    it('verifying an over-payment as 违规 opens a recovery item; re-running keeps verifications and adds no duplicates', async () => {
      const dp = (await listCases(t.db, C, county, { code: 'DECEASED_PAID', limit: 100 })).cases.filter((c) => c.townshipCode);
      const [a, b] = dp;
      await verifyCase(t.db, town(a.townshipCode), C, a.id, { verdict: '违规', evidence: '殡葬记录与村委证明', remarks: '家属同意退回' });
      await verifyCase(t.db, county, C, b.id, { verdict: '误报', evidence: '本人健在，已见面核实' });
      const rec = await listRecovery(t.db, C, county);
      assert.equal(rec.total, 1);
      assert.equal(rec.items[0].dueFen, a.overFen);
      const before = await listCases(t.db, C, county, { limit: 1 });
      const r2 = await startRun(t.db, actor, C, { inputIds });
      for (let i = 0; i < 600; i++) {
        const j = await getJob(t.db, r2.jobId!);
        if (j!.status !== 'running') {
          assert.equal(j!.status, 'done', j!.message);
          break;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
      const run2 = await getRun(t.db, C, r2.id);
      assert.equal(run2.summary!.newCases, 0);
      const after = await listCases(t.db, C, county, { limit: 1 });
      assert.equal(after.total, before.total);
      const a2 = await getCase(t.db, C, county, a.id);
      assert.deepEqual([a2.status, a2.verdict, a2.evidence, a2.lastRunId], ['已核实', '违规', '殡葬记录与村委证明', r2.id]);
      assert.equal((await getCase(t.db, C, county, b.id)).verdict, '误报');
    });

    it('recovery: instalments until settled, write-off needs a second person, totals by township and year', async () => {
      const dp = (await listCases(t.db, C, county, { code: 'DECEASED_PAID', status: '待核实', limit: 100 })).cases.filter(
        (c) => c.townshipCode && c.overFen >= 60000,
      );
      await verifyCase(t.db, county, C, dp[0].id, { verdict: '违规', evidence: '死亡证明' });
      await verifyCase(t.db, county, C, dp[1].id, { verdict: '违规', evidence: '死亡证明' });
      const items = (await listRecovery(t.db, C, county)).items;
      const x = items.find((i) => i.caseId === dp[0].id)!;
      const y = items.find((i) => i.caseId === dp[1].id)!;
      await addInstalment(t.db, finance, C, x.id, { paidOn: '2025-03-01', amountFen: 20000, receiptNo: 'R-001' });
      await assert.rejects(addInstalment(t.db, finance, C, x.id, { paidOn: '2025-03-02', amountFen: 100, receiptNo: 'R-001' }), /已登记过/);
      await assert.rejects(addInstalment(t.db, finance, C, x.id, { paidOn: '2025-03-02', amountFen: x.dueFen, receiptNo: 'R-002' }), /超过尚欠金额/);
      const settled = await addInstalment(t.db, finance, C, x.id, { paidOn: '2025-04-01', amountFen: x.dueFen - 20000, receiptNo: 'R-002' });
      assert.equal(settled.status, '已结清');
      assert.equal(settled.instalments!.length, 2);
      await requestWriteOff(t.db, finance, C, y.id, '当事人已故且无遗产');
      await assert.rejects(approveWriteOff(t.db, finance, C, y.id), /申请人以外/);
      const w = await approveWriteOff(t.db, county, C, y.id);
      assert.equal(w.status, '核销');
      const totals = await recoveryTotals(t.db, C, county);
      const sum = (k: 'dueFen' | 'receivedFen' | 'writtenOffFen' | 'outstandingFen') => totals.reduce((s, r) => s + r[k], 0);
      const all = (await listRecovery(t.db, C, county)).items;
      assert.equal(
        sum('dueFen'),
        all.reduce((s, i) => s + i.dueFen, 0),
      );
      assert.equal(sum('receivedFen'), x.dueFen);
      assert.equal(sum('writtenOffFen'), y.dueFen);
      assert.equal(sum('dueFen'), sum('receivedFen') + sum('writtenOffFen') + sum('outstandingFen'));
      // a verdict with money received cannot be turned into 误报
      await assert.rejects(verifyCase(t.db, county, C, dp[0].id, { verdict: '误报', evidence: 'x' }), /不能改为误报/);
      assert.equal((await getRecovery(t.db, C, county, x.id)).receivedFen, x.dueFen);
      assert.ok((await verifyAuditChain(t.db)).ok);
    });

    it('a confirmed death becomes a pending 核减 adjustment in one step', async () => {
      const c = (await listCases(t.db, C, county, { code: 'DECEASED_PAID', status: '待核实', limit: 100 })).cases.find((x) => x.townshipCode.startsWith(C))!;
      await assert.rejects(caseToRemoval(t.db, county, C, c.id, { effectiveDate: '2024-01-01' }), /只有核实为违规/);
      await verifyCase(t.db, county, C, c.id, { verdict: '违规', evidence: '死亡证明' });
      const { adjustmentId, personIds } = await caseToRemoval(t.db, county, C, c.id, { effectiveDate: '2024-01-01' });
      assert.ok(adjustmentId > 0 && personIds.length >= 1);
      const a = await sql<any>`SELECT kind, status, reason FROM adjustments WHERE county_code = ${C} AND id = ${adjustmentId}`.execute(t.db);
      assert.deepEqual([a.rows[0].kind, a.rows[0].status, a.rows[0].reason], ['remove', 'pending', '死亡']);
      assert.equal((await getCase(t.db, C, county, c.id)).adjustmentId, adjustmentId);
      await assert.rejects(caseToRemoval(t.db, county, C, c.id, { effectiveDate: '2024-01-01' }), /已转为核减调整/);
    });

    it('转核减 takes the death date from the evidence (never today); the officer may change it, and the adjustment says so', async () => {
      const active = new Set(
        (await sql<{ id_number: string }>`SELECT id_number FROM persons WHERE county_code = ${C} AND status = '正常'`.execute(t.db)).rows.map(
          (r) => r.id_number,
        ),
      );
      const deaths = (await listCases(t.db, C, county, { code: 'DECEASED_PAID', status: '待核实', limit: 100 })).cases.filter(
        (x) => x.townshipCode.startsWith(C) && active.has(x.idNumber),
      );
      assert.ok(deaths.length >= 2);
      const [c1, c2] = deaths;
      assert.match(c1.deathDate ?? '', /^\d{4}-\d{2}-\d{2}$/, 'the case carries the death date of its evidence');
      assert.match(c1.explanation, new RegExp(c1.deathDate!), 'the same date the 说明 names');
      await verifyCase(t.db, county, C, c1.id, { verdict: '违规', evidence: '死亡证明' });
      const r1 = await caseToRemoval(t.db, county, C, c1.id, {});
      assert.deepEqual([r1.effectiveDate, r1.evidenceDate], [c1.deathDate, c1.deathDate]);
      const a1 = await sql<any>`SELECT effective_date::text AS d, remarks FROM adjustments WHERE county_code = ${C} AND id = ${r1.adjustmentId}`.execute(t.db);
      assert.equal(a1.rows[0].d, c1.deathDate);
      assert.match(a1.rows[0].remarks, /核减日期取佐证材料记载的死亡日期/);
      await verifyCase(t.db, county, C, c2.id, { verdict: '违规', evidence: '死亡证明' });
      const r2 = await caseToRemoval(t.db, county, C, c2.id, { effectiveDate: '2020-02-02' });
      const a2 = await sql<any>`SELECT effective_date::text AS d, remarks FROM adjustments WHERE county_code = ${C} AND id = ${r2.adjustmentId}`.execute(t.db);
      assert.equal(a2.rows[0].d, '2020-02-02');
      assert.match(a2.rows[0].remarks, new RegExp(`佐证材料记载的死亡日期为${c2.deathDate}，经办人改为2020-02-02`));
    });
  });
}
