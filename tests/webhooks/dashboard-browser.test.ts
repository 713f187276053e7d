import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { PASSWORD, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let admin: Someone;

beforeAll(async () => {
  p = await startTestPlatform('queue_dashboard_browser', { workers: false });
  admin = await signUp(p, 'Bea Browser', 'admin');
});
afterAll(async () => {
  await p?.close();
});

describe('the queue dashboard in a browser', () => {
  it('runs under the CSP: no script is refused and the queues are listed', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Only the platform on loopback is reachable; anything else (web fonts) is cut off here.
      await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
      const violations: string[] = [];
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
      });
      const login = await page.request.post(`${p.url}/api/auth/login`, {
        data: { email: admin.email, password: PASSWORD },
        headers: { origin: p.url },
      });
      expect(login.status()).toBe(200);
      await page.goto(`${p.url}/admin/queues`);
      await page.getByText('webhooks', { exact: false }).first().waitFor({ timeout: 15_000 });
      expect(await page.content()).toContain('notifications');
      // Scripts all run; only the loading placeholder's inline styles are refused (cosmetic).
      expect(violations.filter((v) => /script-src|inline script|Refused to load the script/i.test(v))).toEqual([]);
      expect(
        violations.every((v) => /inline style|stylesheet/i.test(v)),
        violations.join('\n'),
      ).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
