/**
 * The lab room as a room: on phones real tabs (chat, board, queue, controls) under a sticky bar,
 * the message box pinned at the bottom and the hand button in the sticky bar; on wide screens every part at
 * once; facilitator tools in a menu per message; a silenced member told before typing; members'
 * pictures (or initials) beside their chat lines and in the lists of who is here and who waits.
 * Screenshots of the room at 1280 and 360 px go to tests/results/screens.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { givePicture } from '../support/pictures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { connectAs, createLab, minutesFromNow, type ClientSocket } from './support.js';

const screens = fileURLToPath(new URL('../results/screens/', import.meta.url));
let p: TestPlatform;
let browser: Browser;
let host: Someone;
let ana: Someone;
let ben: Someone;
let mod: Someone;
const sockets: ClientSocket[] = [];
const uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-room-pictures-'));

beforeAll(async () => {
  mkdirSync(screens, { recursive: true });
  p = await startTestPlatform('e2e_lab_room_layout', { env: { UPLOAD_DIR: uploadDir } });
  browser = await launchBrowser();
  [host, ana, ben, mod] = (await Promise.all([
    signUp(p, 'Hana Host'),
    signUp(p, 'Ana Alvarez'),
    signUp(p, 'Ben Brooks'),
    signUp(p, 'Mo Moderator', 'moderator'),
  ])) as [Someone, Someone, Someone, Someone];
  // Ana and Ben uploaded pictures; Hana shows her initials.
  await Promise.all([givePicture(ana, '#1e6b34'), givePicture(ben, '#8a4b08')]);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await browser?.close();
  await p?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

/** How many pictures (not initials) in this part of the page have loaded. */
const loadedPictures = (page: Page, selector: string) =>
  page
    .locator(`${selector} img.avatar--picture`)
    .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length);

/** The member's own browser on the lab room (bypassCSP only lets the test inject axe-core). */
async function roomAs(who: Someone, labId: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
  const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  const page = await context.newPage();
  await page.goto(`${p.url}/labs/${labId}/room`);
  await page.getByRole('heading', { level: 1, name: /Lab room/ }).waitFor();
  return page;
}

