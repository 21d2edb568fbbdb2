// anju monitoring match in a fresh process on an empty embedded database: every accepted row is
// 未在册, the rejected rows are listed with row, column and reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { synthId } from './synth.ts';

describe('anju monitoring match', () => {
  it('writes the matches and the rejected rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-mon-cli-'));
    try {
      const alerts = join(dir, '医保.csv');
      writeFileSync(alerts, `身份证号,姓名,预警类型,金额\n${synthId('430582', 5)},王伟,高额医疗费用,1200\n123,李芳,危房,\n`);
      const r = spawnSync(
        process.execPath,
        [
          'bin/anju.mjs',
          'monitoring',
          'match',
          '--alerts',
          alerts,
          '--out',
          join(dir, 'out.csv'),
          '--rejected',
          join(dir, 'rej.csv'),
          '--county',
          '430582',
          '--source',
          'medical',
        ],
        { encoding: 'utf8', env: { ...process.env, ANJU_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' } },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /共 2 行：接受 1（监测户 0，后扶人口 0，未在册 1），拒绝 1/);
      const out = readFileSync(join(dir, 'out.csv'), 'utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      assert.equal(out[0], '行号,身份证号,姓名,来源,预警类型,比对结果,监测户或户编号,村代码,证据');
      assert.match(out[1], /^2,430582\d{11}[\dX],王伟,医保,高额医疗费用,未在册,,,/);
      assert.match(readFileSync(join(dir, 'rej.csv'), 'utf8'), /,3,身份证号,身份证号无效/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
