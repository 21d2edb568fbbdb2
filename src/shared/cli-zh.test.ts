// `anju` speaks Chinese: help titles, 必填 on required options, commander's errors, and the
// notice of where a new database is made when ANJU_DATA_DIR is not set.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commanderErrorZh } from './cli-zh.ts';

const BIN = resolve('bin/anju.mjs');
const anju = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', ...opts.env };
  if (opts.env && 'ANJU_DATA_DIR' in opts.env && opts.env.ANJU_DATA_DIR === undefined) delete env.ANJU_DATA_DIR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const english = /\b(Usage|Options|Commands|Arguments|error|display help|output the version|required option|unknown command|default:)\b/;

describe('anju in Chinese', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anju-zh-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help in Chinese, with required options marked 必填', () => {
    const top = anju(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.out, /^用法： anju \[选项\] \[命令\]/);
    assert.match(top.out, /选项：[\s\S]*显示版本号[\s\S]*显示帮助[\s\S]*命令：/);
    assert.doesNotMatch(top.out, english);
    const sub = anju(['db', 'backup', '--help']);
    assert.match(sub.out, /--out <file>\s+备份文件.*（必填）/);
    assert.doesNotMatch(sub.out, english);
  });

  it('translates commander errors', () => {
    const missing = anju(['db', 'backup']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /^错误：缺少必填选项 --out <file>/);
    const unknown = anju(['users', 'crete']);
    assert.match(unknown.err, /错误：没有命令 crete\n（是不是要输入 create？）/);
    const opt = anju(['db', 'backup', '--out', 'x', '--bogus']);
    assert.match(opt.err, /错误：没有选项 --bogus/);
    for (const r of [missing, unknown, opt]) assert.doesNotMatch(r.err, english);
    assert.equal(commanderErrorZh("error: too many arguments for 'list'. Expected 0 arguments but got 1."), '错误：命令 list 的参数过多，应为0个，实际1个');
    assert.equal(commanderErrorZh("error: missing required argument 'file'"), '错误：缺少必填参数 <file>');
  });

  it('says where it makes a database when ANJU_DATA_DIR is not set, and only then', () => {
    const first = anju(['users', 'list'], { cwd: dir, env: { ANJU_DATA_DIR: undefined } });
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.err,
      new RegExp(`未设置 ANJU_DATA_DIR，当前目录下没有数据库，将在 ${join(dir, 'data').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} 新建嵌入式数据库`),
    );
    const again = anju(['users', 'list'], { cwd: dir, env: { ANJU_DATA_DIR: undefined } });
    assert.doesNotMatch(again.err, /未设置 ANJU_DATA_DIR/);
    const set = anju(['users', 'list'], { env: { ANJU_DATA_DIR: join(dir, 'other') } });
    assert.doesNotMatch(set.err, /未设置 ANJU_DATA_DIR/);
  });
});
