// File mode against the sample files: the §7 problem list for quality_roster (CSV UTF-8,
// CSV GB18030 and XLSX) must equal expected_problems.csv as a set of rows (all columns but
// 说明 exactly; 说明 not empty). Also runs the real CLI once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { runFileMode } from './file-mode.ts';
import { selectRules } from './catalogue.ts';
import { PROBLEM_HEADERS } from './problems-file.ts';

const SAMPLES = 'test/fixtures/samples';

function readProblems(path: string): { headers: string[]; rows: Record<string, string>[]; bom: boolean } {
  const buf = readFileSync(path);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const records: string[][] = parse(buf.toString('utf8').replace(/^\ufeff/, ''), { relax_column_count: false });
  const [headers, ...body] = records;
  return { headers, bom, rows: body.map((r) => Object.fromEntries(headers.map((h, i) => [h, r[i]]))) };
}

const keyOf = (r: Record<string, string>) =>
  PROBLEM_HEADERS.filter((h) => h !== '说明')
    .map((h) => r[h])
    .join('|');

function assertSameProblems(actualPath: string) {
  const expected = readProblems(join(SAMPLES, 'expected_problems.csv'));
  const actual = readProblems(actualPath);
  assert.equal(actual.bom, true, 'UTF-8 with BOM');
  assert.deepEqual(actual.headers, [...PROBLEM_HEADERS]);
  assert.deepEqual(actual.rows.map(keyOf).sort(), expected.rows.map(keyOf).sort());
  for (const r of actual.rows) assert.ok(r['说明'].length > 10, `说明 empty for ${keyOf(r)}`);
}

describe('file mode on the sample quality roster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anju-quality-'));
  for (const file of ['quality_roster.csv', 'quality_roster_gbk.csv', 'quality_roster.xlsx']) {
    it(`${file} reproduces expected_problems.csv`, async () => {
      const out = join(dir, `${file}.problems.csv`);
      const r = await runFileMode({ roster: join(SAMPLES, file), out, asOf: '2024-12-31', rules: selectRules().rules });
      assert.equal(r.persons.length, 4010);
      assert.deepEqual(r.counties, ['430582', '430602', '431224']);
      assertSameProblems(out);
    });
  }

  it('names the counties when asked: other counties become VILLAGE_CODE_INVALID', async () => {
    const r = await runFileMode({
      roster: join(SAMPLES, 'quality_roster.csv'),
      asOf: '2024-12-31',
      counties: ['430582', '430602'],
      rules: selectRules().rules,
    });
    assert.equal(r.counts.get('VILLAGE_CODE_INVALID'), 2 + 102);
  });

  it('extra rules only with --all-rules', async () => {
    const s7 = await runFileMode({ roster: join(SAMPLES, 'quality_roster.csv'), asOf: '2024-12-31', rules: selectRules().rules });
    const all = await runFileMode({ roster: join(SAMPLES, 'quality_roster.csv'), asOf: '2024-12-31', rules: selectRules({ all: true }).rules });
    assert.ok(all.problems.length > s7.problems.length);
    const s7codes = new Set(selectRules().rules.map((r) => r.code));
    assert.ok(s7.problems.every((p) => s7codes.has(p.code)));
  });

  it('the anju quality command writes the list and a Chinese summary', () => {
    const out = join(dir, 'cli.csv');
    const r = spawnSync(
      process.execPath,
      ['bin/anju.mjs', 'quality', '--roster', join(SAMPLES, 'quality_roster_gbk.csv'), '--date', '2024-12-31', '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /发现问题 214 条/);
    assert.match(r.stdout, /DUP_ID\t身份证号重复\t错误\t28/);
    assertSameProblems(out);
    const bad = spawnSync(
      process.execPath,
      ['bin/anju.mjs', 'quality', '--roster', join(SAMPLES, 'quality_roster.csv'), '--date', '2024-13-01', '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /核查日期无效/);
    rmSync(dir, { recursive: true, force: true });
  });
});
