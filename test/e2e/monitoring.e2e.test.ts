// Browser test: a township officer identifies a household, adds a risk and a measure and asks
// for one risk's removal; the same officer cannot approve it; a second township officer gives
// the township review and a county officer the county decision — the risk is removed. The real
// server (fresh PGlite) and the built web app, driven in Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { synthId } from '../../src/monitoring/synth.ts';
import { todayIso } from '../../src/shared/dates.ts';
import { pickTreeNode, startE2E, type E2E } from './kit.ts';

const COUNTY = '430582',
  TOWN = '430582101',
  VILLAGE = '430582101201';
const HEAD_ID = synthId(COUNTY, 654_321);
let e: E2E;

async function pick(page: Page, optionText: string) {
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: optionText }).first().click();
}

describe('浏览器：识别监测户、新增风险和措施、风险消除经乡镇审核和县级审定', { timeout: 900_000 }, () => {
  before(async () => {
    e = await startE2E('anju-e2e-monitoring-');
    const db = e.database.db;
    await sql`INSERT INTO counties (code, name) VALUES (${COUNTY}, '示例县')`.execute(db);
    await sql`INSERT INTO regions (code, county_code, level, parent_code, name) VALUES
      (${TOWN}, ${COUNTY}, 'township', ${COUNTY}, '城关镇'), (${VILLAGE}, ${COUNTY}, 'village', ${TOWN}, '新民村')`.execute(db);
    // the monitoring lines are a county setting; set here so the test is about the workflow
    const y = Number(todayIso().slice(0, 4));
    await sql`INSERT INTO monitoring_lines (county_code, year, line_fen) VALUES (${COUNTY}, ${y}, 720000), (${COUNTY}, ${y - 1}, 690000)`.execute(db);
    await e.addUser('e2e_xiang_a', 'township', TOWN, '乡镇信息员甲');
    await e.addUser('e2e_xiang_b', 'township', TOWN, '乡镇审核人乙');
    await e.addUser('e2e_xian', 'rural', COUNTY, '县乡村振兴局丙');
  });
  after(async () => {
    await e?.close();
  });

  it('识别 → 风险 → 措施 → 申请消除 → 乡镇审核 → 县级审定', async () => {
    const a = await e.login('e2e_xiang_a');
    await a.locator('.ant-menu').getByText('防返贫监测').click();
    await a.waitForURL('**/monitoring');
    await a.getByTestId('identify-button').click();
    const modal = a.locator('.ant-modal:visible');
    await pickTreeNode(a, modal.locator('.ant-form-item', { hasText: '所在村' }).locator('.ant-select'), '新民', '新民村');
    await modal.locator('label', { hasText: '因病' }).click();
    await a.getByTestId('identify-responsible').fill('驻村干部王');
    await a.getByTestId('identify-income').fill('8,600');
    await a.getByTestId('member-name-0').fill('张守田');
    await a.getByTestId('member-id-0').fill(HEAD_ID);
    await a.getByTestId('identify-submit').click();
    await a.waitForURL(/\/monitoring\/households\/\d+$/);
    const url = a.url();
    await a.getByTestId('timeline').getByText('识别风险：因病').waitFor();

    await a.getByTestId('add-risk').click();
    await a.locator('.ant-modal:visible .ant-form-item', { hasText: '风险类型' }).locator('.ant-select').click();
    await pick(a, '住房');
    await a.getByTestId('risk-form-submit').click();
    await a.getByTestId('timeline').getByText('识别风险：住房').waitFor();

    await a.getByTestId('add-measure').click();
    await a.locator('.ant-modal:visible .ant-form-item', { hasText: '措施类型' }).locator('.ant-select').click();
    await pick(a, '健康帮扶');
    await a.getByTestId('measure-description').fill('大病医疗救助');
    await a.getByTestId('measure-amount').fill('2000');
    await a.getByTestId('measure-form-submit').click();
    await a.getByTestId('timeline').getByText('帮扶措施：健康帮扶').waitFor();
    await a.getByRole('tab', { name: /帮扶措施/ }).click();
    assert.match(await a.getByTestId('measure-table').innerText(), /大病医疗救助[\s\S]*2,000\.00/);

    await a.getByRole('tab', { name: /风险/ }).click();
    await a.getByTestId('request-removal-illness').click();
    // without conditions the form refuses; then the required ones are ticked
    await a.getByTestId('removal-note').fill('入户核实：医疗费用已报销，家庭务工收入稳定');
    await a.getByTestId('removal-form-submit').click();
    await a.getByText('请勾选满足的条件').waitFor();
    for (const c of ['人均纯收入稳定高于当年监测标准', '“两不愁三保障”及饮水安全有保障', '致贫返贫风险已稳定消除或自然消除']) {
      await a.locator('.ant-modal:visible label', { hasText: c }).click();
    }
    await a.getByTestId('removal-form-submit').click();
    await a.getByTestId('risk-state-illness').getByText('待乡镇审核').waitFor();
    // the officer who asked cannot approve
    await a.getByTestId('approve-township-illness').click();
    await a.getByText('录入（申请）人不能审核自己的申请').waitFor();

    const b = await e.login('e2e_xiang_b');
    await b.goto(url);
    await b.getByRole('tab', { name: /风险/ }).click();
    await b.getByTestId('approve-township-illness').click();
    await b.getByTestId('risk-state-illness').getByText('待县级审定').waitFor();

    const c = await e.login('e2e_xian');
    await c.goto(url);
    await c.getByRole('tab', { name: /风险/ }).click();
    await c.getByTestId('approve-county-illness').click();
    await c.getByTestId('risk-state-illness').getByText('风险已消除').waitFor();
    assert.equal(await c.getByTestId('risk-state-housing').innerText(), '帮扶中（风险未消除）');
    assert.match(await c.getByTestId('household-status').innerText(), /监测中/);
    await c
      .getByTestId('timeline')
      .getByText(/风险消除（因病）：风险已消除/)
      .waitFor();

    const who = (
      await sql<{
        requested_by: number;
        township_by: number;
        county_by: number;
      }>`SELECT requested_by, township_by, county_by FROM monitored_risks WHERE risk_type = 'illness'`.execute(e.database.db)
    ).rows[0];
    assert.equal(new Set([who.requested_by, who.township_by, who.county_by].map(Number)).size, 3);
  });
});