/** A started lab in its ideas phase, with a conversation and a board, run over sockets. */
async function busyLab(title: string) {
  const lab = await createLab(host, { title, startsAt: minutesFromNow(10) });
  const [h, a, b] = await Promise.all([host, ana, ben].map((who) => connectAs(p, who, sockets)));
  for (const s of [h!, a!, b!]) expect((await s.emitWithAck('lab:join', { labId: lab.id })).ok).toBe(true);
  await h!.emitWithAck('lab:start', { labId: lab.id });
  const lines: [ClientSocket, string][] = [
    [h!, 'Welcome, everyone. Short check-in: one word for how the walk to school feels today.'],
    [a!, 'Rushed. The crossing at Elm Street has no guard after 8:15.'],
    [b!, 'Hopeful: three more families asked about a walking bus.'],
    [a!, 'Could the bus leave from the library corner?'],
    [h!, 'Let us put that on the board in the next phase.'],
  ];
  for (const [s, body] of lines) await s.emitWithAck('lab:message:send', { labId: lab.id, body });
  await h!.emitWithAck('lab:phase:advance', { labId: lab.id });
  await a!.emitWithAck('lab:idea:add', { labId: lab.id, text: 'A crossing guard at Elm Street', anonymous: false });
  await b!.emitWithAck('lab:idea:add', {
    labId: lab.id,
    text: 'Walking bus from the library corner',
    anonymous: false,
  });
  await b!.emitWithAck('lab:hand:raise', { labId: lab.id });
  return { lab, host: h!, ana: a!, ben: b! };
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the lab room on a phone', () => {
  it('has real tabs, a pinned message box nothing covers, the hand in the bar, and no sideways scroll', async () => {
    const { lab, host: hana } = await busyLab('Walking to school, together');
    const page = await roomAs(ana, lab.id, 360, 740);
    await page.getByText('Phase 2 of 5: Ideas').waitFor();

    // A tab list of the room's parts; a participant has no controls tab.
    const tabs = page.getByRole('tablist', { name: 'Parts of the room' }).getByRole('tab');
    expect(await tabs.allTextContents()).toEqual(['Chat', 'Board', 'Queue']);
    const chatTab = page.getByRole('tab', { name: 'Chat' });
    expect(await chatTab.getAttribute('aria-selected')).toBe('true');
    // Once the room is scrolled to, the message box sits at the bottom of the screen, the chat above it.
    await page.evaluate(() => window.scrollBy(0, 400));
    const box = (await page.getByLabel('Message', { exact: true }).boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    // The room sizes the chat once the page has laid out: the box settles at the bottom.
    await expect
      .poll(async () => (await page.getByLabel('Message', { exact: true }).boundingBox())!.y)
      .toBeGreaterThan(500);
    await page.getByText('Could the bus leave from the library corner?').waitFor();
    // Ana's and Ben's lines carry their pictures; Hana's her initials.
    await expect.poll(() => loadedPictures(page, '.lab-chat__list')).toBe(3);
    expect(await page.locator('.lab-chat__list span.avatar').allTextContents()).toEqual(['HH', 'HH']);
    await page.screenshot({ path: `${screens}lab-room-360.png` });
    const chatViolations = await axeViolations(page);
    expect(chatViolations, describeViolations(chatViolations)).toEqual([]);

    // Arrow keys move between tabs, and each tab shows its panel only.
    await chatTab.focus();
    await page.keyboard.press('ArrowRight');
    const boardTab = page.getByRole('tab', { name: 'Board' });
    // The selection follows the key press on React's next render: polled, as the later presses are.
    await expect.poll(() => boardTab.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Board');
    await page
      .getByRole('tabpanel', { name: 'Board' })
      .getByRole('button', { name: 'Put a dot on “Walking bus from the library corner”' })
      .waitFor();
    expect(await page.getByLabel('Message', { exact: true }).isVisible()).toBe(false);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { name: 'Queue' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => boardTab.getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: `${screens}lab-room-360-board.png` });

    // A message while the board is open: the chat tab counts it; the draft waits in the chat.
    await hana.emitWithAck('lab:message:send', { labId: lab.id, body: 'Two minutes left for ideas.' });
    await page.getByRole('tab', { name: 'Chat 1 new' }).waitFor();

    // The hand button is in reach over the board, in the sticky bar, and there is only one.
    const hand = page.getByRole('button', { name: 'Raise hand' });
    expect(await hand.count()).toBe(1);
    const at = (await hand.boundingBox())!;
    expect(at.x + at.width).toBeLessThanOrEqual(360);
    expect(at.y + at.height).toBeLessThanOrEqual(740);
    expect(await page.locator('.lab-room__bar').getByRole('button', { name: 'Raise hand' }).count()).toBe(1);
    await hand.click();
    await page.getByRole('button', { name: 'Lower hand', pressed: true }).waitFor();
    await page.getByRole('tab', { name: 'Queue' }).click();
    const queue = page.getByRole('region', { name: 'Speaking queue' });
    await expect.poll(() => queue.getByRole('listitem').allTextContents()).toEqual(['Ben Brooks', 'Ana Alvarez']);
    await expect.poll(() => loadedPictures(page, 'section[aria-labelledby="queue-heading"] ol')).toBe(2);

    // The bar with the phase and time stays in view when the page scrolls.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const bar = (await page.getByText('Phase 2 of 5: Ideas').boundingBox())!;
    expect(bar.y).toBeGreaterThanOrEqual(0);
    expect(bar.y).toBeLessThan(740);

    await page.getByRole('tab', { name: /^Chat/ }).click();
    expect(await page.getByRole('tab', { name: 'Chat', exact: true }).count()).toBe(1); // read: the count is gone
    // Nothing covers the message box once it is scrolled into view, from the top or from the end:
    // what is under its field and its Send button is them (a floating hand button once hid Send).
    for (const [height, from] of [
      [740, 'top'],
      [740, 'end'],
      [900, 'top'],
      [900, 'end'],
    ] as const) {
      await page.setViewportSize({ width: 360, height });
      for (const target of [page.getByLabel('Message', { exact: true }), page.getByRole('button', { name: 'Send' })]) {
        await page.evaluate(
          (end) => window.scrollTo(0, end ? document.documentElement.scrollHeight : 0),
          from === 'end',
        );
        await target.scrollIntoViewIfNeeded();
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        const b = (await target.boundingBox())!;
        const under = await target.evaluate(
          (el, { x, y }) => {
            const hit = document.elementFromPoint(x, y);
            return hit && el.contains(hit) ? null : (hit?.outerHTML.slice(0, 120) ?? 'nothing');
          },
          { x: b.x + b.width / 2, y: b.y + b.height / 2 },
        );
        expect(under, `${height} px high, from the ${from}`).toBeNull();
      }
    }
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  }, 90_000);
});

