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

  it('is not found for members', async () => {
    const context = await contextFor(author, 1024);
    const page = await context.newPage();
    await page.goto(`${p.url}/moderation`);
    await page.locator('h1').first().waitFor();
    expect(await page.locator('h1').first().textContent()).toBe('Page not found');
    await context.close();
  });
});
