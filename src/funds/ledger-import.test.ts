// The sample ledger into the database, on both engines: the same rows rejected as the file
// check, every one of the 24 expected rate tables reproduced cell for cell from the database,
// a second import changing nothing, a dry run writing nothing, the county and its townships
// and villages added to a database that held another county.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { RATE_KEYS } from './ledger.types.ts';
import { checkLedgerSource, ledgerRates, rateTableCsv } from './ledger-file.ts';
import { writeSynthLedgerCsv } from './synth-write.ts';
import { importLedgerSource } from './ledger-import-file.ts';
import { ratesFromDb } from './rates-db.ts';
import { enterEntry, type Actor } from './funds.service.ts';
import { moneySums } from './funds.store.ts';
import { cachedLedger, sumsAsOf } from './ledger-cache.ts';

const SAMPLES = fileURLToPath(new URL('../../test/fixtures/samples/funds/', import.meta.url));
const LEDGER = join(SAMPLES, 'ledger.xlsx');
const CSV_LEDGER = join(SAMPLES, 'ledger_csv');
const COUNTY = '522727';
const cli: Actor = { userId: null, username: '测试', countyCode: '', regionCode: '' };
const meta = { filename: 'ledger.xlsx', sha256: 'x'.repeat(64) };

/** Expected rejections as sheet|row|code, from expected_rejected.csv. */
function expectedRejections(): string[] {
  const lines = readFileSync(join(SAMPLES, 'expected_rejected.csv'), 'utf8')
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .filter(Boolean)
    .slice(1);
  return lines.map((l) => l.split(',').slice(0, 3).join('|')).sort();
}

async function counts(t: TestDatabase) {
  const r = await sql<{
    b: number;
    p: number;
    e: number;
    s: number;
  }>`SELECT (SELECT count(*) FROM fund_batches)::int AS b, (SELECT count(*) FROM fund_projects)::int AS p,
    (SELECT count(*) FROM fund_entries)::int AS e, (SELECT coalesce(sum(amount_fen), 0) FROM fund_entries)::bigint AS s`.execute(t.db);
  return r.rows[0];
}

