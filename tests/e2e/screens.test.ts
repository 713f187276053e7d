import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, signUp, type Someone } from '../forums/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { givePicture, portrait } from '../support/pictures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Screenshots of the product at desktop and phone width (tests/results/screens), so a reviewer sees
 * it without running it, and the shell's promises checked on the same pages: the sidebar on
 * desktop, the 56 px header and the tab bar on phones, the bell's live badge and its dropdown,
 * the account menu, the "/" shortcut, and j/k/r between posts. And who people are: a picture
 * uploaded on the profile page (initials otherwise) beside posts and notifications, coalition
 * badges beside names (a private coalition's only for its members), a post's edit history.
 */
const screens = fileURLToPath(new URL('../results/screens/', import.meta.url));
let p: TestPlatform;
let browser: Browser;
let mina: Someone;
let ben: Someone;
let mod: Someone;
let threadId: string;
const uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-screens-pictures-'));

beforeAll(async () => {
  mkdirSync(screens, { recursive: true });
  p = await startTestPlatform('e2e_screens', { env: { UPLOAD_DIR: uploadDir } });
  browser = await launchBrowser();
  [mina, ben, mod] = await Promise.all([
    signUp(p, 'Mina Member'),
    signUp(p, 'Ben Neighbour'),
    signUp(p, 'Mo Moderator', 'moderator'),
  ]);
  const category = await categoryId(mina.c, 'introductions');
  const { thread, post } = await newThread(
    mina,
    category,
    'Walking school buses in Roxbury',
    'Three families started a **walking school bus** last spring. Who else has tried it?',
  );
  threadId = thread.id;
  // Mina belongs to a public coalition (Ben too) and a private one (Ben not); Ben has a picture.
  const open = await mina.c.post('/api/coalitions', { name: 'Roxbury Parents Network', joinPolicy: 'open' });
  const closed = await mina.c.post('/api/coalitions', {
    name: 'Dorchester Safety Circle',
    joinPolicy: 'open',
    visibility: 'private',
  });
  expect([open.status, closed.status]).toEqual([201, 201]);
  expect((await ben.c.post(`/api/coalitions/${open.body.coalition.id}/membership`)).status).toBe(200);
  await givePicture(ben, '#0f5e6e');
  const answer = await reply(
    ben,
    threadId,
    'We did it in Dorchester with parent volunteers: two routes, twice a week.',
    {
      parentId: post.id,
    },
  );
  await reply(mina, threadId, 'How did you find the volunteers?', { parentId: answer.id });
  // Mina reworded her opening post: it has an edit history.
  const edited = await mina.c.patch(`/api/posts/${post.id}`, {
    body: 'Three families started a **walking school bus** last spring, twice a week. Who else has tried it?',
  });
  expect(edited.status).toBe(200);
  await put(ben.c, `/api/posts/${post.id}/reactions/like`);
  await put(mod.c, `/api/posts/${post.id}/reactions/like`);
  await put(mod.c, `/api/posts/${answer.id}/reactions/insightful`);
  const spam = await reply(ben, threadId, 'Buy cheap followers today, totally unrelated to our coalition work.');
  const flagged = await mina.c.post(`/api/posts/${spam.id}/flags`, { reason: 'spam' });
  expect(flagged.status).toBe(201);
  await newThread(ben, category, 'Family resource fair: volunteers wanted');
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

/** How many pictures (not initials) in this part of the page have loaded. */
const loadedPictures = (page: Page, selector: string) =>
  page
    .locator(`${selector} img.avatar--picture`)
    .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length);

async function pageFor(who: Someone, width: number): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 780 : 860 },
    bypassCSP: true,
    reducedMotion: 'reduce',
  });
  const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context.newPage();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const width = page.viewportSize()!.width;
  await page.screenshot({ path: `${screens}${name}-${width}.png`, fullPage: false });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
  const violations = await axeViolations(page);
  expect(describeViolations(violations), `${name} at ${width}px`).toBe('');
}

describe('who people are', () => {
  it('a member uploads a picture on her profile page (a file that is no picture is refused); her profile shows it with her coalitions', async () => {
    const page = await pageFor(mina, 1280);
    await page.goto(`${p.url}/settings/profile`);
    await page.getByRole('heading', { name: 'Your picture' }).waitFor();
    // Initials until she has one.
    expect(await page.locator('.picture-section span.avatar').textContent()).toBe('MM');
    const file = page.getByLabel('Choose a picture');
    await file.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await page.getByText('This file is not a picture we can use.', { exact: false }).waitFor();
    await file.setInputFiles({ name: 'mina.png', mimeType: 'image/png', buffer: await portrait('#6b2f8a') });
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await page.getByText('Your new picture is saved.').waitFor();
    await expect.poll(() => loadedPictures(page, '.picture-section')).toBe(1);
    // The account menu's button shows it too.
    await expect.poll(() => loadedPictures(page, '.account-trigger')).toBe(1);
    await page.getByRole('button', { name: 'Remove picture' }).waitFor();
    await shoot(page, 'profile-edit');
    await page.setViewportSize({ width: 360, height: 780 });
    await shoot(page, 'profile-edit');

    // Her profile: the picture and both of her coalitions (she belongs to the private one).
    await page.goto(`${p.url}/members/${mina.id}`);
    await page.getByRole('heading', { level: 1, name: 'Mina Member' }).waitFor();
    await page.getByRole('link', { name: 'Dorchester Safety Circle' }).waitFor();
    await page.getByRole('link', { name: 'Roxbury Parents Network' }).waitFor();
    await expect.poll(() => loadedPictures(page, 'main')).toBe(1);
    await shoot(page, 'profile');
    await page.setViewportSize({ width: 1280, height: 860 });
    await shoot(page, 'profile');
    await page.context().close();
  }, 90_000);
});

