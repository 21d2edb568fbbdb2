// The shared samples (test/fixtures/samples/funds): the rejected rows and all 24 rate tables,
// cell for cell, from the workbook and from the CSV folder; and the real CLI once each way.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkLedgerSource, ledgerRates, rateTableCsv, rejectedCsv } from './ledger-file.ts';
import type { LedgerChecker } from './ledger-check.ts';
import type { RateKey } from './ledger.types.ts';

const DIR = join('test', 'fixtures', 'samples', 'funds');
const LEDGERS = { xlsx: join(DIR, 'ledger.xlsx'), csv: join(DIR, 'ledger_csv') };
const CLI = join('bin', 'anju.mjs');

/** Lines of a CSV written by the program or the sample (BOM, CRLF), cells split on commas outside quotes. */
function table(text: string): string[][] {
  assert.ok(text.startsWith('\ufeff'), 'UTF-8 with BOM');
  return text
    .slice(1)
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) =>
      l
        .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
        .map((c) => c.replace(/,$/, ''))
        .slice(0, -1),
    );
}

const rateFiles = readdirSync(DIR)
  .filter((f) => /^expected_rates_.*\.csv$/.test(f))
  .sort();

describe('funds samples', () => {
  const checked: Record<string, LedgerChecker> = {};
  before(async () => {
    for (const [k, path] of Object.entries(LEDGERS)) checked[k] = await checkLedgerSource(path);
  });

  it('has the 24 expected rate tables', () => assert.equal(rateFiles.length, 24));

  for (const kind of Object.keys(LEDGERS)) {
    it(`${kind}: the rejected rows match expected_rejected.csv (sheet, row, code)`, () => {
      const expected = table(readFileSync(join(DIR, 'expected_rejected.csv'), 'utf8'));
      const got = table(rejectedCsv(checked[kind].rejected));
      assert.deepEqual(got[0], ['工作表', '行号', '问题代码', '说明']);
      const key = (r: string[]) => r.slice(0, 3).join(',');
      assert.deepEqual(got.slice(1).map(key).sort(), expected.slice(1).map(key).sort());
      // the wording follows the sample's
      assert.deepEqual(
        got.slice(1).map((r) => r[3]),
        expected.slice(1).map((r) => r[3]),
      );
    });

    it(`${kind}: every rate table matches cell for cell`, () => {
      for (const f of rateFiles) {
        const m = /^expected_rates_([a-z-]+?)(?:_(\d{4}-\d{2}-\d{2}))?\.csv$/.exec(f)!;
        const text = rateTableCsv(ledgerRates(checked[kind], m[1] as RateKey, m[2] ?? null));
        assert.deepEqual(table(text), table(readFileSync(join(DIR, f), 'utf8')), f);
        assert.equal(text, readFileSync(join(DIR, f), 'utf8'), `${f} byte for byte`);
      }
    });
  }

  it('keeps townships and villages named on the projects', () => {
    const p = checked.csv.projects.find((x) => x.projectNo === 'PTYM2022-001')!;
    assert.equal(p.townshipName, '云口镇');
    assert.equal(p.villageName, '平家村');
    assert.deepEqual(checked.xlsx.toCheckedLedger().entries.length, checked.csv.toCheckedLedger().entries.length);
  });

  it('the real CLI: check and rates from both containers, exit 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'anju-funds-'));
    for (const [kind, ledger] of Object.entries(LEDGERS)) {
      const rej = join(out, `rej-${kind}.csv`);
      const r = spawnSync(process.execPath, [CLI, 'funds', 'check', '--ledger', ledger, '--out', rej], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /拨付：接受521行，拒绝10行/);
      assert.deepEqual(
        table(readFileSync(rej, 'utf8')).map((x) => x.slice(0, 3)),
        table(readFileSync(join(DIR, 'expected_rejected.csv'), 'utf8')).map((x) => x.slice(0, 3)),
      );
      const rates = join(out, `rates-${kind}.csv`);
      const s = spawnSync(process.execPath, [CLI, 'funds', 'rates', '--ledger', ledger, '--by', 'level', '--as-of', '2024-04-08', '--out', rates], {
        encoding: 'utf8',
      });
      assert.equal(s.status, 0, s.stderr);
      assert.equal(readFileSync(rates, 'utf8'), readFileSync(join(DIR, 'expected_rates_level_2024-04-08.csv'), 'utf8'));
    }
  });

  it('the real CLI: a bad --by or --as-of is a Chinese error, exit 2, nothing written', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'anju-funds-')), 'r.csv');
    for (const args of [
      ['--by', 'county'],
      ['--by', 'level', '--as-of', '2024-02-30'],
      ['--by', 'level', '--as-of', 'yesterday'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, 'funds', 'rates', '--ledger', LEDGERS.csv, ...args, '--out', out], { encoding: 'utf8' });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /错误：(分组方式|截止日期)/);
      assert.ok(!existsSync(out));
    }
  });
});
