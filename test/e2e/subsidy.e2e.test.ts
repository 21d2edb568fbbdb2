// Browser test: build a payment roll → review → export the bank file → the bank's result file
// (one payment failed) imported → the failure shows in the re-issue list. The real server (fresh
// PGlite) and the web app built into a temporary folder, driven in Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../src/shared/db/database.ts';
import { migrate } from '../../src/shared/db/migrate.ts';
import { buildApp } from '../../src/app.ts';
import { hashPassword } from '../../src/auth/index.ts';
import { insertPersons, makeId } from '../../src/subsidy/testing-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COUNTY = '430582';
const PASSWORD = 'E2e-test-pass-2024';
const TIMEOUT = 60_000;
const FAILED = makeId('430582', '19600101', 3);

let dir: string;
let database: Database;
let app: FastifyInstance;
let browser: Browser;
let base: string;

async function login(username: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1500, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.getByTestId('county-name').waitFor();
  return page;
}

describe('浏览器：编制发放批次、导出银行文件、导入回盘、失败待补发', { timeout: 900_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anju-e2e-subsidy-'));
    const dist = join(dir, 'dist');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--outDir', dist, '--logLevel', 'warn'], { stdio: 'inherit', cwd: ROOT });
    assert.equal(r.status, 0, '网页构建失败');
    database = await openDatabase({ dataDir: join(dir, 'data') });
    await migrate(database);
    app = await buildApp({ database, config: { version: 'e2e', webDist: dist, secureCookies: false } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `http://127.0.0.1:${addr.port}`;
    const hash = await hashPassword(PASSWORD, { fast: true });
    await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password, active)
      VALUES ('e2e_county', '县中心乙', ${hash}, 'county', ${COUNTY}, false, true)`.execute(database.db);
    await insertPersons(database.db, COUNTY, [1, 2, 3, 4].map((i) => ({
      idNumber: makeId('430582', '19600101', i), name: `测试人${i}`, householdNo: `H${i}`, villageCode: '430582101001', accountNo: `62300000000${i}`,
    })));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('批次 → 审核 → 银行文件 → 回盘 → 失败名单', async () => {
    const page = await login('e2e_county');
    await page.locator('.ant-menu').getByText('直补发放').click();
    await page.waitForURL('**/subsidy');
    await page.getByTestId('build-roll').click();
    await page.getByTestId('roll-period').fill('2024');
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.waitForURL(/\/subsidy\/payrolls\/\d+$/);
    await page.getByTestId('lines-table').locator('tbody tr', { hasText: '测试人1' }).waitFor();
    assert.match(await page.getByTestId('roll-figures').innerText(), /2,?400/);

    await page.getByTestId('review').click();
    await page.getByTestId('export-bank-file').waitFor();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-bank-file').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    const dl = await downloading;
    const file = join(dir, 'bank.csv');
    await dl.saveAs(file);
    const lines = readFileSync(file, 'utf8').replace(/^\ufeff/, '').trim().split(/\r\n/);
    assert.equal(lines.length, 5);
    assert.equal(lines[0], '发放期间,身份证号,姓名,金额,发放结果,银行账号,持卡人姓名,发放日期,批次号');

    // the bank fills in 发放结果: one payment failed
    const back = [lines[0], ...lines.slice(1).map((l) => { const c = l.split(','); c[4] = c[1] === FAILED ? '失败' : '成功'; c[7] = '2024-06-30'; return c.join(','); })].join('\r\n');
    const ret = join(dir, '回盘.csv');
    writeFileSync(ret, '\ufeff' + back);
    await page.locator('input[type=file]').setInputFiles(ret);
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /成功 3 人，失败 1 人/);

    await page.locator('.ant-menu').getByText('直补发放').click();
    await page.getByRole('tab', { name: '失败待补发' }).click();
    await page.getByTestId('failures-period').fill('2024');
    const row = page.getByTestId('failures-table').locator('tbody tr', { hasText: '测试人3' });
    await row.waitFor();
    assert.match(await row.innerText(), /银行返回失败/);
    await page.context().close();
  });
});
