import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, PASSWORD, signUp, type Someone } from '../forums/support.js';
import { createLab, minutesFromNow } from '../labs/support.js';
import { launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let kim: Someone;
let threadId: string;
let labId: string;

beforeAll(async () => {
  p = await startTestPlatform('e2e_keyboard');
  browser = await launchBrowser();
  kim = await signUp(p, 'Kim Keyboard');
  threadId = (await newThread(kim, await categoryId(kim.c, 'introductions'), 'Keyboard only, please')).thread.id;
  labId = (await createLab(kim, { startsAt: minutesFromNow(5) })).id;
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** Presses Tab until the focused element satisfies `test`; fails if it never does. */
async function tabTo(page: Page, test: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  throw new Error(`keyboard focus never reached: ${test}`);
}

describe('with the keyboard alone', () => {
  it('a member signs in, posts a reply and sends a lab message', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${p.url}/sign-in`);
    await page.locator('h1').waitFor();
    await tabTo(page, `document.activeElement?.getAttribute('autocomplete') === 'email'`);
    await page.keyboard.type(kim.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    // On a phone the account menu is the tab bar's "Me".
    await page.getByRole('button', { name: /Account menu for Kim Keyboard/ }).waitFor();

    await page.goto(`${p.url}/forums/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Keyboard only, please' }).waitFor();
    const reply = 'Typed without a mouse, from the bus.';
    await tabTo(page, `document.activeElement?.labels?.[0]?.textContent?.includes('Your reply') ?? false`);
    await page.keyboard.type(reply);
    await tabTo(page, `document.activeElement?.textContent?.trim() === 'Post reply'`);
    await page.keyboard.press('Enter');
    await page.locator('article', { hasText: reply }).waitFor();

    await page.goto(`${p.url}/labs/${labId}/room`);
    await page.locator('h1').first().waitFor();
    const message = 'Hello from the keyboard';
    await tabTo(page, `document.activeElement?.id === 'lab-message'`);
    await page.keyboard.type(message);
    await page.keyboard.press('Enter');
    await page.locator('li', { hasText: message }).first().waitFor();
    await page.close();
  }, 60_000);

  it('respects a preference for reduced motion', async () => {
    const measure = async (reducedMotion: 'reduce' | 'no-preference') => {
      const context = await browser.newContext({ reducedMotion });
      const page = await context.newPage();
      await page.goto(`${p.url}/sign-in`);
      await page.locator('h1').waitFor();
      const longest = await page.evaluate(() =>
        Math.max(
          0,
          ...Array.from(document.querySelectorAll('*')).flatMap((el) => {
            const style = getComputedStyle(el);
            return [...style.transitionDuration.split(','), ...style.animationDuration.split(',')].map(
              (d) => parseFloat(d) * (d.trim().endsWith('ms') ? 1 : 1000),
            );
          }),
        ),
      );
      await context.close();
      return longest;
    };
    expect(await measure('no-preference')).toBeGreaterThan(50);
    expect(await measure('reduce')).toBeLessThan(1);
  });
});
