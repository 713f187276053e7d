// Who watches a thread and who blocked its posters are kept in Redis for the fan-out (README
// "Store budgets"): each case first lets a reply be fanned out (so the lists are kept), then
// changes what decides them, and the next reply must follow the change.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  categoryId,
  newThread,
  PASSWORD,
  put,
  reply,
  resetPostingBudgets,
  signUp,
  type Someone,
} from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cai: Someone;
let dee: Someone;
let mod: Someone;
let cat: string;

beforeAll(async () => {
  p = await startTestPlatform('notify_watch_changes');
  ana = await signUp(p, 'Ana Starter');
  cai = await signUp(p, 'Cai Control');
  dee = await signUp(p, 'Dee Watcher');
  mod = await signUp(p, 'Mo Mover', 'moderator');
  cat = await categoryId(ana.c, 'education');
}, 60_000);
// A replier per case: screening holds a member's ninth post in five minutes.
let repliers = 0;
beforeEach(async () => {
  ben = await signUp(p, `Ben Replier ${'abcdefghij'[repliers++]}`);
});
afterAll(async () => {
  await p?.close();
});

type Listed = { postId?: string | null };
const postIdsOf = async (who: Someone): Promise<string[]> => {
  const res = await who.c.get('/api/notifications');
  expect(res.status, res.text).toBe(200);
  return (res.body.notifications as Listed[]).flatMap((n) => (n.postId ? [n.postId] : []));
};

/** Waits until every hand-off and queue is idle (the reply's screening, then its fan-out); Redis only. */
async function settle(): Promise<void> {
  let idleRounds = 0;
  await eventually(async () => {
    await p.runtime.outbox.settle();
    const counts = await Promise.all(
      Object.values(p.runtime.queues).map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
    );
    const busy = counts.some((c) => Object.entries(c).some(([state, n]) => state !== 'paused' && n > 0));
    idleRounds = busy ? 0 : idleRounds + 1;
    return idleRounds >= 2;
  }, 30_000);
}

/** Ben replies; returns once the reply was fanned out (Cai, who watches throughout, was told). */
async function benReplies(threadId: string, body: string): Promise<string> {
  await resetPostingBudgets(p);
  const post = await reply(ben, threadId, body);
  await eventually(async () => (await postIdsOf(cai)).includes(post.id as string));
  await settle();
  return post.id as string;
}

/** Whether Dee was told of the post, waiting for it to show when told is expected. */
async function deeTold(postId: string, expected: boolean): Promise<boolean> {
  if (!expected) return (await postIdsOf(dee)).includes(postId);
  return eventually(async () => (await postIdsOf(dee)).includes(postId), 10_000).catch(() => false);
}

