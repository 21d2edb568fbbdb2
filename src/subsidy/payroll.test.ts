// Payment rolls on both engines: settings by date, edge cases at roll level, the bank file round
// trip, idempotent and refused result files, re-issue, and no double payment under concurrency.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, TEST_SERVER_URL, type TestDatabase } from '../shared/db/testing.ts';
import { openDatabase } from '../shared/db/database.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { openTable, cellText } from '../shared/files/table.ts';
import {
  saveSettings,
  buildPayroll,
  listLines,
  listExclusions,
  reviewPayroll,
  getPayroll,
  listFailures,
  closePayroll,
  deletePayroll,
  prepareBankExport,
  writeBankFile,
  importBankReturn,
  noticeRows,
} from './subsidy.service.ts';
import { noticeHtml, noticeXlsx } from './notice.ts';
import { insertPersons, makeId } from './testing-fixtures.ts';

const C = '430582';
const V1 = '430582101001',
  V2 = '430582102003';
const actor = { userId: 1, username: '测试员' };
const reviewer = { userId: 2, username: '审核员' }; // separation of duties: not the builder
const id = (n: number) => makeId('430582', '19650101', n);

async function exportToBuffer(db: any, payrollId: number, template = 'generic') {
  const prep = await prepareBankExport(db, actor, C, payrollId, template);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c) => chunks.push(c));
  await writeBankFile(db, C, payrollId, prep.tpl, prep.batchNo, out);
  return { prep, buf: Buffer.concat(chunks) };
}

/** What a bank does: fill 发放结果 (and 发放日期) into the file it received. */
async function bankReturns(buf: Buffer, fail: Set<string>, edit?: (cells: string[]) => string[]): Promise<Buffer> {
  const t = await openTable(buf);
  const iRes = t.headers.indexOf('发放结果'),
    iId = t.headers.indexOf('身份证号'),
    iDate = t.headers.indexOf('发放日期');
  let text = '\ufeff' + t.headers.join(',') + '\n';
  for await (const r of t.rows) {
    let cells = r.cells.map(cellText);
    cells[iRes] = fail.has(cells[iId]) ? '失败' : '成功';
    cells[iDate] = '2024-03-20';
    if (edit) cells = edit(cells);
    text += cells.join(',') + (fail.has(cells[iId]) ? '' : '') + '\n';
  }
  return Buffer.from(text, 'utf8');
}

