import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, MISSING_ID, newThread, reply, resetPostingBudgets, signUp, type Someone } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let mod: Someone;
let admin: Someone;
let equity: string;
let health: string;

beforeAll(async () => {
  p = await startTestPlatform('forum_threads', { workers: false });
  [ana, ben, mod, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Marcus Moderator', 'moderator'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
  equity = await categoryId(ana.c, 'equity-tools');
  health = await categoryId(ana.c, 'health');
});
afterAll(async () => {
  await p?.close();
});

describe('categories', () => {
  it('exist in a fresh database, in order, with slugs, descriptions and counts', async () => {
    const res = await ana.c.get('/api/categories');
    expect(res.status).toBe(200);
    const names = res.body.categories.slice(0, 9).map((c: { name: string }) => c.name);
    expect(names).toEqual([
      'Introductions',
      'Equity tools',
      'Coalition structure & governance',
      'Community engagement & leadership',
      'Data & storytelling',
      'Sustainability',
      'Early childhood',
      'Health',
      'Education',
    ]);
    for (const c of res.body.categories) {
      expect(c.slug).toMatch(/^[a-z0-9-]+$/);
      expect(c.description.length).toBeGreaterThan(10);
      expect(c).toMatchObject({ archived: false, subscription: 'normal' });
      expect(typeof c.threadCount).toBe('number');
      expect(typeof c.unreadThreadCount).toBe('number');
    }
  });

  it('shows a visitor only what is marked public: no category and no thread by default', async () => {
    const categories = await p.client().get('/api/categories');
    expect(categories.status).toBe(200);
    expect(categories.body.categories).toEqual([]);
    const threads = await p.client().get('/api/threads');
    expect(threads.status).toBe(200);
    expect(threads.body.threads).toEqual([]);
  });

  it('lets admins create, rename, reorder and archive; members and moderators get 403', async () => {
    for (const who of [ana, mod]) {
      const res = await who.c.post('/api/categories', { name: 'Housing', description: 'Homes' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const created = await admin.c.post('/api/categories', {
      name: 'Housing & homes',
      description: 'Stable housing for families.',
    });
    expect(created.status).toBe(201);
    expect(created.body.category).toMatchObject({ slug: 'housing-homes', name: 'Housing & homes', threadCount: 0 });
    const id = created.body.category.id;

    const dup = await admin.c.post('/api/categories', { name: 'Other', slug: 'housing-homes' });
    expect(dup.status).toBe(409);

    expect((await ana.c.patch(`/api/categories/${id}`, { name: 'Mine now' })).status).toBe(403);
    const renamed = await admin.c.patch(`/api/categories/${id}`, { name: 'Housing', position: 0 });
    expect(renamed.status).toBe(200);
    expect(renamed.body.category).toMatchObject({ name: 'Housing', position: 0, slug: 'housing-homes' });

    const archived = await admin.c.patch(`/api/categories/${id}`, { archived: true });
    expect(archived.body.category.archived).toBe(true);
    const list = await ana.c.get('/api/categories');
    expect(list.body.categories.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await ana.c.get(`/api/categories/${id}`)).status).toBe(404);
    expect((await ana.c.get('/api/categories?includeArchived=true')).status).toBe(403);
    const all = await admin.c.get('/api/categories?includeArchived=true');
    expect(all.body.categories.map((c: { id: string }) => c.id)).toContain(id);

    // A member cannot start a thread in an archived category: it does not exist for them.
    const refused = await ana.c.post('/api/threads', { categoryId: id, title: 'Hello there', body: 'x' });
    expect(refused.status).toBe(404);
  });

  it('validates category bodies and answers unknown ids with 404', async () => {
    expect((await admin.c.patch(`/api/categories/${MISSING_ID}`, { name: 'Nope' })).status).toBe(404);
    expect((await admin.c.patch('/api/categories/not-an-id', { name: 'Nope' })).status).toBe(404);
    for (const body of [
      {},
      { name: 'x' },
      { name: 'Valid', archived: 'yes' },
      { name: 'Valid', color: 'red' },
      { name: { $gt: '' } },
    ]) {
      const res = await admin.c.post('/api/categories', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin.c.patch(`/api/categories/${equity}`, {})).status).toBe(400);
  });

  it('finds a category by slug as well as by id', async () => {
    const bySlug = await ana.c.get('/api/categories/equity-tools');
    expect(bySlug.status).toBe(200);
    expect(bySlug.body.category.id).toBe(equity);
  });
});

describe('threads', () => {
  it('creates a thread with its opening post; the author watches it', async () => {
    const res = await ana.c.post('/api/threads', {
      categoryId: equity,
      title: '  Racial equity impact assessments  ',
      body: 'Has anyone used an **equity impact assessment** with parents?',
      tags: ['Equity', 'assessments', 'equity'],
    });
    expect(res.status).toBe(201);
    const { thread, post } = res.body;
    expect(thread).toMatchObject({
      categoryId: equity,
      title: 'Racial equity impact assessments',
      tags: ['equity', 'assessments'],
      pinned: false,
      locked: false,
      postCount: 1,
      lastSeq: 1,
      subscription: 'watching',
      unreadCount: 0,
    });
    expect(thread.author).toMatchObject({ id: ana.id, displayName: 'Ana López', handle: 'ana-lopez' });
    expect(post).toMatchObject({
      threadId: thread.id,
      seq: 1,
      depth: 0,
      parentId: null,
      deleted: false,
      editedAt: null,
    });
    expect(post.bodyHtml).toContain('<strong>equity impact assessment</strong>');

    const got = await ben.c.get(`/api/threads/${thread.id}`);
    expect(got.status).toBe(200);
    expect(got.body.thread.id).toBe(thread.id);
    expect(got.body.posts).toHaveLength(1);
    expect(got.body.thread.subscription).toBe('normal');
  });

  it('rejects invalid thread bodies with 400 and field errors', async () => {
    const cases: Array<[string, unknown]> = [
      ['title', { categoryId: equity, title: 'ab', body: 'x' }],
      ['title', { categoryId: equity, title: 'x'.repeat(201), body: 'x' }],
      ['body', { categoryId: equity, title: 'Fine title', body: '   ' }],
      ['body', { categoryId: equity, title: 'Fine title', body: 'x'.repeat(20_001) }],
      ['categoryId', { categoryId: 'nope', title: 'Fine title', body: 'x' }],
      ['categoryId', { categoryId: { $gt: '' }, title: 'Fine title', body: 'x' }],
      ['', { categoryId: equity, title: 'Fine title', body: 'x', pinned: true }],
      ['tags', { categoryId: equity, title: 'Fine title', body: 'x', tags: ['a', 'b', 'c', 'd', 'e', 'f'] }],
    ];
    for (const [field, body] of cases) {
      const res = await ben.c.post('/api/threads', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      if (field) expect(Object.keys(res.body.error.details.fieldErrors)).toContain(field);
    }
  });

  it('answers unknown categories, threads and malformed ids with 404', async () => {
    expect((await ben.c.post('/api/threads', { categoryId: MISSING_ID, title: 'Fine title', body: 'x' })).status).toBe(
      404,
    );
    for (const path of [
      `/api/threads/${MISSING_ID}`,
      '/api/threads/nope',
      `/api/threads/${MISSING_ID}/posts`,
      `/api/posts/${MISSING_ID}`,
    ]) {
      const res = await ben.c.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await ben.c.post(`/api/threads/${MISSING_ID}/posts`, { body: 'hello' })).status).toBe(404);
    expect((await mod.c.patch(`/api/threads/${MISSING_ID}`, { locked: true })).status).toBe(404);
  });

  it('lists threads by last activity, pinned first, with an opaque cursor', async () => {
    await resetPostingBudgets(p);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await newThread(ben, health, `Health thread number ${i}`)).thread.id);
    // Activity moves thread 1 to the top.
    await reply(ana, made[1]!, 'A reply brings this thread up.');
    const pin = await mod.c.patch(`/api/threads/${made[3]}`, { pinned: true });
    expect(pin.status).toBe(200);
    expect(pin.body.thread.pinned).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ana.c.get(
        `/api/threads?categoryId=${health}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.threads.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.threads.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([made[3], made[1], made[4], made[2], made[0]]);

    const everywhere = await ana.c.get('/api/threads?limit=50');
    expect(everywhere.body.threads[0].id).toBe(made[3]);
    expect(everywhere.body.threads.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(made));
  });

  it('validates list queries', async () => {
    for (const q of ['limit=0', 'limit=51', 'categoryId=zzz', 'cursor=%7B%7D', 'cursor=bm90LWpzb24', 'sort=title']) {
      const res = await ana.c.get(`/api/threads?${q}`);
      expect(res.status, q).toBe(400);
    }
  });

  it('lets only moderators pin, lock and move; a locked thread refuses members with thread_locked', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, equity, 'A thread to lock');
    for (const body of [{ pinned: true }, { locked: true }, { categoryId: health }]) {
      const res = await ana.c.patch(`/api/threads/${thread.id}`, body);
      expect(res.status).toBe(403);
    }
    expect((await mod.c.patch(`/api/threads/${thread.id}`, { title: 'x' })).status).toBe(400);

    const locked = await mod.c.patch(`/api/threads/${thread.id}`, { locked: true });
    expect(locked.status).toBe(200);
    expect(locked.body.thread.locked).toBe(true);
    const refused = await ben.c.post(`/api/threads/${thread.id}/posts`, { body: 'Can I still post?' });
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('thread_locked');
    // The author cannot edit in a locked thread either; moderators still can post.
    const edit = await ana.c.patch(`/api/posts/${(await ana.c.get(`/api/threads/${thread.id}`)).body.posts[0].id}`, {
      body: 'edited',
    });
    expect(edit.status).toBe(423);
    expect(
      (await mod.c.post(`/api/threads/${thread.id}/posts`, { body: 'Locking this: see the newer thread.' })).status,
    ).toBe(201);

    await mod.c.patch(`/api/threads/${thread.id}`, { locked: false });
    expect((await ben.c.post(`/api/threads/${thread.id}/posts`, { body: 'Open again.' })).status).toBe(201);

    const moved = await admin.c.patch(`/api/threads/${thread.id}`, { categoryId: health });
    expect(moved.status).toBe(200);
    expect(moved.body.thread.categoryId).toBe(health);
    const inHealth = await ana.c.get(`/api/threads?categoryId=${health}&limit=50`);
    expect(inHealth.body.threads.map((t: { id: string }) => t.id)).toContain(thread.id);
    expect((await mod.c.patch(`/api/threads/${thread.id}`, { categoryId: MISSING_ID })).status).toBe(404);
  });

  it('takes threads of an archived category away from members (staff still read them, closed) and out of lists', async () => {
    await resetPostingBudgets(p);
    const made = await admin.c.post('/api/categories', { name: 'Short-lived', description: 'Soon archived.' });
    const id = made.body.category.id;
    const { thread } = await newThread(ana, id, 'Before the archive');
    await admin.c.patch(`/api/categories/${id}`, { archived: true });

    expect((await ben.c.get(`/api/threads/${thread.id}`)).status).toBe(404);
    expect((await ben.c.post(`/api/threads/${thread.id}/posts`, { body: 'Anyone here?' })).status).toBe(404);
    expect((await mod.c.get(`/api/threads/${thread.id}`)).status).toBe(200);
    const refused = await admin.c.post(`/api/threads/${thread.id}/posts`, { body: 'Anyone here?' });
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('thread_locked');
    const all = await ben.c.get('/api/threads?limit=50');
    expect(all.body.threads.map((t: { id: string }) => t.id)).not.toContain(thread.id);
    expect((await ben.c.get(`/api/threads?categoryId=${id}`)).status).toBe(404);
    expect((await admin.c.get(`/api/threads?categoryId=${id}`)).body.threads).toHaveLength(1);
    expect((await mod.c.patch(`/api/threads/${thread.id}`, { categoryId: id })).status).toBe(200);
    const other = (await newThread(ana, equity, 'Cannot move into the archive')).thread;
    expect((await mod.c.patch(`/api/threads/${other.id}`, { categoryId: id })).status).toBe(409);
  });

  it('counts threads per category', async () => {
    const res = await ana.c.get('/api/categories');
    const healthRow = res.body.categories.find((c: { id: string }) => c.id === health);
    expect(healthRow.threadCount).toBe(6);
  });
});
