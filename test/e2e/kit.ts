// What every browser test needs: the real server on a fresh PGlite in a temp folder, the
// built web app (built once, only when missing), Debian's Chromium, users and a logged-in page.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../src/shared/db/database.ts';
import { migrate } from '../../src/shared/db/migrate.ts';
import { buildApp } from '../../src/app.ts';
import { hashPassword } from '../../src/auth/index.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'web', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'E2e-test-pass-2024';
export const TIMEOUT = 60_000; // generous: CI runs this beside the other test files on two cores

export interface E2E {
  dir: string;
  database: Database;
  app: FastifyInstance;
  browser: Browser;
  base: string;
  addUser(username: string, role: string, regionCode: string, displayName: string): Promise<void>;
  login(username: string, opts?: { width?: number; acceptDownloads?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export async function startE2E(prefix: string): Promise<E2E> {
  // CI builds the web app before the tests; a local run without a build gets one here
  if (!existsSync(join(DIST, 'index.html'))) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--logLevel', 'warn'],
      { stdio: 'inherit', cwd: ROOT },
    );
    assert.equal(r.status, 0, '网页构建失败');
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const database = await openDatabase({ dataDir: join(dir, 'data') });
  await migrate(database);
  const app = await buildApp({ database, config: { version: 'e2e', webDist: DIST, secureCookies: false } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  const base = `http://127.0.0.1:${addr.port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  } catch (e) {
    // without this the listening server and the open database keep the test process alive
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`无法启动浏览器 ${CHROMIUM}（未安装时：apt-get install -y chromium；或设置 CHROMIUM_PATH）：${(e as Error).message}`);
  }
  return {
    dir,
    database,
    app,
    browser,
    base,
    async addUser(username, role, regionCode, displayName) {
      const hash = await hashPassword(PASSWORD, { fast: true });
      await sql`INSERT INTO users (username, display_name, password_hash, role, region_code, must_change_password, active)
        VALUES (${username}, ${displayName}, ${hash}, ${role}, ${regionCode}, false, true)`.execute(database.db);
    },
    async login(username, opts = {}) {
      const context = await browser.newContext({
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: opts.width ?? 1400, height: 900 },
        acceptDownloads: opts.acceptDownloads ?? false,
      });
      context.setDefaultTimeout(TIMEOUT);
      const page = await context.newPage();
      await page.goto(base + '/login');
      await page.locator('#username').fill(username);
      await page.locator('#password').fill(PASSWORD);
      await page.locator('button[type=submit]').click();
      await page.getByTestId('county-name').waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Pick a region in a TreeSelect (opened, searched by `search`, the node named `name` clicked).
 * On a loaded machine the click can land while the tree is still filtering and pick nothing,
 * leaving the drop-down open over the form (seen once in CI): the click is repeated until the
 * node's drop-down has closed, which it does once a node is picked.
 */
export async function pickTreeNode(page: Page, select: Locator, search: string, name: string): Promise<void> {
  await select.click();
  await page.keyboard.type(search);
  await clickUntilHidden(page.locator('.ant-select-tree-node-content-wrapper', { hasText: name }).filter({ visible: true }), `区划“${name}”未能选中`);
}

/** Click until the target is no longer shown: a click that was lost leaves it there. */
async function clickUntilHidden(target: Locator, failure: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await target.click();
    try {
      await target.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch {
      /* still shown: click again */
    }
  }
  throw new Error(failure);
}

/**
 * Press the primary button of the open confirmation (Modal.confirm or Popconfirm) and wait until
 * it has closed. A click that lands while the dialog is still zooming in can be lost (seen in CI:
 * the dialog stayed open, its button idle, and nothing was sent), so it is pressed again. A click
 * that was taken is not repeated by this: the button is then loading or the dialog closing, and
 * antd's action button runs its handler once.
 */
export async function confirmOk(page: Page): Promise<void> {
  await clickUntilHidden(
    page.locator('.ant-modal-confirm .ant-btn-primary, .ant-popconfirm .ant-btn-primary').filter({ visible: true }).first(),
    '确认对话框未能确认',
  );
}
