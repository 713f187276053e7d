import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { put } from '../forums/support.js';
import { createLab, minutesFromNow } from './support.js';

let p: TestPlatform;
let browser: Browser;
let host: Someone;
let ana: Someone;
let ben: Someone;

beforeAll(async () => {
  p = await startTestPlatform('e2e_labs');
  browser = await launchBrowser();
  [host, ana, ben] = (await Promise.all(['Hana Host', 'Ana Alvarez', 'Ben Brooks'].map((n) => signUp(p, n)))) as [
    Someone,
    Someone,
    Someone,
  ];
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** A phone-sized browser signed in as the member (bypassCSP only lets the test inject axe-core). */
async function phone(who: Someone): Promise<Page> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return context.newPage();
}

describe('the live room on a phone', () => {
  it('shows the lab, RSVPs, and runs the room live between two browsers, announcing changes', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10), title: 'Family resource fair planning' });
    const member = await phone(ana);
    await member.goto(`${p.url}/labs/${lab.id}`);
    await member.getByRole('heading', { level: 1, name: 'Family resource fair planning' }).waitFor();
    await member.getByRole('button', { name: 'Going', exact: true }).click();
    await expect
      .poll(() => member.getByRole('button', { name: 'Going', exact: true }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(await member.getByRole('link', { name: /calendar/ }).getAttribute('href')).toBe(
      `/api/labs/${lab.id}/calendar.ics`,
    );
    await member.getByRole('link', { name: 'Enter the room' }).click();
    await member.getByRole('heading', { level: 1, name: /Lab room/ }).waitFor();

    const facilitator = await phone(host);
    await facilitator.goto(`${p.url}/labs/${lab.id}/room`);
    // On a phone the facilitator's controls are a tab of the room.
    await facilitator.getByRole('tab', { name: 'Controls' }).click();
    await facilitator.getByRole('button', { name: 'Start the lab' }).click();

    // The member's page shows the phase and its countdown, and announces the change.
    await member.getByText('Phase 1 of 5: Welcome and check-in').waitFor();
    await member.getByText(/\d+:\d\d left/).waitFor();
    const live = member.locator('[role="status"][aria-live="polite"]').first();
    await expect.poll(() => live.textContent(), { timeout: 10_000 }).toContain('New phase: Welcome and check-in');

    // A message from the facilitator arrives and is announced.
    await facilitator.getByRole('tab', { name: 'Chat' }).click();
    await facilitator.getByLabel('Message', { exact: true }).fill('Welcome, everyone!');
    await facilitator.getByRole('button', { name: 'Send' }).click();
    await member.getByText('Welcome, everyone!').waitFor();
    await expect.poll(() => live.textContent(), { timeout: 10_000 }).toContain('Hana Host: Welcome, everyone!');

    // Nothing overflows the 360 px screen, and the room passes the WCAG checks.
    const overflow = await member.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const violations = await axeViolations(member);
    expect(violations, describeViolations(violations)).toEqual([]);
  }, 90_000);

  it('lets a waitlisted member follow the room, without its controls', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10), title: 'Small circle', capacity: 1 });
    expect((await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('going');
    expect((await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('waitlisted');
    await p.api.services.labs.start({ id: host.id, role: 'member', displayName: host.name }, lab.id);
    const waiting = await phone(ben);
    await waiting.goto(`${p.url}/labs/${lab.id}/room`);
    await waiting.getByText('Phase 1 of 5: Welcome and check-in').waitFor();
    await waiting.getByText('You are on the waitlist (number 1)', { exact: false }).waitFor();
    for (const control of [
      waiting.getByLabel('Message', { exact: true }),
      waiting.getByRole('button', { name: 'Raise hand' }),
    ])
      expect(await control.count()).toBe(0);
    // Ana gives her seat up: Ben, still in the room, takes part at once.
    await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'no' });
    await waiting.getByLabel('Message', { exact: true }).waitFor();
    expect(await waiting.getByText('You are on the waitlist', { exact: false }).count()).toBe(0);
    const overflow = await waiting.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const violations = await axeViolations(waiting);
    expect(violations, describeViolations(violations)).toEqual([]);
  }, 90_000);
});