describe.each([1280, 360])('at %i px', (width) => {
  const desktop = width >= 1024;

  it('home, a thread and the moderation queue, with the shell of that width', async () => {
    const page = await pageFor(mina, width);
    await page.goto(p.url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Walking school buses in Roxbury' }).first().waitFor();
    const header = await page.locator('header.topbar').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(57);
    if (desktop) {
      const sections = page.getByRole('navigation', { name: 'Main' });
      for (const name of ['Forums', 'Action Labs', 'Events', 'Resource library', 'Stories', 'Coalitions', 'Members'])
        await sections.getByRole('link', { name, exact: true }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Quick links' }).count()).toBe(0);
    } else {
      const tabs = page.getByRole('navigation', { name: 'Quick links' });
      await tabs.getByRole('link', { name: 'Forums' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    }
    await shoot(page, 'home-member');

    await page.goto(`${p.url}/forums/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Walking school buses in Roxbury' }).waitFor();
    // Pictures beside Mina's and Ben's posts; Mina's coalitions beside her name (both: she is in both).
    const opening = page.locator('#post-1');
    await opening.getByRole('link', { name: 'Dorchester Safety Circle' }).waitFor();
    await expect.poll(() => loadedPictures(page, '#post-1 .post__head')).toBe(1);
    await expect.poll(() => loadedPictures(page, '#post-2 .post__head')).toBe(1);
    await shoot(page, 'thread');

    // "Edited" opens the edit history: the post now, then the words it replaced.
    await opening.getByRole('button', { name: 'Edited: see the edit history of the post by Mina Member' }).click();
    const history = page.getByRole('dialog', { name: 'Edit history of the post by Mina Member' });
    await history.getByText('Version replaced by Mina Member').waitFor();
    await history.getByText('Three families started a **walking school bus** last spring. Who else').waitFor();
    await shoot(page, 'thread-history');
    await page.keyboard.press('Escape');
    await expect.poll(() => history.count()).toBe(0);

    const modPage = await pageFor(mod, width);
    await modPage.goto(`${p.url}/moderation`);
    await modPage.locator('li.mod-card').first().waitFor();
    await shoot(modPage, 'moderation-queue');
    await modPage.context().close();
    await page.context().close();
  }, 90_000);
});

describe('the shell at work', () => {
  it('the bell counts a new notification live and lists it; the account menu signs out', async () => {
    const page = await pageFor(ben, 1280);
    await page.goto(p.url);
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await bell.waitFor();
    await reply(mina, threadId, 'Thanks @ben-neighbour, that helps a lot.');
    const ringing = page.getByRole('button', { name: /^Notifications \d+ unread$/ });
    await ringing.waitFor({ timeout: 15_000 });
    await ringing.click();
    const panel = page.getByRole('dialog', { name: 'Latest notifications' });
    await panel
      .getByRole('link', { name: /Mina Member/ })
      .first()
      .waitFor();
    // The mention comes with Mina's picture.
    await expect.poll(() => loadedPictures(page, '.bell__list')).toBeGreaterThan(0);
    expect(describeViolations(await axeViolations(page))).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    // The notifications page too; notices nobody sent carry the bell instead.
    await page.goto(`${p.url}/notifications`);
    await page.locator('li.notification').first().waitFor();
    await expect.poll(() => loadedPictures(page, 'ul.notifications')).toBeGreaterThan(0);
    await shoot(page, 'notifications');
    await page.setViewportSize({ width: 360, height: 780 });
    await shoot(page, 'notifications');
    await page.setViewportSize({ width: 1280, height: 860 });

    // On the thread, Ben sees Mina's public coalition only, and her post's history from its menu.
    await page.goto(`${p.url}/forums/t/${threadId}`);
    const opening = page.locator('#post-1');
    await opening.getByRole('link', { name: 'Roxbury Parents Network' }).waitFor();
    expect(await opening.getByRole('link', { name: 'Dorchester Safety Circle' }).count()).toBe(0);
    await opening.getByRole('button', { name: 'More actions for the post by Mina Member' }).click();
    await page.getByRole('menuitem', { name: 'Edit history' }).click();
    await page
      .getByRole('dialog', { name: 'Edit history of the post by Mina Member' })
      .getByText('Now', { exact: true })
      .waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Account menu for Ben Neighbour' }).click();
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitemradio', { name: 'Español' }).waitFor();
    expect(await menu.getByRole('menuitem', { name: 'Moderation' }).count()).toBe(0);
    await menu.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    await page.context().close();
  }, 60_000);

  it('"/" searches, j and k move between posts, r opens a reply to the post in focus', async () => {
    const page = await pageFor(mina, 1280);
    await page.goto(`${p.url}/forums/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Walking school buses in Roxbury' }).waitFor();
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('post-1');
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('post-2');
    await page.keyboard.press('k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('post-1');
    await page.keyboard.press('r');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('li.post')?.id ?? null)).toBe('post-1');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('global-search');
    await page.keyboard.type('volunteers');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=volunteers/);
    await page
      .getByRole('link', { name: /volunteers/i })
      .first()
      .waitFor();
    await page.context().close();
  }, 60_000);
});
