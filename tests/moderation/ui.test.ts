import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, reply, signUp, type Someone } from '../forums/support.js';

const built = existsSync(path.resolve(import.meta.dirname, '../../client/dist/index.html'));
let p: TestPlatform;
let browser: Browser;
let mod: Someone;
let author: Someone;

beforeAll(async () => {
  if (!built) return;
  p = await startTestPlatform('moderation-ui', { workers: false });
  browser = await launchBrowser();
  [mod, author] = await Promise.all([signUp(p, 'Mira Mod', 'moderator'), signUp(p, 'Abe Author')]);
  const category = await categoryId(author.c, 'introductions');
  const { thread } = await newThread(author, category, 'UI thread', 'Opening post for the UI test.');
  const post = await reply(author, thread.id, 'A reply a moderator will flag.');
  await mod.c.post(`/api/posts/${post.id}/flags`, { reason: 'off_topic', note: 'Not about this thread.' });
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function contextFor(who: Someone, width: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
  const [name, ...rest] = who.c.cookieHeader().split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context;
}

describe.skipIf(!built)('moderation pages in a browser', () => {
  it('show the live queue and the audit log at 360 px with no axe violations', async () => {
    const context = await contextFor(mod, 360);
    const page = await context.newPage();
    const failures: string[] = [];
    for (const [route, selector, text] of [
      ['/moderation', 'li', 'Not about this thread.'],
      ['/moderation/audit', 'td', 'Reported as moderator'],
    ] as const) {
      await page.goto(p.url + route);
      await page.locator(selector, { hasText: text }).first().waitFor();
      const violations = await axeViolations(page);
      if (violations.length) failures.push(`${route}:\n${describeViolations(violations)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) failures.push(`${route}: ${overflow}px horizontal overflow`);
    }
    await context.close();
    expect(failures.join('\n\n')).toBe('');
  });

  it('resolves an item from the queue page', async () => {
    const context = await contextFor(mod, 1024);
    const page = await context.newPage();
    await page.goto(`${p.url}/moderation`);
    await page.getByText('Not about this thread.').waitFor();
    await page.getByLabel('Note (why)').first().fill('Moved to the right thread.');
    await page.getByRole('button', { name: 'Keep' }).first().click();
    await page.getByText('Nothing to review. Well done!').waitFor();
    await context.close();
  });

  it('asks before deleting several posts at once, and deletes nothing when the moderator goes back', async () => {
    const category = await categoryId(author.c, 'introductions');
    const { thread } = await newThread(author, category, 'Bulk thread', 'Opening post for the bulk test.');
    const posts = [
      await reply(author, thread.id, 'First reply to remove in bulk.'),
      await reply(author, thread.id, 'Second reply to remove in bulk.'),
    ];
    for (const post of posts) await mod.c.post(`/api/posts/${post.id}/flags`, { reason: 'spam', note: 'Bulk spam.' });
    const visible = async (): Promise<number> => {
      const page = (await author.c.get(`/api/threads/${thread.id}/posts`)).body as { posts: { body: string }[] };
      return page.posts.filter((x) => x.body.includes('remove in bulk')).length;
    };

    const context = await contextFor(mod, 360);
    const page = await context.newPage();
    await page.goto(`${p.url}/moderation`);
    const items = page
      .locator('li')
      .filter({ has: page.getByLabel('Select for bulk action') })
      .filter({ hasText: 'Bulk spam.' });
    await items.nth(1).waitFor();
    for (const i of [0, 1]) await items.nth(i).getByLabel('Select for bulk action').check();
    const bulk = page.getByRole('region', { name: 'Apply to selected' });
    await bulk.getByLabel('Action').selectOption('delete');
    await bulk.getByLabel('Note (why)').fill('Spam from a new account.');
    await bulk.getByRole('button', { name: 'Apply to selected' }).click();
    await bulk.getByText('Delete 2 posts for everyone?').waitFor();
    expect(await visible()).toBe(2);

    await bulk.getByRole('button', { name: 'No, go back' }).click();
    await bulk.getByText('Delete 2 posts for everyone?').waitFor({ state: 'detached' });
    expect(await visible()).toBe(2);

    await bulk.getByRole('button', { name: 'Apply to selected' }).click();
    await bulk.getByRole('button', { name: 'Yes, delete all 2' }).click();
    await items.first().waitFor({ state: 'detached' });
    expect(await visible()).toBe(0);
    await context.close();
  }, 90_000);

  it('is not found for members', async () => {
    const context = await contextFor(author, 1024);
    const page = await context.newPage();
    await page.goto(`${p.url}/moderation`);
    await page.locator('h1').first().waitFor();
    expect(await page.locator('h1').first().textContent()).toBe('Page not found');
    await context.close();
  });
});
