// Browser test of a county officer's first day on the demo county (loaded as on first start):
// she logs in and the home page shows the year's money; a township officer enters a 核减 with
// evidence and the county officer approves it (another user, never the one who entered it);
// she builds a payment roll and a second officer reviews it (the builder cannot); a cross-check
// case of a death is verified and turned into a 核减 whose date is the death date of the
// evidence, shown and confirmed before it is sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { firstStart } from '../../src/system/first-start.ts';
import { confirmOk, startE2E, type E2E } from './kit.ts';
import { keptFile } from '../../src/shared/files/upload-store.ts';

const COUNTY = '430582';
let e: E2E;
let township = '';
const login = (username: string): Promise<Page> => e.login(username, { width: 1440 });

describe('浏览器：县中心业务人员的第一天（演示县）', { timeout: 1_200_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-first-day-');
    // the demo county exactly as the first start loads it (smaller, for speed)
    const lines = await firstStart({ database: e.database }, { countyCode: COUNTY, countyName: '示例县', demoPersons: 600, demoSeed: 1 });
    assert.ok(
      lines.some((l) => l.startsWith('已载入演示数据')),
      lines.join('\n'),
    );
    township = (await sql<{ t: string }>`SELECT left(village_code, 9) AS t FROM persons WHERE status = '正常' ORDER BY id LIMIT 1`.execute(e.database.db))
      .rows[0].t;
    await e.addUser('e2e_li', 'county', COUNTY, '李芳');
    await e.addUser('e2e_wang', 'county', COUNTY, '王军');
    await e.addUser('e2e_zhao', 'township', township, '赵敏');
  });
  after(async () => {
    await e?.close();
  });

  it('登录后首页有本年发放金额、成功率、多发和追回，以及待办提醒', async () => {
    const page = await login('e2e_li');
    const money = page.getByTestId('money');
    await money.getByText('万元').first().waitFor();
    const text = await money.innerText();
    assert.match(text, /\d{4}年已发放/);
    assert.match(text, /\d+\.\d 万元|\d+\.\d\d 万元/);
    assert.match(text, /银行发放成功率\s*\d+\.\d%/);
    assert.match(text, /核查发现多发/);
    assert.match(text, /已追回/);
    const alerts = await page.getByTestId('alerts').innerText();
    assert.match(alerts, /动态调整待审批/);
    assert.match(alerts, /疑似问题待核实/);
    await page.context().close();
  });

  it('乡镇专干录入核减（附佐证），县中心另一人审批通过', async () => {
    const person = (
      await sql<{
        id: number;
        name: string;
      }>`SELECT id, name FROM persons p WHERE status = '正常' AND relation <> '户主' AND village_code LIKE ${township + '%'}
      AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id_number = p.id_number) ORDER BY id LIMIT 1`.execute(e.database.db)
    ).rows[0];
    const town = await login('e2e_zhao');
    await town.goto(`${e.base}/persons/${person.id}`);
    await town.getByTestId('enter-removal').click();
    const form = town.getByTestId('adjustment-form');
    await form.waitFor();
    await form.getByTestId('remove-persons').getByText(person.name).waitFor();
    await form.getByTestId('adjustment-reason').click();
    await town.locator('.ant-select-item-option[title="死亡"]').click();
    await form.getByTestId('evidence-note').fill('村委会出具的死亡证明，死亡日期见附件');
    const evidence = join(e.dir, '死亡证明.pdf');
    writeFileSync(evidence, '%PDF-1.4\n% 死亡证明（测试）\n');
    const fileInput = form.locator('input[type=file]');
    if (await fileInput.count()) await fileInput.first().setInputFiles(evidence);
    await form.getByTestId('adjustment-submit').click();
    // a confirmation, when the form asks for one before an irreversible submission
    const confirm = town.locator('.ant-modal-confirm .ant-btn-primary');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await town.getByTestId('adjustment-drawer').getByText('待审批').first().waitFor();
    await town.context().close();

    const county = await login('e2e_li');
    const adj = (
      await sql<{ id: number }>`SELECT id FROM adjustments WHERE ${person.id}::bigint = ANY(person_ids) ORDER BY id DESC LIMIT 1`.execute(e.database.db)
    ).rows[0];
    assert.ok(adj, '核减没有提交');
    await county.goto(`${e.base}/adjustments?tab=queue`);
    await county.getByTestId(`open-adjustment-${adj.id}`).click();
    const drawer = county.getByTestId('adjustment-drawer');
    // the drawer names the person, not a number
    await drawer.getByRole('link', { name: person.name }).first().waitFor();
    await county.getByTestId('approve').click();
    await confirmOk(county);
    await drawer.waitFor({ state: 'hidden' });
    const db = await sql<{ status: string; entered_by: number; decided_by: number }>`SELECT status, entered_by, decided_by FROM adjustments
      WHERE ${person.id}::bigint = ANY(person_ids) ORDER BY id DESC LIMIT 1`.execute(e.database.db);
    assert.equal(db.rows[0].status, 'approved');
    assert.notEqual(Number(db.rows[0].entered_by), Number(db.rows[0].decided_by));
    const p = await sql<{ status: string }>`SELECT status FROM persons WHERE id = ${person.id}`.execute(e.database.db);
    assert.equal(p.rows[0].status, '已核减');
    await county.context().close();
  });

  it('一人编制发放批次，另一人审核（编制人本人不能审核）', async () => {
    const year = String(new Date().getFullYear() + 1);
    const li = await login('e2e_li');
    await li.goto(`${e.base}/subsidy`);
    await li.getByTestId('build-roll').click();
    await li.getByTestId('roll-period').fill(year);
    await li.locator('.ant-modal .ant-btn-primary').click();
    await li.waitForURL(/\/subsidy\/payrolls\/\d+$/);
    const rollPath = new URL(li.url()).pathname;
    await li.getByTestId('lines-table').locator('tbody tr').first().waitFor();
    // the builder may not review her own roll: no button, or the server refuses it
    const own = li.getByTestId('review');
    if ((await own.isVisible().catch(() => false)) && (await own.isEnabled())) {
      await own.click();
      const ok = li.locator('.ant-modal-confirm .ant-btn-primary, .ant-popconfirm .ant-btn-primary').first();
      await ok
        .waitFor({ timeout: 5000 })
        .then(() => ok.click())
        .catch(() => {
          /* no confirmation asked */
        });
      await li.waitForTimeout(1500);
    }
    const mid = await sql<{ status: string }>`SELECT status FROM payrolls WHERE period = ${year}`.execute(e.database.db);
    assert.equal(mid.rows[0].status, 'draft', '编制人本人审核了自己的批次');
    await li.context().close();

    const wang = await login('e2e_wang');
    await wang.goto(e.base + rollPath);
    await wang.getByTestId('review').click();
    const ok = wang.locator('.ant-modal-confirm .ant-btn-primary, .ant-popconfirm .ant-btn-primary').first();
    await ok
      .waitFor({ timeout: 5000 })
      .then(() => ok.click())
      .catch(() => {
        /* no confirmation asked */
      });
    await wang.getByTestId('export-bank-file').waitFor();
    const done = await sql<{
      status: string;
      created_by: number;
      reviewed_by: number;
    }>`SELECT status, created_by, reviewed_by FROM payrolls WHERE period = ${year}`.execute(e.database.db);
    assert.equal(done.rows[0].status, 'reviewed');
    assert.notEqual(Number(done.rows[0].created_by), Number(done.rows[0].reviewed_by));
    // the roll by township and village
    await wang.getByRole('tab', { name: '乡镇、村小计' }).click();
    await wang.getByTestId('subtotals').getByText('合计').waitFor();
    await wang.context().close();
  });

  it('死亡疑似问题核实为违规后转为核减，核减日期取佐证中的死亡日期', async () => {
    const c = (
      await sql<{
        id: number;
        name: string;
        id_number: string;
      }>`SELECT c.id, c.name, c.id_number FROM cases c WHERE c.code = 'DECEASED_PAID' AND c.status = '待核实'
      AND EXISTS (SELECT 1 FROM persons p WHERE p.id_number = c.id_number AND p.status = '正常') ORDER BY c.id LIMIT 1`.execute(e.database.db)
    ).rows[0];
    assert.ok(c, '演示县应有待核实的死亡疑似问题');
    // the demo's 死亡名单 as kept: a file in the upload store (older inputs keep their bytes in the row)
    const input = (
      await sql<{ content: Buffer | Uint8Array | null; stored_file: string; sha256: string }>`SELECT content, stored_file, sha256 FROM crosscheck_inputs
        WHERE kind = 'deaths' LIMIT 1`.execute(e.database.db)
    ).rows[0];
    const bytes = input.stored_file ? readFileSync(await keptFile(input.stored_file, input.sha256, '死亡名单')) : Buffer.from(input.content ?? []);
    const deathDate = bytes
      .toString('utf8')
      .split(/\r?\n/)
      .map((l) => l.split(','))
      .find((r) => r[1] === c.id_number)![2];

    const li = await login('e2e_li');
    await li.goto(`${e.base}/crosscheck?tab=cases`);
    const row = li.locator('.ant-table-row', { hasText: c.name }).first();
    await row.waitFor();
    await row.getByRole('button', { name: /^核\s*实$/ }).click();
    const modal = li.locator('.ant-modal').filter({ hasText: '核实' });
    await modal.locator('textarea').first().fill('民政死亡名单与村委会走访一致，已取得死亡证明');
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    // verified cases leave the 待核实 filter
    await li.goto(`${e.base}/crosscheck?tab=cases`);
    await li.locator('.ant-select').first().click();
    await li.locator('.ant-select-item-option[title="已核实"]').click();
    const done = li.locator('.ant-table-row', { hasText: c.name }).first();
    await done.getByRole('button', { name: '转核减' }).click();
    // the date of death from the evidence, shown for the officer to confirm or change
    const dialog = li.locator('.ant-modal').filter({ hasText: '转为核减' });
    await dialog.getByText(deathDate).first().waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: '生成核减调整' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 }).catch(async () => assert.fail(`转核减未完成：${await dialog.innerText()}`));
    const adj = await sql<{ effective_date: string; reason: string }>`SELECT effective_date::text AS effective_date, reason FROM adjustments a
      JOIN cases c ON c.adjustment_id = a.id WHERE c.id = ${c.id}`.execute(e.database.db);
    assert.equal(adj.rows.length, 1, '没有生成核减调整单');
    assert.equal(adj.rows[0].reason, '死亡');
    assert.equal(adj.rows[0].effective_date, deathDate);
    await li.context().close();
  });
});
