// The keyed audit chain: a database owner who rewrites an entry and recomputes the plain hashes
// no longer passes verification; older unkeyed entries are still checked the old way.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { appendAudit, canonicalJson, verifyAuditChain } from './audit.ts';
import { createAuditKey, ensureAuditKey, readAuditKey, setAuditKey } from './audit-key.ts';
import { createTestDatabase, testEngines, type TestDatabase } from './db/testing.ts';

const actor = { userId: null, username: '测试' };

/** What an attacker with database-owner rights does: edit entry `seq`, recompute every plain sha256 link after it. */
async function rewriteWithPlainHashes(t: TestDatabase, seq: number) {
  await t.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
  await sql`UPDATE audit_log SET after = '{"amountFen":1}'::jsonb WHERE seq = ${seq}`.execute(t.db);
  const rows =
    await sql<any>`SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, user_id, username, action, entity_type, entity_id, county_code, before, after, detail, prev_hash
    FROM audit_log ORDER BY seq`.execute(t.db);
  let prev = '0'.repeat(64);
  for (const r of rows.rows) {
    const body = canonicalJson({
      seq: Number(r.seq),
      at: r.at,
      user_id: r.user_id === null ? null : Number(r.user_id),
      username: r.username,
      action: r.action,
      entity_type: r.entity_type,
      entity_id: r.entity_id,
      county_code: r.county_code,
      before: r.before ?? null,
      after: r.after ?? null,
      detail: r.detail ?? null,
    });
    const h = createHash('sha256').update(prev).update(body).digest('hex');
    await sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${h} WHERE seq = ${r.seq}`.execute(t.db);
    prev = h;
  }
  await sql`UPDATE audit_head SET hash = ${prev} WHERE one`.execute(t.db);
  await t.exec(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`);
}

for (const engine of await testEngines()) {
  describe(`keyed audit chain (${engine})`, () => {
    let t: TestDatabase;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'anju-key-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
    });
    afterEach(async () => {
      setAuditKey(null);
      await t?.drop();
    });

    it('keeps old unkeyed entries verifiable and keys the new ones; plain recomputation is caught', async () => {
      t = await createTestDatabase(engine);
      await appendAudit(t.db, actor, [{ action: 'old.a' }, { action: 'old.b' }]); // written by an older version
      const file = join(dir, `audit-${engine}.key`);
      const { key, created } = await ensureAuditKey(t.db, file);
      assert.equal(created, true);
      assert.equal(key.keyedFrom, 3);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(readFileSync(file, 'utf8'), /keyed_from=3/);
      await appendAudit(t.db, actor, [{ action: 'payroll.review', after: { amountFen: 108090000 } }, { action: 'x' }]);
      const good = await verifyAuditChain(t.db);
      assert.deepEqual([good.ok, good.entries, good.keyedFrom], [true, 4, 3]);
      // a second start reads the same key
      setAuditKey(null);
      assert.equal((await ensureAuditKey(t.db, file)).created, false);

      await rewriteWithPlainHashes(t, 3);
      const bad = await verifyAuditChain(t.db);
      assert.equal(bad.ok, false);
      assert.equal(bad.brokenAt, 3);
      assert.match(bad.reason!, /密钥签名/);
    });

    it('catches a cleared key marker, and refuses to verify or append without the key', async () => {
      t = await createTestDatabase(engine);
      const key = await createAuditKey(t.db);
      setAuditKey(key);
      await appendAudit(t.db, actor, [{ action: 'a' }, { action: 'b' }]);
      assert.equal((await verifyAuditChain(t.db)).ok, true);
      // everything recomputed as plain sha256 and the marker cleared: the key file still says where keying began
      await rewriteWithPlainHashes(t, 1);
      await sql`UPDATE audit_head SET keyed_from = NULL WHERE one`.execute(t.db);
      const r = await verifyAuditChain(t.db);
      assert.equal(r.ok, false);
      assert.match(r.reason!, /密钥起点/);

      const u = await createTestDatabase(engine);
      try {
        setAuditKey(await createAuditKey(u.db));
        await appendAudit(u.db, actor, { action: 'a' });
        setAuditKey(null);
        const env = process.env.ANJU_AUDIT_KEY_FILE;
        process.env.ANJU_AUDIT_KEY_FILE = join(dir, 'missing.key');
        try {
          const noKey = await verifyAuditChain(u.db);
          assert.equal(noKey.ok, false);
          assert.match(noKey.reason!, /缺少密钥文件/);
          await assert.rejects(appendAudit(u.db, actor, { action: 'b' }), /找不到密钥文件/);
        } finally {
          if (env === undefined) delete process.env.ANJU_AUDIT_KEY_FILE;
          else process.env.ANJU_AUDIT_KEY_FILE = env;
        }
      } finally {
        await u.drop();
      }
    });

    it('never overwrites a key file', async () => {
      t = await createTestDatabase(engine);
      const file = join(dir, `keep-${engine}.key`);
      await ensureAuditKey(t.db, file);
      const before = readAuditKey(file)!.key.toString('hex');
      const u = await createTestDatabase(engine);
      try {
        await assert.rejects(createAuditKey(u.db, file), /EEXIST/);
      } finally {
        await u.drop();
      }
      assert.equal(readAuditKey(file)!.key.toString('hex'), before);
    });
  });
}
