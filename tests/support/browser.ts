import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** The Chromium the global setup resolved, headless, with no background traffic to the closed network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    // The device's zone is the members' default profile zone, so the "your device is in another
    // zone" offer appears only in tests that set a context's timezoneId on purpose.
    env: { ...process.env, TZ: 'America/New_York' },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core with the WCAG 2.x A/AA rules on the page as it is now. The viewport is stretched to
 * the page's full height while axe runs: otherwise whatever happens to scroll under the phone's fixed
 * tab bar at that moment counts as an obscured target, and the result depends on the scroll position.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const viewport = page.viewportSize();
  if (!viewport) return runAxe(page);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height <= viewport.height) return runAxe(page);
  await page.setViewportSize({ width: viewport.width, height });
  // From the top: a page whose parts size to the screen (the lab's chat) stays taller than any
  // viewport, and a half-scrolled one has links half under its sticky bars, which axe's target-size
  // rule counts against whatever happens to be passing under them at that moment.
  const scrolled = await page.evaluate(() => {
    const at = window.scrollY;
    window.scrollTo(0, 0);
    return at;
  });
  try {
    return await runAxe(page);
  } finally {
    await page.setViewportSize(viewport);
    await page.evaluate((y) => window.scrollTo(0, y), scrolled);
  }
}

function runAxe(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');
}
