import { ensureDefaultCategories, seedForums } from '@commons/server/forums/seed';
import { CategoryModel } from '@commons/server/forums/model';
import { seedDemo } from '@commons/server/seed/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let ana: TestClient;

beforeAll(async () => {
  p = await startTestPlatform('forum_seed', { workers: false });
  const seeded = await seedDemo(p.runtime.log, [seedForums]);
  expect(seeded).not.toBeNull();
  ana = p.client();
  const login = await ana.post('/api/auth/login', {
    email: 'ana@commons.localhost',
    password: seeded!.find((s) => s.email === 'ana@commons.localhost')!.password,
  });
  expect(login.status).toBe(200);
});
afterAll(async () => {
  await p?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('default categories', () => {
  it('are created once, by slug, and never overwrite what admins changed', async () => {
    expect(await CategoryModel.countDocuments()).toBe(9);
    await CategoryModel.updateOne({ slug: 'health' }, { $set: { name: 'Health & wellbeing' } });
    expect(await ensureDefaultCategories()).toBe(0);
    expect(await CategoryModel.countDocuments()).toBe(9);
    expect((await CategoryModel.findOne({ slug: 'health' }).lean())?.name).toBe('Health & wellbeing');
  });
});

describe('demo forum content', () => {
  it('has realistic threads with nested replies, a quote, mentions and reactions', async () => {
    const list = await ana.get('/api/threads?limit=50');
    expect(list.status).toBe(200);
    const titles = list.body.threads.map((t: Any) => t.title);
    expect(titles).toHaveLength(4);
    expect(list.body.threads[0]).toMatchObject({ title: 'Welcome to Commons: introduce yourself!', pinned: true });
    expect(titles).toEqual(
      expect.arrayContaining([
        'How did you start a parent leadership council?',
        'Using data dashboards with residents: what actually works?',
        'Our grant ends in June: how did you sustain the work after the funding ended?',
      ]),
    );

    const council = list.body.threads.find((t: Any) => t.title.startsWith('How did you start a parent leadership'));
    const detail = await ana.get(`/api/threads/${council.id}`);
    const posts = detail.body.posts as Any[];
    expect(Math.max(...posts.map((x) => x.depth))).toBeGreaterThanOrEqual(3);
    expect(posts.some((x) => x.quotePostId === posts[0].id && x.bodyHtml.includes('<blockquote class="quote"'))).toBe(
      true,
    );
    expect(posts.some((x) => x.mentionIds.length > 0 && x.bodyHtml.includes('class="mention"'))).toBe(true);
    expect(posts[0].reactions.like).toBeGreaterThan(0);
    expect(new Set(posts.map((x) => x.author.id)).size).toBeGreaterThanOrEqual(4);

    // Conversations Ana did not take part in are unread for her.
    const categories = await ana.get('/api/categories');
    const unread = categories.body.categories.reduce((n: number, c: Any) => n + c.unreadThreadCount, 0);
    expect(unread).toBeGreaterThan(0);

    const search = await ana.get('/api/search?q=stipends&type=posts');
    expect(search.body.results.length).toBeGreaterThan(0);
  });
});
