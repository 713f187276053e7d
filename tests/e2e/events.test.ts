import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { createLab } from '../labs/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let olga: Someone;
let ben: Someone;

beforeAll(async () => {
  p = await startTestPlatform('e2e_events', { workers: false });
  browser = await launchBrowser();
  [olga, ben] = await Promise.all([signUp(p, 'Olga Organiser'), signUp(p, 'Ben Okafor')]);
  await olga.c.patch('/api/members/me', { timeZone: 'America/Chicago' });
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** A browser tab signed in as someone (their API session cookie), at phone width. */
async function tabFor(who: Someone): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const cookies = who.c
    .cookieHeader()
    .split('; ')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: p.url };
    });
  await context.addCookies(cookies);
  return context;
}

async function expectAccessible(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** `YYYY-MM-DDTHH:mm` of a day two days ahead, 18:30, for the datetime-local input. */
function inTwoDays(): string {
  const d = new Date(Date.now() + 2 * 24 * 3600_000);
  return `${d.toISOString().slice(0, 10)}T18:30`;
}

describe('events in a real browser', () => {
  it('an organiser creates a meeting, another member RSVPs and finds it beside a lab', async () => {
    const lab = await createLab(olga, { startsAt: new Date(Date.now() + 5 * 24 * 3600_000).toISOString() });
    const olgaTab = await tabFor(olga);
    const page = await olgaTab.newPage();
    await page.goto(`${p.url}/events/new`);
    await page.getByRole('heading', { level: 1, name: 'Organise an event' }).waitFor();
    await expectAccessible(page);
    // Submitting empty shows the errors, linked from a summary.
    await page.getByRole('button', { name: 'Create the event' }).click();
    await page.getByText('Enter a title of 3 to 200 characters.').first().waitFor();
    await expectAccessible(page);

    await page.getByLabel('Title').fill('Spring family resource fair');
    await page.getByLabel('Kind of event').selectOption('meeting');
    await page.getByLabel('Description').fill('Bring **ideas** for the fair.');
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('America/Chicago');
    await page.getByLabel('Starts at (America/Chicago)').fill(inTwoDays());
    await page.getByLabel('Length in minutes').fill('90');
    await page.getByLabel('Place (optional)').fill('Dudley Library, room 2');
    await page.getByLabel('Seats (leave empty for no limit)').fill('1');
    await page.getByRole('button', { name: 'Create the event' }).click();
    await page.getByRole('heading', { level: 1, name: 'Spring family resource fair' }).waitFor();
    const eventId = new URL(page.url()).pathname.split('/').pop()!;
    const event = (await olga.c.get(`/api/events/${eventId}`)).body.event;
    // 18:30 in Chicago, whatever the browser's own zone.
    const hour = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hourCycle: 'h23' });
    expect(hour.format(new Date(event.startsAt))).toBe('18');
    expect(await page.locator('.prose strong').textContent()).toBe('ideas');
    expect(await page.getByRole('link', { name: 'Add to my calendar (.ics)' }).getAttribute('href')).toBe(
      `/api/events/${eventId}/calendar.ics`,
    );
    await expectAccessible(page);

    const benTab = await tabFor(ben);
    const benPage = await benTab.newPage();
    await benPage.goto(`${p.url}/events`);
    await benPage.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await benPage.getByRole('link', { name: 'Spring family resource fair' }).waitFor();
    const titles = await benPage.locator('.card__title a').allTextContents();
    expect(titles.indexOf('Spring family resource fair')).toBeLessThan(titles.indexOf(lab.title));
    expect(await benPage.getByRole('link', { name: lab.title }).getAttribute('href')).toBe(`/labs/${lab.id}`);
    await expectAccessible(benPage);

    await benPage.getByRole('link', { name: 'Spring family resource fair' }).click();
    await benPage.getByRole('heading', { level: 1, name: 'Spring family resource fair' }).waitFor();
    expect(await benPage.getByRole('link', { name: 'Edit or reschedule' }).count()).toBe(0);
    await benPage.getByRole('button', { name: 'Going', exact: true }).click();
    await benPage.locator('button[aria-pressed="true"]', { hasText: 'Going' }).waitFor();
    expect((await ben.c.get(`/api/events/${eventId}`)).body.event.myRsvp).toBe('going');
    await expectAccessible(benPage);

    // The organiser edits it, then cancels it.
    await page.goto(`${p.url}/events/${eventId}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit the event' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Title').fill('Spring fair planning');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Spring fair planning' }).waitFor();
    expect((await olga.c.get(`/api/events/${eventId}`)).body.event.startsAt).toBe(event.startsAt);
    await page.getByRole('button', { name: 'Cancel this event' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the event' }).click();
    await page.getByText('Cancelled', { exact: true }).waitFor();
    expect((await olga.c.get(`/api/events/${eventId}`)).body.event.status).toBe('cancelled');

    // The home page shows upcoming events beside the rest.
    await page.goto(`${p.url}/`);
    await page.getByRole('heading', { level: 2, name: 'Upcoming events' }).waitFor();
    const labsPanel = page.getByRole('region', { name: 'Upcoming labs' });
    await labsPanel.getByRole('link', { name: lab.title }).waitFor();
    await expectAccessible(page);
    await olgaTab.close();
    await benTab.close();
  }, 120_000);

  it('the events pages in Spanish at 360 px', async () => {
    const res = await ben.c.post('/api/events', {
      title: 'Taller de lectura en familia',
      description: 'Traiga sus **preguntas**.',
      kind: 'webinar',
      startsAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
      durationMinutes: 60,
      onlineUrl: 'https://meet.example.org/lectura',
      capacity: 20,
    });
    const id: string = res.body.event.id;
    await ben.c.patch('/api/members/me', { locale: 'es' });
    const tab = await tabFor(ben);
    await tab.addInitScript(() => window.localStorage.setItem('commons.locale', 'es'));
    const page = await tab.newPage();
    for (const [path, title] of [
      ['/events', 'Eventos'],
      ['/events/new', 'Organizar un evento'],
      [`/events/${id}`, 'Taller de lectura en familia'],
      [`/events/${id}/edit`, 'Editar el evento'],
    ] as const) {
      await page.goto(p.url + path);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      await expectAccessible(page);
    }
    await tab.close();
  }, 60_000);
});
