// The generator's planted truth is exactly what the check finds (precision and recall 1.0),
// from a CSV folder of two counties and from a workbook.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkLedgerSource } from './ledger-file.ts';
import { writeSynthLedgerCsv, writeSynthLedgerXlsx } from './synth-write.ts';
import { REJECT_CODES, type RejectCode } from './ledger.types.ts';
import { computeRates } from './rates.ts';

const key = (r: { sheet: string; row: number; code: string }) => `${r.sheet}:${r.row}:${r.code}`;

function compare(truth: { sheet: string; row: number; code: string }[], found: { sheet: string; row: number; code: string }[]) {
  const want = new Set(truth.map(key));
  const got = new Set(found.map(key));
  const hits = [...got].filter((k) => want.has(k)).length;
  return {
    precision: got.size ? hits / got.size : 1,
    recall: want.size ? hits / want.size : 1,
    missed: [...want].filter((k) => !got.has(k)).slice(0, 5),
    extra: [...got].filter((k) => !want.has(k)).slice(0, 5),
  };
}

describe('synthetic ledgers', () => {
  it('CSV folder, two counties: every code planted, the check finds exactly the planted rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-funds-synth-'));
    const r = await writeSynthLedgerCsv(dir, { counties: 2, projects: 150, entries: 3000, seed: 11, plantRate: 0.003 });
    assert.deepEqual(new Set(r.truth.map((t) => t.code)), new Set(Object.keys(REJECT_CODES) as RejectCode[]));
    const c = await checkLedgerSource(dir);
    const m = compare(r.truth, c.rejected);
    assert.deepEqual(m, { precision: 1, recall: 1, missed: [], extra: [] });
    assert.match(readFileSync(join(dir, 'truth.csv'), 'utf8'), /^\ufeff工作表,行号,问题代码\r\n/);
    // the valid money is most of it, and its rates are sane
    const counts = c.counts();
    assert.ok(counts.拨付.accepted > 2000 && counts.报账.accepted > 2000);
    const t = computeRates({ batches: c.batches, projects: c.projects, sums: c.sums(null) }, 'township', null);
    const total = t.rows.at(-1)!;
    assert.equal(total[0], '合计');
    assert.ok(Number(total[6]) > 0 && Number(total[6]) <= 100);
    rmSync(dir, { recursive: true });
  });

  it('the same generator is deterministic for a seed', async () => {
    const a = mkdtempSync(join(tmpdir(), 'anju-funds-synth-'));
    const b = mkdtempSync(join(tmpdir(), 'anju-funds-synth-'));
    await writeSynthLedgerCsv(a, { projects: 20, entries: 200, seed: 'x' });
    await writeSynthLedgerCsv(b, { projects: 20, entries: 200, seed: 'x' });
    for (const f of ['拨付.csv', '项目.csv', 'truth.csv']) assert.deepEqual(readFileSync(join(a, f)), readFileSync(join(b, f)));
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  it('workbook: number and date cells among the text, the planted truth found exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-funds-synth-'));
    const file = join(dir, 'ledger.xlsx');
    const r = await writeSynthLedgerXlsx(file, { projects: 60, entries: 1200, seed: 5, plantRate: 0.003 });
    const c = await checkLedgerSource(file);
    assert.deepEqual(compare(r.truth, c.rejected), { precision: 1, recall: 1, missed: [], extra: [] });
    rmSync(dir, { recursive: true });
  });

  it('anju funds synth then anju funds check: the rejected list is the truth file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-funds-synth-'));
    const ledger = join(dir, 'ledger');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join('bin', 'anju.mjs'), 'funds', ...args], { encoding: 'utf8' });
    const g = cli('synth', '--out', ledger, '--projects', '30', '--entries', '400', '--seed', '3', '--plant-rate', '0.01');
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /预置问题\d+行/);
    const c = cli('check', '--ledger', ledger, '--out', join(dir, 'rejected.csv'));
    assert.equal(c.status, 0, c.stderr);
    const lines = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',').slice(0, 3).join(','))
        .sort();
    assert.deepEqual(lines(join(dir, 'rejected.csv')), lines(join(ledger, 'truth.csv')));
    assert.equal(cli('synth', '--out', ledger, '--projects', '0').status, 2);
    rmSync(dir, { recursive: true });
  });
});
