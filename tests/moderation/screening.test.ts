import { backdateJoined } from '@commons/server/members/writes';
import { ProfileModel } from '@commons/server/moderation/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { collectEvents, eventually, nextEvent, setProfile, socketFor, type ClientSocket } from './support.js';
import { completedJob } from '../support/jobs.js';

let p: TestPlatform;
let newbie: Someone;
let regular: Someone;
let reader: Someone;
let mod: Someone;
let threadId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  // The burst rule at its defaults (the test platform relaxes it for other files' fixtures).
  p = await startTestPlatform('moderation-screening', {
    env: { SCREENING_BURST_HOLD: '8', SCREENING_BURST_HIDE: '12' },
  });
  [newbie, regular, reader, mod] = await Promise.all([
    signUp(p, 'Nia Newbie'),
    signUp(p, 'Reg Regular'),
    signUp(p, 'Rae Reader'),
    signUp(p, 'Moe Mod', 'moderator'),
  ]);
  // The regular joined weeks ago and has trust level 1: links are theirs to post.
  await backdateJoined([regular.id], new Date(Date.now() - 30 * 86_400_000));
  await setProfile(regular, { trustLevel: 1 });
  const category = await categoryId(reader.c, 'introductions');
  threadId = (await newThread(reader, category, 'Screening thread', 'Share your resources here.')).thread.id;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

const statusOf = async (postId: string) =>
  (await mod.c.get(`/api/posts/${postId}/moderation`)).body.moderation.status as string;
const visibleTo = async (who: Someone, postId: string) => (await who.c.get(`/api/posts/${postId}`)).status === 200;

