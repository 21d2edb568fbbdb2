// The samples of FORMATS §9: every expected quarter exactly (说明 free, but 逾期 exactly on the
// overdue rows) from loans.csv (GB18030) and loans.xlsx, and the rejected rows, through the
// real `anju microcredit subsidy` command and through readBook.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { readBook } from './files.ts';
import { quarterSubsidy, subsidyCsv, rejectedCsv } from './subsidy.ts';
import { parseQuarter } from './values.ts';
import { MC_SAMPLES, QUARTERS, csvRows, assertSameSubsidy } from './samples.testkit.ts';

const S = (f: string) => join(MC_SAMPLES, f);

describe('microcredit samples (§9)', () => {
  for (const loans of ['loans.csv', 'loans.xlsx']) {
    it(`reproduces every expected quarter and the rejected rows from ${loans}`, async () => {
      const book = await readBook({ loans: S(loans), repayments: S('repayments.csv'), rates: S('rates.csv') });
      for (const q of QUARTERS)
        assertSameSubsidy(subsidyCsv(quarterSubsidy(book.loans, parseQuarter(q)!)), readFileSync(S(`expected_${q}.csv`), 'utf8'), `${loans} ${q}`);
      const rej = csvRows(rejectedCsv(book.rejected)),
        exp = csvRows(readFileSync(S('expected_rejected.csv'), 'utf8'));
      assert.deepEqual(
        rej.map((r) => r.slice(0, 2)),
        exp.map((r) => r.slice(0, 2)),
      );
      assert.deepEqual(rej, exp, 'reasons as in the sample');
    });
  }

  it('the real CLI writes the files (UTF-8 with BOM) and exits 2 on a bad quarter or an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-mc-'));
    const run = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/anju.mjs', 'microcredit', 'subsidy', '--loans', S('loans.csv'), '--repayments', S('repayments.csv'), '--rates', S('rates.csv'), ...extra],
        { encoding: 'utf8', timeout: 120_000 },
      );
    const r = run('--quarter', '2020Q2', '--out', join(dir, 'out.csv'), '--rejected', join(dir, 'rej.csv'));
    assert.equal(r.status, 0, r.stderr);
    const out = readFileSync(join(dir, 'out.csv'), 'utf8');
    assert.ok(out.startsWith('\ufeff贷款编号,身份证号'));
    assertSameSubsidy(out, readFileSync(S('expected_2020Q2.csv'), 'utf8'), 'CLI 2020Q2');
    assert.deepEqual(csvRows(readFileSync(join(dir, 'rej.csv'), 'utf8')), csvRows(readFileSync(S('expected_rejected.csv'), 'utf8')));
    const bad = run('--quarter', '2020Q5', '--out', join(dir, 'x.csv'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /季度“2020Q5”无法识别/);
    const missing = spawnSync(
      process.execPath,
      [
        'bin/anju.mjs',
        'microcredit',
        'subsidy',
        '--loans',
        join(dir, 'none.csv'),
        '--repayments',
        S('repayments.csv'),
        '--rates',
        S('rates.csv'),
        '--quarter',
        '2020Q2',
        '--out',
        join(dir, 'x.csv'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /贷款台账无法读取/);
    const columns = spawnSync(
      process.execPath,
      [
        'bin/anju.mjs',
        'microcredit',
        'subsidy',
        '--loans',
        S('rates.csv'),
        '--repayments',
        S('repayments.csv'),
        '--rates',
        S('rates.csv'),
        '--quarter',
        '2020Q2',
        '--out',
        join(dir, 'x.csv'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(columns.status, 2);
    assert.match(columns.stderr, /贷款台账缺少必需的列：贷款编号/);
  });
});

describe('microcredit CLI against the database', () => {
  it('imports the samples and writes each quarter from the database as the file mode does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-mcdb-'));
    const env = { ...process.env, DATABASE_URL: '', ANJU_DATA_DIR: join(dir, 'data') };
    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/anju.mjs', 'microcredit', ...args], { encoding: 'utf8', env, timeout: 300_000 });
    const files = ['--loans', S('loans.csv'), '--repayments', S('repayments.csv'), '--rates', S('rates.csv')];
    const imp = cli('import', ...files, '--rejected', join(dir, 'rej.csv'));
    assert.match(imp.stdout, /^430923：已导入/, 'the county read from the loans’ 村代码');
    assert.equal(imp.status, 0, imp.stderr);
    assert.deepEqual(csvRows(readFileSync(join(dir, 'rej.csv'), 'utf8')), csvRows(readFileSync(S('expected_rejected.csv'), 'utf8')));
    assert.match(cli('import', ...files).stdout, /相同，未作任何改动/);
    for (const q of QUARTERS) {
      const r = cli('subsidy', '--quarter', q, '--out', join(dir, `${q}.csv`));
      assert.equal(r.status, 0, r.stderr);
      assertSameSubsidy(readFileSync(join(dir, `${q}.csv`), 'utf8'), readFileSync(S(`expected_${q}.csv`), 'utf8'), `CLI db ${q}`);
    }
    assert.equal(cli('subsidy', '--quarter', '2020Q2', '--loans', S('loans.csv'), '--out', join(dir, 'x.csv')).status, 2);
  });
});
