import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, signUp, type Someone } from '../forums/support.js';
import { launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let author: Someone;
let flagger: Someone;
let reader: Someone;
let moderator: Someone;
let threadId: string;
const offending = 'Buy cheap followers today, totally unrelated to our coalition work.';

beforeAll(async () => {
  p = await startTestPlatform('e2e_moderation');
  browser = await launchBrowser();
  [author, flagger, reader, moderator] = await Promise.all([
    signUp(p, 'Otto Author'),
    signUp(p, 'Fran Flagger'),
    signUp(p, 'Rae Reader'),
    signUp(p, 'Mae Moderator', 'moderator'),
  ]);
  const { thread } = await newThread(author, await categoryId(author.c, 'introductions'), 'Welcome circle');
  threadId = thread.id;
  await reply(author, threadId, offending);
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function as(who: Someone): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context;
}

describe('a flag, live, in three browsers', () => {
  it('a member reports a post, a moderator sees it arrive and hides it, a third member sees it vanish', async () => {
    const readerPage = await (await as(reader)).newPage();
    await readerPage.goto(`${p.url}/forums/t/${threadId}`);
    await readerPage.locator('article', { hasText: offending }).waitFor();

    const modPage = await (await as(moderator)).newPage();
    await modPage.goto(`${p.url}/moderation`);
    await modPage.getByText('Nothing to review. Well done!').waitFor();

    const flagPage = await (await as(flagger)).newPage();
    await flagPage.goto(`${p.url}/forums/t/${threadId}`);
    const post = flagPage.locator('li.post', { hasText: offending });
    await post.getByRole('button', { name: 'Report' }).click();
    const dialog = flagPage.getByRole('dialog');
    await dialog.getByLabel('Reason').selectOption('spam');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await flagPage.getByText('Thank you. The moderators will review this post.').waitFor();

    // Arrives in the moderator's queue without a reload.
    await modPage.getByText(offending).waitFor({ timeout: 15_000 });
    await modPage.getByLabel('Note (why)').first().fill('Advertising.');
    await modPage.getByRole('button', { name: 'Hide' }).first().click();
    await modPage.getByText('Nothing to review. Well done!').waitFor();

    // The reader, who never reloaded, no longer sees it.
    await expect.poll(() => readerPage.locator('article', { hasText: offending }).count(), { timeout: 15_000 }).toBe(0);
    expect(await readerPage.evaluate(() => location.pathname)).toBe(`/forums/t/${threadId}`);
  }, 60_000);
});
