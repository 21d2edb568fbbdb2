// Browser test: the real server (fresh PGlite, migrated) and the built web app, driven in
// Chromium. An administrator logs in and imports the sample roster through the import page;
// the roster search finds a person by name and by the last digits of the ID; a township
// officer enters a 核减 for her; the county operator approves it; her page then shows the
// new status and the change in her history; her full ID shows only on request, and that view
// is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { confirmOk, startE2E, ROOT, type E2E } from './kit.ts';

const ROSTER = join(ROOT, 'test', 'fixtures', 'samples', 'roster.csv');
const COUNTY = '430582';
const TOWNSHIP = '430582130'; // 竹田镇
// a person of the sample roster: 朱菊, 430582195708041268, household 4305821302410001 (竹田镇茶雁村)
const NAME = '朱菊';
const ID_TAIL = '041268';
const HOUSEHOLD = '4305821302410001';

let e: E2E;
const login = (username: string) => e.login(username);

/** Types into the roster search and waits until the table shows a row with `text`. */
async function search(page: Page, query: string, text: string) {
  const box = page.getByTestId('roster-search').locator('input');
  await box.fill(query);
  await page.waitForURL((u) => u.searchParams.get('q') === query);
  await page.getByTestId('roster-table').locator('tbody tr', { hasText: text }).first().waitFor();
}

describe('浏览器：导入花名册、查找人员、核减与审批', { timeout: 900_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-');
    await e.addUser('e2e_admin', 'admin', COUNTY, '系统管理员甲');
    await e.addUser('e2e_county', 'county', COUNTY, '县中心乙');
    await e.addUser('e2e_town', 'township', TOWNSHIP, '竹田镇专干丙');
  });

  after(async () => {
    await e?.close();
  });

  let personPath = '';

  it('管理员登录后通过导入页面导入样例花名册（预览后确认）', async () => {
    const page = await login('e2e_admin');
    await page.locator('.ant-menu').getByText('导入花名册').click();
    await page.waitForURL('**/import');
    await page.locator('input[type=file]').setInputFiles(ROSTER);
    await page.getByTestId('import-preview').click();
    const preview = page.getByTestId('import-preview-result');
    await preview.waitFor({ timeout: 300_000 });
    // nothing is written before 确认导入
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(e.database.db);
    assert.equal(before.rows[0].n, 0, '预览不应写入花名册');
    // the button says how many will be added: the register must then hold exactly that many
    const applyText = await page.getByTestId('import-apply').innerText();
    const m = /新增\s*([\d,]+)/.exec(applyText);
    assert.ok(m, `确认按钮应写明新增人数：${applyText}`);
    const toAdd = Number(m[1].replace(/,/g, ''));
    assert.ok(toAdd > 1000, `样例花名册本县应新增约2000人，预览为${toAdd}`);
    await page.getByTestId('import-apply').click();
    await page.getByTestId('import-done').waitFor({ timeout: 300_000 });
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(e.database.db);
    assert.equal(n.rows[0].n, toAdd);
    await page.context().close();
  });

  it('花名册按姓名和身份证号末位都能找到人员，并打开人员页面', async () => {
    const page = await login('e2e_admin');
    await page.goto(e.base + '/roster');
    await search(page, NAME, HOUSEHOLD);
    await search(page, ID_TAIL, NAME);
    const row = page.getByTestId('roster-table').locator('tbody tr', { hasText: NAME }).first();
    // IDs are masked in the list
    assert.doesNotMatch(await row.innerText(), /430582195708041268/);
    await row.getByRole('link', { name: NAME }).click();
    await page.waitForURL(/\/persons\/\d+$/);
    personPath = new URL(page.url()).pathname;
    await page.getByTestId('person-name').filter({ hasText: NAME }).waitFor();
    assert.match(await page.getByTestId('person-status').innerText(), /正常/);
    await page.context().close();
  });

  it('乡镇专干录入核减，县中心审批通过后人员状态和历史随之改变', async () => {
    assert.ok(personPath, '上一步应找到人员页面');
    // township officer: 核减 from the person page
    const town = await login('e2e_town');
    await town.goto(e.base + personPath);
    await town.getByTestId('enter-removal').click();
    await town.waitForURL(/\/adjustments\?/);
    const form = town.getByTestId('adjustment-form');
    await form.waitFor();
    await form.getByTestId('remove-persons').getByText(NAME).waitFor(); // the person is preselected
    await form.getByTestId('adjustment-reason').click();
    await town.locator('.ant-select-item-option[title="死亡"]').click();
    await form.getByTestId('evidence-note').fill('村委会出具的死亡证明');
    await form.getByTestId('adjustment-submit').click();
    const drawer = town.getByTestId('adjustment-drawer');
    await drawer.getByText('待审批').first().waitFor();
    await town.context().close();

    // county operator: the queue → approve
    const county = await login('e2e_county');
    await county.locator('.ant-menu').getByText('动态调整').click();
    const queue = county.getByTestId('adjustments-queue');
    const row = queue.locator('tbody tr', { hasText: '核减' }).first();
    await row.waitFor();
    await row.getByRole('button').click();
    await county.getByTestId('approve').click();
    await confirmOk(county);
    await county.getByTestId('adjustment-drawer').waitFor({ state: 'hidden' });

    // the person page shows the new status and the change in the history
    await county.goto(e.base + personPath);
    await county.getByTestId('person-status').filter({ hasText: '已核减' }).waitFor();
    const history = await county.getByTestId('history').innerText();
    assert.match(history, /核减/);
    assert.match(history, /死亡/);
    const db = await sql<{
      status: string;
      removal_reason: string;
    }>`SELECT status, removal_reason FROM persons WHERE name = ${NAME} AND household_no = ${HOUSEHOLD}`.execute(e.database.db);
    assert.deepEqual(
      db.rows.map((r) => [r.status, r.removal_reason]),
      [['已核减', '死亡']],
    );

    // 查看完整信息: the full ID shows after confirming, and the view is in the audit log
    assert.doesNotMatch(await county.getByTestId('person-details').innerText(), /430582195708041268/);
    await county.getByTestId('unmask').click();
    await confirmOk(county);
    await county.getByTestId('person-details').filter({ hasText: '430582195708041268' }).waitFor();
    const views = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.view_unmasked' AND username = 'e2e_county'`.execute(
      e.database.db,
    );
    assert.equal(views.rows[0].n, 1);
    await county.context().close();
  });
});
