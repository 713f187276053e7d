import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
beforeAll(async () => {
  p = await startTestPlatform('e2e_account');
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

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect((await p.client().get('/api/auth/me')).status).toBe(401);

    await page.goto(`${p.url}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

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
  });
});
