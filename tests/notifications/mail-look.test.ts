import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MemberHandleModel } from '@commons/server/forums/model';
import { MemberModel } from '@commons/server/members/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, signUp, type Someone } from '../forums/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import type { TestMail } from '../support/mail.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

/*
 * The mails look like the product: avatars of coloured initials, excerpts of the posts, buttons
 * instead of printed URLs. Each is rendered in Chromium at 600 px, light and dark: nothing wider
 * than the window, axe (colour contrast included) finds nothing, and a screenshot is kept.
 */
const screens = path.resolve(import.meta.dirname, '../results/screens');
let p: TestPlatform;
let browser: Browser;
let dora: Someone;
let ada: Someone;
let bo: Someone;
let instant: TestMail;
let digest: TestMail;

// A fixed evening in UTC: Dora (time zone UTC, send hour 8) is due for that day's digest.
const at = digestEvening;

beforeAll(async () => {
  mkdirSync(screens, { recursive: true });
  p = await startTestPlatform('mail_look', { env: { NOTIFY_EMAIL_WINDOW_MS: '300' } });
  browser = await launchBrowser();
  [dora, ada, bo] = await Promise.all([signUp(p, 'Dora Digest'), signUp(p, 'Ada Poster'), signUp(p, 'Bo Ng')]);
  await MemberModel.updateOne({ _id: dora.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
  const intro = await categoryId(dora.c, 'introductions');
  const mine = await newThread(dora, intro, 'How do your coalitions plan a shared budget?');
  await reply(ada, mine.thread.id, 'We meet every quarter and each partner brings one page of needs.', {
    parentId: mine.post.id,
  });
  const handle = (await MemberHandleModel.findOne({ memberId: dora.id }).lean())!.handle;
  // A mention goes out at once (the default for mentions), after the short batching window.
  await reply(bo, mine.thread.id, `@${handle} the parent council template is a good place to start.`);
  instant = await p.sink.waitFor((m) => m.envelope.to.includes(dora.email) && /mentioned you/.test(m.subject), 30_000);
  // The digest holds the reply (its default channel) once the fan-out has run.
  await eventually(async () => {
    const c = await p.runtime.queues.notifications.getJobCounts('waiting', 'active', 'delayed');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
  }, 20_000);
  await MemberModel.updateOne({ _id: dora.id }, { $set: { lastSeenAt: null } });
  await createNotificationWorkerServices(p.runtime).digests.enqueueDue(at);
  digest = await p.sink.waitFor((m) => m.envelope.to.includes(dora.email) && /digest/i.test(m.subject), 30_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function look(mail: TestMail, name: string, colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ viewport: { width: 600, height: 900 }, colorScheme });
  try {
    const page = await context.newPage();
    // Mails carry no scripts and load nothing: the page is the mail alone.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(String(mail.html), { waitUntil: 'load' });
    const overflow = await page.evaluate(() => {
      const wide = Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}: ${(el.textContent ?? '').slice(0, 40)}`);
      return { scroll: document.documentElement.scrollWidth - window.innerWidth, wide };
    });
    const card = await page.evaluate(() => {
      const el = document.querySelector('[role="article"]')!;
      return { background: getComputedStyle(el).backgroundColor, text: (el as HTMLElement).innerText };
    });
    const violations = await axeViolations(page);
    await page.screenshot({ path: path.join(screens, `mail-${name}-600-${colorScheme}.png`), fullPage: true });
    return { overflow, card, violations };
  } finally {
    await context.close();
  }
}

describe('notification and digest mails', () => {
  it.each(['light', 'dark'] as const)('the instant mail fits 600 px and reads well (%s)', async (scheme) => {
    const { overflow, card, violations } = await look(instant, 'instant', scheme);
    expect(overflow.scroll).toBeLessThanOrEqual(0);
    expect(overflow.wide).toEqual([]);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(card.background).toBe(scheme === 'dark' ? 'rgb(27, 31, 36)' : 'rgb(255, 255, 255)');
    // Who mentioned her (initials), and the words of the post.
    expect(card.text).toContain('BN');
    expect(card.text).toContain('parent council template');
    // The settings link is a button, not a printed URL.
    expect(card.text).toContain('Choose which emails you receive');
    expect(card.text).not.toMatch(/https?:\/\//);
  });

  it.each(['light', 'dark'] as const)('the digest fits 600 px and reads well (%s)', async (scheme) => {
    const { overflow, card, violations } = await look(digest, 'digest', scheme);
    expect(overflow.scroll).toBeLessThanOrEqual(0);
    expect(overflow.wide).toEqual([]);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(card.background).toBe(scheme === 'dark' ? 'rgb(27, 31, 36)' : 'rgb(255, 255, 255)');
    expect(card.text).toContain('AP');
    expect(card.text).toContain('each partner brings one page of needs');
    expect(card.text).toContain('Unsubscribe from digests');
    // No URL is printed in the HTML (the unsubscribe link used to overflow the card).
    expect(card.text).not.toMatch(/https?:\/\/|token=/);
    // The plain part still carries every link in full.
    expect(digest.text).toMatch(/\/unsubscribe\?token=/);
  });
});
