import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, MISSING_ID, newThread, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { labBody, minutesFromNow } from '../labs/support.js';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * The public face (site setting, default on): a visitor without an account reads the library,
 * stories, events and the forum categories marked public, through the same read rules as members;
 * private coalitions, members-only categories, held content and labs stay closed; with the setting
 * off, a visitor reads nothing. Public pages carry their own title, description and Open Graph
 * tags in the HTML the server sends, and a closed page's head says nothing of it.
 */
let p: TestPlatform;
let visitor: TestClient;
let ana: Someone;
let ben: Someone;
let mod: Someone;
let admin: Someone;
let shellDir: string;

const ids = {} as Record<
  | 'resource'
  | 'pending'
  | 'story'
  | 'event'
  | 'publicCategory'
  | 'membersCategory'
  | 'publicThread'
  | 'membersThread'
  | 'heldThread'
  | 'coalition'
  | 'coalitionThread'
  | 'lab',
  string
>;

beforeAll(async () => {
  // The app shell the server fills in: the client's own index.html (the build only adds assets).
  shellDir = mkdtempSync(path.join(tmpdir(), 'commons-shell-'));
  copyFileSync(path.resolve(import.meta.dirname, '../../client/index.html'), path.join(shellDir, 'index.html'));
  p = await startTestPlatform('public_face', { workers: false, env: { CLIENT_DIST: shellDir } });
  visitor = p.client();
  [ana, ben, mod, admin] = await Promise.all([
    signUp(p, 'Ana Public'),
    signUp(p, 'Ben Reader'),
    signUp(p, 'Mo Mod', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);

  const resource = await ana.c.post('/api/resources', resourceBody({ title: 'Quillfeather asset map guide' }));
  expect(resource.status).toBe(201);
  ids.resource = resource.body.resource.id;
  expect((await mod.c.post(`/api/resources/${ids.resource}/review`, { decision: 'approve', note: '' })).status).toBe(
    200,
  );
  const pending = await ana.c.post('/api/resources', resourceBody({ title: 'Pending marrowbone draft' }));
  ids.pending = pending.body.resource.id;

  const story = await ana.c.post('/api/stories', {
    title: 'How Quillfeather parents built a play space',
    body: 'We started with **three families** and a borrowed lot.',
    community: 'Mattapan, Boston',
    topics: ['early-childhood'],
  });
  expect(story.status).toBe(201);
  ids.story = story.body.story.id;

  const event = await ana.c.post('/api/events', {
    title: 'Quillfeather launch webinar',
    description: 'Meet the **community** and see the library.',
    kind: 'webinar',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 60,
    timeZone: 'America/New_York',
    onlineUrl: 'https://meet.example.org/secret-room',
  });
  expect(event.status).toBe(201);
  ids.event = event.body.event.id;

  ids.membersCategory = await categoryId(ana.c, 'introductions');
  const made = await admin.c.post('/api/categories', { name: 'Open questions', public: true });
  expect(made.status).toBe(201);
  expect(made.body.category.public).toBe(true);
  ids.publicCategory = made.body.category.id;

  ids.publicThread = (await newThread(ana, ids.publicCategory, 'Quillfeather open question')).thread.id;
  ids.membersThread = (await newThread(ana, ids.membersCategory, 'Marrowbone members talk')).thread.id;
  const held = await newThread(ben, ids.publicCategory, 'Marrowbone held opening');
  ids.heldThread = held.thread.id;
  const flag = await mod.c.post(`/api/posts/${held.post.id}/flags`, { reason: 'harassment', note: 'Not OK.' });
  expect(flag.body.postStatus).toBe('hidden');

  const coalition = await ana.c.post('/api/coalitions', {
    name: 'Marrowbone Parents',
    joinPolicy: 'request',
    visibility: 'private',
  });
  ids.coalition = coalition.body.coalition.id;
  const coalitionCategory = await ana.c.post('/api/categories', { name: 'Our plans', coalitionId: ids.coalition });
  ids.coalitionThread = (
    await newThread(ana, coalitionCategory.body.category.id, 'Marrowbone coalition plan')
  ).thread.id;
  const lab = await ana.c.post('/api/labs', labBody({ title: 'Marrowbone open lab' }));
  expect(lab.status).toBe(201);
  ids.lab = lab.body.lab.id;
});
afterAll(async () => {
  await p?.close();
  if (shellDir) rmSync(shellDir, { recursive: true, force: true });
});

const setPublicFace = async (on: boolean) => {
  const res = await admin.c.patch('/api/admin/site-settings', { publicFace: on });
  expect(res.status).toBe(200);
  expect(res.body.settings.publicFace).toBe(on);
};

describe('with the public face open (the default)', () => {
  it('tells the app so, without an account', async () => {
    const res = await visitor.get('/api/site');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ site: { publicFace: true, registrationMode: 'open', defaultLocale: 'en' } });
  });

  it('a visitor reads approved resources, stories and events; not what is pending, nor the meeting link', async () => {
    const list = await visitor.get('/api/resources');
    expect(list.status).toBe(200);
    const titles = list.body.resources.map((r: { title: string }) => r.title);
    expect(titles).toContain('Quillfeather asset map guide');
    expect(titles).not.toContain('Pending marrowbone draft');
    expect((await visitor.get(`/api/resources/${ids.resource}`)).status).toBe(200);
    const pending = await visitor.get(`/api/resources/${ids.pending}`);
    const missing = await visitor.get(`/api/resources/${MISSING_ID}`);
    expect([pending.status, pending.body.error.message]).toEqual([404, missing.body.error.message]);
    // The visitor's own lists (saved, mine, the review queue) need an account.
    expect((await visitor.get('/api/resources?scope=saved')).status).toBe(401);

    expect((await visitor.get('/api/stories')).body.stories.map((s: { id: string }) => s.id)).toContain(ids.story);
    expect((await visitor.get(`/api/stories/${ids.story}`)).body.story.bodyHtml).toContain('three families');

    const event = await visitor.get(`/api/events/${ids.event}`);
    expect(event.status).toBe(200);
    expect(event.body.event).toMatchObject({ title: 'Quillfeather launch webinar', onlineUrl: null, myRsvp: null });
    expect((await ben.c.get(`/api/events/${ids.event}`)).body.event.onlineUrl).toBe(
      'https://meet.example.org/secret-room',
    );
    const ics = await visitor.get(`/api/events/${ids.event}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.text).not.toContain('secret-room');
    // The calendar of a visitor: events, no labs.
    const calendar = await visitor.get('/api/events?when=upcoming');
    expect(calendar.body.items.map((i: { type: string }) => i.type)).toEqual(['event']);
    expect((await ben.c.get('/api/events?when=upcoming')).body.items.map((i: { id: string }) => i.id)).toContain(
      ids.lab,
    );
  });

  it('a visitor reads public categories only: not members-only ones, a private coalition’s, or held threads', async () => {
    const categories = await visitor.get('/api/categories');
    expect(categories.status).toBe(200);
    expect(categories.body.categories.map((c: { id: string }) => c.id)).toEqual([ids.publicCategory]);
    expect((await visitor.get(`/api/threads/${ids.publicThread}`)).status).toBe(200);
    const missing = await visitor.get(`/api/threads/${MISSING_ID}`);
    for (const closed of [ids.membersThread, ids.coalitionThread, ids.heldThread]) {
      const res = await visitor.get(`/api/threads/${closed}`);
      expect([res.status, res.body.error.message]).toEqual([404, missing.body.error.message]);
      expect((await visitor.get(`/api/threads/${closed}/posts`)).status).toBe(404);
    }
    expect((await visitor.get(`/api/categories/${ids.membersCategory}`)).status).toBe(404);
    expect((await visitor.get(`/api/threads?categoryId=${ids.membersCategory}`)).status).toBe(404);
    const latest = await visitor.get('/api/threads');
    expect(latest.body.threads.map((t: { id: string }) => t.id)).toEqual([ids.publicThread]);
    // Members still read the members-only category.
    expect((await ben.c.get(`/api/threads/${ids.membersThread}`)).status).toBe(200);
  });

  it('labs, coalitions, members and every write stay for members', async () => {
    for (const path of ['/api/labs', `/api/labs/${ids.lab}`, '/api/coalitions', '/api/members', '/api/search?q=a'])
      expect((await visitor.get(path)).status, path).toBe(401);
    expect(
      (await visitor.post('/api/threads', { categoryId: ids.publicCategory, title: 'Hi there', body: 'Hello.' }))
        .status,
    ).toBe(401);
    expect((await visitor.post(`/api/threads/${ids.publicThread}/posts`, { body: 'Hello.' })).status).toBe(401);
    expect((await visitor.request('PUT', `/api/events/${ids.event}/rsvp`, { status: 'going' })).status).toBe(401);
  });

  it('a coalition’s category is never public', async () => {
    const category = await ana.c.post('/api/categories', {
      name: 'Open plans',
      coalitionId: ids.coalition,
      public: true,
    });
    expect(category.status).toBe(409);
    expect(category.body.error.details.fieldErrors.public).toBeDefined();
  });

  it('a suspended member reads as a visitor', async () => {
    const eve = await signUp(p, 'Eve Suspended');
    expect((await eve.c.get(`/api/threads/${ids.membersThread}`)).status).toBe(200);
    const sanction = await mod.c.post('/api/moderation/sanctions', {
      memberId: eve.id,
      kind: 'suspend',
      reason: 'Cooling off.',
      durationHours: 24,
    });
    expect(sanction.status).toBe(201);
    expect((await eve.c.get(`/api/threads/${ids.membersThread}`)).status).toBe(404);
    expect((await eve.c.get(`/api/threads/${ids.publicThread}`)).status).toBe(200);
    expect((await eve.c.get(`/api/events/${ids.event}`)).body.event.onlineUrl).toBeNull();
  });

  it('public pages carry their title, description and Open Graph tags; closed ones tell nothing', async () => {
    const html = async (pathname: string) => {
      const res = await fetch(p.url + pathname);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      return res.text();
    };
    const tags = (page: string) => ({
      title: /<title>([^<]*)<\/title>/.exec(page)?.[1],
      description: /<meta name="description" content="([^"]*)"/.exec(page)?.[1],
      ogTitle: /<meta property="og:title" content="([^"]*)"/.exec(page)?.[1],
      ogDescription: /<meta property="og:description" content="([^"]*)"/.exec(page)?.[1],
      ogUrl: /<meta property="og:url" content="([^"]*)"/.exec(page)?.[1],
    });
    const pages: Array<[string, string, string]> = [
      [`/library/${ids.resource}`, 'Quillfeather asset map guide · Commons', 'A step-by-step guide'],
      [`/stories/${ids.story}`, 'How Quillfeather parents built a play space · Commons', 'three families'],
      [`/events/${ids.event}`, 'Quillfeather launch webinar · Commons', 'Meet the community'],
      [`/forums/t/${ids.publicThread}`, 'Quillfeather open question · Commons', 'Opening post of the thread'],
      ['/library', 'Resource library · Commons', 'Tools, guides'],
      ['/stories', 'Stories of local innovation · Commons', 'How communities'],
      ['/events', 'Events · Commons', 'Webinars'],
    ];
    for (const [pathname, title, description] of pages) {
      const head = tags(await html(pathname));
      expect(head.title, pathname).toBe(title);
      expect(head.ogTitle, pathname).toBe(title);
      expect(head.description, pathname).toContain(description);
      expect(head.ogDescription, pathname).toBe(head.description);
      expect(head.ogUrl, pathname).toBe(`${p.url}${pathname}`);
    }
    const home = tags(await html('/'));
    expect(home.title).toContain('Commons');
    expect(home.ogUrl).toBe(`${p.url}/`);
    // Closed or missing content: the home page's head, not a word of the content.
    for (const closed of [
      `/forums/t/${ids.membersThread}`,
      `/forums/t/${ids.coalitionThread}`,
      `/threads/${ids.heldThread}`,
      `/library/${ids.pending}`,
    ]) {
      const page = await html(closed);
      expect(page, closed).not.toMatch(/marrowbone/i);
      expect(tags(page).title, closed).toBe(home.title);
    }
    // Pages that are not public keep the app's own title.
    expect(tags(await html('/settings/account')).title).toBe('Commons');
  });
});

describe('with the public face closed', () => {
  it('a visitor reads nothing and heads tell nothing; members read as before', async () => {
    await setPublicFace(false);
    try {
      expect((await visitor.get('/api/site')).body.site).toMatchObject({ publicFace: false });
      for (const path of [
        '/api/resources',
        `/api/resources/${ids.resource}`,
        '/api/stories',
        `/api/stories/${ids.story}`,
        '/api/events',
        `/api/events/${ids.event}`,
        '/api/categories',
        `/api/threads/${ids.publicThread}`,
        '/api/hub/home',
      ]) {
        const res = await visitor.get(path);
        expect([res.status, res.body.error.code], path).toEqual([401, 'members_only']);
      }
      const page = await (await fetch(`${p.url}/library/${ids.resource}`)).text();
      expect(page).not.toContain('Quillfeather');
      expect((await ben.c.get(`/api/resources/${ids.resource}`)).status).toBe(200);
      expect((await ben.c.get(`/api/threads/${ids.publicThread}`)).status).toBe(200);
    } finally {
      await setPublicFace(true);
    }
  });
});
