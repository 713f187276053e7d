import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID, PDF, PNG, sendFile } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let admin: Someone;
let uploadDir: string;

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-stories-'));
  p = await startTestPlatform('hub_stories', { workers: false, env: { UPLOAD_DIR: uploadDir } });
  [ana, ben, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
});
afterAll(async () => {
  await p?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

const story = (over: Record<string, unknown> = {}) => ({
  title: 'How Mattapan parents built a play space',
  body: 'We started with **three families** and a borrowed lot.\n\nNow the whole block helps.',
  community: 'Mattapan, Boston',
  topics: ['community-engagement-leadership', 'early-childhood'],
  ...over,
});

describe('stories', () => {
  it('publishes Markdown safely, with a discussion thread', async () => {
    const res = await ana.c.post(
      '/api/stories',
      story({ body: 'Hello <script>alert(1)</script> **world** [x](javascript:alert(1))' }),
    );
    expect(res.status).toBe(201);
    const s = res.body.story;
    expect(s.bodyHtml).toContain('<strong>world</strong>');
    expect(s.bodyHtml).not.toContain('<script');
    expect(s.bodyHtml).not.toContain('javascript:');
    expect(s.author.id).toBe(ana.id);
    expect(s.threadId).toMatch(/^[0-9a-f]{24}$/);
    const thread = await ben.c.get(`/api/threads/${s.threadId}`);
    expect(thread.status).toBe(200);
    expect(thread.body.thread.title).toBe('How Mattapan parents built a play space');
    expect((await ben.c.get(`/api/stories/${s.id}`)).body.story.excerpt).toContain('world');
  });

  it('shows images only from the author’s own uploaded images', async () => {
    const png = await sendFile(ana.c, '/api/uploads', { data: PNG, name: 'lot.png', type: 'image/png' });
    const pdf = await sendFile(ana.c, '/api/uploads', { data: PDF, name: 'plan.pdf', type: 'application/pdf' });
    const own = await ana.c.post(
      '/api/stories',
      story({ body: `Our lot:\n\n![The lot in spring](${png.body.upload.url})` }),
    );
    expect(own.status).toBe(201);
    expect(own.body.story.bodyHtml).toContain(`<img src="${png.body.upload.url}" alt="The lot in spring"`);
    const image = await fetch(p.url + png.body.upload.url, { headers: { cookie: ben.c.cookieHeader() } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');

    const foreign = await ana.c.post('/api/stories', story({ body: '![tracker](https://evil.example/pixel.png)' }));
    expect(foreign.status).toBe(201);
    expect(foreign.body.story.bodyHtml).not.toContain('<img');

    const notMine = await ben.c.post('/api/stories', story({ body: `![x](${png.body.upload.url})` }));
    expect(notMine.status).toBe(400);
    const notImage = await ana.c.post('/api/stories', story({ body: `![x](${pdf.body.upload.url})` }));
    expect(notImage.status).toBe(400);
    // An upload that is in nothing published stays private to its owner.
    expect((await fetch(p.url + pdf.body.upload.url, { headers: { cookie: ben.c.cookieHeader() } })).status).toBe(404);
  });

  it('lists newest first with filters and a cursor, and validates input', async () => {
    await ben.c.post(
      '/api/stories',
      story({ title: 'Dudley youth data walk', community: 'Dudley', topics: ['data-storytelling'] }),
    );
    const byTopic = await ana.c.get('/api/stories?topic=data-storytelling');
    expect(byTopic.body.stories.map((s: { title: string }) => s.title)).toEqual(['Dudley youth data walk']);
    const byPlace = await ana.c.get('/api/stories?community=dudley');
    expect(byPlace.body.stories).toHaveLength(1);
    const first = await ana.c.get('/api/stories?limit=2');
    expect(first.body.stories[0].title).toBe('Dudley youth data walk');
    const next = await ana.c.get(`/api/stories?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.stories, ...next.body.stories].map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await ana.c.post('/api/stories', story({ topics: [] }))).status).toBe(400);
    expect((await ana.c.post('/api/stories', story({ body: '   ' }))).status).toBe(400);
    expect((await ana.c.post('/api/stories', { ...story(), featured: true })).status).toBe(400);
    expect((await ana.c.get(`/api/stories/${MISSING_ID}`)).status).toBe(404);
  });

  it('lets administrators feature stories for the home page', async () => {
    const s = (await ben.c.get('/api/stories?community=dudley')).body.stories[0];
    expect((await ben.c.patch(`/api/stories/${s.id}/featured`, { featured: true })).status).toBe(403);
    const res = await admin.c.patch(`/api/stories/${s.id}/featured`, { featured: true });
    expect(res.body.story.featured).toBe(true);
    const home = await ana.c.get('/api/hub/home');
    expect(home.body.featuredStories.map((x: { id: string }) => x.id)).toEqual([s.id]);
    const featured = await ana.c.get('/api/stories?featured=true');
    expect(featured.body.stories).toHaveLength(1);

    await ana.c.request('PUT', `/api/members/${ben.id}/follow`);
    const followed = await ana.c.get('/api/hub/home');
    expect(followed.body.storiesFromFollowed.map((x: { id: string }) => x.id)).toEqual([s.id]);
    const activity = await ana.c.get(`/api/members/${ben.id}/activity`);
    expect(activity.body.stories.map((x: { id: string }) => x.id)).toEqual([s.id]);
  });

  it('limits publishing to ten stories an hour per member', async () => {
    for (let i = 0; i < 10; i += 1) {
      const ok = await admin.c.post('/api/stories', story({ title: `Weekly update ${i}` }));
      expect(ok.status).toBe(201);
    }
    const limited = await admin.c.post('/api/stories', story({ title: 'One too many' }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
