// Browser test: the built web app runs under the server's Content-Security-Policy (scripts from
// this server only, no framing): the login page renders, a user logs in and sees the home page,
// and Chromium reports no CSP violation. A screenshot of the login page is kept for the record.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startE2E, PASSWORD, type E2E } from './kit.ts';

let e: E2E;

describe('the web app under the Content-Security-Policy (browser)', () => {
  before(async () => {
    e = await startE2E('anju-e2e-csp-');
    await e.addUser('csp_admin', 'admin', '430582', '管理员');
  });
  after(async () => {
    await e?.close();
  });

  it('renders login and home with no CSP violation', async () => {
    const context = await e.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(e.base + '/login');
    assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    assert.equal(res!.headers()['x-frame-options'], 'DENY');
    await page.locator('#username').waitFor();
    await page.screenshot({ path: join(tmpdir(), 'anju-login-csp.png') });
    await page.locator('#username').fill('csp_admin');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByTestId('county-name').waitFor();
    assert.deepEqual(violations, []);
    await context.close();
  });
});
