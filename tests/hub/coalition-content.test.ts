import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateCategory } from '@commons/server/forums/coalition-visibility';
import { put, reply, signUp, type Someone } from '../forums/support.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../support/sockets.js';
import { labBody } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let ana: Someone; // creates the coalitions (their admin)
let ben: Someone; // never a member
let cleo: Someone; // joins by request
let mod: Someone;
let admin: Someone;

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Res = { status: number; body: any; text: string };

/** The test client holds every answer to its route's contract. */
async function call(who: Someone, method: string, path: string, body?: unknown): Promise<Res> {
  return (await who.c.request(method, path, body)) as Res;
}

let coalitionId: string;
let categoryId: string;
let threadId: string;
let postId: string;
let labId: string;

beforeAll(async () => {
  p = await startTestPlatform('hub_coalition_content', { workers: false });
  [ana, ben, cleo, mod, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Cleo Nguyen'),
    signUp(p, 'Mo Derator', 'moderator'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
  const created = await call(ana, 'POST', '/api/coalitions', {
    name: 'Grove Hall Parents',
    joinPolicy: 'request',
    visibility: 'private',
  });
  expect(created.status).toBe(201);
  expect(created.body.coalition.visibility).toBe('private');
  coalitionId = created.body.coalition.id;
  const category = await ana.c.post('/api/categories', { name: 'Our planning', coalitionId });
  expect(category.status).toBe(201);
  expect(category.body.category).toMatchObject({ coalitionId, slug: 'grove-hall-parents-our-planning' });
  categoryId = category.body.category.id;
  const thread = await ana.c.post('/api/threads', {
    categoryId,
    title: 'Zephyrine budget for the spring fair',
    body: 'Our zephyrine plan, for members only. @ben-okafor should not hear of it.',
  });
  expect(thread.status).toBe(201);
  threadId = thread.body.thread.id;
  postId = thread.body.post.id;
  const lab = await call(ana, 'POST', '/api/labs', labBody({ title: 'Grove Hall zephyrine lab', coalitionId }));
  expect(lab.status).toBe(201);
  expect(lab.body.lab.coalitionId).toBe(coalitionId);
  labId = lab.body.lab.id;
});
const sockets: ClientSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

const searchHits = async (who: Someone, type: 'threads' | 'posts') =>
  (await who.c.get(`/api/search?q=zephyrine&type=${type}`)).body.results.length as number;

describe('a private coalition’s categories, threads and labs', () => {
  it('only its admins make its categories', async () => {
    expect((await ben.c.post('/api/categories', { name: 'Not mine', coalitionId })).status).toBe(403);
    const missing = await ana.c.post('/api/categories', { name: 'Nowhere', coalitionId: '0123456789abcdef01234567' });
    expect(missing.status).toBe(404);
    expect((await ben.c.post('/api/categories', { name: 'Site-wide' })).status).toBe(403);
    expect((await ben.c.patch(`/api/categories/${categoryId}`, { name: 'Taken over' })).status).toBe(403);
    const renamed = await ana.c.patch(`/api/categories/${categoryId}`, { description: 'Plans for the year' });
    expect(renamed.status).toBe(200);
  });

  it('does not exist for a member outside it: pages, lists, search, bookmarks, reactions', async () => {
    expect((await ben.c.get(`/api/categories/${categoryId}`)).status).toBe(404);
    expect((await ben.c.get(`/api/categories?coalitionId=${coalitionId}`)).status).toBe(404);
    const index = await ben.c.get('/api/categories');
    expect(index.body.categories.map((c: { id: string }) => c.id)).not.toContain(categoryId);
    expect((await ben.c.get(`/api/threads/${threadId}`)).status).toBe(404);
    expect((await ben.c.get(`/api/threads/${threadId}/posts?after=0`)).status).toBe(404);
    expect((await ben.c.get(`/api/threads?categoryId=${categoryId}`)).status).toBe(404);
    const all = await ben.c.get('/api/threads?limit=50');
    expect(all.body.threads.map((t: { id: string }) => t.id)).not.toContain(threadId);
    expect(await searchHits(ben, 'threads')).toBe(0);
    expect(await searchHits(ben, 'posts')).toBe(0);
    expect((await ben.c.post(`/api/threads/${threadId}/posts`, { body: 'Let me in' })).status).toBe(404);
    expect((await ben.c.post('/api/threads', { categoryId, title: 'Sneaking in', body: 'Hello?' })).status).toBe(404);
    expect((await ben.c.get(`/api/posts/${postId}`)).status).toBe(404);
    expect((await put(ben.c, `/api/posts/${postId}/bookmark`)).status).toBe(404);
    expect((await put(ben.c, `/api/threads/${threadId}/subscription`, { level: 'watching' })).status).toBe(404);
    expect((await put(ben.c, `/api/categories/${categoryId}/subscription`, { level: 'watching' })).status).toBe(404);
    // Its lab too.
    expect((await call(ben, 'GET', `/api/labs/${labId}`)).status).toBe(404);
    const labs = await call(ben, 'GET', '/api/labs');
    expect(labs.body.labs.map((l: { id: string }) => l.id)).not.toContain(labId);
    expect((await call(ben, 'POST', '/api/labs', labBody({ coalitionId }))).status).toBe(403);
    // A mention does not tell him, and he is no watcher; no webhook carries it off the platform.
    expect(await p.api.services.forums.watcherIds(threadId)).toEqual([ana.id]);
    expect(await isPrivateCategory(categoryId)).toBe(true);
  });

  it('is a pending request’s secret too, and opens to the member once approved', async () => {
    await call(cleo, 'POST', `/api/coalitions/${coalitionId}/membership`);
    expect((await cleo.c.get(`/api/threads/${threadId}`)).status).toBe(404);
    expect(await searchHits(cleo, 'threads')).toBe(0);
    await call(ana, 'POST', `/api/coalitions/${coalitionId}/requests/${cleo.id}`, { decision: 'approve' });

    expect((await cleo.c.get(`/api/threads/${threadId}`)).status).toBe(200);
    expect(await searchHits(cleo, 'threads')).toBe(1);
    expect(await searchHits(cleo, 'posts')).toBe(1);
    const index = await cleo.c.get('/api/categories');
    expect(index.body.categories.map((c: { id: string }) => c.id)).toContain(categoryId);
    const own = await cleo.c.get(`/api/categories?coalitionId=${coalitionId}`);
    expect(own.body.categories.map((c: { id: string }) => c.id)).toEqual([categoryId]);
    expect((await call(cleo, 'GET', `/api/labs/${labId}`)).status).toBe(200);
    const labs = await call(cleo, 'GET', `/api/labs?coalitionId=${coalitionId}`);
    expect(labs.body.labs.map((l: { id: string }) => l.id)).toEqual([labId]);
    expect((await put(cleo.c, `/api/categories/${categoryId}/subscription`, { level: 'watching' })).status).toBe(200);
    expect((await p.api.services.forums.watcherIds(threadId)).sort()).toEqual([ana.id, cleo.id].sort());

    // Leaving closes it again, and her subscription goes with her.
    await call(cleo, 'DELETE', `/api/coalitions/${coalitionId}/membership`);
    expect((await cleo.c.get(`/api/threads/${threadId}`)).status).toBe(404);
    expect(await p.api.services.forums.watcherIds(threadId)).toEqual([ana.id]);
  });

  it('takes a leaving member’s open sockets out of its rooms: no live post reaches them', async () => {
    const dee = await signUp(p, 'Dee Leaving');
    await call(dee, 'POST', `/api/coalitions/${coalitionId}/membership`);
    await call(ana, 'POST', `/api/coalitions/${coalitionId}/requests/${dee.id}`, { decision: 'approve' });
    const deeSocket = await connectSocket(p.url, dee, sockets);
    const anaSocket = await connectSocket(p.url, ana, sockets);
    for (const s of [deeSocket, anaSocket]) expect((await s.emitWithAck('thread:join', { threadId })).ok).toBe(true);
    expect((await deeSocket.emitWithAck('category:join', { categoryId })).ok).toBe(true);
    const heard = collectEvents(deeSocket, 'post:created');

    await call(dee, 'DELETE', `/api/coalitions/${coalitionId}/membership`);
    await p.runtime.events.settle();
    const inRoom = async (room: string) =>
      (await p.api.io.in(room).fetchSockets()).map((s) => s.data.memberId).filter((id) => id === dee.id);
    expect(await inRoom(`thread:${threadId}`)).toEqual([]);
    expect(await inRoom(`category:${categoryId}`)).toEqual([]);

    const arrived = nextEvent(anaSocket, 'post:created', (e) => e.threadId === threadId);
    await reply(ana, threadId, 'Zephyrine update after Dee left.');
    await arrived;
    heard.stop();
    expect(heard.seen).toEqual([]);
    // Still connected: only the rooms she may no longer read are gone.
    expect(deeSocket.connected).toBe(true);
  });

  it('is open to moderators and administrators', async () => {
    for (const who of [mod, admin]) {
      expect((await who.c.get(`/api/threads/${threadId}`)).status).toBe(200);
      expect(await searchHits(who, 'threads')).toBe(1);
      expect((await call(who, 'GET', `/api/labs/${labId}`)).status).toBe(200);
    }
  });

  it('a public coalition’s categories and labs are for everyone', async () => {
    const open = await call(ana, 'POST', '/api/coalitions', { name: 'Open Table Coalition', joinPolicy: 'open' });
    expect(open.body.coalition.visibility).toBe('public');
    const id = open.body.coalition.id;
    const category = await ana.c.post('/api/categories', { name: 'Open talk', coalitionId: id });
    const thread = await ana.c.post('/api/threads', {
      categoryId: category.body.category.id,
      title: 'Everyone welcome here',
      body: 'Say hello.',
    });
    expect((await ben.c.get(`/api/threads/${thread.body.thread.id}`)).status).toBe(200);
    expect((await ben.c.get(`/api/categories?coalitionId=${id}`)).body.categories).toHaveLength(1);
    expect(await isPrivateCategory(category.body.category.id)).toBe(false);
    // Its categories are on its page, not in the forum index of non-members.
    const index = await ben.c.get('/api/categories');
    expect(index.body.categories.map((c: { id: string }) => c.id)).not.toContain(category.body.category.id);
    const lab = await call(ana, 'POST', '/api/labs', labBody({ coalitionId: id }));
    expect((await call(ben, 'GET', `/api/labs/${lab.body.lab.id}`)).status).toBe(200);
    // Made private, it closes to outsiders.
    const closed = await call(ana, 'PATCH', `/api/coalitions/${id}`, { visibility: 'private' });
    expect(closed.status).toBe(200);
    expect((await ben.c.get(`/api/threads/${thread.body.thread.id}`)).status).toBe(404);
    expect((await call(ben, 'GET', `/api/labs/${lab.body.lab.id}`)).status).toBe(404);
  });
});

describe('editing and deleting a coalition', () => {
  it('its admins edit it, with validation; others cannot', async () => {
    const id = coalitionId;
    expect((await call(ben, 'PATCH', `/api/coalitions/${id}`, { description: 'Mine now' })).status).toBe(403);
    for (const bad of [{}, { name: 'x' }, { joinPolicy: 'closed' }, { visibility: 'secret' }, { owner: ben.id }]) {
      const res = await call(ana, 'PATCH', `/api/coalitions/${id}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call(ana, 'PATCH', `/api/coalitions/${id}`, { name: 'open table  coalition' })).status).toBe(409);
    const res = await call(ana, 'PATCH', `/api/coalitions/${id}`, {
      name: 'Grove Hall Families',
      description: 'Parents of Grove Hall.',
      joinPolicy: 'open',
    });
    expect(res.status).toBe(200);
    expect(res.body.coalition).toMatchObject({
      name: 'Grove Hall Families',
      joinPolicy: 'open',
      visibility: 'private',
    });
    const byAdmin = await call(admin, 'PATCH', `/api/coalitions/${id}`, { community: 'Dorchester' });
    expect(byAdmin.body.coalition.community).toBe('Dorchester');
    expect((await call(ana, 'PATCH', '/api/coalitions/0123456789abcdef01234567', { community: 'x' })).status).toBe(404);
  });

  it('only site administrators delete it; its content is then for staff only', async () => {
    expect((await call(ana, 'DELETE', `/api/coalitions/${coalitionId}`)).status).toBe(403);
    expect((await call(admin, 'DELETE', `/api/coalitions/${coalitionId}`)).status).toBe(204);
    expect((await call(ana, 'GET', `/api/coalitions/${coalitionId}`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/coalitions/${coalitionId}`)).status).toBe(404);
    expect((await ana.c.get(`/api/threads/${threadId}`)).status).toBe(404);
    expect((await mod.c.get(`/api/threads/${threadId}`)).status).toBe(200);
    expect(await searchHits(ana, 'threads')).toBe(0);
  });
});
