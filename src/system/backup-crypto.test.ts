// Backups readable by their owner only, and optionally encrypted (AES-256-GCM, scrypt):
// restore decrypts; a wrong passphrase or a changed byte is refused and changes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, statSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { appendAudit } from '../shared/audit.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';

describe('backup files: owner-only, encrypted with a passphrase', () => {
  let src: TestDatabase;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anju-enc-'));
    src = await createTestDatabase('pglite');
    await sql`INSERT INTO counties (code, name) VALUES ('430582', '示例县')`.execute(src.db);
    await appendAudit(src.db, { userId: null, username: 't' }, { action: 'person.update', detail: { idNumber: '430582199001011234' } });
  });
  after(async () => {
    await src.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes mode 0600, also over an existing world-readable file', async () => {
    const file = join(dir, 'plain.jsonl.gz');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await backupDatabase(src, file, { version: 'test' });
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  for (const gzip of [true, false]) {
    it(`encrypts (${gzip ? 'gzip' : 'no gzip'}) so no content is readable, and restores with the passphrase`, async () => {
      const file = join(dir, `enc-${gzip}.anju`);
      await backupDatabase(src, file, { version: 'test', passphrase: 'correct horse battery', gzip });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const bytes = readFileSync(file);
      assert.equal(bytes.subarray(0, 8).toString(), 'ANJUENC1');
      assert.ok(!bytes.includes(Buffer.from('430582199001011234')) && !bytes.includes(Buffer.from('anju_backup')));
      const dst = await createTestDatabase('pglite');
      try {
        await assert.rejects(restoreDatabase(dst, file), /已加密.*ANJU_BACKUP_PASSPHRASE/);
        await assert.rejects(restoreDatabase(dst, file, { passphrase: 'wrong horse battery' }), /口令不正确/);
        const r = await restoreDatabase(dst, file, { passphrase: 'correct horse battery' });
        assert.equal(r.audit.ok, true);
        assert.equal(r.audit.entries, 1);
        assert.deepEqual((await sql<{ name: string }>`SELECT name FROM counties`.execute(dst.db)).rows, [{ name: '示例县' }]);
      } finally {
        await dst.drop();
      }
    });
  }

  it('refuses an encrypted file with one byte changed, leaving the database as it was', async () => {
    const file = join(dir, 'enc.anju');
    await backupDatabase(src, file, { version: 'test', passphrase: 'correct horse battery' });
    const bytes = readFileSync(file);
    bytes[bytes.length - 40] ^= 1;
    const bad = join(dir, 'bad.anju');
    writeFileSync(bad, bytes);
    const dst = await createTestDatabase('pglite');
    try {
      await sql`INSERT INTO counties (code, name) VALUES ('431122', '东安县')`.execute(dst.db);
      await assert.rejects(restoreDatabase(dst, bad, { passphrase: 'correct horse battery', force: true }), /被改动或已损坏|已损坏/);
      assert.deepEqual((await sql<{ name: string }>`SELECT name FROM counties`.execute(dst.db)).rows, [{ name: '东安县' }]);
    } finally {
      await dst.drop();
    }
  });
});