describe('automatic screening of new and edited posts', () => {
  it('holds a link from a new member: saved held, never pushed to the room, visible to the author and moderators only, queued', async () => {
    const readerSocket = await socketFor(p.url, reader, sockets);
    await readerSocket.emitWithAck('thread:join', { threadId });
    const newbieSocket = await socketFor(p.url, newbie, sockets);
    const modSocket = await socketFor(p.url, mod, sockets);
    const pushed = collectEvents(readerSocket, 'post:created');
    const queued = nextEvent(modSocket, 'moderation:item', () => true, 8000);
    const ownTabs = nextEvent(newbieSocket, 'post:created', () => true, 8000);
    const post = await reply(newbie, threadId, 'Great toolkit at https://example.org/toolkit for parents.');
    // Held from the moment it was saved: no reader can fetch it, even before its job has run.
    expect(await visibleTo(reader, post.id)).toBe(false);
    expect(
      (await reader.c.get(`/api/threads/${threadId}/posts`)).body.posts.map((x: { id: string }) => x.id),
    ).not.toContain(post.id);
    expect((await ownTabs).post.id).toBe(post.id); // the author's other tabs show it
    expect((await queued).item.postId).toBe(post.id);
    expect((await queued).item.screening).toEqual(['links_untrusted']);
    // The room never heard of it.
    expect(pushed.seen.map((e) => e.post.id)).not.toContain(post.id);
    pushed.stop();
    expect(await visibleTo(reader, post.id)).toBe(false);
    expect(await visibleTo(newbie, post.id)).toBe(true);
    expect(await visibleTo(mod, post.id)).toBe(true);
    const search = await reader.c.get('/api/search?q=toolkit&type=posts');
    expect(search.body.results.map((r: { postId: string }) => r.postId)).not.toContain(post.id);
    const mine = await newbie.c.get(`/api/posts/${post.id}/moderation`);
    expect(mine.body.moderation).toMatchObject({ status: 'held', reasons: ['links_untrusted'], canAppeal: true });

    // Held by screening, it was not fanned out.
    expect(await p.runtime.queues.notifications.getJob(`fanout-${post.id}`)).toBeUndefined();
    // A moderator approves it: visible to all again.
    const item = (await queued).item;
    const ok = await mod.c.post(`/api/moderation/items/${item.id}/resolve`, {
      action: 'keep',
      note: 'Useful link.',
      notifyAuthor: true,
    });
    expect(ok.status).toBe(200);
    expect(await visibleTo(reader, post.id)).toBe(true);
    // Held, it reached nobody; kept, it is published now and fans out (to the thread's author).
    const fanout = await completedJob(p.runtime.queues.notifications, `fanout-${post.id}`);
    expect(fanout.data).toMatchObject({ postId: post.id, threadId });
  });

  it('lets a trusted member post the same link', async () => {
    const post = await reply(regular, threadId, 'Another view: https://example.org/toolkit is good.');
    await p.runtime.events.settle();
    const job = await completedJob(p.runtime.queues.moderation, `screen-${post.id}`);
    expect(job.returnvalue).toEqual({ verdict: 'allow', reasons: [] });
    expect(await statusOf(post.id)).toBe('visible');
  });

  it('screens edits too, and hides abuse outright: the room never receives the new text', async () => {
    const post = await reply(regular, threadId, 'A calm and friendly reply.');
    const readerSocket = await socketFor(p.url, reader, sockets);
    await readerSocket.emitWithAck('thread:join', { threadId });
    const updates = collectEvents(readerSocket, 'post:updated');
    const hidden = nextEvent(readerSocket, 'post:hidden', (e) => e.postId === post.id, 8000);
    const res = await regular.c.patch(`/api/posts/${post.id}`, {
      body: 'You are a fucking bitch, shut up you piece of shit',
    });
    expect(res.status).toBe(200);
    // Hidden as it was saved: gone for readers before its job runs, which then tells the room.
    expect(await visibleTo(reader, post.id)).toBe(false);
    expect(await hidden).toMatchObject({ postId: post.id, status: 'hidden' });
    expect(updates.seen.filter((e) => e.post.id === post.id)).toEqual([]);
    updates.stop();
    expect(await statusOf(post.id)).toBe('hidden');
  });

  it('holds a new thread whose opening post screening holds: in no list and no room but its author’s', async () => {
    const category = await categoryId(reader.c, 'introductions');
    const readerSocket = await socketFor(p.url, reader, sockets);
    await readerSocket.emitWithAck('category:join', { categoryId: category });
    const created = collectEvents(readerSocket, 'thread:created');
    const modSocket = await socketFor(p.url, mod, sockets);
    const queued = nextEvent(modSocket, 'moderation:item', () => true, 8000);
    const { thread } = await newThread(
      newbie,
      category,
      'Free toolkit',
      'Download it at https://example.org/free now.',
    );
    expect((await reader.c.get(`/api/threads/${thread.id}`)).status).toBe(404);
    const listed = await reader.c.get(`/api/threads?categoryId=${category}`);
    expect(listed.body.threads.map((t: { id: string }) => t.id)).not.toContain(thread.id);
    expect((await newbie.c.get(`/api/threads/${thread.id}`)).status).toBe(200);
    expect((await queued).item.threadId).toBe(thread.id);
    expect(created.seen.map((e) => e.thread.id)).not.toContain(thread.id);
    created.stop();
  });

  it('holds a title screening holds as it is saved: the thread leaves lists, its room never hears the title', async () => {
    const category = await categoryId(reader.c, 'introductions');
    const own = (await newThread(regular, category, 'Thursday circle', 'We meet on Thursdays at six.')).thread;
    const readerSocket = await socketFor(p.url, reader, sockets);
    await readerSocket.emitWithAck('thread:join', { threadId: own.id });
    const renamed = collectEvents(readerSocket, 'thread:updated');
    const gone = nextEvent(readerSocket, 'thread:hidden', (e) => e.threadId === own.id, 8000);
    const res = await regular.c.patch(`/api/threads/${own.id}`, { title: 'Shut up you fucking piece of shit' });
    expect(res.status).toBe(200);
    expect((await reader.c.get(`/api/threads/${own.id}`)).status).toBe(404);
    await gone;
    expect(renamed.seen.map((e) => e.thread.title)).not.toContain('Shut up you fucking piece of shit');
    renamed.stop();
  });

  it('holds the same message posted again', async () => {
    const first = await reply(regular, threadId, 'Join our Thursday circle at the community centre!');
    const second = await reply(regular, threadId, 'Join our Thursday circle at the community centre!');
    await eventually(async () => (await statusOf(second.id)) === 'held');
    expect(await statusOf(first.id)).toBe('visible');
  });

  it('holds a burst of posts from one member: the eighth within five minutes, not the ones before', async () => {
    const burster = await signUp(p, 'Bea Burst');
    const posts: Array<{ id: string }> = [];
    for (let i = 1; i <= 8; i++)
      posts.push(await reply(burster, threadId, `Update ${i} from our family resource night, table ${i * 7}.`));
    await eventually(async () => (await statusOf(posts[7]!.id)) === 'held');
    for (const post of posts.slice(0, 7)) expect(await statusOf(post.id)).toBe('visible');
    const reasons = (await mod.c.get(`/api/posts/${posts[7]!.id}/moderation`)).body.moderation.reasons as string[];
    expect(reasons).toContain('burst');
  });
});

