import { createMailService } from '@commons/server/mail/service';
import { startMailWorker } from '@commons/workers/mail.worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { collectEvents, eventually, nextEvent, setProfile, socketFor, type ClientSocket } from './support.js';

let p: TestPlatform;
let author: Someone;
let reader: Someone;
let f1: Someone;
let f2: Someone;
let f3: Someone;
let mod: Someone;
let mod2: Someone;
let admin: Someone;
let category: string;
let threadId: string;
const sockets: ClientSocket[] = [];
let mailWorker: ReturnType<typeof startMailWorker> | undefined;

beforeAll(async () => {
  // Screening is covered in screening.test.ts; here only the mail worker runs, so the many
  // test posts of one author are not held as a burst.
  p = await startTestPlatform('moderation-flags', { workers: false });
  const site = { name: 'Commons', url: p.url };
  mailWorker = startMailWorker(p.runtime, createMailService({ mailer: p.runtime.mailer, site, log: p.runtime.log }));
  [author, reader, f1, f2, f3, mod, mod2, admin] = await Promise.all([
    signUp(p, 'Ana Author'),
    signUp(p, 'Rita Reader'),
    signUp(p, 'Fay One'),
    signUp(p, 'Finn Two'),
    signUp(p, 'Flo Three'),
    signUp(p, 'Mona Mod', 'moderator'),
    signUp(p, 'Milo Mod', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);
  category = await categoryId(author.c, 'introductions');
  threadId = (await newThread(author, category, 'Flags thread', 'Welcome to the flags thread everyone.')).thread.id;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await mailWorker?.close();
  await p?.close();
});

let n = 0;
async function post(body = `A perfectly ordinary reply number ${++n} about parenting.`) {
  await resetPostingBudgets(p);
  return reply(author, threadId, body);
}
const visibleTo = async (who: Someone, postId: string) => (await who.c.get(`/api/posts/${postId}`)).status === 200;
async function itemFor(postId: string) {
  const res = await mod.c.get('/api/moderation/queue');
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ id: string; postId: string }>).find((i) => i.postId === postId);
}