/** A thread by Ana that Cai watches, and Dee by `deeWatches`; a first reply tells Dee. */
async function watchedThread(title: string, deeWatches: (threadId: string) => Promise<void>): Promise<string> {
  await resetPostingBudgets(p);
  const { thread } = await newThread(ana, cat, title);
  expect((await put(cai.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' })).status).toBe(200);
  await deeWatches(thread.id as string);
  const first = await benReplies(thread.id, `A first reply in ${title}.`);
  expect(await deeTold(first, true)).toBe(true);
  return thread.id as string;
}

const watchThread = async (threadId: string) => {
  expect((await put(dee.c, `/api/threads/${threadId}/subscription`, { level: 'watching' })).status).toBe(200);
};

describe('the watcher list kept in Redis', () => {
  it('leaves out a member who mutes or unwatches a thread from the next reply on', async () => {
    for (const level of ['muted', 'normal'] as const) {
      const id = await watchedThread(`Field trip planning, then ${level}`, watchThread);

      expect((await put(dee.c, `/api/threads/${id}/subscription`, { level })).status).toBe(200);
      const next = await benReplies(id, `Permission slips are due Friday (${level}).`);
      expect(await deeTold(next, false)).toBe(false);
    }
  });

  it('follows a category watch made and dropped', async () => {
    const elsewhere = await categoryId(ana.c, 'health');
    const { thread } = await newThread(ana, elsewhere, 'School nurse hours');
    expect((await put(cai.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' })).status).toBe(200);
    // A reply before Dee watches keeps the (empty for Dee) lists.
    expect(await deeTold(await benReplies(thread.id, 'Nurse is in on Tuesdays.'), false)).toBe(false);
    expect((await put(dee.c, `/api/categories/${elsewhere}/subscription`, { level: 'watching' })).status).toBe(200);
    expect(await deeTold(await benReplies(thread.id, 'And Thursday mornings.'), true)).toBe(true);
    expect((await put(dee.c, `/api/categories/${elsewhere}/subscription`, { level: 'normal' })).status).toBe(200);
    expect(await deeTold(await benReplies(thread.id, 'Except in the holidays.'), false)).toBe(false);
  });

  it('stops telling a member of a thread moved to a category they do not watch or may not read', async () => {
    // Dee watches the category, not the thread: moved elsewhere, the thread is no longer watched.
    expect((await put(dee.c, `/api/categories/${cat}/subscription`, { level: 'watching' })).status).toBe(200);
    const moved = await watchedThread('Homework club rota', async () => undefined);
    const sustainability = await categoryId(ana.c, 'sustainability');
    expect((await mod.c.patch(`/api/threads/${moved}`, { categoryId: sustainability })).status).toBe(200);
    expect(await deeTold(await benReplies(moved, 'Tuesdays and Thursdays work for me.'), false)).toBe(false);
    expect((await put(dee.c, `/api/categories/${cat}/subscription`, { level: 'normal' })).status).toBe(200);

    // Dee watches the thread itself: moved into a private coalition's category, Dee may not read it.
    const created = await ana.c.post('/api/coalitions', {
      name: 'Homework Circle',
      joinPolicy: 'request',
      visibility: 'private',
    });
    expect(created.status).toBe(201);
    const coalitionId: string = created.body.coalition.id;
    for (const who of [ben, cai]) {
      await who.c.post(`/api/coalitions/${coalitionId}/membership`);
      await ana.c.post(`/api/coalitions/${coalitionId}/requests/${who.id}`, { decision: 'approve' });
    }
    const made = await ana.c.post('/api/categories', { name: 'Circle homework', coalitionId });
    expect(made.status).toBe(201);
    const id = await watchedThread('Reading log templates', watchThread);
    expect((await mod.c.patch(`/api/threads/${id}`, { categoryId: made.body.category.id })).status).toBe(200);
    expect(await deeTold(await benReplies(id, 'Here is the circle template.'), false)).toBe(false);
  });
});

describe('blocks kept in Redis', () => {
  it('stops notices of a member blocked after the watch, and starts them again once unblocked', async () => {
    const id = await watchedThread('Parent volunteer sign-ups', watchThread);
    expect((await put(dee.c, `/api/members/${ben.id}/block`)).status).toBe(200);
    expect(await deeTold(await benReplies(id, 'I can help on Mondays.'), false)).toBe(false);
    expect((await dee.c.request('DELETE', `/api/members/${ben.id}/block`)).status).toBeLessThan(300);
    expect(await deeTold(await benReplies(id, 'And on Wednesdays too.'), true)).toBe(true);
  });
});

describe('an account deleted', () => {
  it('leaves the kept watcher lists and blocks', async () => {
    const gone = await signUp(p, 'Gil Leaving');
    const { thread } = await newThread(ana, cat, 'Spring fair stalls');
    expect((await put(gone.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' })).status).toBe(200);
    expect((await put(gone.c, `/api/categories/${cat}/subscription`, { level: 'watching' })).status).toBe(200);
    expect((await put(gone.c, `/api/members/${ben.id}/block`)).status).toBe(200);
    const { forums, moderation } = p.api.services;
    // Read once: kept.
    expect(await forums.watcherIds(thread.id as string)).toContain(gone.id);
    expect([...(await moderation.recipientsBlocking(ben.id, [gone.id, cai.id]))]).toEqual([gone.id]);

    expect((await gone.c.request('DELETE', '/api/members/me', { password: PASSWORD })).status).toBe(204);
    expect(await forums.watcherIds(thread.id as string)).not.toContain(gone.id);
    const other = await newThread(ana, cat, 'Spring fair raffle');
    expect(await forums.watcherIds(other.thread.id as string)).not.toContain(gone.id);
    expect([...(await moderation.recipientsBlocking(ben.id, [gone.id, cai.id]))]).toEqual([]);
  });
});