describe('facilitator tools per message', () => {
  it('come in one menu per message, used by keyboard, and the room shows every part at 1280 px', async () => {
    const { lab } = await busyLab('Safer crossings');
    const facilitator = await roomAs(host, lab.id, 1280, 800);
    const participant = await roomAs(ana, lab.id, 1280, 800);
    await facilitator.getByRole('button', { name: 'Put a dot on “Walking bus from the library corner”' }).waitFor();

    // Wide screens: no tabs; chat, board and queue side by side; no button under each message.
    expect(await facilitator.getByRole('tablist').count()).toBe(0);
    const chat = (await facilitator.getByRole('region', { name: 'Chat', exact: true }).boundingBox())!;
    const ideas = (await facilitator.getByRole('region', { name: 'Ideas', exact: true }).boundingBox())!;
    const queue = (await facilitator.getByRole('region', { name: 'Speaking queue' }).boundingBox())!;
    expect(ideas.x).toBeGreaterThanOrEqual(chat.x + chat.width);
    expect(queue.x).toBeGreaterThanOrEqual(ideas.x + ideas.width);
    expect(await facilitator.getByRole('button', { name: /spotlight/i }).count()).toBe(0);
    const box = (await facilitator.getByLabel('Message', { exact: true }).boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    // Who is here: each present member with their picture or initials.
    await expect.poll(() => loadedPictures(facilitator, '.lab-people')).toBe(2);
    expect(await facilitator.locator('.lab-people span.avatar').allTextContents()).toEqual(['HH']);
    await facilitator.screenshot({ path: `${screens}lab-room-1280.png` });

    // Participants have no tools.
    expect(await participant.getByRole('button', { name: /Facilitator tools/ }).count()).toBe(0);

    // The keyboard opens the menu of Ana's message, Esc closes it and gives focus back.
    const tools = facilitator
      .getByRole('button', { name: 'Facilitator tools for the message from Ana Alvarez' })
      .first();
    await tools.focus();
    await facilitator.keyboard.press('Enter');
    const menu = facilitator.getByRole('menu');
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      'Spotlight this message',
      'Mute Ana Alvarez',
      'Remove Ana Alvarez from the lab',
    ]);
    const openViolations = await axeViolations(facilitator);
    expect(openViolations, describeViolations(openViolations)).toEqual([]);
    await facilitator.screenshot({ path: `${screens}lab-room-1280-menu.png` });
    await facilitator.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Focus comes back on the menu's next render: polled.
    await expect
      .poll(() => facilitator.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Facilitator tools for the message from Ana Alvarez');

    // Arrow down to "Mute", Enter: Ana is told at once, and her message box goes.
    await facilitator.keyboard.press('Enter');
    await menu.waitFor();
    // The menu focuses its first item once it opened; then the arrow moves to the next.
    await expect
      .poll(() => facilitator.evaluate(() => document.activeElement?.textContent))
      .toBe('Spotlight this message');
    await facilitator.keyboard.press('ArrowDown');
    await expect.poll(() => facilitator.evaluate(() => document.activeElement?.textContent)).toBe('Mute Ana Alvarez');
    await facilitator.keyboard.press('Enter');
    await participant.getByText('A facilitator muted you', { exact: false }).waitFor();
    expect(await participant.getByLabel('Message', { exact: true }).count()).toBe(0);

    // Her own message's menu has only the spotlight; the spotlight reaches everyone.
    await facilitator.getByRole('button', { name: 'Facilitator tools for the message from Hana Host' }).first().click();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Spotlight this message']);
    await menu.getByRole('menuitem', { name: 'Spotlight this message' }).click();
    await participant
      .getByRole('note', { name: 'In the spotlight' })
      .getByText('Welcome, everyone.', { exact: false })
      .waitFor();
    expect(await overflow(facilitator)).toBeLessThanOrEqual(0);
  }, 90_000);
});

describe('a silenced member in the room', () => {
  it('is told why before typing, in the chat and on the idea board', async () => {
    const { lab } = await busyLab('Library corner walking bus');
    const res = await mod.c.post('/api/moderation/sanctions', {
      memberId: ben.id,
      kind: 'silence',
      reason: 'Cooling off.',
      durationHours: 2,
    });
    expect(res.status).toBe(201);
    const page = await roomAs(ben, lab.id, 360, 740);
    const chat = page.getByRole('tabpanel', { name: 'Chat' });
    await chat.getByText('A moderator has paused your posting until', { exact: false }).waitFor();
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Board' }).click();
    const board = page.getByRole('tabpanel', { name: 'Board' });
    await board.getByText('A moderator has paused your posting until', { exact: false }).waitFor();
    expect(await page.getByLabel('Your idea').count()).toBe(0);
    // The server refuses all the same (the notice only spares the typing).
    const refused = await sockets[sockets.length - 1]!.emitWithAck('lab:message:send', { labId: lab.id, body: 'Hi' });
    expect(refused.ok ? null : refused.error.code).toBe('member_silenced');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  }, 90_000);
});