for (const engine of await testEngines()) {
  describe(`funds ledger import and rates from the database (${engine})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(engine);
      // the database holds another county first, as a province database would
      await sql`INSERT INTO counties (code, name) VALUES ('430582', '示例县')`.execute(t.db);
    });
    after(async () => {
      await t.drop();
    });

    it('a dry run lists the rejected rows and writes nothing', async () => {
      const res = await importLedgerSource(t.db, cli, LEDGER, meta, { dryRun: true });
      assert.equal(res.dryRun, true);
      assert.deepEqual(res.rejected.map((r) => `${r.sheet}|${r.row}|${r.code}`).sort(), expectedRejections());
      const c = await counts(t);
      assert.deepEqual([Number(c.b), Number(c.p), Number(c.e)], [0, 0, 0]);
      const regions = await sql`SELECT 1 FROM regions WHERE county_code = ${COUNTY}`.execute(t.db);
      assert.equal(regions.rows.length, 0);
    });

    it('imports the accepted rows, rejecting exactly what the file check rejects, and adds the county, townships and villages', async () => {
      const res = await importLedgerSource(t.db, cli, LEDGER, meta);
      assert.equal(res.countyCode, COUNTY);
      assert.deepEqual(res.rejected.map((r) => `${r.sheet}|${r.row}|${r.code}`).sort(), expectedRejections());
      assert.ok(res.entries.added > 1000, `entries ${res.entries.added}`);
      const c = await sql<{ n: number }>`SELECT count(*)::int AS n FROM counties WHERE code = ${COUNTY}`.execute(t.db);
      assert.equal(c.rows[0].n, 1);
      const regions = await sql<{ level: string; n: number; named: number }>`SELECT level, count(*)::int AS n, count(*) FILTER (WHERE name <> '')::int AS named
        FROM regions WHERE county_code = ${COUNTY} GROUP BY level ORDER BY level`.execute(t.db);
      const byLevel = Object.fromEntries(regions.rows.map((r) => [r.level, r]));
      assert.ok(byLevel.township.n >= 4 && byLevel.village.n >= 10, JSON.stringify(regions.rows));
      assert.ok(byLevel.village.named > 0, 'village names from the 村 column');
      assert.ok((await verifyAuditChain(t.db)).ok);
    });

    it('reproduces all 24 expected rate tables cell for cell from the database', async () => {
      const files = readdirSync(SAMPLES)
        .filter((f) => /^expected_rates_.+\.csv$/.test(f))
        .sort();
      assert.equal(files.length, 24);
      for (const f of files) {
        const m = /^expected_rates_(.+?)(?:_(\d{4}-\d{2}-\d{2}))?\.csv$/.exec(f)!;
        const by = m[1] as (typeof RATE_KEYS)[number];
        assert.ok(RATE_KEYS.includes(by), f);
        const table = await ratesFromDb(t.db, COUNTY, by, m[2] ?? null);
        const want = readFileSync(join(SAMPLES, f), 'utf8');
        assert.equal(rateTableCsv(table).replace(/\r\n/g, '\n'), want.replace(/\r\n/g, '\n'), f);
      }
    });

    it('sums the in-memory ledger exactly as SQL sums the entries, as of any date', async () => {
      const key = (s: { batchNo: string; projectNo: string }) => `${s.batchNo}|${s.projectNo}`;
      const sorted = <T extends { batchNo: string; projectNo: string }>(xs: T[]) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      const ledger = await cachedLedger(t.db, COUNTY);
      for (const d of [null, '2022-01-01', '2023-06-30', '2024-04-08', '2024-09-19', '2030-01-01']) {
        assert.deepEqual(sorted(sumsAsOf(ledger, d)), sorted(await moneySums(t.db, COUNTY, d)), String(d));
      }
    });

    it('importing the same ledger again (xlsx or its CSV folder) changes nothing', async () => {
      const before = await counts(t);
      const again = await importLedgerSource(t.db, cli, LEDGER, meta);
      assert.deepEqual([again.batches.added, again.projects.added, again.entries.added], [0, 0, 0]);
      assert.ok(again.entries.present > 0);
      const csv = await importLedgerSource(t.db, cli, CSV_LEDGER, { ...meta, filename: 'ledger_csv' });
      assert.equal(csv.entries.added, 0);
      assert.deepEqual(await counts(t), before);
    });

    it('an entry made on the web after the import is counted, and the ledger re-imported leaves it be', async () => {
      const table = await ratesFromDb(t.db, COUNTY, 'batch', null);
      const batchNo = table.rows.find((r) => r[0] !== '合计' && Number(r[1]) > Number(r[2]))![0];
      const project = await sql<{ project_no: string }>`SELECT project_no FROM fund_projects WHERE county_code = ${COUNTY} ORDER BY project_no LIMIT 1`.execute(
        t.db,
      );
      const issued = await sql<{ d: string }>`SELECT issued_on AS d FROM fund_batches WHERE county_code = ${COUNTY} AND batch_no = ${batchNo}`.execute(t.db);
      const actor: Actor = { userId: null, username: '测试', countyCode: COUNTY, regionCode: COUNTY };
      await enterEntry(t.db, actor, {
        kind: 'allocation',
        batchNo,
        projectNo: project.rows[0].project_no,
        date: issued.rows[0].d > '2026-01-01' ? issued.rows[0].d : '2026-01-01',
        amountFen: 1,
      });
      const after = await ratesFromDb(t.db, COUNTY, 'batch', null);
      const row = after.rows.find((r) => r[0] === batchNo)!;
      const was = table.rows.find((r) => r[0] === batchNo)!;
      assert.equal(Math.round(Number(row[2]) * 100) - Math.round(Number(was[2]) * 100), 1);
      const again = await importLedgerSource(t.db, cli, LEDGER, meta);
      assert.equal(again.entries.added, 0);
      // a later entry leaves a past month's figures as they were
      await enterEntry(t.db, actor, { kind: 'disbursement', batchNo, projectNo: project.rows[0].project_no, date: '2026-01-10', amountFen: 1 });
      for (const by of RATE_KEYS) {
        const want = readFileSync(join(SAMPLES, `expected_rates_${by}_2024-09-19.csv`), 'utf8').replace(/\r\n/g, '\n');
        assert.equal(rateTableCsv(await ratesFromDb(t.db, COUNTY, by, '2024-09-19')).replace(/\r\n/g, '\n'), want, by);
      }
    });
  });
}

// generated ledgers with planted errors: the database rejects exactly what the file check
// rejects, and every rate table of the file equals the database's, as of several dates
for (const engine of await testEngines()) {
  describe(`funds generated ledger, file against database (${engine})`, () => {
    let t: TestDatabase;
    let dir: string;
    before(async () => {
      t = await createTestDatabase(engine);
      dir = mkdtempSync(join(tmpdir(), 'anju-funds-'));
      await writeSynthLedgerCsv(dir, { counties: 1, projects: 150, entries: 4000, seed: `db-${engine}`, plantRate: 0.01 });
    });
    after(async () => {
      await t.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('rejects the same rows and gives the same tables', async () => {
      const checker = await checkLedgerSource(dir);
      const res = await importLedgerSource(t.db, cli, dir, meta);
      const keyOf = (r: { sheet: string; row: number; code: string }) => `${r.sheet}|${r.row}|${r.code}`;
      assert.deepEqual(res.rejected.map(keyOf).sort(), checker.rejected.map(keyOf).sort());
      for (const asOf of [null, '2023-03-31', '2024-06-30', '2025-12-31']) {
        for (const by of RATE_KEYS) {
          assert.deepEqual(await ratesFromDb(t.db, res.countyCode, by, asOf), ledgerRates(checker, by, asOf), `${by} ${asOf}`);
        }
      }
    });
  });
}
