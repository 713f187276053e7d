import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { signUp, type Someone } from '../forums/support.js';
import { startReceiver } from '../webhooks/receiver.js';

// The members' privacy settings and the administrators' console, as people use them in a browser.
// Each page is checked with axe and for sideways scrolling at 360 px, and photographed at 1280
// and 360 px into tests/results/screens (kept out of git) for a person to look at.
let p: TestPlatform;
let browser: Browser;
let admin: Someone;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const screens = path.resolve(import.meta.dirname, '../results/screens');

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  // The webhook receiver listens on loopback: allowed here only.
  p = await startTestPlatform('e2e_admin_console', {
    env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '20' },
  });
  browser = await launchBrowser();
  admin = await signUp(p, 'Ada Console', 'admin');
  mkdirSync(screens, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
  await receiver?.close();
});

/** A browser context signed in as `who` (their session cookie), or signed out. */
async function contextFor(who: Someone | null): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  if (who) {
    const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  }
  return context;
}

/** Photographs the page at 1280 and 360 px, and checks it at 360 px: axe finds nothing, no sideways scroll. */
async function check(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(screens, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.screenshot({ path: path.join(screens, `${name}-360.png`), fullPage: true });
  const violations = await axeViolations(page);
  expect(describeViolations(violations)).toBe('');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('privacy settings in the browser', () => {
  it('a member leaves the directory and hides a field; others no longer see them', async () => {
    const rosa = await signUp(p, 'Rosa Private');
    await rosa.c.patch('/api/members/me', { bio: 'Kinship carer in Roxbury.' });
    const context = await contextFor(rosa);
    const page = await context.newPage();
    await page.goto(`${p.url}/settings/account`);
    await page.getByRole('heading', { name: 'Privacy', exact: true }).waitFor();
    await page.getByLabel('Show me in the member directory').uncheck();
    await page.getByLabel('About me').selectOption('nobody');
    await page.getByLabel('Who can mention me with @').selectOption('coalitions');
    await page.getByLabel('My coalitions (badges beside my name)').selectOption('nobody');
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await page.getByText('Your privacy settings have been saved.').waitFor();
    await check(page, 'account-privacy');

    const other = await signUp(p, 'Olga Other');
    expect((await other.c.get('/api/members?q=rosa')).body.members).toEqual([]);
    expect((await other.c.get(`/api/members/${rosa.id}`)).body.member.bio).toBe('');
    expect((await rosa.c.get('/api/auth/me')).body.user.privacy.fields.coalitions).toBe('nobody');
    await page.reload();
    await expect.poll(() => page.getByLabel('Who can mention me with @').inputValue()).toBe('coalitions');
    await context.close();
  }, 120_000);
});

describe("the administrators' console in the browser", () => {
  it('suspends a member with a reason and a duration, then lifts it', async () => {
    const kim = await signUp(p, 'Kim Quarrelsome');
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/settings`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Name or email address').fill('quarrelsome');
    await page.getByRole('button', { name: 'Show members' }).click();
    await page.getByRole('button', { name: 'Suspend Kim Quarrelsome' }).click();
    await page.getByRole('heading', { name: 'Suspend Kim Quarrelsome' }).waitFor();
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByText('Give a reason.').first().waitFor();
    await page.getByLabel('Reason').fill('Insults in three threads this week.');
    await page.getByLabel('For how long').selectOption('168');
    await check(page, 'admin-members-suspend');
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByText('Kim Quarrelsome is suspended.').waitFor();
    expect((await kim.c.get('/api/auth/me')).status).toBe(401);
    await check(page, 'admin-members');

    await page.getByRole('button', { name: 'Lift the suspension of Kim Quarrelsome' }).click();
    await page.getByLabel('Reason').fill('Apologised to everyone.');
    await page.getByRole('button', { name: 'Lift the suspension', exact: true }).click();
    await page.getByText('The suspension of Kim Quarrelsome is lifted.').waitFor();
    const audit = await admin.c.get('/api/moderation/audit?action=sanction.lift');
    expect(audit.body.entries[0]).toMatchObject({ reason: 'Apologised to everyone.' });
    await context.close();
  }, 120_000);

  it('sets joining to invitation only, invites someone in Spanish, and the link creates their account', async () => {
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/settings`);
    await page.getByLabel('Who can join').selectOption('invitation');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The settings have been saved.').waitFor();
    await check(page, 'admin-settings');
    const walkIn = await p.client().post('/api/auth/register', {
      email: 'walk-in@example.org',
      password: 'willow-candle-river-82',
      displayName: 'Walk In',
    });
    expect(walkIn.body.error.code).toBe('registration_closed');

    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Invitations' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Inés Navarro');
    await page.getByLabel('Email address').fill('ines.navarro@example.org');
    await page.getByLabel('Language of the invitation').selectOption('es');
    await page.getByRole('button', { name: 'Send the invitation', exact: true }).click();
    await page.getByText('An invitation is on its way to ines.navarro@example.org.').waitFor();
    await check(page, 'admin-invitations');

    const mail = await p.sink.waitFor((m) => m.envelope.to.includes('ines.navarro@example.org'), 15_000);
    expect(mail.subject).toMatch(/Le invitan/);
    const link = /https?:\/\/\S+\/invitations\/accept\?token=[\w.%-]+/.exec(String(mail.text))![0];
    const guest = await contextFor(null);
    const invited = await guest.newPage();
    await invited.goto(`${p.url}${new URL(link).pathname}${new URL(link).search}`);
    await invited.getByText('ines.navarro@example.org').waitFor();
    await check(invited, 'invitation-accept');
    await invited.getByLabel('Password').fill('willow-candle-river-82');
    await invited.getByRole('button', { name: 'Join' }).click();
    await invited.waitForURL(`${p.url}/`);
    const me = await invited.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me.user).toMatchObject({
      email: 'ines.navarro@example.org',
      displayName: 'Inés Navarro',
      emailVerified: true,
    });
    await guest.close();
    await context.close();
  }, 150_000);

  it('sets joining by approval; a visitor signs up and waits; the administrator approves them', async () => {
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/settings`);
    await page.getByLabel('Who can join').selectOption('closed');
    await page.getByLabel('Threads and replies one member may post per minute').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Enter a whole number from 1 to 120.').first().waitFor();
    await page.getByLabel('Threads and replies one member may post per minute').fill('6');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The settings have been saved.').waitFor();
    expect((await admin.c.get('/api/admin/site-settings')).body.settings.limits.postsPerMinute).toBe(6);

    // Closed: the sign-up page says so and offers sign-in, with no form that can only fail.
    const guest = await contextFor(null);
    const visitor = await guest.newPage();
    await visitor.goto(`${p.url}/sign-up`);
    await visitor.getByText('This site is not taking new members at the moment.', { exact: false }).waitFor();
    expect(await visitor.getByLabel('Password').count()).toBe(0);
    await visitor.getByRole('link', { name: 'Sign in' }).last().waitFor();
    await check(visitor, 'sign-up-closed');

    await page.getByLabel('Who can join').selectOption('approval');
    await page.getByLabel('Default language').selectOption('es');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The settings have been saved.').waitFor();

    // A visitor with no language of their own gets the site's (Spanish), and is told of the review.
    const fresh = await contextFor(null);
    const newcomer = await fresh.newPage();
    await newcomer.goto(`${p.url}/sign-up`);
    await newcomer.getByText('Una persona administradora del sitio revisa cada registro.', { exact: false }).waitFor();
    await newcomer.evaluate(() => window.localStorage.setItem('commons.locale', 'en'));
    await newcomer.reload();
    await newcomer.getByText('An administrator of the site reviews each sign-up.', { exact: false }).waitFor();
    await newcomer.getByLabel('Your name').fill('Noor Waiting');
    await newcomer.getByLabel('Email address').fill('noor.waiting@example.org');
    await newcomer.getByLabel('Password').fill('willow-candle-river-82');
    await newcomer.getByRole('button', { name: 'Create account' }).click();
    await newcomer.getByRole('heading', { name: 'Your sign-up is waiting for approval' }).waitFor();
    await check(newcomer, 'sign-up-pending');
    await p.sink.waitFor((m) => m.envelope.to.includes('noor.waiting@example.org'), 15_000);

    await page.goto(`${p.url}/admin/members`);
    await page.getByLabel('Show').selectOption('pending');
    await page.getByRole('button', { name: 'Show members' }).click();
    await page.getByRole('heading', { name: 'Sign-ups waiting for approval' }).waitFor();
    await check(page, 'admin-members-pending');
    await page.getByRole('button', { name: 'Approve Noor Waiting' }).click();
    await page.getByText('Noor Waiting is approved and has been told by email.').waitFor();
    await p.sink.waitFor(
      (m) => m.envelope.to.includes('noor.waiting@example.org') && /approved your sign-up/.test(String(m.text)),
      15_000,
    );
    const signIn = await p.client().post('/api/auth/login', {
      email: 'noor.waiting@example.org',
      password: 'willow-candle-river-82',
    });
    expect(signIn.status).toBe(200);
    await admin.c.patch('/api/admin/site-settings', { registrationMode: 'invitation', defaultLocale: 'en' });
    await fresh.close();
    await guest.close();
    await context.close();
  }, 150_000);

  it('withdraws an invitation (its link says so) and sends another again', async () => {
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/invitations`);
    for (const [name, email] of [
      ['Vic Withdrawn', 'vic.withdrawn@example.org'],
      ['Ren Resent', 'ren.resent@example.org'],
    ]) {
      await page.getByLabel('Name', { exact: true }).fill(name!);
      await page.getByLabel('Email address').fill(email!);
      await page.getByRole('button', { name: 'Send the invitation', exact: true }).click();
      await page.getByText(`An invitation is on its way to ${email}.`).waitFor();
    }
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes('vic.withdrawn@example.org'), 15_000);
    const link = new URL(/https?:\/\/\S+\/invitations\/accept\?token=[\w.%-]+/.exec(String(mail.text))![0]);
    await page.getByRole('button', { name: 'Withdraw the invitation of Vic Withdrawn' }).click();
    await page.getByText('The invitation of Vic Withdrawn is withdrawn: its link no longer works.').waitFor();
    await page.getByRole('button', { name: 'Send again to Ren Resent' }).click();
    await page.getByText(/A new invitation is on its way to ren.resent@example.org/).waitFor();
    await check(page, 'admin-invitations-actions');

    const guest = await contextFor(null);
    const invited = await guest.newPage();
    await invited.goto(`${p.url}${link.pathname}${link.search}`);
    await invited.getByText('This invitation was withdrawn, or replaced by a newer one.', { exact: false }).waitFor();
    const audit = await admin.c.get('/api/moderation/audit?action=invitation.withdraw');
    expect(audit.body.entries).toHaveLength(1);
    await guest.close();
    await context.close();
  }, 120_000);

  it('creates, renames, reorders, opens to visitors and archives a category', async () => {
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/members`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Categories' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Kinship care');
    await page.getByLabel('Description').fill('Grandparents and relatives raising children.');
    await page.getByLabel('Open to visitors (people who have not signed in can read it)').check();
    await page.getByRole('button', { name: 'Create category' }).click();
    await page.getByText('The category Kinship care was created.').waitFor();
    // What "open to visitors" means, in words, and whether the site lets visitors in now.
    await page.getByRole('heading', { name: 'Who can read a category' }).waitFor();
    await page.getByText('The site is open to visitors now', { exact: false }).waitFor();
    const visitorSees = async () =>
      ((await p.client().get('/api/categories')).body.categories as { name: string }[]).map((c) => c.name);
    expect(await visitorSees()).toContain('Kinship care');
    // Introductions is for members until the administrator opens it, and back.
    expect(await visitorSees()).not.toContain('Introductions');
    const introductions = page.getByRole('checkbox', { name: 'Open to visitors: Introductions' });
    expect(await introductions.isChecked()).toBe(false);
    // The box shows what the server saved, so it turns on once the change is made.
    await introductions.click();
    await page.getByText('Introductions is now open to visitors.').waitFor();
    expect(await introductions.isChecked()).toBe(true);
    await expect.poll(visitorSees).toContain('Introductions');
    await introductions.click();
    await page.getByText('Introductions is now for members only.').waitFor();
    expect(await introductions.isChecked()).toBe(false);
    await expect.poll(visitorSees).not.toContain('Introductions');
    await page.getByRole('button', { name: 'Move Kinship care up' }).click();
    await page.getByText(/Kinship care is now number/).waitFor();
    await page.getByRole('button', { name: 'Edit Kinship care' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Kinship carers');
    await page.getByRole('button', { name: 'Save category' }).click();
    await page.getByText('The category Kinship carers was saved.').waitFor();
    await page.getByRole('button', { name: 'Archive Kinship carers' }).click();
    await page.getByText('Kinship carers is archived.').waitFor();
    await check(page, 'admin-categories');
    const audited = await admin.c.get('/api/moderation/audit?action=category.update');
    expect((audited.body.entries as { details: { public?: boolean } }[]).some((e) => e.details.public === false)).toBe(
      true,
    );

    const listed = (await admin.c.get('/api/categories?includeArchived=true')).body.categories as {
      name: string;
      archived: boolean;
      position: number;
    }[];
    const mine = listed.find((c) => c.name === 'Kinship carers')!;
    expect(mine.archived).toBe(true);
    const open = listed.filter((c) => !c.archived).sort((a, b) => a.position - b.position);
    expect(mine.position).toBe(open.length - 1);
    const audit = await admin.c.get('/api/moderation/audit?action=category.update');
    expect(audit.body.entries[0]).toMatchObject({ actor: { id: admin.id }, details: { archived: true } });
    await context.close();
  }, 120_000);

  it('adds a webhook, sends a test delivery to it and turns it off', async () => {
    const context = await contextFor(admin);
    const page = await context.newPage();
    await page.goto(`${p.url}/admin/webhooks`);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByText('Choose at least one kind of event.').first().waitFor();
    await page.getByLabel('Address (URL)').fill(`${receiver.url}/commons`);
    await page.getByLabel('A new thread').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByText(/Copy its secret now/).waitFor();
    await page.getByRole('button', { name: 'Send a test delivery' }).click();
    await page.getByText(/A test delivery to .* is on its way/).waitFor();
    const [delivery] = await receiver.waitFor((r) => r.body.includes('webhook.test'));
    expect(delivery!.body).toContain('A test delivery from Commons.');
    await check(page, 'admin-webhooks');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByText(/The webhook to .* is off\./).waitFor();
    const hooks = (await admin.c.get('/api/webhooks')).body.webhooks as { active: boolean }[];
    expect(hooks.map((h) => h.active)).toEqual([false]);
    const audit = await admin.c.get('/api/moderation/audit?action=webhook.test');
    expect(audit.body.entries).toHaveLength(1);
    await context.close();
  }, 120_000);
});
