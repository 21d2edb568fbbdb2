// A roster as offices keep it (synth/slips.ts: GB18030, blanks and slips), read and imported at
// a size where the embedded engine loads in bulk (secondary indexes built once at the end).
// The bulk path must leave exactly what row-by-row writing leaves: the same persons, accounts
// and indexes, and a second import of the same file changes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { testEngines, createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { generateDemoRoster } from './demo.ts';
import { rosterCsv, rosterXlsx } from './roster-export.ts';
import { readRosterFile, applyRoster } from './roster-import.ts';
import { loadRegister } from './roster-import.store.ts';
import { personKey } from './roster-file.ts';
import { withSlips } from '../synth/slips.ts';

const actor = { userId: null, username: '测试' };
const PERSONS = 21_000; // above the bulk threshold (20 000 new persons)

const slipped = withSlips(generateDemoRoster({ persons: PERSONS, seed: 7, asOf: '2026-06-30' }), { seed: 7 });
const gb18030 = () =>
  iconv.encode(
    rosterCsv(slipped.headers, slipped.rows)
      .toString('utf8')
      .replace(/^\ufeff/, ''),
    'gb18030',
  );

const counts = (problems: { kind: string; rowNumber: number }[]) => ({
  corrected: problems.filter((p) => p.kind === 'corrected').length,
  rejectedRows: new Set(problems.filter((p) => p.kind === 'rejected').map((p) => p.rowNumber)).size,
});

describe('a roster with the usual blanks and slips', () => {
  it('reports every planted slip once, from GB18030 CSV and from XLSX alike', async () => {
    assert.ok(slipped.planted.corrected > 2000 && slipped.planted.warnings > 500, 'the file is realistic: about a fifth of the rows need a word');
    const csv = await readRosterFile(gb18030(), { asOf: '2026-06-30' });
    const xlsx = await readRosterFile(await rosterXlsx(slipped.headers, slipped.rows), { asOf: '2026-06-30' });
    for (const f of [csv, xlsx]) {
      const c = counts(f.problems);
      assert.equal(c.corrected, slipped.planted.corrected);
      assert.equal(c.rejectedRows, slipped.planted.rejectedRows);
      const idProblems = f.problems.filter((p) => p.column === '身份证号' && (p.kind === 'error' || p.kind === 'warning'));
      assert.equal(idProblems.length, slipped.planted.invalidIds);
      assert.equal(f.problems.filter((p) => p.kind === 'warning' && p.column !== '身份证号').length, slipped.planted.warnings);
      assert.equal(f.records.length + slipped.planted.rejectedRows, slipped.rows.length);
    }
    assert.equal(csv.encoding, 'gb18030');
    assert.deepEqual(
      csv.records.map((r) => ({ ...r, rowNumber: 0 })),
      xlsx.records.map((r) => ({ ...r, rowNumber: 0 })),
      'both containers give the same records',
    );
  });
});

for (const engine of await testEngines()) {
  describe(`bulk roster import (${engine})`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(engine);
    });
    after(async () => {
      await db?.drop();
    });

    const indexes = async () =>
      (
        await sql<{ d: string }>`SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('persons', 'accounts')
          ORDER BY indexname`.execute(db.db)
      ).rows.map((x) => x.d);

    const indexOids = async () =>
      (
        await sql<{ o: string }>`SELECT indexrelid::text AS o FROM pg_index WHERE indrelid = 'persons'::regclass AND NOT indisunique ORDER BY 1`.execute(db.db)
      ).rows
        .map((x) => x.o)
        .join(',');

    it('writes every record and account as read, keeps the indexes as the migrations made them, and a re-import changes nothing', async () => {
      const before = await indexes();
      const oidsBefore = await indexOids();
      const content = gb18030();
      const file = await readRosterFile(content, { asOf: '2026-06-30' });
      const r = await applyRoster(db.db, content, { actor, asOf: '2026-06-30' });
      assert.equal(r.summary.added, file.records.length);
      assert.deepEqual(await indexes(), before, 'the same indexes, by the same definitions');
      // the register was empty: both engines built them anew after the load
      assert.notEqual(await indexOids(), oidsBefore, 'the bulk path was taken');

      const register = await loadRegister(db.db, ['430582']);
      assert.equal(register.size, file.records.length);
      for (const rec of file.records) {
        const got = register.get(personKey(rec));
        assert.ok(got, `row ${rec.rowNumber} is in the register`);
        assert.deepEqual({ ...got.record, rowNumber: rec.rowNumber }, rec, `row ${rec.rowNumber} as read`);
      }
      const ids = [...register.values()].map((x) => x.id);
      assert.equal(new Set(ids).size, ids.length, 'each person its own id');
      const accounts = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM accounts`.execute(db.db)).rows[0].n);
      assert.equal(accounts, file.records.filter((x) => x.accountNo !== '').length);
      const orphans = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM accounts a LEFT JOIN persons p ON p.county_code = a.county_code AND p.id = a.person_id
        WHERE p.id IS NULL`.execute(db.db);
      assert.equal(Number(orphans.rows[0].n), 0, 'every account belongs to a person');

      // the sequence moved past the ids taken: a person added afterwards gets a new one
      const next = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('persons', 'id')) AS id`.execute(db.db);
      assert.ok(Number(next.rows[0].id) > Math.max(...ids));

      // the indexes answer: a lookup by household and by name finds the rows
      const one = file.records[1234];
      const byName = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM persons WHERE county_code = '430582' AND name = ${one.name} AND household_no = ${one.householdNo}`.execute(db.db);
      assert.ok(Number(byName.rows[0].n) >= 1);

      const again = await applyRoster(db.db, content, { actor, asOf: '2026-06-30' });
      assert.equal(again.summary.added, 0);
      assert.equal(again.summary.changed, 0);
      assert.equal(again.summary.unchanged, file.records.length);
    });
  });
}
