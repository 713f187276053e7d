// The notification pages in headless Chromium at 360 px (needs the client build: npm run build -w client).
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.js';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let ana: TestClient;
let ben: TestClient;
let threadId: string;
let firstPostId: string;
const password = 'harbor-lantern-meadow-19';

beforeAll(async () => {
  p = await startTestPlatform('e2e_notifications');
  browser = await launchBrowser();
  ana = p.client();
  ben = p.client();
  await ana.post('/api/auth/register', { email: 'ana-bell@example.org', password, displayName: 'Ana Bell' });
  await ben.post('/api/auth/register', { email: 'ben-bell@example.org', password, displayName: 'Ben Ringer' });
  const categories = (await ana.get('/api/categories')).body.categories;
  const created = await ana.post('/api/threads', {
    categoryId: categories[0].id,
    title: 'Summer reading circles for families',
    body: 'Who has run one before?',
  });
  threadId = created.body.thread.id;
  firstPostId = created.body.post.id;
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

// bypassCSP lets the test inject axe-core; the app itself runs under its real policy.
async function signedIn(client: TestClient): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const [name, ...rest] = client.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context;
}

describe('notifications in the browser at 360 px', () => {
  it('updates the bell live, lists the notification and marks all read', async () => {
    const page = await (await signedIn(ana)).newPage();
    await page.goto(`${p.url}/`);
    const bell = page.getByRole('link', { name: /^Notifications/ });
    await bell.waitFor();
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');
    await new Promise((r) => setTimeout(r, 800)); // the socket joins the member room

    await ben.post(`/api/threads/${threadId}/posts`, { body: 'We did, at the library!', parentId: firstPostId });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 10_000 }).toBe('Notifications 1 unread');

    await bell.click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page
      .getByRole('link', { name: 'Ben Ringer replied to you in “Summer reading circles for families”' })
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications');
  });

  it('saves preferences and unsubscribes by link, both accessible', async () => {
    const page = await (await signedIn(ana)).newPage();
    await page.goto(`${p.url}/settings/notifications`);
    await page.getByRole('heading', { level: 1, name: 'Notification settings' }).waitFor();
    await page.getByLabel('How often').selectOption('weekly');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Your notification settings are saved.').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    expect((await ana.get('/api/members/me/preferences')).body.preferences.digest.frequency).toBe('weekly');

    const { unsubscribeTokens } = await import('@commons/server/notifications/tokens');
    const me = (await ana.get('/api/auth/me')).body.user.id as string;
    const token = unsubscribeTokens(p.runtime.config.SESSION_SECRET).create(me);
    const anon = await (await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true })).newPage();
    await anon.goto(`${p.url}/unsubscribe?token=${encodeURIComponent(token)}`);
    await anon.getByRole('button', { name: 'Turn off digest emails' }).click();
    await anon.getByText('You will not receive digest emails any more.', { exact: false }).waitFor();
    expect(await axeViolations(anon)).toEqual([]);
    expect((await ana.get('/api/members/me/preferences')).body.preferences.digest.frequency).toBe('off');
  });
});
