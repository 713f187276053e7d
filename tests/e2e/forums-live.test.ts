import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let ana: TestClient;
let ben: TestClient;
let threadId: string;
const password = 'harbor-lantern-meadow-19';

beforeAll(async () => {
  p = await startTestPlatform('e2e_forums');
  browser = await launchBrowser();
  ana = p.client();
  ben = p.client();
  await ana.post('/api/auth/register', { email: 'ana-live@example.org', password, displayName: 'Ana Live' });
  await ben.post('/api/auth/register', { email: 'ben-live@example.org', password, displayName: 'Ben Watcher' });
  const categories = (await ana.get('/api/categories')).body.categories;
  const created = await ana.post('/api/threads', {
    categoryId: categories[0].id,
    title: 'Parent leadership councils: how do you start one?',
    body: 'We want parents to co-chair our coalition. Where did you begin?',
  });
  threadId = created.body.thread.id;
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function signedInContext(client: TestClient): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const [name, ...rest] = client.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context;
}

/** Presses Tab until the focused element satisfies `test`; fails if it never does. */
async function tabTo(page: Page, test: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  throw new Error(`keyboard focus never reached: ${test}`);
}

describe('a live thread in two browsers', () => {
  it('shows a reply typed with the keyboard in one browser to the other without reloading, and announces it', async () => {
    const writer = await (await signedInContext(ana)).newPage();
    const reader = await (await signedInContext(ben)).newPage();
    await reader.goto(`${p.url}/forums/t/${threadId}`);
    await reader.getByRole('heading', { level: 1, name: /Parent leadership councils/ }).waitFor();
    await writer.goto(`${p.url}/forums/t/${threadId}`);
    await writer.getByRole('heading', { level: 1, name: /Parent leadership councils/ }).waitFor();
    // Both pages have joined the thread's room once their socket is connected.
    await new Promise((r) => setTimeout(r, 1000));

    const reply = 'We began with a listening session at the library and paid parents for their time.';
    await tabTo(writer, `document.activeElement?.labels?.[0]?.textContent?.includes('Your reply') ?? false`);
    await writer.keyboard.type(reply);
    await tabTo(writer, `document.activeElement?.textContent?.trim() === 'Post reply'`);
    await writer.keyboard.press('Enter');
    await writer.locator('article', { hasText: reply }).waitFor();

    // The reader's page announces the arrival (with its words) without moving anything.
    const liveRegion = reader.locator('[role="status"][aria-live="polite"]').first();
    await expect.poll(() => liveRegion.textContent(), { timeout: 10_000 }).toContain(reply.slice(0, 40));
    const showNew = reader.getByRole('button', { name: /Show 1 new reply/ });
    await showNew.waitFor({ timeout: 10_000 });
    expect(await reader.locator('article', { hasText: reply }).count()).toBe(0);
    await showNew.click();
    await reader.locator('article', { hasText: reply }).waitFor();
    expect(await reader.evaluate(() => location.pathname)).toBe(`/forums/t/${threadId}`);
  });

  it('lets the author rename the thread; the reader’s page follows live, and Ben gets no rename button', async () => {
    const writer = await (await signedInContext(ana)).newPage();
    const reader = await (await signedInContext(ben)).newPage();
    await reader.goto(`${p.url}/forums/t/${threadId}`);
    await reader.getByRole('heading', { level: 1, name: /Parent leadership councils/ }).waitFor();
    expect(await reader.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    await writer.goto(`${p.url}/forums/t/${threadId}`);
    await writer.getByRole('heading', { level: 1, name: /Parent leadership councils/ }).waitFor();
    await new Promise((r) => setTimeout(r, 1000));

    await writer.getByRole('button', { name: 'Rename' }).click();
    const field = writer.getByLabel('New title');
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    // Too short: told at the field, nothing sent.
    await field.fill('No');
    await writer.getByRole('button', { name: 'Save title' }).click();
    await writer.getByText('A title has 3 to 200 characters.').waitFor();
    await field.fill('Parent co-chairs: how our councils started');
    await writer.keyboard.press('Enter');
    await writer.getByRole('heading', { level: 1, name: 'Parent co-chairs: how our councils started' }).waitFor();
    // Focus returns to the button that opened the form.
    await expect.poll(() => writer.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Rename');

    await reader
      .getByRole('heading', { level: 1, name: 'Parent co-chairs: how our councils started' })
      .waitFor({ timeout: 10_000 });
    const stored = await ben.get(`/api/threads/${threadId}`);
    expect(stored.body.thread.title).toBe('Parent co-chairs: how our councils started');
  });
});
