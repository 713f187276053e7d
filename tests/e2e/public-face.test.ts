import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newThread, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { minutesFromNow } from '../labs/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * A visitor without an account opens the home page: the library, stories, events and open
 * discussions are there with a clear call to join, at desktop and phone width, with no
 * accessibility violation; the visitor reads a public thread and is asked to join to reply.
 * Screenshots go to tests/results/screens for reviewers.
 */
const SCREENS = path.resolve(import.meta.dirname, '../results/screens');

let p: TestPlatform;
let browser: Browser;
let ana: Someone;
let mod: Someone;
let admin: Someone;
let threadId: string;

beforeAll(async () => {
  p = await startTestPlatform('e2e_public_face', { workers: false });
  browser = await launchBrowser();
  [ana, mod, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Marcus Moderator', 'moderator'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
  for (const [title, summary] of [
    [
      'Community asset mapping toolkit',
      'A step-by-step guide to mapping the strengths of a neighbourhood with residents.',
    ],
    ['Family story consent form', 'A plain-language consent form for sharing family stories in coalition reports.'],
  ]) {
    const made = await ana.c.post('/api/resources', resourceBody({ title, summary }));
    await mod.c.post(`/api/resources/${made.body.resource.id}/review`, { decision: 'approve', note: '' });
  }
  await ana.c.post('/api/stories', {
    title: 'How Mattapan parents built a play space',
    body: 'We started with **three families** and a borrowed lot. Now the whole block helps.',
    community: 'Mattapan, Boston',
    topics: ['early-childhood'],
  });
  await ana.c.post('/api/events', {
    title: 'Launch webinar: the NOW Innovation Forum',
    description: 'Meet the community and tour the resource library.',
    kind: 'webinar',
    startsAt: minutesFromNow(72 * 60),
    durationMinutes: 60,
    timeZone: 'America/New_York',
    onlineUrl: 'https://meet.example.org/launch',
  });
  const category = await admin.c.post('/api/categories', {
    name: 'Open questions',
    description: 'Questions anyone may read.',
    public: true,
  });
  threadId = (await newThread(ana, category.body.category.id, 'Where do families find winter coats?')).thread.id;
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function visitorPage(width: number): Promise<Page> {
  // bypassCSP lets the test inject axe-core; the app itself runs under its real policy.
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 900 }, bypassCSP: true });
  return context.newPage();
}

describe('the visitor’s home', () => {
  it.each([1280, 360])(
    'at %i px shows the library, stories, events and open discussions, and asks to join',
    async (width) => {
      const page = await visitorPage(width);
      await page.goto(`${p.url}/`);
      await page
        .getByRole('heading', { level: 1, name: 'Learn from communities working for children and families' })
        .waitFor();
      const main = page.getByRole('main');
      await main.getByRole('link', { name: 'Community asset mapping toolkit' }).waitFor();
      await main.getByRole('link', { name: 'How Mattapan parents built a play space' }).waitFor();
      await main.getByRole('link', { name: 'Launch webinar: the NOW Innovation Forum' }).waitFor();
      await main.getByRole('link', { name: 'Where do families find winter coats?' }).waitFor();
      expect(await main.getByRole('link', { name: 'Join the community' }).count()).toBeGreaterThan(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENS, `visitor-home-${width}.png`), fullPage: true });
      await page.context().close();
    },
    // A first page load in a fresh browser, on a machine shared with other suites.
    120_000,
  );

  it('a visitor reads a public thread and is asked to join to reply', async () => {
    const page = await visitorPage(360);
    await page.goto(`${p.url}/forums/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Where do families find winter coats?' }).waitFor();
    await page.getByText('Join the community to reply, react and follow this discussion.').waitFor();
    expect(await page.getByRole('button', { name: /reply/i }).count()).toBe(0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.context().close();
  }, 120_000);
});
