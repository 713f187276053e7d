import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, PASSWORD, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { MailDeliveryModel } from '@commons/server/mail/delivery.model';
import { createLab, minutesFromNow } from '../labs/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Every page of the client, signed out, as a member and as an admin, and the pages with a moderator's
 * tools, in English and Spanish, at phone width: zero axe-core WCAG 2.2 A/AA violations (in
 * English) and, in both languages, the page's language and no horizontal scroll. Then sign-in with
 * the keyboard alone.
 *
 * axe runs once per page, in English: its rules read the page's structure, names, roles and
 * colours, which a translation does not change (a missing Spanish text is caught by
 * tests/i18n/catalogues.test.ts). What words do change, the page's width and its `lang`, is checked
 * in Spanish too. axe costs about a third of each page's time, and this file is the suite's longest.
 */
let p: TestPlatform;
let browser: Browser;
let uploadDir: string;
let member: Someone;
let moderator: Someone;
let admin: Someone;
const ids = { thread: '', category: '', lab: '', resource: '', story: '', coalition: '', event: '' };

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-every-page-'));
  p = await startTestPlatform('e2e_every_page', { env: { UPLOAD_DIR: uploadDir } });
  browser = await launchBrowser();
  [member, moderator] = await Promise.all([signUp(p, 'Mina Member'), signUp(p, 'Mo Moderator', 'moderator')]);
  ids.category = await categoryId(member.c, 'introductions');
  ids.thread = (await newThread(member, ids.category, 'Hello from Roxbury')).thread.id;
  ids.lab = (await createLab(member, { startsAt: minutesFromNow(5) })).id;
  const resource = await member.c.post('/api/resources', resourceBody());
  ids.resource = resource.body.resource.id;
  await moderator.c.post(`/api/resources/${ids.resource}/review`, { decision: 'approve' });
  const story = await member.c.post('/api/stories', {
    title: 'How Mattapan parents built a play space',
    body: 'We started with **three families** and a borrowed lot.',
    community: 'Mattapan, Boston',
    topics: ['early-childhood'],
  });
  ids.story = story.body.story.id;
  const coalition = await member.c.post('/api/coalitions', { name: 'Dudley Family Council', joinPolicy: 'open' });
  ids.coalition = coalition.body.coalition.id;
  const event = await member.c.post('/api/events', {
    title: 'Spring family resource fair',
    description: 'Bring **ideas** for the fair.',
    kind: 'meeting',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 90,
    place: 'Dudley Library, room 2',
    onlineUrl: 'https://meet.example.org/fair',
  });
  ids.event = event.body.event.id;
  admin = await signUp(p, 'Ada Admin', 'admin');
  // One refused mail, so the admins' mail failures page shows its table.
  await MailDeliveryModel.create({
    key: 'every-page-failure',
    kind: 'digest',
    to: member.email,
    memberId: member.id,
    status: 'failed',
    permanent: true,
    error: 'permanent: 550 5.1.1 mailbox unavailable',
    attempts: 1,
  });
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

const signedOutPages = () => [
  '/',
  '/sign-in',
  '/sign-up',
  '/forgot-password',
  '/reset-password?token=abcdefghijklmnopqrstu',
  '/unsubscribe?token=abc.def',
  '/verify-email?token=abcdefghijklmnopqrstuvwxyz',
  '/account-deleted',
  '/invitations/accept?token=abcdefghijklmnopqrstuvwxyz',
  '/nowhere',
];
const memberPages = (who: Someone) => [
  '/',
  '/forums',
  `/forums/c/introductions`,
  `/forums/t/${ids.thread}`,
  '/bookmarks',
  '/search?q=roxbury',
  '/notifications',
  '/settings/notifications',
  '/settings/profile',
  '/settings/account',
  `/members/${who.id}`,
  '/members',
  '/labs',
  '/labs/new',
  `/labs/${ids.lab}`,
  `/labs/${ids.lab}/room`,
  '/events',
  '/events/new',
  `/events/${ids.event}`,
  `/events/${ids.event}/edit`,
  '/library',
  '/library/new',
  `/library/${ids.resource}`,
  `/library/${ids.resource}/edit`,
  '/stories',
  '/stories/new',
  `/stories/${ids.story}`,
  `/stories/${ids.story}/edit`,
  '/coalitions',
  '/coalitions/new',
  `/coalitions/${ids.coalition}`,
  `/coalitions/${ids.coalition}/edit`,
];
// A moderator sees every member page too; only the pages where their tools appear are swept again
// (each sweep of the whole list costs minutes of CI for layouts the member sweep already checked).
const moderatorPages = () => [
  `/forums/t/${ids.thread}`,
  `/members/${member.id}`,
  `/labs/${ids.lab}`,
  `/library/${ids.resource}`,
  `/stories/${ids.story}`,
  `/events/${ids.event}`,
  '/moderation',
  '/moderation/audit',
];
// Admin-only pages (members and moderators get "page not found" there).
const adminPages = () => [
  '/',
  '/moderation',
  '/admin/mail-failures',
  '/admin/settings',
  '/admin/members',
  '/admin/invitations',
  '/admin/categories',
  '/admin/webhooks',
];

async function sweep(locale: 'en' | 'es', who: Someone | null, pages: string[]): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, bypassCSP: true });
  await context.addInitScript((l) => window.localStorage.setItem('commons.locale', l), locale);
  if (who) {
    // A signed-in member sees the language saved in their profile.
    await who.c.patch('/api/members/me', { locale });
    const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  }
  const page = await context.newPage();
  const failures: string[] = [];
  for (const route of pages) {
    await page.goto(p.url + route);
    await page.locator('h1').first().waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    if ((await page.getAttribute('html', 'lang')) !== locale) failures.push(`${route}: html lang is not ${locale}`);
    if (locale === 'en') {
      const violations = await axeViolations(page);
      if (violations.length) failures.push(`${route}:\n${describeViolations(violations)}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) failures.push(`${route}: ${overflow}px horizontal overflow at 360 px`);
  }
  await context.close();
  return failures.join('\n\n');
}

describe.each(['en', 'es'] as const)('every page in %s at 360 px', (locale) => {
  it('signed out', async () => {
    expect(await sweep(locale, null, signedOutPages())).toBe('');
  }, 120_000);
  it('as a member', async () => {
    expect(await sweep(locale, member, memberPages(member))).toBe('');
  }, 240_000);
  it('as a moderator', async () => {
    expect(await sweep(locale, moderator, moderatorPages())).toBe('');
  }, 240_000);
  it('as an admin', async () => {
    expect(await sweep(locale, admin, adminPages())).toBe('');
  }, 120_000);
});

describe('keyboard use', () => {
  it('signs in with the keyboard alone, with a visible focus indicator', async () => {
    // Someone new: the sweeps above leave their members' profiles in Spanish.
    const keyboarder = await signUp(p, 'Kira Keys');
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${p.url}/sign-in`);
    await page.locator('h1').waitFor();
    // The skip link comes first, then the header; tab until the email field has focus.
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))) === 'email') break;
    }
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.type(keyboarder.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Account menu for ${keyboarder.name}` }).waitFor();
    await context.close();
  }, 60_000);
});
