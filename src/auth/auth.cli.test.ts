// `anju users …`, `anju audit verify` and `anju db backup/restore` as a user runs them, on an
// embedded database in a temporary folder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../shared/db/database.ts';

const anju = (args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, ['bin/anju.mjs', ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('anju users / audit verify / db backup+restore (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anju-auth-cli-'));
    env = { ANJU_DATA_DIR: join(dir, 'data') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates users, prints a generated password once, lists and resets', () => {
    const a = anju(['users', 'create', '--username', 'wang', '--role', 'township', '--region', '430582101', '--name', '王五'], env);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /已新建用户 wang（乡镇移民专干，辖区 430582101）/);
    assert.match(a.out, /初始密码：[A-Za-z0-9]{12}/);
    const b = anju(['users', 'create', '--username', 'li', '--role', 'county', '--region', '430582', '--password', 'Hgtrw5kq9'], env);
    assert.equal(b.code, 0, b.err);
    assert.doesNotMatch(b.out, /初始密码/);
    const bad = anju(['users', 'create', '--username', 'x9', '--role', 'township', '--region', '430582'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /9位乡镇代码/);
    const l = anju(['users', 'list'], env);
    assert.match(l.out, /wang\t王五\t乡镇移民专干/);
    assert.match(l.out, /共 2 个用户/);
    const r = anju(['users', 'reset-password', 'wang'], env);
    assert.match(r.out, /新密码：[A-Za-z0-9]{12}/);
  });

  it('backs up and restores refusing a non-empty database', () => {
    const file = join(dir, 'b.jsonl.gz');
    const b = anju(['db', 'backup', '--out', file], env);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /已备份到/);
    const refused = anju(['db', 'restore', file], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /--force/);
    // the audit key is not in the backup: the restored database is checked with the original key file
    const other = { ANJU_DATA_DIR: join(dir, 'data2'), ANJU_AUDIT_KEY_FILE: join(dir, 'data', 'audit.key') };
    const r = anju(['db', 'restore', file], other);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /审计日志校验通过：3 条/);
    assert.match(r.out, /恢复：\d+ 张表/);
  });

  it('audit verify passes, then names the entry someone changed and exits non-zero', async () => {
    const ok = anju(['audit', 'verify'], env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /审计日志完整：共 3 条记录/);
    const d = await openDatabase({ dataDir: env.ANJU_DATA_DIR });
    try {
      await d.exec(
        `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'someone' WHERE seq = 2; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;`,
      );
    } finally {
      await d.close();
    }
    const broken = anju(['audit', 'verify'], env);
    assert.equal(broken.code, 3);
    assert.match(broken.err, /第 2 条记录处断开/);
  });

  it('keys the chain with data/audit.key (0600), writes and checks anchors, and encrypts backups', async () => {
    const env3 = { ANJU_DATA_DIR: join(dir, 'data3') };
    assert.equal(anju(['users', 'create', '--username', 'zhao', '--role', 'county', '--region', '430582'], env3).code, 0);
    const keyFile = join(dir, 'data3', 'audit.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const anchor = join(dir, 'anchor.json');
    const a = anju(['audit', 'anchor', '--out', anchor], env3);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /已写出审计锚点.*共 1 条/);
    const ok = anju(['audit', 'verify', '--anchor', anchor], env3);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /第 1 条起带密钥签名；与 \d{4}-\d\d-\d\d 的锚点（第 1 条）一致/);
    // without the key file the keyed chain cannot be verified
    const noKey = anju(['audit', 'verify'], { ...env3, ANJU_AUDIT_KEY_FILE: join(dir, 'nowhere.key') });
    assert.notEqual(noKey.code, 0);
    assert.match(noKey.err, /已从第1条起启用密钥，找不到原密钥/);

    const enc = join(dir, 'enc.anju');
    const refused = anju(['db', 'backup', '--out', enc, '--encrypt'], { ...env3, ANJU_BACKUP_PASSPHRASE: '' });
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /ANJU_BACKUP_PASSPHRASE/);
    const b = anju(['db', 'backup', '--out', enc, '--encrypt'], { ...env3, ANJU_BACKUP_PASSPHRASE: 'county-office-2026' });
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /已加密备份到/);
    assert.equal(statSync(enc).mode & 0o777, 0o600);
    const r = anju(['db', 'restore', enc], { ANJU_DATA_DIR: join(dir, 'data4'), ANJU_AUDIT_KEY_FILE: keyFile, ANJU_BACKUP_PASSPHRASE: 'county-office-2026' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /审计日志校验通过：1 条/);

    // an entry rewritten after the anchor was taken: the anchor no longer matches
    const d = await openDatabase({ dataDir: env3.ANJU_DATA_DIR });
    try {
      await d.exec(
        `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'someone' WHERE seq = 1; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;`,
      );
    } finally {
      await d.close();
    }
    const broken = anju(['audit', 'verify', '--anchor', anchor], env3);
    assert.equal(broken.code, 3);
  });
});
