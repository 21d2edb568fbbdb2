import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { testEngines, createTestDatabase, type TestDatabase } from '../shared/db/testing.ts';
import { verifyAuditChain } from '../shared/audit.ts';
import { isAppError } from '../shared/errors.ts';
import { previewRoster, applyRoster } from './roster-import.ts';
import { exportRoster } from './roster-export.ts';
import { ROSTER_HEADERS } from './roster-file.ts';
import { rosterCsv } from './roster-export.ts';
import { loadDemoCounty } from './demo.ts';

const SAMPLES = join('test', 'fixtures', 'samples');
const sample = (f: string) => readFileSync(join(SAMPLES, f));
const actor = { userId: null, username: '测试' };

async function snapshot(db: TestDatabase) {
  const q = async (t: string) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db.db)).rows[0].n);
  const persons = await sql<{
    s: string;
  }>`SELECT coalesce(md5(string_agg(county_code || household_no || id_number || name || status || coalesce(support_end::text, '') || phone || version, ',' ORDER BY county_code, id)), '') AS s FROM persons`.execute(
    db.db,
  );
  return {
    persons: await q('persons'),
    households: await q('households'),
    accounts: await q('accounts'),
    regions: await q('regions'),
    audit: await q('audit_log'),
    digest: persons.rows[0].s,
  };
}

