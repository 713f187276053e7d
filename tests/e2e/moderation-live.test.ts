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
    await post.getByRole('button', { name: 'More actions for the post by Otto Author' }).click();
    await flagPage.getByRole('menuitem', { name: 'Report' }).click();
    const dialog = flagPage.getByRole('dialog');
    await dialog.getByLabel('Reason').selectOption('spam');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    // The reporter sees their report was filed, on the post.
    await post.getByText(/^Reported\. Thank you/).waitFor();

    // Arrives in the moderator's queue without a reload, named by its thread, in plain words.
    const card = modPage.locator('li.mod-card', { hasText: offending });
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('heading', { level: 2, name: 'Welcome circle' }).waitFor();
    expect(await card.getByRole('link', { name: 'Welcome circle' }).getAttribute('href')).toMatch(
      new RegExp(`^/forums/t/${threadId}#post-\\d+$`),
    );
    await card.getByText('1 report').waitFor();
    expect(await card.textContent()).not.toMatch(/Priority|weight/i);
    // Deleting looks like what it is, and asks first.
    expect(await card.getByRole('button', { name: 'Delete' }).getAttribute('class')).toContain('button--danger');
    await card.getByLabel('Note (why)').fill('Advertising.');
    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByText('Delete this post for everyone?').waitFor();
    await card.getByRole('button', { name: 'No, go back' }).click();
    await card.getByRole('button', { name: 'Hide' }).click();
    await modPage.getByText('Nothing to review. Well done!').waitFor();

    // The reader, who never reloaded, no longer sees it.
    await expect.poll(() => readerPage.locator('article', { hasText: offending }).count(), { timeout: 15_000 }).toBe(0);
    expect(await readerPage.evaluate(() => location.pathname)).toBe(`/forums/t/${threadId}`);

    // The reporter hears what came of it.
    await flagPage.goto(`${p.url}/notifications`);
    await flagPage
      .getByRole('link', { name: 'Thank you: moderators acted on the post you reported in “Welcome circle”' })
      .waitFor({ timeout: 15_000 });
  }, 60_000);

  it('a moderator finds the member by name to silence them; the member is told before typing a reply, even after a failed look', async () => {
    const modPage = await (await as(moderator)).newPage();
    await modPage.goto(`${p.url}/moderation`);
    const form = modPage.locator('section', { has: modPage.getByRole('heading', { name: 'Sanction a member' }) });
    await form.getByLabel('Member (type a name)').fill('Otto');
    await form.getByRole('button', { name: 'Choose Otto Author' }).click();
    await form.getByText('Chosen: Otto Author').waitFor();
    await form.getByLabel('Sanction').selectOption('silence');
    await form.getByLabel('Reason').fill('Advertising again.');
    await form.getByLabel('Duration in hours').fill('2');
    await form.getByRole('button', { name: 'Apply sanction' }).click();
    await form.getByText('Sanction applied.').waitFor();

    const authorPage = await (await as(author)).newPage();
    // The page's first look at the member's standing fails (a server restarting, say): it looks
    // again a few seconds later instead of offering a form the server would refuse.
    let refused = false;
    await authorPage.route('**/api/moderation/members/*', async (route) => {
      if (refused) return route.continue();
      refused = true;
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'Retry-After': '5' },
        body: JSON.stringify({ error: { code: 'service_unavailable', message: 'Try again shortly.' } }),
      });
    });
    await authorPage.goto(`${p.url}/forums/t/${threadId}`);
    await authorPage
      .getByText(/A moderator has paused your posting until/)
      .waitFor()
      .catch(async (err: unknown) => {
        // What the member saw instead, so a failure on a busy machine says where it stopped.
        throw new Error(`${String(err)}\nthe page showed: ${await authorPage.locator('main').innerText()}`);
      });
    expect(refused).toBe(true);
    expect(await authorPage.getByLabel('Your reply').count()).toBe(0);
  }, 60_000);
});
