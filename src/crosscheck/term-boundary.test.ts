// FORMATS §6 month boundaries through file mode (`anju crosscheck` reads CSV files): a period
// with no whole month inside the support term is outside it — NOT_ELIGIBLE_PAID.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCrosscheckFiles, type RowProblem } from './files.ts';
import { termBoundaryCases } from './testkit.ts';

describe('§6 month boundaries in file mode', () => {
  it('each boundary gives the code the engine gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-term-'));
    try {
      const cases = termBoundaryCases();
      const roster = [
        '户编号,姓名,身份证号,与户主关系,村代码,扶持开始日期,扶持截止日期,状态,核减日期,核减原因',
        ...cases.map((x, i) => `H${i},张三,${x.idNumber},户主,430582130241,2004-07-12,${x.supportEnd},正常,,`),
      ].join('\r\n');
      const payments = [
        '批次号,发放期间,身份证号,姓名,银行账号,持卡人姓名,金额,发放结果,发放日期,备注',
        ...cases.map((x) => `B1,2024H2,${x.idNumber},张三,6217000000000000001,张三,300.00,成功,2024-12-01,`),
      ].join('\r\n');
      writeFileSync(join(dir, 'roster.csv'), '\ufeff' + roster);
      writeFileSync(join(dir, 'payments.csv'), '\ufeff' + payments);
      const problems: RowProblem[] = [];
      const r = await runCrosscheckFiles({ roster: join(dir, 'roster.csv'), payments: join(dir, 'payments.csv') }, { report: (p) => problems.push(p) });
      assert.deepEqual(problems, []);
      for (const x of cases) {
        const fs = r.findings.filter((f) => f.idNumber === x.idNumber);
        assert.deepEqual(fs.map((f) => f.code).sort(), x.expect, x.supportEnd);
        for (const f of fs) assert.equal(f.overFen, x.overFen, x.supportEnd);
      }
      assert.deepEqual(
        r.findings.filter((f) => f.idNumber === cases.find((x) => x.supportEnd === '2024-07-11')!.idNumber).map((f) => f.code),
        ['NOT_ELIGIBLE_PAID'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
