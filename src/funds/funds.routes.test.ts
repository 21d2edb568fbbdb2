// The funds routes over HTTP on both engines: who may call what (the permission matrix), the
// ledger import previewed (nothing written) then confirmed with the same file, rates from the
// API equal to the expected file, an entry refused with its §8.1 code, the dispatch workbook;
// the same import from the five CSV files (UTF-8 and GB18030) with the same rejected rows and
// the same rates, and a missing or unrecognised file refused by name.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import iconv from 'iconv-lite';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { testEngines } from '../shared/db/testing.ts';
import { startTestApp, multipart, type TestApp, type Headers } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { assertPermissionMatrix, type RouteSpec } from '../auth/permission-matrix.testkit.ts';

const LEDGER = fileURLToPath(new URL('../../test/fixtures/samples/funds/ledger.xlsx', import.meta.url));
const EXPECTED = (name: string) => readFileSync(fileURLToPath(new URL(`../../test/fixtures/samples/funds/${name}`, import.meta.url)), 'utf8');
const CSV_DIR = fileURLToPath(new URL('../../test/fixtures/samples/funds/ledger_csv/', import.meta.url));
const COUNTY = '522727';
const RATE_KEYS = ['batch', 'level', 'category', 'batch-year', 'project', 'township', 'project-category', 'project-year'];

