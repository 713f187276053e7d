import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, MISSING_ID, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cleo: Someone;
let early: string;
let education: string;

beforeAll(async () => {
  p = await startTestPlatform('forum_unread', { workers: false });
  [ana, ben, cleo] = await Promise.all([signUp(p, 'Ana López'), signUp(p, 'Ben Okafor'), signUp(p, 'Cleo Martin')]);
  early = await categoryId(ana.c, 'early-childhood');
  education = await categoryId(ana.c, 'education');
});
afterAll(async () => {
  await p?.close();
});

async function categoryRow(c: TestClient, id: string) {
  const res = await c.get('/api/categories');
  return res.body.categories.find((x: { id: string }) => x.id === id);
}

async function threadRow(c: TestClient, category: string, threadId: string) {
  const res = await c.get(`/api/threads?categoryId=${category}&limit=50`);
  return res.body.threads.find((x: { id: string }) => x.id === threadId);
}

describe('unread tracking', () => {
  it('counts unread posts per thread and unread threads per category, and finds the first unread', async () => {
    const { thread } = await newThread(ana, early, 'Home visiting waitlists');
    // The author has read their own thread.
    expect((await threadRow(ana.c, early, thread.id)).unreadCount).toBe(0);
    expect((await categoryRow(ana.c, early)).unreadThreadCount).toBe(0);

    expect(await threadRow(ben.c, early, thread.id)).toMatchObject({ unreadCount: 1, lastReadSeq: 0 });
    expect((await categoryRow(ben.c, early)).unreadThreadCount).toBe(1);
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(1);

    const read = await ben.c.post(`/api/threads/${thread.id}/read`, { seq: 1 });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ lastReadSeq: 1, unreadCount: 0 });
    expect((await categoryRow(ben.c, early)).unreadThreadCount).toBe(0);
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBeNull();

    await reply(ana, thread.id, 'Update: the waitlist is down to six weeks.');
    await reply(cleo, thread.id, 'That is great news.');
    expect(await threadRow(ben.c, early, thread.id)).toMatchObject({ unreadCount: 2, lastReadSeq: 1 });
    expect((await categoryRow(ben.c, early)).unreadThreadCount).toBe(1);
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(2);

    // Marks never go back, and never past the last post.
    expect((await ben.c.post(`/api/threads/${thread.id}/read`, { seq: 99 })).body).toEqual({
      lastReadSeq: 3,
      unreadCount: 0,
    });
    expect((await ben.c.post(`/api/threads/${thread.id}/read`, { seq: 1 })).body.lastReadSeq).toBe(3);
    // Writing a reply marks the thread read up to it.
    expect((await threadRow(cleo.c, early, thread.id)).unreadCount).toBe(0);
  });

  it('jumps over deleted posts to the first unread one', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, early, 'Jump to first unread');
    await ben.c.post(`/api/threads/${thread.id}/read`, { seq: 1 });
    const gone = await reply(cleo, thread.id, 'soon deleted');
    const kept = await reply(ana, thread.id, 'kept');
    await cleo.c.delete(`/api/posts/${gone.id}`);
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(kept.seq);
  });

  it('does not count threads quiet since before a member joined', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, education, 'An old conversation');
    await new Promise((r) => setTimeout(r, 20));
    const late = await signUp(p, 'Dana Late');
    expect(await threadRow(late.c, education, thread.id)).toMatchObject({ unreadCount: 0, lastReadSeq: 1 });
    expect((await categoryRow(late.c, education)).unreadThreadCount).toBe(0);
    // New activity brings it back; never opened, it is unread from the start.
    await reply(ben, thread.id, 'Bringing this back up.');
    expect((await threadRow(late.c, education, thread.id)).unreadCount).toBe(2);
    expect((await late.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(1);
    expect((await categoryRow(late.c, education)).unreadThreadCount).toBe(1);
  });

  it('validates read marks', async () => {
    const { thread } = await newThread(ana, early, 'Validation of read marks');
    for (const body of [{}, { seq: -1 }, { seq: 1.5 }, { seq: '1' }, { seq: 1, extra: true }]) {
      expect((await ben.c.post(`/api/threads/${thread.id}/read`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await ben.c.post(`/api/threads/${MISSING_ID}/read`, { seq: 1 })).status).toBe(404);
  });
});

describe('following', () => {
  it('sets a level per thread; muted threads leave the unread counts', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, education, 'Family engagement nights');
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.thread.subscription).toBe('normal');
    const before = (await categoryRow(ben.c, education)).unreadThreadCount;

    const watch = await put(ben.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' });
    expect(watch.status).toBe(200);
    expect(watch.body).toEqual({ level: 'watching' });
    expect((await ben.c.get(`/api/threads/${thread.id}`)).body.thread.subscription).toBe('watching');
    // Setting a level does not mark anything read.
    expect((await threadRow(ben.c, education, thread.id)).unreadCount).toBe(1);

    await put(ben.c, `/api/threads/${thread.id}/subscription`, { level: 'muted' });
    expect((await categoryRow(ben.c, education)).unreadThreadCount).toBe(before - 1);
    expect((await threadRow(ben.c, education, thread.id)).subscription).toBe('muted');

    for (const body of [{ level: 'loud' }, {}, { level: 'muted', x: 1 }]) {
      expect((await put(ben.c, `/api/threads/${thread.id}/subscription`, body)).status).toBe(400);
    }
    expect((await put(ben.c, `/api/threads/${MISSING_ID}/subscription`, { level: 'muted' })).status).toBe(404);
  });

  it('sets a level per category; threads follow it unless they have their own', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, early, 'Child care deserts');
    const res = await put(cleo.c, `/api/categories/${early}/subscription`, { level: 'muted' });
    expect(res.status).toBe(200);
    const row = await categoryRow(cleo.c, early);
    expect(row).toMatchObject({ subscription: 'muted', unreadThreadCount: 0 });
    expect((await threadRow(cleo.c, early, thread.id)).subscription).toBe('muted');

    await put(cleo.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' });
    expect((await threadRow(cleo.c, early, thread.id)).subscription).toBe('watching');
    expect((await categoryRow(cleo.c, early)).unreadThreadCount).toBe(1);

    await put(cleo.c, `/api/categories/${early}/subscription`, { level: 'watching' });
    expect((await categoryRow(cleo.c, early)).subscription).toBe('watching');

    // Watchers: the author, Cleo by her own level; Ben by the category's, until he mutes the thread.
    await put(ben.c, `/api/categories/${early}/subscription`, { level: 'watching' });
    const forums = p.api.services.forums;
    expect((await forums.watcherIds(thread.id)).sort()).toEqual([ana.id, ben.id, cleo.id].sort());
    await put(ben.c, `/api/threads/${thread.id}/subscription`, { level: 'muted' });
    expect((await forums.watcherIds(thread.id)).sort()).toEqual([ana.id, cleo.id].sort());
    expect((await put(cleo.c, `/api/categories/${MISSING_ID}/subscription`, { level: 'muted' })).status).toBe(404);
  });
});
