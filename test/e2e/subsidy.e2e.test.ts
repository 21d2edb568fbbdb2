// Browser test: build a payment roll → review → export the bank file → the bank's result file
// (one payment failed) imported → the failure shows in the re-issue list. The real server (fresh
// PGlite) and the web app built into a temporary folder, driven in Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { insertPersons, makeId } from '../../src/subsidy/testing-fixtures.ts';
import { confirmOk, pickTreeNode, startE2E, type E2E } from './kit.ts';

const COUNTY = '430582';
const FAILED = makeId('430582', '19600101', 3);

let e: E2E;
const login = (username: string): Promise<Page> => e.login(username, { width: 1500, acceptDownloads: true });

describe('浏览器：编制发放批次、导出银行文件、导入回盘、失败待补发', { timeout: 900_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-subsidy-');
    await e.addUser('e2e_county', 'county', COUNTY, '县中心乙');
    await e.addUser('e2e_county2', 'county', COUNTY, '县中心丙');
    await insertPersons(
      e.database.db,
      COUNTY,
      [1, 2, 3, 4].map((i) => ({
        idNumber: makeId('430582', '19600101', i),
        name: `测试人${i}`,
        householdNo: `H${i}`,
        villageCode: '430582101001',
        accountNo: `62300000000${i}`,
      })),
    );
    // a fifth person in a village of another township: the roll's lines can be narrowed to it
    await insertPersons(e.database.db, COUNTY, [
      {
        idNumber: makeId('430582', '19600101', 5),
        name: '测试人5',
        householdNo: 'H5',
        villageCode: '430582102003',
        townshipName: '河口乡',
        villageName: '河口村',
        accountNo: '623000000005',
      },
    ]);
    await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES
      ('430582101', ${COUNTY}, 'township', ${COUNTY}, '城关镇'), ('430582101001', ${COUNTY}, 'village', '430582101', '新村'),
      ('430582102', ${COUNTY}, 'township', ${COUNTY}, '河口乡'), ('430582102003', ${COUNTY}, 'village', '430582102', '河口村')
      ON CONFLICT (code) DO NOTHING`.execute(e.database.db);
  });

  after(async () => {
    await e?.close();
  });

  it('批次 → 审核 → 银行文件 → 回盘 → 失败名单', async () => {
    let page = await login('e2e_county');
    await page.locator('.ant-menu').getByText('直补发放').click();
    await page.waitForURL('**/subsidy');
    await page.getByTestId('build-roll').click();
    await page.getByTestId('roll-period').fill('2024');
    await page.locator('.ant-modal .ant-btn-primary').click();
    await page.waitForURL(/\/subsidy\/payrolls\/\d+$/);
    const table = page.getByTestId('lines-table');
    await table.locator('tbody tr', { hasText: '测试人1' }).waitFor();
    assert.match(await page.getByTestId('roll-figures').innerText(), /3,?000/);

    // lines are numbered in ID order; one village's lines are picked from the region tree
    await pickTreeNode(page, page.getByTestId('line-region'), '河口村', '河口村');
    await table.locator('tbody tr', { hasText: '测试人1' }).waitFor({ state: 'detached' });
    const rows = await table.locator('tbody tr.ant-table-row').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0], /测试人5/);
    assert.match(rows[0], /河口乡 河口村/);

    // four eyes: the builder may not review; another officer does, confirming the total in 元
    const rollUrl = page.url();
    await page.context().close();
    page = await login('e2e_county2');
    await page.goto(rollUrl);
    await page.getByTestId('review').click();
    assert.match(await page.locator('.ant-popconfirm').innerText(), /合计 3,?000\.00/);
    await confirmOk(page);
    await page.getByTestId('export-bank-file').waitFor();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-bank-file').click();
    await confirmOk(page);
    const dl = await downloading;
    const file = join(e.dir, 'bank.csv');
    await dl.saveAs(file);
    const lines = readFileSync(file, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r\n/);
    assert.equal(lines.length, 6);
    assert.equal(lines[0], '发放期间,身份证号,姓名,金额,发放结果,银行账号,持卡人姓名,发放日期,批次号');

    // the bank fills in 发放结果: one payment failed
    const back = [
      lines[0],
      ...lines.slice(1).map((l) => {
        const c = l.split(',');
        c[4] = c[1] === FAILED ? '失败' : '成功';
        c[7] = '2024-06-30';
        return c.join(',');
      }),
    ].join('\r\n');
    const ret = join(e.dir, '回盘.csv');
    writeFileSync(ret, '\ufeff' + back);
    await page.locator('input[type=file]').setInputFiles(ret);
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /成功 4 人，失败 1 人/);

    await page.locator('.ant-menu').getByText('直补发放').click();
    await page.getByRole('tab', { name: '失败待补发' }).click();
    await page.getByTestId('failures-period').fill('2024');
    const row = page.getByTestId('failures-table').locator('tbody tr', { hasText: '测试人3' });
    await row.waitFor();
    assert.match(await row.innerText(), /银行返回失败/);
    await page.context().close();
  });
});