async function expectFileError(db: TestDatabase, content: Buffer, code: RegExp, message: RegExp) {
  const beforeSnap = await snapshot(db);
  for (const run of [() => previewRoster(db.db, content), () => applyRoster(db.db, content, { actor })]) {
    await assert.rejects(run(), (e) => {
      assert.ok(isAppError(e), String(e));
      assert.match(e.code, code);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.deepEqual(await snapshot(db), beforeSnap, 'the database is untouched');
}

/** A small roster in memory: the first n rows of the sample, with changes applied per row. */
function csvOf(n: number, edit?: (row: Record<string, string>, i: number) => void): Buffer {
  const text = sample('roster.csv')
    .toString('utf8')
    .replace(/^\ufeff/, '');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const headers = lines[0].split(',');
  const rows = lines.slice(1, n + 1).map((l, i) => {
    const cells = l.split(',');
    const row = Object.fromEntries(headers.map((h, j) => [h, cells[j] ?? '']));
    edit?.(row, i);
    return ROSTER_HEADERS.map((h) => row[h] ?? '');
  });
  return rosterCsv(ROSTER_HEADERS, rows);
}

async function xlsxWith(cells: (string | ExcelJS.CellValue)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow([...ROSTER_HEADERS]);
  for (const r of cells) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const engine of await testEngines()) {
  describe(`roster import (${engine})`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(engine);
    });
    after(() => db.drop());

    it('preview of the sample writes nothing', async () => {
      const s0 = await snapshot(db);
      const { summary } = await previewRoster(db.db, sample('roster.csv'));
      assert.equal(summary.rowsRead, 4010);
      assert.equal(summary.added, 4010);
      assert.equal(summary.rejectedRows, 0);
      assert.deepEqual(summary.counties, ['430582', '430602']);
      assert.deepEqual(await snapshot(db), s0);
    });

    it('imports roster.csv: 4010 persons, one audit entry for the batch', async () => {
      const { summary } = await applyRoster(db.db, sample('roster.csv'), { actor, filename: 'roster.csv' });
      assert.equal(summary.added, 4010);
      const s = await snapshot(db);
      assert.equal(s.persons, 4010);
      assert.equal(s.audit, 1);
      const a = await sql<{ action: string; detail: any }>`SELECT action, detail FROM audit_log`.execute(db.db);
      assert.equal(a.rows[0].action, 'roster.import');
      assert.equal((typeof a.rows[0].detail === 'string' ? JSON.parse(a.rows[0].detail) : a.rows[0].detail).added, 4010);
      const p = await sql<
        Record<string, any>
      >`SELECT p.*, p.birth_date::text AS bd, a.account_no FROM persons p LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id
        WHERE p.id_number = '430582195607073375'`.execute(db.db);
      assert.equal(p.rows.length, 1, 'the 15-digit ID is stored converted');
      assert.equal(p.rows[0].id_number_raw, '430582560707337');
      assert.equal(p.rows[0].name, '王发');
      assert.equal(p.rows[0].account_no, '6217995265919676619');
      assert.equal(p.rows[0].bd, '1956-07-07');
      const regions = await sql<{ level: string; n: number }>`SELECT level, count(*)::int AS n FROM regions GROUP BY level ORDER BY level`.execute(db.db);
      assert.deepEqual(Object.fromEntries(regions.rows.map((r) => [r.level, Number(r.n)])).county, 2);
    });

    it('re-importing the same roster as GBK CSV and as XLSX changes nothing', async () => {
      const s0 = await snapshot(db);
      for (const f of ['roster.csv', 'roster_gbk.csv', 'roster.xlsx']) {
        const { summary } = await applyRoster(db.db, sample(f), { actor, filename: f });
        assert.equal(summary.rowsRead, 4010, f);
        assert.equal(summary.added, 0, f);
        assert.equal(summary.changed, 0, f);
        assert.equal(summary.unchanged, 4010, f);
      }
      const s1 = await snapshot(db);
      assert.deepEqual({ ...s1, audit: 0 }, { ...s0, audit: 0 });
      assert.equal(s1.audit, s0.audit + 3, 'one batch entry per import, nothing per person');
    });

    it('a changed file: field-level changes, per-person audit with before/after, absent persons kept', async () => {
      const small = csvOf(10, (row, i) => {
        if (i === 1) row['联系电话'] = '13900000000';
        if (i === 2) {
          row['状态'] = '已核减';
          row['核减日期'] = '2024-05-01';
          row['核减原因'] = '死亡';
        }
      });
      const pre = await previewRoster(db.db, small);
      assert.equal(pre.summary.changed, 2);
      assert.equal(pre.summary.unchanged, 8);
      assert.equal(pre.summary.notInFile, 2007 - 10, 'persons of the county of the file (430582) missing from it');
      const change = pre.plan.toChange.find((c) => c.changes.some((x) => x.field === 'phone'))!;
      assert.deepEqual(
        change.changes.map((c) => [c.column, c.before, c.after]),
        [['联系电话', '18147390545', '13900000000']],
      );
      const auditBefore = (await snapshot(db)).audit;
      const { summary } = await applyRoster(db.db, small, { actor });
      assert.equal(summary.changed, 2);
      const s = await snapshot(db);
      assert.equal(s.persons, 4010, 'persons absent from the file are not deleted');
      assert.equal(s.audit, auditBefore + 3);
      const entries = await sql<{
        action: string;
        before: any;
        after: any;
      }>`SELECT action, before, after FROM audit_log WHERE action = 'person.update' ORDER BY seq`.execute(db.db);
      const parse = (v: any) => (typeof v === 'string' ? JSON.parse(v) : v);
      assert.deepEqual(parse(entries.rows[0].before), { phone: '18147390545' });
      assert.deepEqual(parse(entries.rows[0].after), { phone: '13900000000' });
      const again = await applyRoster(db.db, small, { actor });
      assert.equal(again.summary.changed, 0);
      assert.ok((await verifyAuditChain(db.db)).ok);
      // put the sample back for the tests below
      assert.equal((await applyRoster(db.db, sample('roster.csv'), { actor })).summary.changed, 2);
    });

    it('bad rows are listed and skipped; the good rows of the file import', async () => {
      const f = csvOf(5, (row, i) => {
        row['户编号'] = `43058213024199${String(i).padStart(2, '0')}`;
        if (i === 0) row['姓名'] = '';
        if (i === 1) row['扶持开始日期'] = '2006-02-30';
        if (i === 2) row['身份证号'] = '430582195507296470'; // invalid: kept with a warning
      });
      const { summary, file } = await applyRoster(db.db, f, { actor });
      assert.equal(summary.added, 3);
      assert.equal(summary.rejectedRows, 2);
      assert.deepEqual(
        file.problems.filter((p) => p.kind === 'rejected').map((p) => [p.rowNumber, p.column]),
        [
          [2, '姓名'],
          [3, '扶持开始日期'],
        ],
      );
      const bad = await sql<{ id_valid: boolean }>`SELECT id_valid FROM persons WHERE id_number = '430582195507296470'`.execute(db.db);
      assert.equal(bad.rows[0].id_valid, false);
    });

    it('a formula-laden xlsx is refused as a whole and leaves the database untouched', async () => {
      const row = (i: number) =>
        ROSTER_HEADERS.map((h) =>
          h === '身份证号'
            ? { formula: `"43058219550729647"&"${i}"`, result: `43058219550729647${i}` }
            : h === '户编号'
              ? '4305821302419999'
              : h === '村代码'
                ? '430582130241'
                : h === '扶持开始日期'
                  ? '2006-07-01'
                  : h === '状态'
                    ? '正常'
                    : h === '与户主关系'
                      ? '户主'
                      : h === '姓名'
                        ? `公式${i}`
                        : '',
        );
      await expectFileError(db, await xlsxWith([row(1), row(2), row(3)]), /FILE_MALFORMED/, /全部无法导入.*公式/);
    });

    it('a truncated xlsx gets a clear error and leaves the database untouched', async () => {
      const x = sample('roster.xlsx');
      await expectFileError(db, x.subarray(0, Math.floor(x.length / 2)), /FILE_MALFORMED|FILE_EMPTY/, /XLSX|损坏|不完整/);
    });

    it('a wrong-encoding file (Big5) gets a clear error naming the missing columns', async () => {
      const text = sample('roster.csv')
        .toString('utf8')
        .replace(/^\ufeff/, '');
      await expectFileError(db, iconv.encode(text, 'big5'), /FILE_COLUMNS/, /缺少必需的列/);
    });

    it('malformed files: binary, old .xls, empty, header only', async () => {
      await expectFileError(db, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00, 0x41]), /FILE_FORMAT/, /不是CSV文本或XLSX/);
      await expectFileError(db, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /FILE_FORMAT/, /\.xls/);
      await expectFileError(db, Buffer.alloc(0), /FILE_EMPTY/, /为空/);
      await expectFileError(db, Buffer.from(ROSTER_HEADERS.join(',') + '\r\n'), /FILE_EMPTY/, /没有数据行/);
    });

    it('export round trip: unmasked export re-imports with nothing changed; masked export is masked', async () => {
      for (const format of ['csv', 'xlsx'] as const) {
        const out = await exportRoster(db.db, { scope: '430582', format, unmasked: true, actor });
        assert.equal(out.rows, (await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons WHERE county_code = '430582'`.execute(db.db)).rows[0].n);
        const { summary } = await previewRoster(db.db, out.content, { counties: ['430582'] });
        assert.equal(summary.added, 0, format);
        assert.equal(summary.changed, 0, format);
        assert.equal(summary.unchanged, out.rows, format);
      }
      const masked = await exportRoster(db.db, { scope: '430582130', format: 'csv', unmasked: false, actor, status: '正常' });
      const text = masked.content.toString('utf8');
      assert.ok(!text.includes('430582195507296475'));
      assert.ok(text.includes('430582********6475'));
      assert.ok(!text.includes('6217006880645182208'));
      assert.ok(
        text
          .split('\r\n')
          .slice(1)
          .filter(Boolean)
          .every((l) => l.includes(',430582130')),
        'only the township asked for',
      );
      const audits = await sql<{ action: string; detail: any }>`SELECT action, detail FROM audit_log WHERE action LIKE 'roster.export%' ORDER BY seq`.execute(
        db.db,
      );
      assert.deepEqual(
        audits.rows.map((r) => r.action),
        ['roster.export_unmasked', 'roster.export_unmasked', 'roster.export'],
      );
      const d = audits.rows[2].detail;
      assert.equal((typeof d === 'string' ? JSON.parse(d) : d).rows, masked.rows);
    });

    it('exports neutralise formulas', async () => {
      await applyRoster(
        db.db,
        csvOf(1, (row) => {
          row['户编号'] = '4305821302418888';
          row['姓名'] = '=HYPERLINK("x")';
          row['身份证号'] = '430582195507296475';
        }),
        { actor },
      );
      const out = await exportRoster(db.db, { scope: '430582', format: 'csv', unmasked: true, actor, q: '4305821302418888' });
      assert.match(out.content.toString('utf8'), /,"'=HYPERLINK\(""x""\)",/);
      const back = await previewRoster(db.db, out.content, { counties: ['430582'] });
      assert.equal(back.summary.unchanged, 1);
    });

    it('the demo county loads through the import path', async () => {
      const s = await loadDemoCounty({ database: db }, { persons: 300, seed: 5, countyCode: '430581' });
      assert.equal(s.added, 300);
      assert.equal(s.rejectedRows, 0);
      const again = await loadDemoCounty({ database: db }, { persons: 300, seed: 5, countyCode: '430581' });
      assert.equal(again.added + again.changed, 0);
      const heads = await sql<{
        n: number;
      }>`SELECT count(DISTINCT household_no)::int AS n FROM persons WHERE county_code = '430581' AND relation = '户主'`.execute(db.db);
      const hh = await sql<{ n: number }>`SELECT count(*)::int AS n FROM households WHERE county_code = '430581'`.execute(db.db);
      assert.ok(Number(heads.rows[0].n) >= Number(hh.rows[0].n) - 1, 'every household has a head (the last may be cut)');
    });
  });
}
