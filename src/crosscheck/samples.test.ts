// The sample files (test/fixtures/samples) must reproduce expected_findings.csv, through the
// engine and through the `anju crosscheck` command.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { runCrosscheckFiles, type RowProblem } from './files.ts';
import { findingsCsv, FINDINGS_HEADER } from './findings-csv.ts';
import { problemsPathFor } from './crosscheck.cli.ts';

const S = 'test/fixtures/samples';

/** A finding row as a comparable key: code, ID, name, household, village, periods (set), amounts. */
function key(r: string[]): string {
  return [r[0], r[2], r[3], r[4], r[5], r[6].split(';').filter(Boolean).sort().join(';'), r[7], r[8]].join('|');
}
function rowsOf(csvText: string): string[][] {
  return parse(csvText.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];
}
const expected = rowsOf(readFileSync(join(S, 'expected_findings.csv'), 'utf8'));

function assertSameFindings(actualCsv: string) {
  const actual = rowsOf(actualCsv);
  assert.deepEqual(actual[0], [...FINDINGS_HEADER]);
  const want = new Set(expected.slice(1).map(key));
  const got = actual.slice(1).map(key);
  assert.equal(new Set(got).size, got.length, 'no finding twice');
  const missing = [...want].filter((k) => !got.includes(k));
  const extra = got.filter((k) => !want.has(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  for (const r of actual.slice(1)) assert.ok(r[9] && r[9].length > 10, `说明 present for ${r[0]} ${r[2]}`);
}

describe('sample files reproduce expected_findings.csv', () => {
  for (const roster of ['roster.csv', 'roster_gbk.csv', 'roster.xlsx']) {
    it(`with ${roster}`, async () => {
      const problems: RowProblem[] = [];
      const result = await runCrosscheckFiles(
        { roster: join(S, roster), payments: join(S, 'payments.csv'), deaths: join(S, 'deaths.csv'), hukou: join(S, 'hukou.csv') },
        { report: (p) => problems.push(p) },
      );
      const text = findingsCsv(result.findings);
      assert.ok(text.startsWith('\ufeff问题代码,问题类型,身份证号,姓名,户编号,村代码,涉及期间,多发金额,少发金额,说明\r\n'));
      assertSameFindings(text);
      assert.deepEqual(problems, []);
      assert.deepEqual(result.summary.periods, ['2021', '2022', '2023', '2024H1', '2024H2']);
      assert.deepEqual(result.summary.coverage, ['430582']);
    });
  }
});

describe('anju crosscheck (command line)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anju-cc-'));
  });
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/anju.mjs', 'crosscheck', ...args], { encoding: 'utf8' });

  it('writes the findings file and a Chinese summary', () => {
    const out = join(dir, '核查结果.csv');
    const r = cli(
      '--roster',
      join(S, 'roster.csv'),
      '--payments',
      join(S, 'payments.csv'),
      '--deaths',
      join(S, 'deaths.csv'),
      '--hukou',
      join(S, 'hukou.csv'),
      '--out',
      out,
    );
    assert.equal(r.status, 0, r.stderr);
    assertSameFindings(readFileSync(out, 'utf8'));
    assert.match(r.stdout, /死亡后仍领取（DECEASED_PAID）：27人/);
    assert.match(r.stdout, /多发合计 111700\.00 元，少发合计 19670\.00 元/);
    assert.equal(existsSync(problemsPathFor(out)), false);
  });

  it('reports unreadable rows with row, column and reason, and still checks the good rows', () => {
    const pay = join(dir, 'pay.csv');
    writeFileSync(
      pay,
      '发放期间,身份证号,姓名,金额,发放结果\n2023,430582195507296475,李明根,六百,成功\n2023,430582195708041268,朱菊,600,成功\n2023Q3,430582195708041268,朱菊,600,成功\n',
    );
    const deaths = join(dir, 'deaths.csv');
    writeFileSync(deaths, '姓名,身份证号,死亡日期\n朱菊,430582195708041268,2020-13-45\n');
    const out = join(dir, 'f2.csv');
    const r = cli('--roster', join(S, 'roster.csv'), '--payments', pay, '--deaths', deaths, '--periods', '2023', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /发放明细 第2行【金额】金额“六百”不是有效金额/);
    assert.match(r.stderr, /发放明细 第4行【发放期间】/);
    assert.match(r.stderr, /死亡名单 第2行【死亡日期】/);
    const side = readFileSync(problemsPathFor(out), 'utf8');
    assert.match(side, /^\ufeff文件,行号,列,问题,处理/);
    assert.equal(rowsOf(side).length, 4);
    assert.ok(readFileSync(out, 'utf8').includes('UNPAID'));
  });

  it('refuses a file without a required column, naming it, with a non-zero exit', () => {
    const pay = join(dir, 'pay-bad.csv');
    writeFileSync(pay, '发放期间,身份证号,姓名,发放结果\n2023,430582195507296475,李明根,成功\n');
    const r = cli('--roster', join(S, 'roster.csv'), '--payments', pay, '--out', join(dir, 'f3.csv'));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /发放明细文件缺少必需的列：金额/);
  });
});
