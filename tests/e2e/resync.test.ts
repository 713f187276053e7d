// A thread page whose server may have missed live events (its Redis subscriber was away:
// server/src/realtime/resync.ts) catches up when the server says so, with what it never got live.
// A platform of its own: the page's socket is taken out of the thread's room by hand.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { reply } from '../forums/support.js';

let p: TestPlatform;
let browser: Browser;
let ana: TestClient;
let ben: TestClient;
const password = 'harbor-lantern-meadow-19';

beforeAll(async () => {
  p = await startTestPlatform('e2e_resync');
  browser = await launchBrowser();
  ana = p.client();
  ben = p.client();
  await ana.post('/api/auth/register', { email: 'ana-resync@example.org', password, displayName: 'Ana Resync' });
  await ben.post('/api/auth/register', { email: 'ben-resync@example.org', password, displayName: 'Ben Resync' });
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
});

describe('a page whose server missed live events', () => {
  it('catches up when the server says so (session:resync): the reply it never got live is offered', async () => {
    const categories = (await ana.get('/api/categories')).body.categories;
    const created = await ana.post('/api/threads', {
      categoryId: categories[0].id,
      title: 'Meeting parents where they are',
      body: 'Where do your parent meetings happen, and who chose the place?',
    });
    expect(created.status).toBe(201);
    const threadId = created.body.thread.id as string;
    const context = await browser.newContext();
    const [name, ...rest] = ben.cookieHeader().split('; ')[0]!.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
    const reader = await context.newPage();
    await reader.goto(`${p.url}/forums/t/${threadId}`);
    await reader.getByRole('heading', { level: 1, name: /Meeting parents/ }).waitFor();
    // The page's socket has joined the thread's room once it is connected.
    const room = `thread:${threadId}`;
    await expect.poll(async () => (await p.api.io.in(room).fetchSockets()).length, { timeout: 10_000 }).toBe(1);
    const readerSockets = (await p.api.io.in(room).fetchSockets()).map((s) => s.id);
    // As if this server's Redis subscriber were away: the page's socket is out of the thread's
    // room, so the reply below reaches it by no live path.
    p.api.io.socketsLeave(room);
    const body = 'Posted while the server could not hear: we met parents where they already were.';
    await reply({ c: ana, id: '', name: 'Ana Resync', email: 'ana-resync@example.org' }, threadId, body);
    p.api.io.to(readerSockets).emit('session:resync', { reason: 'missed_live_events' });
    const showNew = reader.getByRole('button', { name: /Show 1 new reply/ });
    await showNew.waitFor({ timeout: 10_000 });
    await showNew.click();
    await reader.locator('article', { hasText: body }).waitFor();
    // The page is in the room again: the next reply arrives live.
    await expect.poll(async () => (await p.api.io.in(room).fetchSockets()).length, { timeout: 10_000 }).toBe(1);
  }, 90_000);
});
