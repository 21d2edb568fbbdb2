import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parse } from 'csv-parse/sync';
import { validateId, normalizeId } from '../shared/idnumber.ts';
import { parseYuanToFen } from '../shared/money.ts';
import { runCrosscheckFiles } from '../crosscheck/files.ts';
import { FINDING_CODES, type CrosscheckResult } from '../crosscheck/types.ts';
import { generateCountyFiles, type CountySummary } from './county.ts';
import { generateRoster } from './roster.ts';
import { luhnOk } from './people.ts';

describe('generateRoster', () => {
  it('is deterministic and realistic: valid unique IDs, one 户主 per household, Luhn accounts, 12-digit villages', () => {
    const a = [...generateRoster({ persons: 2000, seed: 42 })];
    const b = [...generateRoster({ persons: 2000, seed: 42 })];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.slice(0, 50), [...generateRoster({ persons: 50, seed: 43 })]);
    assert.equal(a.length, 2000);
    const ids = new Set(a.map((r) => normalizeId(r['身份证号'])));
    assert.equal(ids.size, 2000);
    const heads = new Map<string, number>();
    for (const r of a) {
      assert.ok(validateId(r['身份证号'], '2025-01-01').ok, r['身份证号']);
      assert.match(r['村代码'], /^430582\d{6}$/);
      assert.ok(r['户编号'].startsWith(r['村代码']));
      assert.ok(luhnOk(r['银行账号']), r['银行账号']);
      if (r['与户主关系'] === '户主') heads.set(r['户编号'], (heads.get(r['户编号']) ?? 0) + 1);
      if (r['状态'] === '已核减') assert.ok(r['核减日期'] && r['核减原因']);
      if (r['人口类别'] === '现状人口') assert.ok(r['搬迁日期'] <= '2006-06-30' && r['扶持开始日期'] === '2006-07-01');
      else assert.ok(r['搬迁日期'] > '2006-06-30' && r['扶持开始日期'] > r['搬迁日期']);
      if (r['与户主关系'] === '父亲') assert.equal(r['性别'], '男');
    }
    for (const hh of new Set(a.map((r) => r['户编号']))) assert.equal(heads.get(hh), 1, hh);
    assert.ok(a.some((r) => r['状态'] === '已核减'));
    assert.ok(a.some((r) => r['身份证号'].length === 15));
  });
});

describe('cross-check on generated data with planted problems', () => {
  let s: CountySummary;
  let result: CrosscheckResult;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anju-synth-'));
    s = generateCountyFiles(dir, { persons: 3000, seed: 20240601 });
    const problems: unknown[] = [];
    result = await runCrosscheckFiles(s.files, { report: (p) => problems.push(p), checkDate: '2025-01-01' });
    assert.deepEqual(problems, []);
  });

  it('plants every finding code', () => {
    for (const c of FINDING_CODES) assert.ok((s.truth.byCode[c] ?? 0) >= 3, `${c} planted ${s.truth.byCode[c] ?? 0}`);
  });

  it('precision and recall of every code are at least 0.99; over/under totals exact to the fen', () => {
    const truthRows = parse(readFileSync(s.files.truth, 'utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    const want = new Map(truthRows.map((t) => [`${t['问题代码']}|${t['身份证号']}`, t]));
    const got = new Map(result.findings.map((f) => [`${f.code}|${f.idNumber}`, f]));
    for (const code of FINDING_CODES) {
      const w = [...want.keys()].filter((k) => k.startsWith(code + '|'));
      const g = [...got.keys()].filter((k) => k.startsWith(code + '|'));
      const hit = g.filter((k) => want.has(k)).length;
      const precision = g.length ? hit / g.length : 1,
        recall = w.length ? hit / w.length : 1;
      assert.ok(
        precision >= 0.99 && recall >= 0.99,
        `${code}: precision ${precision}, recall ${recall}; missed ${w.filter((k) => !got.has(k)).slice(0, 3)}; extra ${g.filter((k) => !want.has(k)).slice(0, 3)}`,
      );
      const tOver = w.reduce((a, k) => a + parseYuanToFen(want.get(k)!['多发金额'])!, 0);
      const tUnder = w.reduce((a, k) => a + parseYuanToFen(want.get(k)!['少发金额'])!, 0);
      const fOver = g.reduce((a, k) => a + got.get(k)!.overFen, 0);
      const fUnder = g.reduce((a, k) => a + got.get(k)!.underFen, 0);
      assert.deepEqual([fOver, fUnder], [tOver, tUnder], `${code} amounts`);
    }
    assert.equal(result.summary.overFen, s.truth.overFen);
    assert.equal(result.summary.underFen, s.truth.underFen);
  });
});
