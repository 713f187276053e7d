import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { PASSWORD, signUp } from '../forums/support.js';

let p: TestPlatform;
let browser: Browser;
beforeAll(async () => {
  // Sign-up as on a real site: the address must be confirmed before posting.
  p = await startTestPlatform('e2e_account', { env: { EMAIL_VERIFICATION: 'true' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

describe('a new member in a real browser', () => {
  it('signs up, signs out, signs in, edits the profile and still sees it after a reload', async () => {
    const page = await browser.newPage();
    const email = `e2e-${Date.now()}@example.org`;
    const password = 'harbor-lantern-meadow-19';

    await page.goto(`${p.url}/sign-up`);
    await page.getByLabel('Your name').fill('Dana Rivers');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: /Dana Rivers/ }).waitFor();

    await page.getByRole('button', { name: 'Account menu for Dana Rivers' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect((await p.client().get('/api/auth/me')).status).toBe(401);

    await page.goto(`${p.url}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('button', { name: 'Account menu for Dana Rivers' }).waitFor();

    await page.goto(`${p.url}/settings/profile`);
    await page.getByLabel('About you').fill('Family childcare provider in Roxbury.');
    await page.getByLabel('Organisation').fill('Roxbury Family Childcare Network');
    await page.getByLabel('Community or neighbourhood').fill('Roxbury, Boston');
    await page.getByLabel('Your role in the community').selectOption('provider');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile has been saved.').waitFor();

    await page.reload();
    await expect.poll(() => page.getByLabel('About you').inputValue()).toBe('Family childcare provider in Roxbury.');
    expect(await page.getByLabel('Organisation').inputValue()).toBe('Roxbury Family Childcare Network');
    expect(await page.getByLabel('Your role in the community').inputValue()).toBe('provider');
    await page.close();
  }, 90_000);

  it('confirms the address from the mailed link, changes it, then deletes the account', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
    const email = `e2e-rights-${Date.now()}@example.org`;
    const password = 'lantern-orchard-river-52';
    await page.goto(`${p.url}/sign-up`);
    await page.getByLabel('Your name').fill('Rosa Quimby');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(`We sent a link to ${email}`).waitFor();

    // Unconfirmed: the forum says why the thread is not posted.
    await page.goto(`${p.url}/forums/c/introductions`);
    await page.getByRole('button', { name: 'New thread' }).click();
    await page.getByLabel('Title').fill('Hello from Rosa');
    await page.getByLabel('Message').fill('Glad to be here.');
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.getByText('Please confirm your email address first').waitFor();

    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.getByText(`We sent a new link to ${email}`).waitFor();
    const link = await mailedLink(email);
    await page.goto(link);
    await page.getByText('your email address is confirmed').waitFor();
    await expect.poll(() => page.getByText('Please confirm your email address.').count()).toBe(0);

    // A new address: confirmed again, and the old one is told.
    await page.goto(`${p.url}/settings/account`);
    const moved = `e2e-rights-moved-${Date.now()}@example.org`;
    await page.getByLabel('New email address').fill(moved);
    await page.getByLabel('Your current password').fill(password);
    await page.getByRole('button', { name: 'Change email address' }).click();
    await page.getByText(`Your email address is now ${moved}`).waitFor();
    await page.getByText(`We sent a link to ${moved}`).waitFor();
    await p.sink.waitFor((m) => m.envelope.to.includes(email) && /changed/i.test(m.subject), 15_000);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^commons-my-data-.*\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { profile: { email: string } };
    expect(exported.profile.email).toBe(moved);

    await page.getByLabel('Your password').fill(password);
    await page.getByLabel('Type DELETE to confirm').fill('DELETE');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Your account has been deleted.').waitFor();
    const again = await p.client().post('/api/auth/login', { email: moved, password });
    expect(again.status).toBe(401);
    await page.close();
  }, 90_000);

  it("lets an administrator turn confirmation off and change a member's role from the console", async () => {
    const admin = await signUp(p, 'Ada Console', 'admin');
    const member = await signUp(p, 'Lou Quartermain');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${p.url}/sign-in`);
    await page.getByLabel('Email address').fill(admin.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('link', { name: 'Members (admin)' }).click();
    await page.getByLabel('Name or email address').fill('quartermain');
    await page.getByRole('button', { name: 'Show members' }).click();
    await page.getByRole('button', { name: 'Resend link to Lou Quartermain' }).click();
    await page.getByText('A new confirmation link was sent to Lou Quartermain.').waitFor();
    await page.getByLabel('Role of Lou Quartermain').selectOption('moderator');
    await page.getByText('Lou Quartermain is now: Moderator.').waitFor();
    expect((await member.c.get('/api/auth/me')).body.user.role).toBe('moderator');

    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Site settings' }).click();
    await page.getByLabel('Members must confirm their email address before they post or send messages').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The settings have been saved.').waitFor();
    expect((await member.c.get('/api/auth/me')).body.user.mustVerifyEmail).toBe(false);
    await page.close();
  }, 90_000);
});

describe('times in the member’s zone', () => {
  it('takes the zone from the device at sign-up, offers a new one later, and reads and shows lab times in it', async () => {
    const password = 'harbor-lantern-meadow-19';
    const email = `e2e-zone-${Date.now()}@example.org`;
    const madrid = await browser.newContext({ timezoneId: 'Europe/Madrid' });
    const signUp = await madrid.newPage();
    await signUp.goto(`${p.url}/sign-up`);
    await signUp.getByLabel('Your name').fill('Lucía Ferrer');
    await signUp.getByLabel('Email address').fill(email);
    await signUp.getByLabel('Password').fill(password);
    await signUp.getByRole('button', { name: 'Create account' }).click();
    await signUp.getByRole('heading', { level: 1, name: /Lucía Ferrer/ }).waitFor();
    const me = await signUp.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
    expect(me.user.timeZone).toBe('Europe/Madrid');
    // The device and the profile agree: nothing to offer.
    expect(await signUp.getByText('This device is set to').count()).toBe(0);
    // Scheduling a lab publishes: confirm the address first if the site asks for it.
    if (me.user.mustVerifyEmail) {
      await signUp.goto(await mailedLink(email, 1));
      await signUp.getByText('your email address is confirmed').waitFor();
    }

    // Later, on a laptop set to Chicago: the site offers the device's zone; she keeps Madrid.
    const chicago = await browser.newContext({ timezoneId: 'America/Chicago', viewport: { width: 360, height: 780 } });
    await chicago.addCookies(await madrid.cookies());
    const page = await chicago.newPage();
    await page.goto(`${p.url}/labs/new`);
    await page.getByText('This device is set to America/Chicago').waitFor();
    await page.getByRole('button', { name: 'Keep Europe/Madrid' }).click();
    expect(await page.getByText('This device is set to').count()).toBe(0);

    // The start is read on her profile's clock, not the laptop's, and shown with its zone.
    await page.getByLabel('Title', { exact: true }).fill('Stipends for parent leaders');
    await page.getByLabel('Purpose', { exact: true }).fill('Agree how we pay parents for their time.');
    const start = page.getByLabel(/Starts at \(Europe\/Madrid/);
    await start.fill('2027-01-20T17:00');
    for (const phase of await page.getByLabel('Phase title').all()) await phase.fill('Talk it through');
    await page.getByLabel('Forum category for the summary').selectOption({ label: 'Introductions' });
    await page.getByRole('button', { name: 'Schedule the lab' }).click();
    await page.getByRole('heading', { level: 1, name: 'Stipends for parent leaders' }).waitFor();
    const labId = page.url().split('/').pop()!;
    const lab = await page.evaluate((id) => fetch(`/api/labs/${id}`).then((r) => r.json()), labId);
    expect(lab.lab.startsAt).toBe('2027-01-20T16:00:00.000Z');
    await page
      .getByText(/5:00\s?PM GMT\+1/)
      .first()
      .waitFor();
    expect(await page.getByLabel(/Starts at \(Europe\/Madrid/).inputValue()).toBe('2027-01-20T17:00');
    await madrid.close();
    await chicago.close();
  }, 90_000);
});

async function mailedLink(email: string, count = 2): Promise<string> {
  const mails = () =>
    p.sink.mails().filter((m) => m.envelope.to.includes(email) && /confirm your email/i.test(m.subject));
  await expect.poll(() => mails().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return /https?:\/\/\S+verify-email\?token=[\w.%-]+/.exec(String(mails().at(-1)!.text))![0];
}