describe('thread titles are screened like bodies', () => {
  const listedFor = async (who: Someone, id: string) =>
    ((await who.c.get('/api/threads?limit=50')).body.threads as Array<{ id: string }>).some((t) => t.id === id);

  it('hides a new thread whose title is abusive, with its opening post, from everyone but its author', async () => {
    await resetPostingBudgets(p);
    const category = await categoryId(reader.c, 'introductions');
    const { thread, post } = await newThread(regular, category, 'You fucking bitch, piece of shit', 'Read this.');
    await eventually(async () => (await statusOf(post.id)) === 'hidden');
    expect(await listedFor(reader, thread.id)).toBe(false);
    expect(await listedFor(regular, thread.id)).toBe(true);
    const item = (await mod.c.get(`/api/posts/${post.id}/moderation`)).body.moderation;
    expect(item.reasons).toContain('profanity');
  });

  it('screens a renamed title; only the author or a moderator may rename', async () => {
    await resetPostingBudgets(p);
    const category = await categoryId(reader.c, 'introductions');
    const { thread, post } = await newThread(regular, category, 'Circle time ideas', 'What works for toddlers?');
    await p.runtime.events.settle();
    await completedJob(p.runtime.queues.moderation, `screen-${post.id}`);
    expect(await statusOf(post.id)).toBe('visible');
    expect((await reader.c.patch(`/api/threads/${thread.id}`, { title: 'Hijacked title' })).status).toBe(403);
    expect((await reader.c.patch(`/api/threads/${thread.id}`, { pinned: true })).status).toBe(403);

    const renamed = await regular.c.patch(`/api/threads/${thread.id}`, { title: 'What the fuck is circle time' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.thread.title).toBe('What the fuck is circle time');
    await eventually(async () => (await statusOf(post.id)) === 'held');
    expect(await listedFor(reader, thread.id)).toBe(false);
    expect(await listedFor(regular, thread.id)).toBe(true);
    expect(await listedFor(mod, thread.id)).toBe(true);
  });
});

describe('trust levels', () => {
  it('counts days visited and recomputes levels in the worker', async () => {
    await reader.c.get('/api/auth/me');
    const today = new Date().toISOString().slice(0, 10);
    await eventually(async () => {
      const profile = await ProfileModel.findOne({ memberId: reader.id }).lean();
      return profile?.visitDays.includes(today);
    });
    await ProfileModel.updateOne({ memberId: reader.id }, { $addToSet: { visitDays: '2026-01-01' } });
    await reply(reader, threadId, 'Reader reply one about school readiness.');
    await reply(reader, threadId, 'Reader reply two about home visiting.');
    await p.runtime.queues.moderation.add('trust', { kind: 'trust', memberId: reader.id });
    await eventually(async () => (await ProfileModel.findOne({ memberId: reader.id }).lean())?.trustLevel === 1);
  });
});
