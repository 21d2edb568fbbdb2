// Issue 8, must-reach: the masking scan. On the demo county with a year's work in it (an import
// with problems, adjustments, a reviewed roll, a cross-check run with cases and a recovery, a data
// cleaning run), fetch every GET route of /api/openapi.json — path parameters filled from that
// data — and every export, as each role without the unmask right, and as every other role without
// asking to unmask; find no ID number or bank account of the county in clear.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { buildApp } from '../src/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../src/shared/db/testing.ts';
import type { AppContext } from '../src/shared/context.ts';
import { loginAs, ROLES, UNMASK_ROLES, type LoggedIn, type Role } from '../src/auth/index.ts';
import { loadDemoCounty } from '../src/registry/index.ts';
import { validateId } from '../src/shared/idnumber.ts';

const C = '430582';

function multipart(filename: string, content: Buffer) {
  const boundary = '----anjuscan' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`);
  return {
    payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The text of a response: JSON/CSV as is, an xlsx as the text of every cell. */
async function textOf(body: Buffer, type: string): Promise<string> {
  if (/spreadsheetml/.test(type) || (body[0] === 0x50 && body[1] === 0x4b)) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as never);
    const out: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(String(c.text ?? c.value ?? '')))));
    return out.join('\n');
  }
  return body.toString('utf8');
}

for (const engine of await testEngines()) {
  describe(`masking scan of every GET route and export (${engine})`, () => {
    let t: TestDatabase, ctx: AppContext, app: FastifyInstance;
    const secrets = { ids: new Set<string>(), accounts: new Set<string>() };
    const params: Record<string, string> = {};
    let county: LoggedIn, county2: LoggedIn;

    const call = (u: LoggedIn, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      app.inject({ method, url, headers: u.headers, ...(payload === undefined ? {} : { payload: payload as never }) });
    async function waitJob(jobId: string) {
      for (let i = 0; i < 1200; i++) {
        const j = (await call(county, 'GET', `/api/jobs/${jobId}`)).json();
        if (j.status === 'done' || j.status === 'failed') {
          assert.equal(j.status, 'done', j.message);
          return j;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('job did not finish');
    }
    async function upload(url: string, name: string, content: Buffer) {
      const m = multipart(name, content);
      const r = await app.inject({ method: 'POST', url, payload: m.payload, headers: { ...county.headers, ...m.headers } });
      assert.ok(r.statusCode === 201 || r.statusCode === 202, r.body);
      return r.json();
    }

    before(async () => {
      t = await createTestDatabase(engine);
      ctx = { database: t, config: { version: 'test', secureCookies: false } };
      app = await buildApp(ctx);
      await loadDemoCounty(ctx, { persons: 240, seed: 8, countyCode: C });
      county = await loginAs(app, ctx, { role: 'county', regionCode: C, username: 'scan_c1' });
      county2 = await loginAs(app, ctx, { role: 'county', regionCode: C, username: 'scan_c2' });
      const people = (
        await sql<any>`SELECT p.id, p.id_number, p.name, p.household_no, p.village_code, p.status, a.account_no FROM persons p
        LEFT JOIN accounts a ON a.county_code = p.county_code AND a.person_id = p.id ORDER BY p.id`.execute(t.db)
      ).rows;
      for (const p of people) {
        secrets.ids.add(p.id_number);
        if (p.account_no) secrets.accounts.add(p.account_no);
      }
      const active = people.filter((p) => p.status === '正常');
      params.personId = String(active[0].id);
      params.householdNo = active[0].household_no;
      params.personVillage = active[0].village_code.slice(0, 9);

      // an import with problems and a changed account (its pre-check and problem list hold numbers)
      const head = '户编号,姓名,身份证号,与户主关系,村代码,扶持开始日期,状态,银行账号,开户银行,持卡人姓名';
      const a0 = active[1];
      const bad = a0.id_number.slice(0, 17) + (a0.id_number[17] === '1' ? '2' : '1');
      const csv = [
        head,
        `${a0.household_no},${a0.name},${a0.id_number},户主,${a0.village_code},2006-07-01,正常,6217000011112222333,农村信用社,${a0.name}`,
        `${a0.household_no},某某,${bad},子,${a0.village_code},2006-07-01,正常,6217000011112222444,农村信用社,某某`,
      ].join('\r\n');
      secrets.accounts.add('6217000011112222333');
      secrets.accounts.add('6217000011112222444');
      secrets.ids.add(bad);
      const imp = await upload('/api/registry/imports/preview', 'roster.csv', Buffer.from('\ufeff' + csv));
      await waitJob(imp.jobId);
      params.importId = imp.id;

      // adjustments: an add (ID and account in its title and payload) and a removal with evidence
      const newId = '430582199001011234'.slice(0, 17);
      const { checkDigit } = await import('../src/shared/idnumber.ts');
      const addId = newId + checkDigit(newId);
      secrets.ids.add(addId);
      secrets.accounts.add('6217000099998888777');
      const add = await call(county, 'POST', '/api/registry/adjustments', {
        kind: 'add',
        householdNo: active[2].household_no,
        reason: `补录${addId}`,
        persons: [
          {
            name: '新人',
            idNumber: addId,
            relation: '其他',
            supportStart: '2006-07-01',
            account: { accountNo: '6217000099998888777', bankName: '农村信用社', holderName: '新人' },
          },
        ],
      });
      assert.equal(add.statusCode, 201, add.body);
      params.adjustmentId = String(add.json().adjustment.id);
      const rm = await call(county, 'POST', '/api/registry/adjustments', {
        kind: 'remove',
        personIds: [Number(active[3].id)],
        reason: '死亡',
        effectiveDate: '2023-03-01',
        evidenceNote: `死亡证明，身份证号${active[3].id_number}，账号${active[3].account_no ?? ''}`,
      });
      assert.equal(rm.statusCode, 201, rm.body);
      assert.equal((await call(county2, 'POST', `/api/registry/adjustments/${rm.json().adjustment.id}/approve`, {})).statusCode, 200);

      // a roll built and reviewed, its bank file exported
      const roll = await call(county, 'POST', '/api/subsidy/payrolls', { period: '2024' });
      assert.equal(roll.statusCode, 201, roll.body);
      params.payrollId = String(roll.json().id);
      assert.equal((await call(county2, 'POST', `/api/subsidy/payrolls/${params.payrollId}/review`, {})).statusCode, 200);

      // a cross-check: payments (one over-paid, one paid after death) and a death record
      const payHead = '批次号,发放期间,身份证号,姓名,银行账号,持卡人姓名,金额,发放结果,发放日期,备注';
      const pays = active
        .slice(4, 40)
        .map((p, i) => `B1,2024,${p.id_number},${p.name},${p.account_no ?? ''},${p.name},${i === 0 ? '900.00' : '600.00'},成功,2024-06-01,`);
      const dead = active[5];
      const payments = await upload('/api/crosscheck/inputs?kind=payments', 'payments.csv', Buffer.from('\ufeff' + [payHead, ...pays].join('\r\n')));
      const deaths = await upload(
        '/api/crosscheck/inputs?kind=deaths',
        'deaths.csv',
        Buffer.from('\ufeff' + ['姓名,身份证号,死亡日期,来源', `${dead.name},${dead.id_number},2023-02-01,民政`].join('\r\n')),
      );
      const run = await call(county, 'POST', '/api/crosscheck/runs', { inputIds: [payments.id, deaths.id] });
      assert.equal(run.statusCode, 202, run.body);
      await waitJob(run.json().jobId);
      const runs = (await call(county, 'GET', '/api/crosscheck/runs')).json().runs;
      params.runId = String(runs[0].id);
      const cases = (await call(county, 'GET', '/api/cases?pageSize=500')).json().cases;
      assert.ok(cases.length > 0, 'the run made cases');
      const over = cases.find((c: any) => c.overFen > 0) ?? cases[0];
      params.caseId = String(over.id);
      const v = await call(county, 'POST', `/api/cases/${over.id}/verify`, { verdict: '违规', evidence: `核实：${dead.id_number}` });
      assert.equal(v.statusCode, 200, v.body);
      const rec = (await call(county, 'GET', '/api/recovery')).json().items;
      if (rec.length) {
        params.recoveryId = String(rec[0].id);
        const ins = await call(county, 'POST', `/api/recovery/${rec[0].id}/instalments`, { paidOn: '2025-01-02', amountFen: 100, receiptNo: 'R1' });
        assert.equal(ins.statusCode, 200, ins.body);
        assert.doesNotMatch(ins.body, /\d{17}[\dX]/, 'the answer of a recovery POST is masked');
      }
      // a data-cleaning run: problems whose 说明 name IDs
      assert.equal((await call(county, 'POST', '/api/quality/runs', {})).statusCode, 200);
      params.jobId = (await sql<{ id: string }>`SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1`.execute(t.db)).rows[0].id;
      params.userId = String(county.user.id);
    });
    after(async () => {
      await app.close();
      await t.drop();
    });

    /** Every GET route of the OpenAPI document, its path parameters filled from the data above. */
    function getRoutes(): string[] {
      const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
      const out: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        if (!ops.get || !path.startsWith('/api/')) continue;
        const fill = (name: string) => {
          if (/imports/.test(path)) return params.importId;
          if (/payrolls/.test(path)) return params.payrollId;
          if (/adjustments/.test(path)) return name === 'fileId' ? '1' : params.adjustmentId;
          if (/crosscheck\/runs/.test(path)) return params.runId;
          if (/^\/api\/cases/.test(path)) return params.caseId;
          if (/recovery/.test(path)) return params.recoveryId ?? '1';
          if (/persons/.test(path)) return params.personId;
          if (/households/.test(path)) return encodeURIComponent(params.householdNo);
          if (/import-check/.test(path)) return params.importId;
          if (/jobs/.test(path)) return params.jobId;
          if (/users/.test(path)) return params.userId;
          return '1';
        };
        out.push(path.replace(/\{([^}]+)\}/g, (_, n: string) => fill(n)));
      }
      return out;
    }

    function leaks(text: string): string[] {
      const found: string[] = [];
      for (const m of text.matchAll(/(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])/g))
        if (secrets.ids.has(m[1].toUpperCase()) || validateId(m[1]).ok) found.push(`身份证号${m[1]}`);
      for (const m of text.matchAll(/(?<!\d)(\d{16,19})(?!\d)/g)) if (secrets.accounts.has(m[1])) found.push(`账号${m[1]}`);
      return found;
    }

    async function scan(role: Role): Promise<{ fetched: number; leaks: string[] }> {
      const u = await loginAs(app, ctx, { role, regionCode: role === 'township' ? (params.personVillage ?? C + '001') : C });
      const bad: string[] = [];
      let fetched = 0;
      // exports that unmask by default for a role that may unmask are asked masked (unmask=0)
      const urls = [
        ...getRoutes(),
        '/api/registry/export?format=xlsx&unmask=0',
        '/api/registry/export?format=csv&unmask=0',
        '/api/quality/problems.xlsx',
        `/api/registry/imports/${params.importId}/problems.xlsx`,
        `/api/subsidy/payrolls/${params.payrollId}/notice`,
      ];
      for (const url of urls) {
        const r = await app.inject({ method: 'GET', url, headers: u.headers });
        if (r.statusCode >= 400) continue;
        // for a role that may unmask, some views are unmasked by design: the findings CSV (FORMATS §6) and the roster export
        // (both audited), the adjustment queue (the approver sees what is approved) and the import preview (what is applied)
        if (
          UNMASK_ROLES.has(role) &&
          /findings\.csv|^\/api\/registry\/export(?!.*unmask=0)|^\/api\/registry\/adjustments|^\/api\/registry\/imports\//.test(url)
        )
          continue;
        fetched++;
        for (const l of leaks(await textOf(r.rawPayload, String(r.headers['content-type'] ?? '')))) bad.push(`${role} GET ${url}: ${l}`);
      }
      return { fetched, leaks: bad };
    }

    it('the data behind the scan is there', () => {
      for (const k of ['importId', 'adjustmentId', 'payrollId', 'runId', 'caseId', 'personId']) assert.ok(params[k], k);
      assert.ok(secrets.ids.size > 200 && secrets.accounts.size > 50);
    });

    it('no ID or account in clear for any role without the unmask right (and the scan itself finds leaks)', async () => {
      // the scanner finds what it should
      assert.equal(leaks(`x${[...secrets.ids][0]}y`).length, 1);
      assert.equal(leaks(`x${[...secrets.accounts][0]}`).length, 1);
      for (const role of ROLES.filter((r) => !UNMASK_ROLES.has(r))) {
        const r = await scan(role);
        // a 项目单位 account reads only its projects' routes; every other role reads the register too
        assert.ok(r.fetched >= (role === 'unit' ? 5 : 20), `${role} fetched only ${r.fetched}`);
        assert.deepEqual(r.leaks, []);
      }
    });

    it('no ID or account in clear for the other roles when they do not ask to unmask', async () => {
      for (const role of ROLES.filter((r) => UNMASK_ROLES.has(r) && r !== 'admin')) {
        const r = await scan(role);
        assert.ok(r.fetched >= 10, `${role} fetched only ${r.fetched}`);
        assert.deepEqual(r.leaks, []);
      }
    });
  });
}