/** A multipart body with several files in the field `file`, as a browser sends a multiple selection. */
function multipartFiles(files: { name: string; content: Buffer }[]) {
  const boundary = '----anjutest' + Math.random().toString(16).slice(2);
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: text/csv\r\n\r\n`),
    f.content,
    Buffer.from('\r\n'),
  ]);
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const csvFiles = () =>
  readdirSync(CSV_DIR)
    .sort()
    .map((name) => ({ name, content: readFileSync(CSV_DIR + name) }));
// the samples mix UTF-8 (with and without BOM) and GB18030 files
const text = (b: Buffer) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return iconv.decode(b, 'gb18030');
  }
};
/** The same five files all in GB18030 (how a county's Excel saves CSV), without a BOM. */
const gbFiles = () => csvFiles().map((f) => ({ name: f.name, content: iconv.encode(text(f.content), 'gb18030') }));

for (const engine of await testEngines()) {
  describe(`funds routes (${engine})`, () => {
    let h: TestApp;
    let finance: Headers, county: Headers, township: Headers;
    before(async () => {
      h = await startTestApp(engine);
      finance = (await loginAs(h.app, h.ctx, { role: 'finance', regionCode: COUNTY, username: 'fin1' })).headers;
      county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: COUNTY, username: 'cty1' })).headers;
      township = (await loginAs(h.app, h.ctx, { role: 'township', regionCode: '522727101', username: 'twn1' })).headers;
    });
    after(async () => {
      await h.close();
    });

    const upload = (url: string, headers: Headers) => {
      const m = multipart('ledger.xlsx', readFileSync(LEDGER));
      return h.app.inject({ method: 'POST', url, headers: { ...headers, ...m.headers }, payload: m.payload });
    };

    it('previews the import without writing, then imports the same file on confirmation', async () => {
      const p = await upload('/api/funds/import/preview', finance);
      assert.equal(p.statusCode, 200, p.body);
      const preview = p.json();
      assert.equal(preview.dryRun, true);
      assert.ok(preview.rejected.length > 0 && preview.rejected.every((r: { codeName: string }) => r.codeName));
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_entries`.execute(h.t.db);
      assert.equal(n.rows[0].n, 0);
      const wrong = await upload(`/api/funds/import?sha256=${'0'.repeat(64)}`, finance);
      assert.equal(wrong.statusCode, 409);
      const done = await upload(`/api/funds/import?sha256=${preview.sha256}`, finance);
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().entries.added, preview.entries.added);
      assert.equal(done.json().rejected.length, preview.rejected.length);
    });

    it('gives the §8.2 tables from the database as the file mode does', async () => {
      const r = await h.call('GET', '/api/funds/rates.csv?by=township&asOf=2024-04-08', county);
      assert.equal(r.statusCode, 200);
      assert.equal(r.body.replace(/\r\n/g, '\n'), EXPECTED('expected_rates_township_2024-04-08.csv').replace(/\r\n/g, '\n'));
      const j = await h.call('GET', '/api/funds/rates?by=batch', county);
      assert.equal(j.json().rows.at(-1)[0], '合计');
      // a township officer: project groupings of their own township only, no county batch tables
      const t = await h.call('GET', '/api/funds/rates?by=township', township);
      assert.deepEqual(
        t.json().rows.map((x: string[]) => x[0]),
        ['522727101', '合计'],
      );
      assert.equal((await h.call('GET', '/api/funds/rates?by=batch', township)).statusCode, 403);
      const ov = (await h.call('GET', '/api/funds/overview?asOf=2024-09-19', township)).json();
      assert.deepEqual([ov.batches.length, ov.warnings.length, ov.townships.rows.length], [0, 0, 2]);
    });

    it('refuses an entry over the batch with its code, and shows what is left', async () => {
      const batches = (await h.call('GET', '/api/funds/batches', county)).json().batches;
      const b = batches.find((x: { amountFen: number; allocatedFen: number }) => x.amountFen > x.allocatedFen);
      const p = (await h.call('GET', '/api/funds/project-options?q=', county)).json().rows[0];
      const left = (await h.call('GET', `/api/funds/remaining?batchNo=${b.batchNo}&projectNo=${p.projectNo}`, finance)).json();
      assert.equal(left.unallocatedFen, b.amountFen - b.allocatedFen);
      const over = await h.call('POST', '/api/funds/entries', finance, {
        kind: 'allocation',
        batchNo: b.batchNo,
        projectNo: p.projectNo,
        date: b.issuedOn,
        amountFen: left.unallocatedFen + 1,
      });
      assert.equal(over.statusCode, 409);
      assert.equal(over.json().error.details.code, 'L_OVER_BATCH');
      assert.match(over.json().error.message, /安排超过批次金额/);
      const ok = await h.call('POST', '/api/funds/entries', finance, {
        kind: 'allocation',
        batchNo: b.batchNo,
        projectNo: p.projectNo,
        date: b.issuedOn,
        amountFen: left.unallocatedFen,
        voucherNo: 'V-1',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const list = (await h.call('GET', `/api/funds/entries?batchNo=${b.batchNo}&projectNo=${p.projectNo}&kind=allocation`, county)).json();
      assert.ok(list.rows.some((e: { id: number }) => e.id === ok.json().id));
    });

    it('writes the dispatch workbook, one row a project', async () => {
      const r = await h.app.inject({ method: 'GET', url: '/api/funds/dispatch.xlsx?asOf=2024-09-19', headers: county });
      assert.equal(r.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as never);
      const ws = wb.getWorksheet('调度表')!;
      const projects = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_projects`.execute(h.t.db);
      assert.equal(ws.rowCount, projects.rows[0].n + 3); // title, header, rows, 合计
      const d = (await h.call('GET', '/api/funds/dispatch?asOf=2024-09-19', county)).json();
      assert.equal(d.rows.length, projects.rows[0].n);
      assert.ok(d.townships.length >= 4 && d.townships[0].rank === 1);
    });

    it('lets each role call only what it may', async () => {
      const specs: RouteSpec[] = [
        { method: 'GET', url: '/api/funds/batches', permission: 'funds.read', alsoForbidden: ['township'] },
        { method: 'GET', url: '/api/funds/overview', permission: 'funds.read' },
        { method: 'GET', url: '/api/funds/dispatch', permission: 'funds.read' },
        { method: 'GET', url: '/api/funds/entries', permission: 'funds.read' },
        { method: 'GET', url: '/api/funds/rates?by=project', permission: 'funds.read' },
        {
          method: 'POST',
          url: '/api/funds/entries',
          permission: 'funds.manage',
          payload: { kind: 'allocation', batchNo: 'NONE', projectNo: 'NONE', date: '2024-01-01', amountFen: 1 },
        },
        { method: 'POST', url: '/api/funds/batches', permission: 'funds.manage', payload: { batchNo: '' } },
        { method: 'POST', url: '/api/funds/reversals/999/decision', permission: 'funds.approve', payload: { approve: true } },
        { method: 'PUT', url: '/api/funds/settings', permission: 'settings.manage', payload: { limitBp: 2500 } },
      ];
      await assertPermissionMatrix(h.app, h.ctx, specs, { countyCode: COUNTY });
    });
  });
}

for (const engine of await testEngines()) {
  describe(`funds import of the five CSV files (${engine})`, () => {
    let h: TestApp;
    let finance: Headers, county: Headers;
    before(async () => {
      h = await startTestApp(engine);
      finance = (await loginAs(h.app, h.ctx, { role: 'finance', regionCode: COUNTY, username: 'fin1' })).headers;
      county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: COUNTY, username: 'cty1' })).headers;
    });
    after(async () => {
      await h.close();
    });

    const send = (url: string, files: { name: string; content: Buffer }[]) => {
      const m = multipartFiles(files);
      return h.app.inject({ method: 'POST', url, headers: { ...finance, ...m.headers }, payload: m.payload });
    };
    const count = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT (SELECT count(*) FROM fund_entries) + (SELECT count(*) FROM fund_batches) + (SELECT count(*) FROM fund_projects) AS n`.execute(h.t.db)
      ).rows[0].n;
    const strip = (r: Record<string, unknown>) => ({ ...r, sha256: '', filename: '' });

    it('previews the CSV files as the workbook, in UTF-8 and in GB18030, writing nothing', async () => {
      const x = await send('/api/funds/import/preview', [{ name: 'ledger.xlsx', content: readFileSync(LEDGER) }]);
      assert.equal(x.statusCode, 200, x.body);
      const c = await send('/api/funds/import/preview', csvFiles());
      assert.equal(c.statusCode, 200, c.body);
      assert.ok(c.json().rejected.length > 0);
      assert.deepEqual(strip(c.json()), strip(x.json()));
      assert.match(c.json().filename, /资金批次\.csv/);
      const g = await send('/api/funds/import/preview', gbFiles());
      assert.equal(g.statusCode, 200, g.body);
      assert.deepEqual(strip(g.json()), strip(x.json()));
      assert.notEqual(g.json().sha256, c.json().sha256);
      assert.equal(Number(await count()), 0);
    });

    it('refuses a missing, doubled or unrecognised file by its name, writing nothing', async () => {
      const four = await send(
        '/api/funds/import/preview',
        csvFiles().filter((f) => f.name !== '报账.csv'),
      );
      assert.equal(four.statusCode, 400);
      assert.match(four.json().error.message, /缺少报账\.csv/);
      const extra = await send('/api/funds/import/preview', [...csvFiles(), { name: '说明.txt', content: Buffer.from('x') }]);
      assert.equal(extra.statusCode, 400);
      assert.match(extra.json().error.message, /无法识别的文件“说明\.txt”/);
      const twice = await send('/api/funds/import/preview', [...csvFiles(), { name: '项目.csv', content: readFileSync(CSV_DIR + '项目.csv') }]);
      assert.match(twice.json().error.message, /收到两个项目\.csv/);
      const mixed = await send('/api/funds/import/preview', [...csvFiles().slice(1), { name: 'ledger.xlsx', content: readFileSync(LEDGER) }]);
      assert.match(mixed.json().error.message, /须单独上传/);
      const notLedger = await send('/api/funds/import/preview', [{ name: '台账.docx', content: Buffer.from('not a workbook') }]);
      assert.match(notLedger.json().error.message, /无法识别的文件“台账\.docx”/);
      assert.equal(Number(await count()), 0);
    });

    it('imports the CSV files on confirmation, giving the §8.2 tables of the samples; a re-run adds nothing', async () => {
      const p = (await send('/api/funds/import/preview', gbFiles())).json();
      const wrong = await send(`/api/funds/import?sha256=${p.sha256}`, csvFiles());
      assert.equal(wrong.statusCode, 409);
      const done = await send(`/api/funds/import?sha256=${p.sha256}`, gbFiles());
      assert.equal(done.statusCode, 200, done.body);
      assert.deepEqual(strip({ ...done.json(), importId: null, dryRun: true }), strip(p));
      for (const by of RATE_KEYS) {
        for (const asOf of [null, '2024-04-08', '2024-09-19']) {
          const r = await h.call('GET', `/api/funds/rates.csv?by=${by}${asOf ? `&asOf=${asOf}` : ''}`, county);
          assert.equal(r.statusCode, 200);
          assert.equal(r.body.replace(/\r\n/g, '\n'), EXPECTED(`expected_rates_${by}${asOf ? `_${asOf}` : ''}.csv`).replace(/\r\n/g, '\n'), `${by} ${asOf}`);
        }
      }
      const before = await count();
      const again = await send(`/api/funds/import?sha256=${p.sha256}`, gbFiles());
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual([again.json().batches.added, again.json().projects.added, again.json().entries.added], [0, 0, 0]);
      assert.equal(again.json().entries.present, done.json().entries.added);
      assert.deepEqual(again.json().rejected, done.json().rejected);
      assert.equal(await count(), before);
    });
  });
}