describe('flagging', () => {
  it('validates the reason, refuses my own post and a second flag by the same member', async () => {
    const target = await post();
    expect((await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'rude' })).status).toBe(400);
    expect((await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam', $where: '1' })).status).toBe(400);
    const own = await author.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    expect(own.status).toBe(403);
    const first = await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam', note: 'selling things' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ flagged: true, postStatus: 'visible' });
    const again = await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect((await f1.c.post('/api/posts/0123456789abcdef01234567/flags', { reason: 'spam' })).status).toBe(404);
  });

  it('hides a post when open flag weight reaches the threshold, weighted by trust', async () => {
    const target = await post();
    await setProfile(f1, { trustLevel: 3, flagsUpheld: 0, flagsRejected: 0 }); // weight 2
    await setProfile(f2, { trustLevel: 0, flagsUpheld: 0, flagsRejected: 0 }); // weight 0.5
    await setProfile(f3, { trustLevel: 1, flagsUpheld: 0, flagsRejected: 0 }); // weight 1
    const readerSocket = await socketFor(p.url, reader, sockets);
    const joined = await readerSocket.emitWithAck('thread:join', { threadId });
    expect(joined.ok).toBe(true);

    expect((await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'harassment' })).body.postStatus).toBe(
      'visible',
    );
    expect((await f2.c.post(`/api/posts/${target.id}/flags`, { reason: 'harassment' })).body.postStatus).toBe(
      'visible',
    );
    const hidden = nextEvent(readerSocket, 'post:hidden', (e) => e.postId === target.id);
    const authorSocket = await socketFor(p.url, author, sockets);
    const told = nextEvent(authorSocket, 'post:hidden', (e) => e.postId === target.id && Boolean(e.reasons));
    const third = await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'off_topic', note: 'rude' });
    expect(third.body.postStatus).toBe('hidden');
    expect(await hidden).toEqual({ threadId, postId: target.id, status: 'hidden' });
    // The author learns why, on their own room.
    expect((await told).reasons?.sort()).toEqual(['harassment', 'off_topic']);

    expect(await visibleTo(reader, target.id)).toBe(false);
    expect(await visibleTo(author, target.id)).toBe(true);
    expect(await visibleTo(mod, target.id)).toBe(true);
    const thread = await reader.c.get(`/api/threads/${threadId}`);
    expect(thread.body.posts.map((x: { id: string }) => x.id)).not.toContain(target.id);

    const item = await itemFor(target.id);
    expect(item).toMatchObject({
      state: 'open',
      postStatus: 'hidden',
      openWeight: 3.5,
      reasons: { harassment: 2, off_topic: 1 },
      author: { id: author.id, displayName: 'Ana Author' },
    });
    expect((item as unknown as { flags: Array<{ note: string }> }).flags.map((f) => f.note)).toContain('rude');

    const why = await author.c.get(`/api/posts/${target.id}/moderation`);
    expect(why.status).toBe(200);
    expect(why.body.moderation).toMatchObject({ status: 'hidden', canAppeal: true });
    expect(why.body.moderation.reasons.sort()).toEqual(['harassment', 'off_topic']);
    expect((await reader.c.get(`/api/posts/${target.id}/moderation`)).status).toBe(404);
  });

  it('weighs flaggers whose flags were rejected less', async () => {
    await setProfile(f1, { trustLevel: 1, flagsUpheld: 0, flagsRejected: 6 });
    const target = await post();
    await f1.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    const item = await itemFor(target.id);
    expect((item as unknown as { openWeight: number }).openWeight).toBeLessThan(0.5);
  });

  it('lets one moderator flag hide a post at once', async () => {
    const target = await post();
    const res = await mod.c.post(`/api/posts/${target.id}/flags`, { reason: 'misinformation' });
    expect(res.body.postStatus).toBe('hidden');
  });

  it('hides child-safety flags at once, puts them on top and mails every moderator', async () => {
    await post();
    const target = await post();
    await setProfile(f2, { trustLevel: 1, flagsUpheld: 0, flagsRejected: 0 });
    const res = await f2.c.post(`/api/posts/${target.id}/flags`, { reason: 'child_safety', note: 'names a child' });
    expect(res.body.postStatus).toBe('hidden');
    const queue = await mod.c.get('/api/moderation/queue');
    expect(queue.body.items[0].postId).toBe(target.id);
    const mails = await eventually(async () => {
      const got = p.sink.mails().filter((m) => /child may be at risk/.test(m.subject));
      return got.length >= 3 ? got : undefined;
    });
    const to = mails.flatMap((m) => m.envelope.to).join(' ');
    for (const who of [mod, mod2, admin]) expect(to).toContain(who.email);
  });

  it('weighs a child-safety report by its reporter: a new or often-wrong one alone alerts but does not hide', async () => {
    const fresh = await signUp(p, 'Nia New');
    const target = await post();
    const first = await fresh.c.post(`/api/posts/${target.id}/flags`, { reason: 'child_safety' });
    expect(first.status).toBe(201);
    expect(first.body.postStatus).toBe('visible');
    const item = await itemFor(target.id);
    expect(item).toMatchObject({ priority: 1000, openReports: 1 });
    // A second new member's report makes it enough.
    const second = await signUp(p, 'Noa New');
    expect((await second.c.post(`/api/posts/${target.id}/flags`, { reason: 'child_safety' })).body.postStatus).toBe(
      'hidden',
    );
    // A trusted member whose reports were mostly rejected weighs too little alone.
    await setProfile(f3, { trustLevel: 1, flagsUpheld: 0, flagsRejected: 6 });
    const other = await post();
    expect((await f3.c.post(`/api/posts/${other.id}/flags`, { reason: 'child_safety' })).body.postStatus).toBe(
      'visible',
    );
  });

  it('lets one reporter hide at most three posts a day on their own child-safety reports', async () => {
    const zoe = await signUp(p, 'Zoe Zealous');
    await setProfile(zoe, { trustLevel: 2, flagsUpheld: 0, flagsRejected: 0 });
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const target = await post();
      statuses.push((await zoe.c.post(`/api/posts/${target.id}/flags`, { reason: 'child_safety' })).body.postStatus);
    }
    expect(statuses).toEqual(['hidden', 'hidden', 'hidden', 'visible']);
  });

  it('answers a post of a private coalition the reporter cannot read exactly like a missing one, hiding nothing', async () => {
    const coalition = await author.c.post('/api/coalitions', {
      name: 'Quiet Grove Parents',
      joinPolicy: 'request',
      visibility: 'private',
    });
    expect(coalition.status).toBe(201);
    const privateCategory = await author.c.post('/api/categories', {
      name: 'Private planning',
      coalitionId: coalition.body.coalition.id,
    });
    expect(privateCategory.status).toBe(201);
    await resetPostingBudgets(p);
    const { post: secret } = await newThread(author, privateCategory.body.category.id, 'Private plans', 'Only us.');
    await setProfile(f1, { trustLevel: 3, flagsUpheld: 5, flagsRejected: 0 });
    const missing = await f1.c.post('/api/posts/0123456789abcdef01234567/flags', { reason: 'child_safety' });
    const hidden = await f1.c.post(`/api/posts/${secret.id}/flags`, { reason: 'child_safety' });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toEqual({ ...missing.body.error, requestId: hidden.body.error.requestId });
    expect((await author.c.get(`/api/posts/${secret.id}`)).body.post.status ?? 'visible').toBe('visible');
    expect(await itemFor(secret.id)).toBeUndefined();
  });

  it('rate-limits flagging', async () => {
    const limited = await signUp(p, 'Lim Flagger');
    const target = await post();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await limited.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' })).status);
    expect(statuses[0]).toBe(201);
    expect(statuses.slice(1, 20).every((s) => s === 409)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('review queue', () => {
  it('is for moderators and admins only', async () => {
    for (const who of [author, reader]) {
      expect((await who.c.get('/api/moderation/queue')).status).toBe(403);
      expect((await who.c.get('/api/moderation/audit')).status).toBe(403);
    }
    expect((await p.client().get('/api/moderation/queue')).status).toBe(401);
    expect((await mod.c.get('/api/moderation/queue')).status).toBe(200);
    expect((await admin.c.get('/api/moderation/queue')).status).toBe(200);
    const target = await post();
    await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    const item = await itemFor(target.id);
    const body = { action: 'hide', note: 'spam', notifyAuthor: false };
    expect((await reader.c.post(`/api/moderation/items/${item!.id}/claim`)).status).toBe(403);
    expect((await reader.c.post(`/api/moderation/items/${item!.id}/resolve`, body)).status).toBe(403);
    expect((await reader.c.post('/api/moderation/items/resolve', { ...body, itemIds: [item!.id] })).status).toBe(403);
  });

  it('streams items live to the moderators room', async () => {
    const modSocket = await socketFor(p.url, mod, sockets);
    const target = await post();
    const live = nextEvent(modSocket, 'moderation:item', (e) => e.item.postId === target.id);
    await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'privacy', note: 'address shown' });
    const { item } = await live;
    expect(item.reasons).toEqual({ privacy: 1 });
    const readerSocket = await socketFor(p.url, reader, sockets);
    const leak = collectEvents(readerSocket, 'moderation:item');
    const seen = nextEvent(modSocket, 'moderation:item', (e) => e.item.postId === target.id);
    await f2.c.post(`/api/posts/${target.id}/flags`, { reason: 'privacy' });
    // The moderators' copy arriving shows the item went out; the reader's socket had as long.
    await seen;
    await new Promise((r) => setTimeout(r, 300));
    leak.stop();
    expect(leak.seen).toEqual([]);
  });

  it('lets exactly one of many simultaneous decisions on an item through', async () => {
    const target = await post();
    await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    const item = await itemFor(target.id);
    const deciders = [mod, mod2, admin, mod, mod2, admin];
    const results = await Promise.all(
      deciders.map((who, i) =>
        who.c.post(`/api/moderation/items/${item!.id}/resolve`, {
          action: i % 2 ? 'keep' : 'hide',
          note: `decision ${i}`,
          notifyAuthor: false,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(deciders.length - 1);
  });

  it('lets the first of two concurrent resolutions win; the second gets 409', async () => {
    const target = await post();
    await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    const item = await itemFor(target.id);
    const [a, b] = await Promise.all([
      mod.c.post(`/api/moderation/items/${item!.id}/resolve`, { action: 'hide', note: 'spam', notifyAuthor: true }),
      mod2.c.post(`/api/moderation/items/${item!.id}/resolve`, { action: 'keep', note: 'fine', notifyAuthor: false }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body.error.code).toBe('conflict');
    expect(winner.body.item.state).toBe('resolved');
    const again = await admin.c.post(`/api/moderation/items/${item!.id}/resolve`, {
      action: 'delete',
      note: 'late',
      notifyAuthor: false,
    });
    expect(again.status).toBe(409);
  });

  it('a claim keeps other moderators off the item', async () => {
    const target = await post();
    await f3.c.post(`/api/posts/${target.id}/flags`, { reason: 'spam' });
    const item = await itemFor(target.id);
    const claim = await mod.c.post(`/api/moderation/items/${item!.id}/claim`);
    expect(claim.status).toBe(200);
    expect(claim.body.item.claimedBy.id).toBe(mod.id);
    expect((await mod2.c.post(`/api/moderation/items/${item!.id}/claim`)).status).toBe(409);
    const other = await mod2.c.post(`/api/moderation/items/${item!.id}/resolve`, {
      action: 'keep',
      note: 'x',
      notifyAuthor: false,
    });
    expect(other.status).toBe(409);
    const own = await mod.c.post(`/api/moderation/items/${item!.id}/resolve`, {
      action: 'keep',
      note: 'It is fine.',
      notifyAuthor: false,
    });
    expect(own.status).toBe(200);
    expect(own.body.item.resolution).toMatchObject({ action: 'keep', note: 'It is fine.', by: { id: mod.id } });
  });

  it('keeps, hides and deletes, updating flagger accuracy; bulk resolve reports each item', async () => {
    const kept = await post();
    const deleted = await post();
    await f1.c.post(`/api/posts/${kept.id}/flags`, { reason: 'spam' });
    await mod.c.post(`/api/posts/${deleted.id}/flags`, { reason: 'spam' });
    const [k, d] = [await itemFor(kept.id), await itemFor(deleted.id)];
    const res = await mod.c.post('/api/moderation/items/resolve', {
      itemIds: [k!.id, d!.id, '0123456789abcdef01234567'],
      action: 'delete',
      note: 'Advertising.',
      notifyAuthor: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    expect(res.body.results[2].code).toBe('not_found');
    const gone = await mod.c.get(`/api/posts/${deleted.id}`);
    expect(gone.body.post.deleted).toBe(true);
    const queue = await mod.c.get('/api/moderation/queue?state=resolved');
    const resolved = queue.body.items.find((i: { postId: string }) => i.postId === deleted.id);
    expect(resolved.postBody).toMatch(/ordinary reply/);
  });
});

describe('appeals and audit', () => {
  it('lets the author appeal once, which returns the item to the queue', async () => {
    const target = await post();
    await mod.c.post(`/api/posts/${target.id}/flags`, { reason: 'off_topic' });
    const item = await itemFor(target.id);
    const authorSocket = await socketFor(p.url, author, sockets);
    const notice = nextEvent(authorSocket, 'moderation:notice', (e) => e.postId === target.id);
    await mod.c.post(`/api/moderation/items/${item!.id}/resolve`, {
      action: 'hide',
      note: 'Off topic here.',
      notifyAuthor: true,
    });
    expect(await notice).toEqual({ kind: 'post_hidden', reason: 'Off topic here.', postId: target.id });
    expect(await itemFor(target.id)).toBeUndefined();
    const why = await author.c.get(`/api/posts/${target.id}/moderation`);
    expect(why.body.moderation).toMatchObject({ status: 'hidden', note: 'Off topic here.', canAppeal: true });
    expect((await reader.c.post(`/api/posts/${target.id}/appeal`, { reason: 'mine!' })).status).toBe(404);
    const appeal = await author.c.post(`/api/posts/${target.id}/appeal`, { reason: 'It answers the question.' });
    expect(appeal.status).toBe(201);
    expect(appeal.body.moderation).toMatchObject({ canAppeal: false, appeal: { reason: 'It answers the question.' } });
    const back = await itemFor(target.id);
    expect(back).toMatchObject({ state: 'open', appeal: { reason: 'It answers the question.' } });
    const twice = await author.c.post(`/api/posts/${target.id}/appeal`, { reason: 'Please?' });
    expect(twice.status).toBe(409);
    const kept = await mod2.c.post(`/api/moderation/items/${back!.id}/resolve`, {
      action: 'keep',
      note: 'Fair point.',
      notifyAuthor: true,
    });
    expect(kept.status).toBe(200);
    expect(await visibleTo(reader, target.id)).toBe(true);
    const visible = await author.c.post(`/api/posts/${target.id}/appeal`, { reason: 'again' });
    expect(visible.status).toBe(409);
  });

  it('records every moderator action with who, what, when and why, filterable', async () => {
    const all = await admin.c.get('/api/moderation/audit');
    expect(all.status).toBe(200);
    const actions = new Set(all.body.entries.map((e: { action: string }) => e.action));
    // The private category made above is an administrator's change, in the same log.
    expect(actions).toEqual(new Set(['item.claim', 'item.resolve', 'flag.create_moderator', 'category.create']));
    const mine = await admin.c.get(`/api/moderation/audit?actorId=${mod.id}&action=item.resolve`);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    for (const e of mine.body.entries) {
      expect(e.actor.id).toBe(mod.id);
      expect(e.action).toBe('item.resolve');
      expect(e.reason.length).toBeGreaterThan(0);
      expect(Date.parse(e.at)).not.toBeNaN();
      expect(['keep', 'hide', 'delete']).toContain(e.details.action);
    }
    expect((await admin.c.get('/api/moderation/audit?action=nope')).status).toBe(400);
  });
});
