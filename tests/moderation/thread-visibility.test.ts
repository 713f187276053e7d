import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { nextEvent, socketFor, type ClientSocket } from './support.js';

/*
 * What a held or hidden post does to the thread around it: an opening post that is hidden takes
 * its thread out of lists, search and unread counts (for all but its author and moderators);
 * hidden replies do not count as unread for members who cannot read them.
 */

let p: TestPlatform;
let author: Someone;
let reader: Someone;
let mod: Someone;
let category: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  // No workers: posts are hidden by a moderator's flag (which weighs the whole threshold).
  p = await startTestPlatform('moderation-threads', { workers: false });
  [author, reader, mod] = await Promise.all([
    signUp(p, 'Tess Author'),
    signUp(p, 'Ray Reader'),
    signUp(p, 'Mae Mod', 'moderator'),
  ]);
  category = await categoryId(author.c, 'introductions');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

async function hide(postId: string): Promise<string> {
  const res = await mod.c.post(`/api/posts/${postId}/flags`, { reason: 'harassment', note: 'Not OK.' });
  expect(res.status).toBe(201);
  expect(res.body.postStatus).toBe('hidden');
  const queue = await mod.c.get('/api/moderation/queue');
  return (queue.body.items as Array<{ id: string; postId: string }>).find((i) => i.postId === postId)!.id;
}
async function keep(itemId: string): Promise<void> {
  const res = await mod.c.post(`/api/moderation/items/${itemId}/resolve`, {
    action: 'keep',
    note: 'Fine after all.',
    notifyAuthor: false,
  });
  expect(res.status).toBe(200);
}
async function listed(c: TestClient, threadId: string, inCategory = true): Promise<boolean> {
  const res = await c.get(inCategory ? `/api/threads?categoryId=${category}&limit=50` : '/api/threads?limit=50');
  expect(res.status).toBe(200);
  return (res.body.threads as Array<{ id: string }>).some((t) => t.id === threadId);
}
async function found(c: TestClient, q: string, threadId: string, type: 'threads' | 'posts'): Promise<boolean> {
  const res = await c.get(`/api/search?q=${q}&type=${type}`);
  expect(res.status).toBe(200);
  return (res.body.results as Array<{ threadId: string }>).some((r) => r.threadId === threadId);
}
async function category_(c: TestClient) {
  const res = await c.get('/api/categories');
  return (res.body.categories as Array<{ id: string; threadCount: number; unreadThreadCount: number }>).find(
    (x) => x.id === category,
  )!;
}
async function threadRow(c: TestClient, threadId: string) {
  const res = await c.get(`/api/threads?categoryId=${category}&limit=50`);
  return (res.body.threads as Array<{ id: string; unreadCount: number }>).find((t) => t.id === threadId);
}

describe('a hidden opening post takes its thread out of sight', () => {
  it('leaves lists, search and unread counts for others; its author and moderators keep it; restoring brings it back', async () => {
    await resetPostingBudgets(p);
    const { thread, post } = await newThread(
      author,
      category,
      'Quokkafield playgroup schedule',
      'The quokkafield playgroup meets on Tuesdays.',
    );
    await reply(author, thread.id, 'A quokkafield reply that is fine.');
    expect(await listed(reader.c, thread.id)).toBe(true);
    expect(await found(reader.c, 'quokkafield', thread.id, 'threads')).toBe(true);
    const before = await category_(reader.c);
    expect(before.unreadThreadCount).toBeGreaterThanOrEqual(1);
    // A reader with the category list open, and one with the forum-wide list open.
    const inCategory = await socketFor(p.url, reader, sockets);
    expect(await inCategory.timeout(5000).emitWithAck('category:join', { categoryId: category })).toMatchObject({
      ok: true,
    });
    const inForum = await socketFor(p.url, reader, sockets);
    expect(await inForum.timeout(5000).emitWithAck('forum:join', {})).toMatchObject({ ok: true });
    const leftCategory = nextEvent(inCategory, 'thread:hidden', (e) => e.threadId === thread.id);
    const leftForum = nextEvent(inForum, 'thread:hidden', (e) => e.threadId === thread.id);

    const itemId = await hide(post.id);
    expect(await leftCategory).toEqual({ threadId: thread.id, categoryId: category });
    await leftForum;

    // Others: gone from the category list, the recent list, search (threads and its posts) and counts.
    expect(await listed(reader.c, thread.id)).toBe(false);
    expect(await listed(reader.c, thread.id, false)).toBe(false);
    expect(await found(reader.c, 'quokkafield', thread.id, 'threads')).toBe(false);
    expect(await found(reader.c, 'quokkafield', thread.id, 'posts')).toBe(false);
    const during = await category_(reader.c);
    expect(during.unreadThreadCount).toBe(before.unreadThreadCount - 1);
    expect(during.threadCount).toBe(before.threadCount - 1);

    // Its author and moderators still see it listed and found.
    expect(await listed(author.c, thread.id)).toBe(true);
    expect(await listed(author.c, thread.id, false)).toBe(true);
    expect(await found(author.c, 'quokkafield', thread.id, 'threads')).toBe(true);
    expect(await listed(mod.c, thread.id)).toBe(true);
    expect(await found(mod.c, 'quokkafield', thread.id, 'threads')).toBe(true);

    // A moderator keeps the post: the thread is back for everyone, live too.
    const back = nextEvent(inCategory, 'thread:restored', (e) => e.thread.id === thread.id);
    await keep(itemId);
    expect((await back).thread).toMatchObject({ id: thread.id, title: 'Quokkafield playgroup schedule' });
    expect(await listed(reader.c, thread.id)).toBe(true);
    expect(await listed(reader.c, thread.id, false)).toBe(true);
    expect(await found(reader.c, 'quokkafield', thread.id, 'threads')).toBe(true);
    expect(await category_(reader.c)).toMatchObject({
      unreadThreadCount: before.unreadThreadCount,
      threadCount: before.threadCount,
    });
  });
});

