// The commands as a user runs them: `node bin/anju.mjs import roster …` on an embedded
// database in a temporary folder (ANJU_DATA_DIR).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const anju = (args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, ['bin/anju.mjs', ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('anju import roster / export roster (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anju-cli-'));
    env = { ANJU_DATA_DIR: join(dir, 'data') };
    copyFileSync(join('test', 'fixtures', 'samples', 'roster_gbk.csv'), join(dir, 'roster_gbk.csv'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a roster, prints a Chinese summary, exits 0; a second run changes nothing', () => {
    const r = anju(['import', 'roster', join(dir, 'roster_gbk.csv')], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /读取 4010 行/);
    assert.match(r.out, /新增 4010 人，变更 0 人/);
    assert.match(r.out, /拒绝 0 行/);
    const list = /问题清单.*：(.+\.csv)/.exec(r.out)?.[1];
    assert.ok(list && existsSync(list), 'the full list of corrected rows is written to a file');
    const again = anju(['import', 'roster', join(dir, 'roster_gbk.csv')], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /新增 0 人，变更 0 人，无变化 4010 人/);
  });

  it('lists rejected rows inline and still exits 0', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(
      f,
      '户编号,姓名,身份证号,与户主关系,村代码,扶持开始日期,状态\n4305821302419001,张三,430582195507296475,户主,430582130241,2006-07-01,死亡\n4305821302419002,李四,430582195708041268,户主,430582130241,2006-07-01,正常\n',
    );
    const r = anju(['import', 'roster', f, '--dry-run'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /--dry-run/);
    assert.match(r.out, /将新增 1 人/);
    assert.match(r.out, /第2行 状态“死亡”：状态应为“正常”或“已核减”/);
  });

  it('exits non-zero with a clear message when the file cannot be read', () => {
    const missing = anju(['import', 'roster', join(dir, 'nope.csv')], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /文件不存在/);
    const f = join(dir, 'cut.xlsx');
    writeFileSync(f, readFileSync(join('test', 'fixtures', 'samples', 'roster.xlsx')).subarray(0, 30000));
    const cut = anju(['import', 'roster', f], env);
    assert.notEqual(cut.code, 0);
    assert.match(cut.err, /错误：.*(XLSX|损坏|不完整)/);
  });

  it('exports the roster masked by default, unmasked on request', () => {
    const out = join(dir, 'out.csv');
    const r = anju(['export', 'roster', '--out', out, '--county', '430582'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已导出 2007 人.*已脱敏/);
    assert.ok(!readFileSync(out, 'utf8').includes('430582195507296475'));
    const u = anju(['export', 'roster', '--out', out, '--county', '430582', '--unmasked', '--status', '正常'], env);
    assert.equal(u.code, 0, u.err);
    assert.ok(readFileSync(out, 'utf8').includes('430582195507296475'));
  });
});
