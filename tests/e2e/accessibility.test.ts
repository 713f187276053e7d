import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
// One member per language: a signed-in member sees the language saved in their profile.
const members: Record<'en' | 'es', { id: string; cookie: string }> = {
  en: { id: '', cookie: '' },
  es: { id: '', cookie: '' },
};
beforeAll(async () => {
  p = await startTestPlatform('e2e_a11y', { workers: false });
  browser = await launchBrowser();
  for (const locale of ['en', 'es'] as const) {
    const c = p.client();
    const res = await c.post('/api/auth/register', {
      email: `a11y-${locale}@example.org`,
      password: 'harbor-lantern-meadow-19',
      displayName: 'Alma Access',
      locale,
    });
    members[locale] = { id: res.body.user.id, cookie: c.cookieHeader() };
  }
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

const signedOutPages = [
  '/',
  '/sign-in',
  '/sign-up',
  '/forgot-password',
  '/reset-password?token=abcdefghijklmnopqrstuvwxyz',
  '/no-such-page',
];
const memberPages = (locale: 'en' | 'es') => [
  '/',
  `/members/${members[locale].id}`,
  '/settings/profile',
  '/no-such-page',
];

async function contextFor(locale: 'en' | 'es', signedIn: boolean, width: number): Promise<BrowserContext> {
  // bypassCSP lets the test inject axe-core; the app itself runs under its real policy.
  const context = await browser.newContext({
    viewport: { width, height: 800 },
    locale: locale === 'es' ? 'es-ES' : 'en-US',
    bypassCSP: true,
  });
  await context.addInitScript((l) => window.localStorage.setItem('commons.locale', l), locale);
  if (signedIn) {
    const [name, ...rest] = members[locale].cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  }
  return context;
}

describe.each(['en', 'es'] as const)('every page in %s', (locale) => {
  for (const signedIn of [false, true]) {
    it(`has no axe violations and no horizontal scroll at 360 px (${signedIn ? 'member' : 'signed out'})`, async () => {
      const context = await contextFor(locale, signedIn, 360);
      const page = await context.newPage();
      const failures: string[] = [];
      for (const path of signedIn ? memberPages(locale) : signedOutPages) {
        await page.goto(p.url + path);
        await page.locator('h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.getAttribute('html', 'lang'), path).toBe(locale);
        const violations = await axeViolations(page);
        if (violations.length) failures.push(`${path}:\n${describeViolations(violations)}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${path}: ${overflow}px horizontal overflow at 360px`);
      }
      await context.close();
      expect(failures.join('\n\n')).toBe('');
    });
  }
});

describe('keyboard use', () => {
  it('signs in with the keyboard alone, with a visible focus indicator', async () => {
    const context = await contextFor('en', false, 1024);
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
    await page.keyboard.type('a11y-en@example.org');
    await page.keyboard.press('Tab');
    await page.keyboard.type('harbor-lantern-meadow-19');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await context.close();
  });
});