describe('unread counts leave out posts the member may not see', () => {
  it('counts, first unread and category counts skip hidden replies; moderators count them', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(author, category, 'Bedtime routines that work');
    expect((await reader.c.post(`/api/threads/${thread.id}/read`, { seq: 1 })).body.unreadCount).toBe(0);
    expect((await mod.c.post(`/api/threads/${thread.id}/read`, { seq: 1 })).body.unreadCount).toBe(0);
    const bad = await reply(author, thread.id, 'A reply that will be hidden.');
    const beforeCount = (await category_(reader.c)).unreadThreadCount;
    const itemId = await hide(bad.id);

    // The only unread post is hidden: nothing unread for the reader, in the thread or the category.
    expect(await threadRow(reader.c, thread.id)).toMatchObject({ unreadCount: 0 });
    expect((await reader.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBeNull();
    expect((await category_(reader.c)).unreadThreadCount).toBe(beforeCount - 1);
    // Moderators read hidden posts: for them it is unread.
    expect(await threadRow(mod.c, thread.id)).toMatchObject({ unreadCount: 1 });
    expect((await mod.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(bad.seq);

    // A visible reply after it: one unread, and "jump to first unread" lands on it, not on the hidden one.
    const good = await reply(author, thread.id, 'A visible reply.');
    expect(await threadRow(reader.c, thread.id)).toMatchObject({ unreadCount: 1 });
    expect((await reader.c.get(`/api/threads/${thread.id}`)).body.firstUnreadSeq).toBe(good.seq);
    expect((await category_(reader.c)).unreadThreadCount).toBe(beforeCount);
    expect(await threadRow(mod.c, thread.id)).toMatchObject({ unreadCount: 2 });
    expect((await reader.c.post(`/api/threads/${thread.id}/read`, { seq: bad.seq })).body).toEqual({
      lastReadSeq: bad.seq,
      unreadCount: 1,
    });

    // Restored: it counts again for those who have not read past it.
    await keep(itemId);
    expect(await threadRow(reader.c, thread.id)).toMatchObject({ unreadCount: 1 });
    const { thread: other } = await newThread(author, category, 'Another thread to compare');
    const hiddenReply = await reply(author, other.id, 'Hidden then restored.');
    const otherItem = await hide(hiddenReply.id);
    expect(await threadRow(reader.c, other.id)).toMatchObject({ unreadCount: 1 }); // the opening post
    await keep(otherItem);
    expect(await threadRow(reader.c, other.id)).toMatchObject({ unreadCount: 2 });
  });
});

describe("a thread's marks follow each post's last status", () => {
  it('when replies are hidden and restored at once: each one counts as its last status says', async () => {
    await resetPostingBudgets(p);
    const { thread, post: opening } = await newThread(author, category, 'Hidden and restored together');
    expect((await reader.c.post(`/api/threads/${thread.id}/read`, { seq: 1 })).body.unreadCount).toBe(0);
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await reply(author, thread.id, `Reply ${i + 1} of six.`));
    // Four hidden at once: each change takes the thread's lock in turn, in whatever order they come.
    const items = await Promise.all(replies.slice(0, 4).map((r) => hide(r.id)));
    expect(await threadRow(reader.c, thread.id)).toMatchObject({ unreadCount: 2 });
    // Two of them restored at once, and the other two flagged again meanwhile (a change that changes
    // nothing still brings the marks up to date).
    await Promise.all([
      keep(items[0]!),
      keep(items[2]!),
      ...[replies[1]!, replies[3]!].map((r) =>
        mod.c.post(`/api/posts/${r.id}/flags`, { reason: 'harassment', note: 'Again.' }),
      ),
    ]);
    expect(await threadRow(reader.c, thread.id)).toMatchObject({ unreadCount: 4 });
    expect(await threadRow(mod.c, thread.id)).toMatchObject({ unreadCount: 7 });
    const page = await reader.c.get(`/api/threads/${thread.id}`);
    expect((page.body.posts as Array<{ id: string }>).map((x) => x.id)).toEqual([
      opening.id,
      replies[0]!.id,
      replies[2]!.id,
      replies[4]!.id,
      replies[5]!.id,
    ]);
  });
});
