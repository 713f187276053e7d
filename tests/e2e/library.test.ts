import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { PDF } from '../hub/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let ana: Someone;
let ben: Someone;
let mod: Someone;

beforeAll(async () => {
  p = await startTestPlatform('e2e_library', { workers: false });
  browser = await launchBrowser();
  [ana, ben, mod] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Marcus Moderator', 'moderator'),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** A browser tab signed in as someone (their API session cookie), at phone width. */
async function tabFor(who: Someone): Promise<BrowserContext> {
  // bypassCSP lets the test inject axe-core; the app itself runs under its real policy.
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

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

describe('the resource library in a real browser', () => {
  it('a member submits a resource, a moderator approves it, another member finds it and saves it', async () => {
    // Ana shares a tool with a link and a PDF.
    const anaTab = await tabFor(ana);
    const page = await anaTab.newPage();
    await page.goto(`${p.url}/library/new`);
    await page.getByRole('heading', { level: 1, name: 'Share a resource' }).waitFor();
    await page.getByLabel('Title').fill('Neighbourhood asset mapping toolkit');
    await page.getByLabel('Summary').fill('How residents and partners map the strengths of their neighbourhood.');
    await page.getByLabel('Web link (optional if you attach a file)').fill('https://example.org/asset-mapping');
    await page
      .getByLabel('File (optional if you give a link)')
      .setInputFiles({ name: 'asset-mapping.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('checkbox', { name: 'Community engagement & leadership' }).check();
    await page.getByRole('checkbox', { name: 'Residents' }).check();
    await page.getByLabel('Organisation (optional)').fill('Vital Village Network');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await expectNoHorizontalScroll(page);
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neighbourhood asset mapping toolkit' }).waitFor();
    await page.getByText('Waiting for review').first().waitFor();
    await anaTab.close();

    // Ben cannot find it yet.
    const early = await ben.c.get('/api/resources?q=asset');
    expect(early.body.total).toBe(0);

    // The moderator approves it from the review queue.
    const modTab = await tabFor(mod);
    const modPage = await modTab.newPage();
    await modPage.goto(`${p.url}/library`);
    await modPage.getByRole('link', { name: 'Review queue' }).click();
    await modPage.getByRole('link', { name: 'Neighbourhood asset mapping toolkit' }).click();
    await modPage.getByRole('button', { name: 'Approve' }).click();
    await modPage.getByRole('link', { name: 'Discuss this resource' }).waitFor();
    await modTab.close();

    // Ben finds it by searching, opens it and saves it to his library.
    const benTab = await tabFor(ben);
    const benPage = await benTab.newPage();
    await benPage.goto(`${p.url}/library`);
    await benPage.getByRole('searchbox', { name: 'Search resources' }).fill('mapping asse');
    await benPage.getByRole('button', { name: 'Search' }).click();
    await benPage.getByRole('heading', { level: 2, name: '1 resource' }).waitFor();
    await benPage.getByRole('checkbox', { name: /Community engagement & leadership \(1\)/ }).waitFor();
    const libraryViolations = await axeViolations(benPage);
    expect(libraryViolations, describeViolations(libraryViolations)).toEqual([]);
    await expectNoHorizontalScroll(benPage);
    await benPage.getByRole('link', { name: 'Neighbourhood asset mapping toolkit' }).click();
    await benPage.getByRole('link', { name: /Download asset-mapping\.pdf/ }).waitFor();
    await benPage.getByRole('button', { name: 'Save to my library' }).click();
    await benPage.getByRole('button', { name: 'Remove from my library' }).waitFor();
    await benPage.goto(`${p.url}/library?scope=saved`);
    await benPage.getByRole('link', { name: 'Neighbourhood asset mapping toolkit' }).waitFor();
    await benTab.close();

    const saved = await ben.c.get('/api/resources?scope=saved');
    expect(saved.body.resources.map((r: { title: string; saveCount: number }) => [r.title, r.saveCount])).toEqual([
      ['Neighbourhood asset mapping toolkit', 1],
    ]);
  }, 90_000);

  it('the import page is accessible at 360 px, and a member asks to join a coalition', async () => {
    await ana.c.post('/api/coalitions', { name: 'Mattapan Family Network', joinPolicy: 'request' });
    const tab = await tabFor(ben);
    const page = await tab.newPage();
    // The hub pages (stories, coalitions, members) are swept in every-page.test.ts; the import
    // page is an admin's tool it does not visit as a member.
    await page.goto(p.url + '/library/import');
    await page.getByRole('heading', { level: 1, name: 'Import resources from a spreadsheet' }).waitFor();
    await page.waitForLoadState('networkidle');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await expectNoHorizontalScroll(page);
    // A request to join shows to the coalition's admin only after Ben asks.
    await page.goto(`${p.url}/coalitions`);
    await page.getByRole('link', { name: 'Mattapan Family Network' }).click();
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await page.getByText('Your request is waiting for an admin.').waitFor();
    await tab.close();
  }, 90_000);
});
