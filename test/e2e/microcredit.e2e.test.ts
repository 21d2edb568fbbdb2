// Browser test: import the banks' loan files (check first, the rejected rows listed), compute a
// quarter's interest subsidy, see the review refused to the one who computed it, review it as
// another officer, publish it and print the public list. Real server on a fresh PGlite, the
// built web app, Chromium. ANJU_E2E_SHOTS=<folder> keeps screenshots of the pages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { confirmOk, startE2E, ROOT, type E2E } from './kit.ts';

const COUNTY = '430923';
const SAMPLES = join(ROOT, 'test/fixtures/samples/microcredit');
const SHOTS = process.env.ANJU_E2E_SHOTS;
let e: E2E;

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('浏览器：导入贷款台账、计算并审核季度贴息、公示', { timeout: 900_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-microcredit-');
    await e.addUser('e2e_mc_a', 'county', COUNTY, '县乡村振兴股甲');
    await e.addUser('e2e_mc_b', 'finance', COUNTY, '财务乙');
  });
  after(async () => {
    await e?.close();
  });

  it('导入 → 计算 → 他人审核 → 公示', async () => {
    const a = await e.login('e2e_mc_a', { width: 1500 });
    await a.locator('.ant-menu').getByText('小额信贷').click();
    await a.waitForURL('**/microcredit');
    await a.getByTestId('go-import').click();
    await a.waitForURL('**/microcredit/import');
    const inputs = a.locator('input[type=file]');
    await inputs.nth(0).setInputFiles(join(SAMPLES, 'loans.xlsx'));
    await inputs.nth(1).setInputFiles(join(SAMPLES, 'repayments.csv'));
    await inputs.nth(2).setInputFiles(join(SAMPLES, 'rates.csv'));
    await a.getByTestId('check-files').click();
    const result = a.getByTestId('import-result');
    await result.getByText('检查结果（未写入）').waitFor();
    assert.match(await result.innerText(), /拒收\s*24 行/);
    assert.match(await a.getByTestId('rejected-rows').innerText(), /展期到期日期无法识别：2020-06-31/);
    await shot(a, 'microcredit-import');
    await a.getByTestId('import-files').click();
    await result.getByText('导入结果').waitFor();
    assert.match(await result.innerText(), /接受的贷款\s*391 笔/);

    await a.goto(e.base + '/microcredit?tab=due');
    await a.getByTestId('due-逾期').waitFor();
    await a.goto(e.base + '/microcredit?tab=balances');
    await a.getByTestId('balance-chart').locator('canvas').waitFor();
    await shot(a, 'microcredit-balances');

    await a.goto(e.base + '/microcredit/subsidy');
    await a.getByTestId('compute-quarter').click();
    await a.getByTestId('quarter-input').fill('2020Q2');
    await a.locator('.ant-modal .ant-btn-primary').click();
    await a.waitForURL(/\/microcredit\/subsidy\/\d+$/);
    await a.getByTestId('run-total').getByText('43,637.42', { exact: false }).waitFor();
    assert.equal(await a.getByTestId('run-state').innerText(), '计算');
    assert.ok(await a.getByTestId('review-run').isDisabled(), '计算人不能审核');
    const url = a.url();
    await shot(a, 'microcredit-run-computed');

    const b = await e.login('e2e_mc_b', { width: 1500 });
    await b.goto(url);
    await b.getByTestId('review-run').click();
    await confirmOk(b);
    await b.getByTestId('run-state').getByText('审核').waitFor();
    await b.getByTestId('publish-run').click();
    await b.getByTestId('run-state').getByText('公示').waitFor();
    const popup = b.waitForEvent('popup');
    await b.getByTestId('print-notice').click();
    const notice = await popup;
    await notice.waitForLoadState();
    const text = await notice.locator('body').innerText();
    assert.match(text, /2020年第2季度扶贫小额信贷贴息公示/);
    assert.match(text, /周淑华/);
    assert.ok(!text.includes('430923198001013883'), '公示名单不显示完整身份证号');
    await shot(notice, 'microcredit-notice');
    await shot(b, 'microcredit-run-published');

    await b.goto(e.base + '/microcredit/loans/NH202006200001');
    await b.getByRole('link', { name: 'NH202002030001' }).first().waitFor();
    await shot(b, 'microcredit-loan');
  });
});