for (const engine of await testEngines()) {
  describe(`payment rolls (${engine})`, () => {
    let t: TestDatabase;
    let rollId = 0;
    before(async () => {
      t = await createTestDatabase(engine);
      await insertPersons(t.db, C, [
        { idNumber: id(1), name: '张大山', householdNo: 'H1', villageCode: V1, accountNo: '6230001', villageName: '新村' },
        { idNumber: id(2), name: '李秀英', householdNo: 'H1', villageCode: V1, relation: '配偶' }, // no account: head's when fallback=head
        { idNumber: id(3), name: '王五', householdNo: 'H2', villageCode: V1, supportStart: '2024-03-15', accountNo: '6230003' }, // starts mid-period: Apr–Dec
        { idNumber: id(4), name: '赵六', householdNo: 'H3', villageCode: V2, supportStart: '2004-09-01', accountNo: '6230004' }, // term ends 2024-08-31: Jan–Aug
        {
          idNumber: id(5),
          name: '钱七',
          householdNo: 'H4',
          villageCode: V2,
          status: '已核减',
          removalDate: '2024-01-01',
          removalReason: '死亡',
          accountNo: '6230005',
        }, // removed on the first day
        {
          idNumber: id(6),
          name: '孙八',
          householdNo: 'H5',
          villageCode: V2,
          status: '已核减',
          removalDate: '2024-01-02',
          removalReason: '死亡',
          accountNo: '6230006',
        }, // removed a day later: keeps 2024
        { idNumber: id(7), name: '=周九', householdNo: 'H6', villageCode: V2, accountNo: '6230007' },
        { idNumber: id(8), name: '吴十', householdNo: 'H7', villageCode: V2, supportStart: '2024-12-02', accountNo: '6230008' }, // no whole month in 2024
      ]);
      // 2024 rules: the household head's account for those without one; from 2025 a higher standard
      await saveSettings(t.db, actor, C, '2024-01-01', { accountFallback: 'head' });
      await saveSettings(t.db, actor, C, '2025-01-01', { standardFen: 72000 });
    });
    after(async () => {
      await t.drop();
    });

    it('builds the 2024 roll with the rule behind every amount, using the settings of 2024-01-01', async () => {
      const roll = await buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' });
      rollId = roll.id;
      assert.equal(roll.status, 'draft');
      assert.equal(roll.rules.standardFen, 60000);
      assert.equal(roll.batchNo, '430582-2024-01');
      const { lines, total } = await listLines(t.db, C, roll.id, { limit: 100 });
      const by = new Map(lines.map((l) => [l.idNumber, l]));
      assert.equal(total, 6);
      assert.equal(by.get(id(1))!.amountFen, 60000);
      assert.equal(by.get(id(2))!.accountSource, 'head');
      assert.equal(by.get(id(2))!.accountNo, '6230001');
      assert.ok(by.get(id(2))!.flags.includes('head_account'));
      assert.equal(by.get(id(3))!.months, 9);
      assert.equal(by.get(id(3))!.amountFen, 45000);
      assert.match(by.get(id(3))!.reason, /覆盖9个整月/);
      assert.equal(by.get(id(4))!.months, 8);
      assert.equal(by.get(id(4))!.amountFen, 40000);
      assert.equal(by.has(id(5)), false);
      assert.equal(by.get(id(6))!.amountFen, 60000);
      assert.equal(roll.totalFen, 60000 + 60000 + 45000 + 40000 + 60000 + 60000);
      const ex = await listExclusions(t.db, C, roll.id);
      assert.deepEqual(ex.map((e) => e.idNumber).sort(), [id(5), id(8)].sort());
      assert.match(ex.find((e) => e.idNumber === id(5))!.reason, /已于2024-01-01核减/);
    });

    it('refuses a second regular roll and a half-year period under annual rules', async () => {
      await assert.rejects(buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'regular' }), /已有正常发放批次/);
      await assert.rejects(buildPayroll(t.db, actor, { countyCode: C, period: '2024H1', kind: 'regular' }), /按年发放/);
    });

    it('uses the later standard for 2025', async () => {
      const r = await buildPayroll(t.db, actor, { countyCode: C, period: '2025', kind: 'regular' });
      assert.equal(r.rules.standardFen, 72000);
      const { lines } = await listLines(t.db, C, r.id);
      assert.equal(lines.find((l) => l.idNumber === id(1))!.amountFen, 72000);
      await deletePayroll(t.db, actor, C, r.id);
    });

    it('exports the bank file (formulas neutralised), refuses foreign result files, imports results once', async () => {
      await assert.rejects(prepareBankExport(t.db, actor, C, rollId, 'generic'), /不能导出银行文件/);
      await reviewPayroll(t.db, reviewer, C, rollId);
      const { prep, buf } = await exportToBuffer(t.db, rollId);
      assert.equal(prep.rows, 6);
      const text = buf.toString('utf8');
      assert.ok(text.startsWith('\ufeff发放期间,身份证号,姓名,金额,发放结果,银行账号,持卡人姓名,发放日期,批次号\r\n'));
      assert.ok(text.includes(`2024,${id(7)},'=周九,600.00,,6230007`));
      assert.equal((await getPayroll(t.db, C, rollId))!.status, 'exported');

      // refused: another period, an amount changed, unknown IDs
      const wrongPeriod = await bankReturns(buf, new Set(), (c) => {
        c[0] = '2023';
        return c;
      });
      await assert.rejects(importBankReturn(t.db, actor, C, rollId, { filename: 'x.csv', content: wrongPeriod }), /发放期间为2023，本批次是2024期间/);
      const wrongAmount = await bankReturns(buf, new Set(), (c) => {
        if (c[1] === id(3)) c[3] = '600.00';
        return c;
      });
      await assert.rejects(importBankReturn(t.db, actor, C, rollId, { filename: 'x.csv', content: wrongAmount }), /金额与批次不符/);
      let k = 0;
      const strangers = await bankReturns(buf, new Set(), (c) => {
        if (k++ < 4) c[1] = makeId('110101', '19800101', k);
        return c;
      });
      await assert.rejects(importBankReturn(t.db, actor, C, rollId, { filename: 'x.csv', content: strangers }), /不在本批次中/);
      const foreignBatch = await bankReturns(buf, new Set(), (c) => {
        c[8] = '430582-2024-09';
        return c;
      });
      await assert.rejects(importBankReturn(t.db, actor, C, rollId, { filename: 'x.csv', content: foreignBatch }), /批次号为430582-2024-09/);
      const after = await listLines(t.db, C, rollId, { result: 'pending' });
      assert.equal(after.total, 6, 'a refused file changes nothing');

      const ret = await bankReturns(buf, new Set([id(4)]));
      const s1 = await importBankReturn(t.db, actor, C, rollId, { filename: '回盘.csv', content: ret });
      assert.equal(s1.alreadyImported, false);
      assert.equal(s1.succeeded, 5);
      assert.equal(s1.failed, 1);
      const s2 = await importBankReturn(t.db, actor, C, rollId, { filename: '回盘.csv', content: ret });
      assert.equal(s2.alreadyImported, true);
      // the same results in a re-saved file: nothing changes either
      const s3 = await importBankReturn(t.db, actor, C, rollId, { filename: '回盘2.csv', content: Buffer.concat([ret, Buffer.from('\n')]) });
      assert.equal(s3.succeeded + s3.failed, 0);
      assert.equal(s3.unchanged, 6);
      const roll = (await getPayroll(t.db, C, rollId))!;
      assert.equal(roll.status, 'results_imported');
      assert.deepEqual([roll.counts!.success, roll.counts!.failure, roll.counts!.pending], [5, 1, 0]);
      assert.equal(roll.counts!.successFen, 60000 * 4 + 45000);
      const fails = await listFailures(t.db, C, '2024');
      assert.deepEqual(
        fails.map((f) => f.idNumber),
        [id(4)],
      );
      assert.equal(fails[0].resultReason, '银行返回失败');
    });

    it('a successful payment cannot become a failure, and the database refuses a second success', async () => {
      const { buf } = { buf: Buffer.from(`发放期间,身份证号,姓名,金额,发放结果\n2024,${id(1)},张大山,600.00,失败\n`) };
      await assert.rejects(importBankReturn(t.db, actor, C, rollId, { filename: 'r.csv', content: buf }), /已成功发放的不能改为失败/);
      await assert.rejects(
        sql`INSERT INTO payment_lines (county_code, payroll_id, line_no, period, id_number, name, months, standard_fen, amount_fen, reason, account_source, result)
        VALUES (${C}, ${rollId}, 999, '2024', ${id(1)}, '张大山', 12, 60000, 60000, 'x', 'own', 'success')`.execute(t.db),
        /payment_lines_one_(success|live)|duplicate key|unique/,
      );
    });

    it('supplementary roll: the failed and the late-added, never the paid; two at once → only one', async () => {
      await insertPersons(t.db, C, [{ idNumber: id(9), name: '郑十一', householdNo: 'H8', villageCode: V1, accountNo: '6230009' }]);
      const results = await Promise.allSettled([
        buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'supplementary' }),
        buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'supplementary' }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      assert.equal(ok.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
      assert.match(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason), /不能重复发放|没有需要补发/);
      const sup = (ok[0] as PromiseFulfilledResult<any>).value;
      const { lines } = await listLines(t.db, C, sup.id);
      assert.deepEqual(lines.map((l) => l.idNumber).sort(), [id(4), id(9)].sort());
      assert.deepEqual(await listFailures(t.db, C, '2024'), [], 'the failed one is re-issued');
      await assert.rejects(buildPayroll(t.db, actor, { countyCode: C, period: '2024', kind: 'supplementary' }), /没有需要补发/);
    });

    it('closes only when every line has a result', async () => {
      const roll = await closePayroll(t.db, actor, C, rollId);
      assert.equal(roll.status, 'closed');
    });

    it('GBK and XLSX bank files read back the same', async () => {
      const r = await buildPayroll(t.db, actor, { countyCode: C, period: '2025', kind: 'regular' });
      await reviewPayroll(t.db, reviewer, C, r.id);
      for (const tpl of ['gbk-csv', 'generic-xlsx']) {
        const { buf } = await exportToBuffer(t.db, r.id, tpl);
        const table = await openTable(buf);
        if (tpl === 'gbk-csv') assert.equal(table.encoding, 'gb18030');
        assert.equal(table.format, tpl === 'gbk-csv' ? 'csv' : 'xlsx');
        const rows: string[][] = [];
        for await (const x of table.rows) rows.push(x.cells.map(cellText));
        assert.equal(rows.length, 6); // 1 2 3 7 8 9: 4 ended in 2024, 5 and 6 removed
        assert.ok(rows.some((c) => c[1] === id(1) && c[2] === '张大山' && c[3] === '720.00'));
      }
    });

    it('half-year periods: the settings switch to half-year, a term starting and one ending inside a half', async () => {
      const C2 = '430583';
      const V = '430583101001';
      const ids = [1, 2, 3].map((n) => makeId('430583', '19700101', n));
      await insertPersons(t.db, C2, [
        { idNumber: ids[0], name: '甲', householdNo: 'K1', villageCode: V, accountNo: 'A1', supportStart: '2024-03-15' }, // H1: Apr–Jun
        { idNumber: ids[1], name: '乙', householdNo: 'K2', villageCode: V, accountNo: 'A2', supportStart: '2004-10-01' }, // ends 2024-09-30: H2 Jul–Sep
        {
          idNumber: ids[2],
          name: '丙',
          householdNo: 'K3',
          villageCode: V,
          accountNo: 'A3',
          status: '已核减',
          removalDate: '2024-07-01',
          removalReason: '死亡',
        }, // removed on H2's first day
      ]);
      await saveSettings(t.db, actor, C2, '2024-01-01', { periodKind: 'half-year' });
      await assert.rejects(buildPayroll(t.db, actor, { countyCode: C2, period: '2024', kind: 'regular' }), /按半年发放/);
      const h1 = await buildPayroll(t.db, actor, { countyCode: C2, period: '2024H1', kind: 'regular' });
      const h2 = await buildPayroll(t.db, actor, { countyCode: C2, period: '2024H2', kind: 'regular' });
      const amounts = async (id: number) => Object.fromEntries((await listLines(t.db, C2, id)).lines.map((l) => [l.idNumber, [l.months, l.amountFen]]));
      assert.deepEqual(await amounts(h1.id), { [ids[0]]: [3, 15000], [ids[1]]: [6, 30000], [ids[2]]: [6, 30000] });
      assert.deepEqual(await amounts(h2.id), { [ids[0]]: [6, 30000], [ids[1]]: [3, 15000] });
      assert.match((await listExclusions(t.db, C2, h2.id))[0].reason, /已于2024-07-01核减，不晚于期间首日2024-07-01/);
    });

    it('the database refuses a line without its roll; a role that may not skip trigger checks builds the same roll', async () => {
      // a roll build skips the per-line foreign-key check for its own insert only
      await assert.rejects(
        sql`INSERT INTO payment_lines (county_code, payroll_id, line_no, period, id_number, id_valid, name, household_no, village_code,
          township_code, township_name, village_name, months, standard_fen, amount_fen, account_source)
        VALUES (${C}, 987654, 1, '2030', ${id(1)}, true, '张大山', 'H1', ${V1}, '430582101', '', '', 12, 60000, 60000, 'own')`.execute(t.db),
        /foreign key|violates/,
      );
      const role = await sql<{ r: string }>`SELECT current_setting('session_replication_role') AS r`.execute(t.db);
      assert.equal(role.rows[0].r, 'origin');
      if (engine !== 'postgres') return;
      const C3 = '431021',
        V = '431021101001';
      await insertPersons(t.db, C3, [
        { idNumber: makeId('431021', '19650101', 1), name: '甲', householdNo: 'N1', villageCode: V, accountNo: 'B1' },
        { idNumber: makeId('431021', '19650101', 2), name: '乙', householdNo: 'N1', villageCode: V, relation: '配偶', accountNo: 'B2' },
      ]);
      const name = `anju_plain_${Date.now().toString(36)}`;
      const dbName = (await sql<{ d: string }>`SELECT current_database() AS d`.execute(t.db)).rows[0].d;
      await t.exec(`CREATE ROLE ${name} LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${name}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${name};`);
      const url = new URL(TEST_SERVER_URL);
      url.username = name;
      url.password = '';
      url.pathname = '/' + dbName;
      const plain = await openDatabase({ databaseUrl: url.toString() });
      try {
        const roll = await buildPayroll(plain.db, actor, { countyCode: C3, period: '2024', kind: 'regular' });
        assert.equal(roll.persons, 2);
        assert.equal(roll.totalFen, 120000);
      } finally {
        await plain.close();
        await t.exec(`REASSIGN OWNED BY ${name} TO CURRENT_USER; DROP OWNED BY ${name}; DROP ROLE ${name};`);
      }
    });

    it('notice list masks the ID and shows no account', async () => {
      const rows = await noticeRows(t.db, C, rollId);
      assert.equal(rows.length, 6);
      const html = noticeHtml('2024年度后期扶持直补资金公示', rows);
      assert.ok(!html.includes(id(1)) && !html.includes('6230001'));
      assert.ok(html.includes('张大山') && html.includes('600.00'));
      assert.ok(html.includes('&#39;=周九') || html.includes('=周九'));
      const x = await noticeXlsx('公示', rows);
      const table = await openTable(x);
      assert.ok(table.headers.length > 0);
      assert.ok((await verifyAuditChain(t.db)).ok);
    });
  });
}
