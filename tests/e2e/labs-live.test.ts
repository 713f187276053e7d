import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, signUp, type Someone } from '../forums/support.js';
import { createLab, minutesFromNow } from '../labs/support.js';
import { axeViolations, describeViolations, launchBrowser } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let browser: Browser;
let host: Someone;
let ana: Someone;
let ben: Someone;

beforeAll(async () => {
  p = await startTestPlatform('e2e_labs_live');
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

/** A browser context of its own (its own cookies), signed in as the member, on the lab room. */
async function roomAs(who: Someone, labId: string, width = 1024): Promise<Page> {
  // bypassCSP only lets the test inject axe-core.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const [name, ...rest] = who.c.cookieHeader().split('; ')[0]!.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  const page = await context.newPage();
  await page.goto(`${p.url}/labs/${labId}/room`);
  await page.getByRole('heading', { level: 1, name: /Lab room/ }).waitFor();
  return page;
}

/** An idea on the board by its own text (not the facilitators' merge menus, which list the others). */
const idea = (page: Page, text: string) =>
  page.locator('.lab-ideas__item').filter({ has: page.locator(':scope > span:first-child', { hasText: text }) });

const spoken = (page: Page) => page.locator('[role="status"][aria-live="polite"]').first();

describe('a short lab, live, in three browsers', () => {
  it('a facilitator and two participants go through chat, ideas, dots, consensus and action items to the end', async () => {
    const lab = await createLab(host, {
      title: 'Playground safety walk',
      startsAt: minutesFromNow(10),
      durationMinutes: 30,
      agenda: [
        { title: 'Check-in', minutes: 5, kind: 'discuss' },
        { title: 'Ideas for the walk', minutes: 5, kind: 'ideas' },
        { title: 'Dot vote', minutes: 5, kind: 'vote' },
        { title: 'Do we agree?', minutes: 5, kind: 'consensus' },
        { title: 'Who does what', minutes: 5, kind: 'actions' },
      ],
    });
    const facilitator = await roomAs(host, lab.id);
    const anaPage = await roomAs(ana, lab.id, 360);
    const benPage = await roomAs(ben, lab.id);
    const all = [facilitator, anaPage, benPage];

    // Everyone sees everyone arrive (presence is live and batched).
    for (const page of all) await page.getByText('3 people here').waitFor({ timeout: 15_000 });
    await anaPage.getByText('Waiting for the facilitators to start.').waitFor();
    // Participants have no facilitator controls.
    expect(await anaPage.getByRole('button', { name: 'Start the lab' }).count()).toBe(0);

    await facilitator.getByRole('button', { name: 'Start the lab' }).click();
    for (const page of all) await page.getByText('Phase 1 of 5: Check-in').waitFor();
    await expect.poll(() => spoken(benPage).textContent(), { timeout: 10_000 }).toContain('New phase: Check-in');

    // A chat message reaches the two others and is announced to them.
    await anaPage.getByLabel('Message').fill('Hello from the Elm Street parents!');
    await anaPage.getByRole('button', { name: 'Send' }).click();
    // Exact: the polite live region repeats the message with its author's name.
    for (const page of [facilitator, benPage])
      await page
        .getByText('Hello from the Elm Street parents!', { exact: true })
        .waitFor()
        .catch(async (err: unknown) => {
          // What each room showed, so a failure says where the message stopped.
          const seen = await Promise.all(
            all.map(async (p) => (await p.locator('.lab-chat, [role="alert"]').allInnerTexts()).join(' | ')),
          );
          throw new Error(`${String(err)}\nrooms (host, Ana, Ben): ${JSON.stringify(seen)}`);
        });
    await expect
      .poll(() => spoken(facilitator).textContent(), { timeout: 10_000 })
      .toContain('Ana Alvarez: Hello from the Elm Street parents!');

    // The facilitator spotlights it for everyone, from the message's own menu of tools.
    await facilitator.getByRole('button', { name: 'Facilitator tools for the message from Ana Alvarez' }).click();
    await facilitator.getByRole('menuitem', { name: 'Spotlight this message' }).click();
    for (const page of [anaPage, benPage])
      await page
        .getByRole('note', { name: 'In the spotlight' })
        .getByText('Hello from the Elm Street parents!')
        .waitFor();

    // Ideas phase: both participants add an idea, one anonymously; all see both.
    await facilitator.getByRole('button', { name: 'Next phase' }).click();
    for (const page of all) await page.getByText('Phase 2 of 5: Ideas for the walk').waitFor();
    // On the phone the board is a tab of its own.
    await anaPage.getByRole('tab', { name: 'Board' }).click();
    await anaPage.getByLabel('Your idea').fill('Paint a crossing at the school gate');
    await anaPage.getByRole('button', { name: 'Add idea' }).click();
    await benPage.getByLabel('Your idea').fill('Walking buses with parent volunteers');
    await benPage.getByLabel('Post anonymously').check();
    await benPage.getByRole('button', { name: 'Add idea' }).click();
    for (const page of all) {
      await idea(page, 'Paint a crossing at the school gate').waitFor();
      await idea(page, 'Walking buses with parent volunteers').waitFor();
    }
    const benIdea = idea(facilitator, 'Walking buses');
    await expect.poll(() => benIdea.textContent()).toContain('Anonymous');
    expect(await benIdea.textContent()).not.toContain('Ben Brooks');

    // Vote phase: both put a dot on the walking buses; the facilitator sees the tally live.
    await facilitator.getByRole('button', { name: 'Next phase' }).click();
    for (const page of all) await page.getByText('Phase 3 of 5: Dot vote').waitFor();
    for (const page of [anaPage, benPage]) {
      await page.getByRole('button', { name: 'Put a dot on “Walking buses with parent volunteers”' }).click();
      await page.getByText('You have 2 dots left.').waitFor();
    }
    await expect.poll(() => benIdea.locator('.badge').textContent(), { timeout: 10_000 }).toBe('2 dots');
    // Ideas cannot be added any more.
    expect(await anaPage.getByLabel('Your idea').count()).toBe(0);

    // Consensus phase: the proposal as a card, nothing preselected, a block needs a reason at its field.
    await facilitator.getByRole('button', { name: 'Next phase' }).click();
    for (const page of all) await page.getByText('Phase 4 of 5: Do we agree?').waitFor();
    const quorumBox = await facilitator.getByLabel('Quorum (answers needed; empty for none)').boundingBox();
    expect(quorumBox!.width).toBeGreaterThan(60);
    await facilitator.getByLabel('Proposal put to the check').fill('Two walking bus routes with parent volunteers.');
    await facilitator.getByRole('button', { name: 'Save the proposal' }).click();
    for (const page of [anaPage, benPage])
      await page
        .getByRole('note', { name: 'Proposal' })
        .getByText('Two walking bus routes with parent volunteers.')
        .waitFor();
    expect(await anaPage.getByRole('radio', { checked: true }).count()).toBe(0);
    await benPage.getByRole('button', { name: 'Send my answer' }).click();
    await benPage.getByText('Choose your answer.').waitFor();
    await benPage.getByRole('radio', { name: 'Block' }).check();
    await benPage.getByRole('button', { name: 'Send my answer' }).click();
    await benPage.getByText('Say why you block: a block needs a reason.').waitFor();
    expect(await benPage.getByLabel('Reason (needed to block)').getAttribute('aria-invalid')).toBe('true');
    expect(await benPage.getByText('Some answers need correcting.').count()).toBe(0);
    for (const page of [anaPage, benPage]) {
      await page.getByRole('radio', { name: 'Agree', exact: true }).check();
      await page.getByRole('button', { name: 'Send my answer' }).click();
    }
    const tally = facilitator.locator('.lab-tally');
    await expect.poll(() => tally.textContent(), { timeout: 10_000 }).toContain('Agree 2');
    expect(await tally.textContent()).toContain('Agreed');
    // The facilitator's consensus settings are labelled controls too.
    await facilitator.getByRole('button', { name: 'Close the check' }).click();
    await anaPage.getByText('This consensus check is closed.').waitFor();
    // Closed means closed: no answer form any more.
    await expect.poll(() => anaPage.getByRole('button', { name: 'Send my answer' }).count()).toBe(0);
    const consensusViolations = await axeViolations(facilitator);
    expect(consensusViolations, describeViolations(consensusViolations)).toEqual([]);

    // Actions phase: the facilitator adds an action item, the others see it arrive.
    await facilitator.getByRole('button', { name: 'Next phase' }).click();
    for (const page of all) await page.getByText('Phase 5 of 5: Who does what').waitFor();
    // The check's result stays on view, with its proposal.
    await anaPage
      .getByRole('region', { name: 'Results of each check' })
      .getByText('Two walking bus routes with parent volunteers.')
      .waitFor();
    // The last phase has no "next".
    expect(await facilitator.getByRole('button', { name: 'Next phase' }).count()).toBe(0);
    await facilitator.getByLabel('New action item').fill('Ask the city for a crossing guard');
    await facilitator.getByRole('button', { name: 'Add', exact: true }).click();
    for (const page of [anaPage, benPage]) await page.getByText('Ask the city for a crossing guard').waitFor();

    // A decision is recorded, with a review date; the others see it arrive.
    await facilitator.getByLabel('Decision', { exact: true }).fill('Walking buses start in March');
    await facilitator.getByLabel(/^Review on/).fill('2027-03-01');
    await facilitator.getByRole('button', { name: 'Record the decision' }).click();
    for (const page of [anaPage, benPage])
      await page.getByText('Walking buses start in March', { exact: true }).waitFor();

    // The facilitator's room, with all its controls, passes the WCAG checks.
    const violations = await axeViolations(facilitator);
    expect(violations, describeViolations(violations)).toEqual([]);

    // The end asks first; then it is announced to the participants.
    await facilitator.getByRole('button', { name: 'End the lab' }).click();
    await facilitator.getByText('End the lab for everyone now?', { exact: false }).waitFor();
    expect((await ana.c.get(`/api/labs/${lab.id}`)).body.lab.status).toBe('live');
    await facilitator.getByRole('button', { name: 'Yes, end the lab' }).click();
    for (const page of all) await page.getByText('This lab has ended.').waitFor();
    await expect.poll(() => spoken(anaPage).textContent(), { timeout: 10_000 }).toContain('The lab has ended.');
    expect(await anaPage.getByLabel('Message').count()).toBe(0);

    // What the browsers showed is what the server kept.
    const kept = await ana.c.get(`/api/labs/${lab.id}`);
    expect(kept.body.lab.status).toBe('ended');
    const actions = await ana.c.get(`/api/labs/${lab.id}/actions`);
    expect(actions.body.actions.map((a: { title: string }) => a.title)).toEqual(['Ask the city for a crossing guard']);
    const outcomes = await ana.c.get(`/api/labs/${lab.id}/outcomes`);
    expect(outcomes.body.outcomes).toMatchObject([{ title: 'Walking buses start in March' }]);

    // The phone-width participant never had to scroll sideways.
    const overflow = await anaPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }, 120_000);
});

describe('managing a lab from its page, on a phone', () => {
  it('schedules with a co-facilitator and a summary category, invites, and edits an action item after the lab', async () => {
    const categories = (await host.c.get('/api/categories')).body.categories as Array<{ id: string; name: string }>;
    const category = categories[1]!;
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, bypassCSP: true });
    const [name, ...rest] = host.c.cookieHeader().split('; ')[0]!.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
    const page = await context.newPage();
    await page.goto(`${p.url}/labs/new`);
    // An empty form: each problem once, in its own words, at its field and in one summary.
    await page.getByRole('button', { name: 'Schedule the lab' }).click();
    const summary = page.locator('.error-summary li');
    await summary.first().waitFor();
    const listed = await summary.allTextContents();
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(
      expect.arrayContaining(['Give phase 3 a title.', 'Choose the forum category where the summary is posted.']),
    );
    expect(listed).not.toContain('Some answers need correcting.');
    await page.locator('#phase-0-title-error').getByText('Give phase 1 a title.').waitFor();
    // Clearing a phase's minutes and typing 5 gives 5.
    const minutes = page.locator('#phase-0-minutes');
    await minutes.fill('');
    await minutes.pressSequentially('5');
    expect(await minutes.inputValue()).toBe('5');
    await minutes.fill('10');
    await page.getByLabel('Title', { exact: true }).fill('Family literacy nights');
    await page.getByLabel('Purpose').fill('Plan reading evenings with the library and the parents group.');
    const start = new Date(Date.now() + 3 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page
      .getByLabel(/^Starts at/)
      .fill(`${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}T18:00`);
    await page.getByLabel('Who can join').selectOption('invite');
    for (let i = 0; i < 5; i++) await page.locator(`#phase-${i}-title`).fill(`Step ${i + 1}`);
    const cofac = page.getByRole('group', { name: 'Co-facilitators' });
    await cofac.getByLabel('Search members for: Co-facilitators').fill('Ben');
    await cofac.getByRole('button', { name: 'Find' }).click();
    await cofac.getByRole('button', { name: 'Add Ben Brooks' }).click();
    await cofac.getByRole('button', { name: 'Remove Ben Brooks' }).waitFor();
    await page.getByLabel('Forum category for the summary').selectOption(category.id);
    await page.getByRole('button', { name: 'Schedule the lab' }).click();
    await page.getByRole('heading', { level: 1, name: 'Family literacy nights' }).waitFor();
    const labId = new URL(page.url()).pathname.split('/')[2]!;
    const saved = (await host.c.get(`/api/labs/${labId}`)).body.lab;
    expect(saved.facilitators.map((f: { id: string }) => f.id)).toEqual([ben.id]);
    expect(saved.summaryCategoryId).toBe(category.id);
    expect(saved.visibility).toBe('invite');

    // Ana cannot see the invite-only lab until she is invited from the page.
    expect((await ana.c.get(`/api/labs/${labId}`)).status).toBe(404);
    const invite = page.getByRole('group', { name: 'Members to invite' });
    await invite.getByLabel('Search members for: Members to invite').fill('Ana');
    await invite.getByRole('button', { name: 'Find' }).click();
    await invite.getByRole('button', { name: 'Add Ana Alvarez' }).click();
    await page.getByRole('button', { name: 'Send invitations' }).click();
    // Scoped to the page's main: the polite live region repeats the confirmation for screen readers.
    await page.getByRole('main').getByText('Invitation sent to 1 member.').waitFor();
    expect((await ana.c.get(`/api/labs/${labId}`)).status).toBe(200);

    // After a lab, its action items get an owner, a due date and a status on the lab page.
    const done = await createLab(host, { title: 'Library corner clean-up', startsAt: minutesFromNow(10) });
    const labs = p.api.services.labs;
    const hostActor = { id: host.id, role: 'member' as const, displayName: host.name };
    await labs.start(hostActor, done.id);
    // Action items go to people who take part: Ana has a seat.
    await put(ana.c, `/api/labs/${done.id}/rsvp`, { status: 'going' });
    const created = await host.c.post(`/api/labs/${done.id}/actions`, { title: 'Order new shelves' });
    expect(created.status).toBe(201);
    await labs.end(hostActor, done.id);
    await page.goto(`${p.url}/labs/${done.id}`);
    const owner = page.getByRole('group', { name: 'Owner of “Order new shelves”' });
    await owner.getByLabel(/^Search members for/).fill('Ana');
    await owner.getByRole('button', { name: 'Find' }).click();
    await owner.getByRole('button', { name: 'Add Ana Alvarez' }).click();
    await page.getByLabel('Due date of “Order new shelves”').fill('2027-01-15');
    await page.getByLabel('Status of “Order new shelves”').selectOption('in_progress');
    await page.getByRole('button', { name: 'Save “Order new shelves”' }).click();
    await expect
      .poll(async () => (await host.c.get(`/api/labs/${done.id}/actions`)).body.actions[0], { timeout: 10_000 })
      .toMatchObject({ owner: { id: ana.id }, dueDate: '2027-01-15', status: 'in_progress' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('a coalition’s own lab', () => {
  it('is scheduled from the coalition page and belongs to it', async () => {
    const created = await host.c.post('/api/coalitions', {
      name: 'Eastside Parents Coalition',
      joinPolicy: 'open',
      visibility: 'private',
    });
    expect(created.status).toBe(201);
    const coalitionId = (created.body.coalition?.id ?? created.body.id) as string;
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, bypassCSP: true });
    const [name, ...rest] = host.c.cookieHeader().split('; ')[0]!.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
    const page = await context.newPage();
    await page.goto(`${p.url}/coalitions/${coalitionId}`);
    await page.getByRole('link', { name: 'Schedule an Action Lab for this coalition' }).click();
    await page.getByRole('heading', { level: 1, name: 'Schedule an Action Lab' }).waitFor();
    await expect.poll(() => page.getByLabel('Coalition', { exact: true }).inputValue()).toBe(coalitionId);
    await page.getByLabel('Title', { exact: true }).fill('Eastside playground plan');
    await page.getByLabel('Purpose').fill('Decide with families what the new playground needs first.');
    const start = new Date(Date.now() + 4 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page
      .getByLabel(/^Starts at/)
      .fill(`${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}T17:00`);
    for (let i = 0; i < 5; i++) await page.locator(`#phase-${i}-title`).fill(`Part ${i + 1}`);
    await page.getByRole('button', { name: 'Schedule the lab' }).click();
    await page.getByRole('heading', { level: 1, name: 'Eastside playground plan' }).waitFor();
    const labId = new URL(page.url()).pathname.split('/')[2]!;
    expect((await host.c.get(`/api/labs/${labId}`)).body.lab.coalitionId).toBe(coalitionId);
    // A private coalition's lab: members outside it do not find it.
    expect((await ana.c.get(`/api/labs/${labId}`)).status).toBe(404);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await context.close();
  }, 90_000);
});
