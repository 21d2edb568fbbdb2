// Browser test: a township officer creates a project and enters every stage from 入库 to 县级验收
// with its documents; a county officer (another user) approves each one; the ledger dates follow.
// Finance enters a 拨付 and a 报账 for it, and the dispatch table (调度表) shows the project with
// those figures, its stage and progress. Another county's finance officer imports the sample
// ledger as its five CSV files: the page names the missing one, previews, then imports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { createBatch } from '../../src/funds/funds.service.ts';
import { confirmOk, startE2E, type E2E } from './kit.ts';

const C = '430582',
  T = '430582101',
  V = T + '201';
const NO = 'XM-E2E-1';
const SAMPLES = fileURLToPath(new URL('../fixtures/samples/funds/', import.meta.url));
let e: E2E;

const pdf = (name: string) => ({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name} ${Math.random()}\n%%EOF\n`) });

/** Open the project page, enter the next stage with its documents, submit. */
async function enterStage(page: Page, fill: (p: Page) => Promise<void> = async () => {}) {
  await page.goto(`${e.base}/funds/projects/${NO}`);
  await page.getByTestId('enter-stage').click();
  const form = page.getByTestId('stage-form');
  await form.waitFor();
  await fill(page);
  // one upload per document the stage needs (the form lists them): the list read in one go,
  // each box then found by its kind
  const kinds = await form.locator('[data-testid^="doc-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.slice(4)));
  for (const kind of kinds) {
    const box = form.getByTestId(`doc-${kind}`);
    await box.locator('input[type=file]').setInputFiles(pdf(kind));
    await box.getByText(`${kind}.pdf`).waitFor();
  }
  await page.getByTestId('stage-submit').click();
  await page.getByTestId('pending-stage').waitFor();
}

async function approve(page: Page, stage: string) {
  await page.goto(`${e.base}/funds/projects/${NO}`);
  await page.getByTestId('approve-stage').click();
  // wait for the server's answer, so a refusal fails here with its message instead of a timeout
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/stages\/[^/]+\/approve$/.test(r.url()));
  await confirmOk(page);
  const r = await answer;
  assert.equal(r.status(), 200, `审批“${stage}”：${await r.text()}`);
  await page.getByTestId(`history-${stage}-approved`).waitFor();
}

describe('浏览器：后扶项目从入库到验收，拨付、报账和调度表', { timeout: 900_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-funds-');
    const db = e.database.db;
    await sql`INSERT INTO counties (code, name) VALUES (${C}, '安化县') ON CONFLICT DO NOTHING`.execute(db);
    await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES (${T}, ${C}, 'township', ${C}, '东坪镇'), (${V}, ${C}, 'village', ${T}, '黄沙坪村')`.execute(
      db,
    );
    await e.addUser('e2e_town', 'township', T, '东坪镇专干');
    await e.addUser('e2e_county', 'county', C, '县中心审批人');
    await e.addUser('e2e_finance', 'finance', C, '县中心财务');
    await createBatch(
      db,
      { userId: null, username: 'e2e', countyCode: C, regionCode: C },
      {
        batchNo: 'ZJ-E2E',
        year: 2026,
        level: '中央',
        category: '到县资金',
        docNo: '财农〔2026〕1号',
        issuedOn: '2026-06-01',
        amountFen: 1_000_000_00,
        countsInRates: true,
      },
    );
  });

  /** 录入资金 (funds pages): one entry of a kind against the batch and the project. */
  async function enterMoney(page: Page, kind: string, yuan: string) {
    await page.goto(`${e.base}/funds/entry`);
    await page.getByTestId('entry-kind').getByText(kind, { exact: true }).click();
    await page.getByTestId('entry-batch').click();
    await page.locator('.ant-select-item-option', { hasText: 'ZJ-E2E' }).click();
    await page.getByTestId('entry-project').click();
    await page.getByTestId('entry-project').locator('input').fill(NO);
    await page.locator('.ant-select-item-option', { hasText: NO }).click();
    await page.getByTestId('entry-remaining').waitFor();
    await page.getByTestId('entry-amount').fill(yuan);
    await page.getByTestId('entry-save').click();
    await page.getByText(/已录入记录 \d+/).waitFor();
  }
  after(async () => {
    await e?.close();
  });

  it('入库 → 立项 → 方案 → 自建 → 开工 → 进度 → 完工 → 验收，拨付和报账，调度表', async () => {
    const town = await e.login('e2e_town');
    const county = await e.login('e2e_county');

    // the township officer creates the project
    await town.locator('.ant-menu').getByText('后扶项目').click();
    await town.getByTestId('new-project').click();
    await town.getByTestId('np-no').fill(NO);
    await town.getByTestId('np-name').fill('黄沙坪村通组公路硬化');
    await town.getByTestId('np-village').fill(V);
    await town.getByTestId('np-planned').fill('500000');
    await town.getByTestId('np-unit').fill('县交通运输局');
    await town.locator('.ant-modal .ant-btn-primary').click();
    await town.waitForURL(`**/funds/projects/${NO}`);

    // 入库: beneficiaries and sources that sum to the plan
    await enterStage(town, async (p) => {
      await p.getByTestId('lib-households').fill('40');
      await p.getByTestId('lib-persons').fill('150');
      await p.getByTestId('lib-support').fill('120');
      await p.getByTestId('lib-fund').fill('400000');
      await p.getByTestId('lib-county').fill('100000');
      await p.getByText('相符').waitFor();
    });
    // the enterer sees no approve button
    assert.equal(await town.getByTestId('approve-stage').count(), 0);
    assert.match(await town.getByTestId('pending-stage').innerText(), /您是录入人，须由县中心另一名人员审批/);
    await approve(county, 'library');

    await enterStage(town, async (p) => {
      await p.getByTestId('approval-docno').fill('安移发〔2026〕8号');
    });
    await approve(county, 'approval');
    await enterStage(town);
    await approve(county, 'design');
    await enterStage(town, async (p) => {
      await p.getByTestId('proc-mode').getByText('村民自建').click();
      // the form follows the mode a render later: no 中标单位, and the documents of 自建
      await p.getByTestId('stage-form').getByText('中标单位').waitFor({ state: 'detached' });
    });
    await approve(county, 'procurement');
    await enterStage(town);
    await approve(county, 'started');

    // monthly progress: 100% this month
    await town.goto(`${e.base}/funds/projects/${NO}`);
    await town.getByRole('tab', { name: /进度/ }).click();
    await town.getByTestId('report-progress').click();
    await town.getByTestId('pg-percent').fill('100');
    await town.locator('.ant-modal .ant-btn-primary').click();
    await town.getByText('进度已报送').waitFor();

    await enterStage(town);
    await approve(county, 'completed');
    await enterStage(town, async (p) => {
      await p.getByTestId('acc-group').fill('县移民中心、县财政局、县交通运输局');
    });
    await approve(county, 'accepted');

    const ledger =
      await sql<any>`SELECT started_on::text AS s, completed_on::text AS c, accepted_on::text AS a FROM fund_projects WHERE project_no = ${NO}`.execute(
        e.database.db,
      );
    const row = ledger.rows[0];
    assert.ok(row.s && row.c && row.a, JSON.stringify(row));
    const stages =
      await sql<any>`SELECT count(*)::int AS n FROM project_stages WHERE project_no = ${NO} AND status = 'approved' AND decided_by <> entered_by`.execute(
        e.database.db,
      );
    assert.equal(stages.rows[0].n, 7);

    // the list shows the stage badge
    await county.goto(`${e.base}/funds/projects?q=${NO}`);
    const listed = county.getByTestId('projects-table').locator('tbody tr', { hasText: NO });
    await listed.waitFor();
    assert.match(await listed.innerText(), /县级验收/);

    // finance: 资金安排, 拨付 and 报账 through the funds entry form
    const finance = await e.login('e2e_finance');
    await enterMoney(finance, '资金安排', '400000');
    await enterMoney(finance, '拨付', '300000');
    await enterMoney(finance, '报账', '250000');
    // the project page shows them with what is left of the allocation
    await finance.goto(`${e.base}/funds/projects/${NO}`);
    await finance.getByRole('tab', { name: '资金' }).click();
    const money = await finance.getByTestId('project-money').locator('tbody tr', { hasText: 'ZJ-E2E' }).innerText();
    assert.match(money, /400,000\.00[\s\S]*300,000\.00[\s\S]*250,000\.00[\s\S]*100,000\.00[\s\S]*150,000\.00/);

    // the dispatch table: the project's figures, rates, stage and progress
    await finance.goto(`${e.base}/funds/dispatch`);
    await finance.getByRole('tab', { name: /调度表/ }).click();
    const line = finance.locator('tbody tr', { hasText: '黄沙坪村通组公路硬化' });
    await line.waitFor();
    const text = await line.innerText();
    for (const figure of ['500,000.00', '400,000.00', '300,000.00', '250,000.00', '75.00', '62.50', '100'])
      assert.ok(text.includes(figure), `调度表缺少 ${figure}：${text}`);
    assert.match(text, /验收/);
    await town.context().close();
    await county.context().close();
    await finance.context().close();
  });

  it('导入资金台账：五个CSV文件，缺一个时指明，预览后确认导入', async () => {
    await e.addUser('e2e_fin_csv', 'finance', '522727', '另一县财务');
    const page = await e.login('e2e_fin_csv');
    await page.goto(`${e.base}/funds/import`);
    const dir = join(SAMPLES, 'ledger_csv');
    const files = readdirSync(dir).sort();
    const input = page.locator('input[type=file]');
    await input.setInputFiles(files.filter((f) => f !== '报账.csv').map((f) => join(dir, f)));
    await page.getByTestId('ledger-file-missing').filter({ hasText: '报账.csv' }).waitFor();
    assert.equal(await page.getByTestId('ledger-file-present').count(), 4);
    await input.setInputFiles(join(dir, '报账.csv'));
    await page.getByTestId('ledger-confirm').waitFor();
    assert.equal(await page.getByTestId('ledger-file-present').count(), 5);
    const expected = readFileSync(join(SAMPLES, 'expected_rejected.csv'), 'utf8').trim().split(/\r?\n/).length - 1;
    await page.getByText(`被拒绝的行：${expected}`).waitFor();
    const none = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_entries WHERE county_code = '522727'`.execute(e.database.db);
    assert.equal(none.rows[0].n, 0);
    await page.getByTestId('ledger-confirm').click();
    await page.getByText('已导入，下面列出未导入（被拒绝）的行。').waitFor();
    const added = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_entries WHERE county_code = '522727'`.execute(e.database.db);
    assert.ok(added.rows[0].n > 0);
    await page.context().close();
  });
});
