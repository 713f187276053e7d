// The notification pages in headless Chromium at 360 px (needs the client build: npm run build -w client).
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.js';
import type { TestClient } from '../support/http.js';
import { resetPostingBudgets } from '../forums/support.js';
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
    // A member who signed up today is welcomed, not welcomed "back".
    await page.getByRole('heading', { level: 1, name: 'Welcome, Ana Bell' }).waitFor();
    // On a phone the bell is the "Alerts" tab of the bottom bar; its name carries the unread count.
    const bell = page.getByRole('navigation', { name: 'Quick links' }).getByRole('link', { name: /^Alerts/ });
    await bell.waitFor();
    const bellName = async () => (await bell.textContent())?.replace(/\s+/g, ' ').trim();
    expect(await bellName()).toBe('Alerts');
    await new Promise((r) => setTimeout(r, 800)); // the socket joins the member room

    await ben.post(`/api/threads/${threadId}/posts`, { body: 'We did, at the library!', parentId: firstPostId });
    await expect.poll(bellName, { timeout: 10_000 }).toMatch(/^1?Alerts, 1 unread$/);

    await bell.click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page
      .getByRole('link', { name: 'Ben Ringer replied to you in “Summer reading circles for families”' })
      .waitFor();
    // Each line says when (with the time of day) and a few words of what was said.
    const item = page.locator('li.notification').first();
    await item.getByText('We did, at the library!').waitFor();
    expect(await item.locator('time').textContent()).toMatch(/\d{1,2}:\d{2}/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(bellName).toBe('Alerts');
  });

  it('marks a thread read only as far as the member has seen, below a “new since your last visit” line', async () => {
    const cat = (await ana.get('/api/categories')).body.categories[0].id;
    const created = await ana.post('/api/threads', {
      categoryId: cat,
      title: 'Long thread about school buses',
      body: 'Opening words.',
    });
    const id = created.body.thread.id as string;
    const page = await (await signedIn(ana)).newPage();
    await page.goto(`${p.url}/forums/t/${id}`);
    await page.getByText('Opening words.').waitFor();
    await expect
      .poll(async () => (await ana.get(`/api/threads/${id}`)).body.thread.lastReadSeq, { timeout: 10_000 })
      .toBe(1);
    await page.close();
    // Six long replies (fewer than screening's burst limit), more than a phone shows at once.
    for (let i = 1; i <= 6; i++) {
      await resetPostingBudgets(p);
      const res = await ben.post(`/api/threads/${id}/posts`, { body: `Reply number ${i}.\n\n${'More. '.repeat(80)}` });
      expect(res.status).toBe(201);
    }
    const again = await (await signedIn(ana)).newPage();
    await again.goto(`${p.url}/forums/t/${id}`);
    const divider = again.getByText('New since your last visit');
    await divider.waitFor();
    // The divider sits right before the first reply Ana has not read.
    expect(await again.locator('li.unread-divider + li.post').getAttribute('id')).toBe('post-2');
    await new Promise((r) => setTimeout(r, 2_000));
    const read = (await ana.get(`/api/threads/${id}`)).body.thread.lastReadSeq as number;
    // Only what was on screen counts as read, not all 7 posts.
    expect(read).toBeGreaterThanOrEqual(1);
    expect(read).toBeLessThan(7);
    expect(await axeViolations(again)).toEqual([]);
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
