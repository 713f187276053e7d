// Store budgets of the forums' hot paths (README "Store budgets"): store commands per action,
// counted by the store adapter's counters as COMMONS_DB_PROFILE counts them. Counts, not times:
// they are the same on a busy machine as on a quiet one. And the read model they rest on (thread
// pages and category lists, server/src/forums/page-model.ts): a change made by any process
// reaches every page and list.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@commons/server/infra/services/ports';
import { storeCommandsOf, type StoreCounts } from '@commons/server/infra/store/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { childEnv, children, entry, start } from '../support/processes.js';
import { categoryId, newThread, PASSWORD, put, reply, resetPostingBudgets, signUp, type Someone } from './support.js';

/** The budgets of this file; the same figures are in README.md ("Store budgets"). */
export const BUDGET = {
  threadPageFirst: 10,
  threadPageCold: 3,
  threadPageWarm: 0,
  categoryListWarm: 0,
  replyAllIn: 9,
  heldReplyAllIn: 15,
};

const WATCHERS = 10;
let p: TestPlatform;
let author: Someone;
let reader: Someone;
let category: string;
let threadId: string;
const watchers: Someone[] = [];
let mod: Someone | undefined;
const moderator = async () => (mod ??= await signUp(p, 'Budget Moderator', 'moderator'));

/** Waits until every listener, hand-off and queue is idle (the reply's push, screening, fan-out and mail). */
async function settle(): Promise<void> {
  const until = Date.now() + 30_000;
  let idleRounds = 0;
  for (;;) {
    // Listeners still running in the background (live pushes read categories) and hand-offs.
    await p.runtime.events.settle();
    await p.runtime.outbox.settle();
    const counts = await Promise.all(
      Object.values(p.runtime.queues).map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
    );
    const busy = counts.some((c) => Object.values(c).some((n) => n > 0));
    // Twice idle in a row: a job that just finished may be handing over its follow-up.
    if (!busy && ++idleRounds >= 2) return;
    if (busy) idleRounds = 0;
    if (Date.now() > until) throw new Error(`queues still busy: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function counted<T>(what: string, run: () => Promise<T>): Promise<{ result: T; counts: StoreCounts }> {
  const out = await storeCommandsOf(run);
  console.log(`${what}: ${out.counts.total} store commands`, out.counts.byShape);
  return out;
}

const shapes = (c: StoreCounts) => JSON.stringify(c.byShape, null, 1);

/** Store commands of the forums alone (the request's own member and sanction look-ups left out). */
const forumCommands = (c: StoreCounts) =>
  Object.entries(c.byShape)
    .filter(([shape]) => /^\w+ forum_/.test(shape))
    .reduce((n, [, k]) => n + k, 0);

/** Hides a post as a moderator does: a flag, then the item resolved with "hide". */
async function hide(mod: TestClient, postId: string): Promise<void> {
  expect((await mod.post(`/api/posts/${postId}/flags`, { reason: 'spam' })).status).toBe(201);
  const queue = await mod.get('/api/moderation/queue');
  const item = (queue.body.items as Array<{ id: string; postId: string }>).find((i) => i.postId === postId);
  expect(item).toBeDefined();
  const res = await mod.post(`/api/moderation/items/${item!.id}/resolve`, {
    action: 'hide',
    note: 'Off topic.',
    notifyAuthor: false,
  });
  expect(res.status).toBe(200);
}

const idsOf = (body: { posts?: Array<{ id: string }>; threads?: Array<{ id: string }> }) =>
  (body.posts ?? body.threads ?? []).map((x) => x.id);

/** Another server process on the same store and Redis, as behind a load balancer. */
async function otherServer() {
  if (!existsSync(entry.server))
    throw new Error(`Build first: npx tsc -b shared server workers (${entry.server} is missing).`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = start(
    entry.server,
    [],
    childEnv(p, dataDir, { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url }),
    /server listening/,
  );
  await started.ready;
  /** A member signed in there. */
  const signIn = async (who: Someone) => {
    const c = new TestClient(url);
    expect((await c.post('/api/auth/login', { email: who.email, password: PASSWORD })).status).toBe(200);
    return c;
  };
  const stop = async () => {
    started.child.kill('SIGTERM');
    await started.ended;
  };
  return { signIn, stop };
}

beforeAll(async () => {
  p = await startTestPlatform('forum_budgets');
  author = await signUp(p, 'Budget Author');
  reader = await signUp(p, 'Budget Reader');
  for (let i = 0; i < WATCHERS; i++) watchers.push(await signUp(p, `Budget Watcher ${'ABCDEFGHIJ'[i]}`));
  category = await categoryId(author.c, 'equity-tools');
  const started = await newThread(author, category, 'Where the budgets are kept');
  threadId = started.thread.id;
  for (let i = 0; i < 5; i++) await reply(author, threadId, `Reply number ${i} of the budget thread.`);
  for (const w of watchers)
    expect((await put(w.c, `/api/threads/${threadId}/subscription`, { level: 'watching' })).status).toBe(200);
  await settle();
}, 120_000);

const dataDir = mkdtempSync(path.join(tmpdir(), 'commons-budgets-'));

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await p?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('forum store budgets', () => {
  it(`reads a thread page in at most ${BUDGET.threadPageFirst} store commands the first time, ${BUDGET.threadPageCold} cold and ${BUDGET.threadPageWarm} warm`, async () => {
    const read = (what: string) =>
      counted(what, async () => {
        const res = await reader.c.get(`/api/threads/${threadId}`);
        expect(res.status).toBe(200);
        return res.body;
      });
    // A member's first read of a thread just changed: the page and their own marks on it are built.
    // Replies by members who posted little (screening holds a burst from one member).
    await reply(watchers[3]!, threadId, 'A change to the thread before the first read.');
    await settle();
    const first = await read('thread page, first read');
    // The page cold (a reaction dropped it; a reply is added in place); the reader's own marks are kept.
    const change = await reply(watchers[4]!, threadId, 'A change to the thread before the cold read.');
    expect((await put(watchers[5]!.c, `/api/posts/${change.id}/reactions/like`)).status).toBe(200);
    await settle();
    const cold = await read('thread page cold');
    const warm = await read('thread page warm');
    // The same page each time, with the reply.
    expect(first.result.posts).toHaveLength(7);
    expect(cold.result.posts).toHaveLength(8);
    expect(cold.result.posts.at(-1).id).toBe(change.id);
    expect(warm.result).toEqual(cold.result);
    expect(first.counts.total, shapes(first.counts)).toBeLessThanOrEqual(BUDGET.threadPageFirst);
    expect(cold.counts.total, shapes(cold.counts)).toBeLessThanOrEqual(BUDGET.threadPageCold);
    expect(warm.counts.total, shapes(warm.counts)).toBeLessThanOrEqual(BUDGET.threadPageWarm);
  });

  it(`lists a category's threads warm in at most ${BUDGET.categoryListWarm} store commands`, async () => {
    const list = () => reader.c.get(`/api/threads?categoryId=${category}`);
    expect((await list()).status).toBe(200);
    const warm = await counted('category list warm', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      return res.body;
    });
    expect(warm.result.threads.map((t: { id: string }) => t.id)).toContain(threadId);
    expect(warm.counts.total, shapes(warm.counts)).toBeLessThanOrEqual(BUDGET.categoryListWarm);
    expect(forumCommands(warm.counts), shapes(warm.counts)).toBe(0);
  });

  it(`replies, screened and fanned out to ${WATCHERS} watchers, in at most ${BUDGET.replyAllIn} store commands`, async () => {
    await resetPostingBudgets(p);
    const replier = watchers[0]!;
    // A reply before, not counted: the replier's standing and the watchers' channels are kept, as
    // on any thread in use.
    await reply(replier, threadId, 'A reply before the counted one.');
    await settle();
    const all = await counted('reply all-in', async () => {
      const post = await reply(replier, threadId, 'A reply whose whole way is counted.');
      await settle();
      return post;
    });
    // The fan-out ran inside the counted action: every other watcher was told.
    for (const w of [author, ...watchers.slice(1)]) {
      const res = await w.c.get('/api/notifications');
      expect(res.status).toBe(200);
      const about = (res.body.notifications as Array<{ postId?: string | null }>).filter(
        (n) => n.postId === all.result.id,
      );
      expect(about.length, w.name).toBeGreaterThanOrEqual(1);
    }
    // The workers' periodic outbox sweep (every OUTBOX_SWEEP_MS) is nobody's action: on a slow run
    // one may land inside the counted window.
    const sweeps = Object.entries(all.counts.byShape)
      .filter(([shape]) => shape.startsWith('find outbox {createdAt'))
      .reduce((n, [, k]) => n + k, 0);
    expect(all.counts.total - sweeps, shapes(all.counts)).toBeLessThanOrEqual(BUDGET.replyAllIn);
    // The member is read once, for the request: the publishing gate takes the account from it.
    expect(all.counts.byShape['find members {_id} limit'] ?? 0, shapes(all.counts)).toBeLessThanOrEqual(1);
    // The thread and its category come from the thread's kept record, not the store.
    expect(all.counts.byShape['find forum_threads {_id} limit'] ?? 0, shapes(all.counts)).toBe(0);
    // The fan-out, a job, hands its follow-ups straight to their queues: only the reply's own
    // screening goes through the outbox.
    expect(all.counts.byShape['insert outbox x1'] ?? 0, shapes(all.counts)).toBe(1);
  });
});

describe('a reply screening holds back', () => {
  it(`is held and its review item opened (nobody on the live queue to tell) in at most ${BUDGET.heldReplyAllIn} store commands`, async () => {
    await resetPostingBudgets(p);
    // A member of under a day who posts a link: screening holds it for a moderator.
    const newcomer = await signUp(p, 'Budget Newcomer');
    await settle(); // the welcome mail is not the reply's
    const held = await counted('held reply all-in', async () => {
      const post = await reply(newcomer, threadId, 'Our flyer is at https://example.org/flyer for anyone.');
      await settle();
      return post;
    });
    const queue = await (await moderator()).c.get('/api/moderation/queue');
    const item = (queue.body.items as Array<{ postId: string; screening: string[] }>).find(
      (i) => i.postId === held.result.id,
    );
    expect(item?.screening).toEqual(['links_untrusted']);
    expect((await reader.c.get(`/api/posts/${held.result.id}`)).status).toBe(404);
    const sweeps = Object.entries(held.counts.byShape)
      .filter(([shape]) => shape.startsWith('find outbox {createdAt'))
      .reduce((n, [, k]) => n + k, 0);
    expect(held.counts.total - sweeps, shapes(held.counts)).toBeLessThanOrEqual(BUDGET.heldReplyAllIn);
    // The thread's marks take the one post: no read of the thread's held or hidden posts, nor of
    // quotes of a post nobody could quote, both of which grew with the thread.
    expect(
      Object.keys(held.counts.byShape).filter((shape) => shape.startsWith('find forum_posts {threadId')),
      shapes(held.counts),
    ).toEqual([]);
    // Written whole in one command, not opened, stamped and re-prioritised in seven; and with no
    // moderator on the live queue, not read back to be presented to nobody.
    expect(held.counts.byCollection.moderation_items, shapes(held.counts)).toEqual({ reads: 0, writes: 1 });

    // The thread's kept record took the new marks in place: the next reply reads neither the
    // thread nor its category again, and still counts within the reply's budget.
    const next = await counted('reply after a hold', async () => {
      const post = await reply(watchers[4]!, threadId, 'A reply right after one that was held.');
      await settle();
      return post;
    });
    expect(next.counts.byShape['find forum_threads {_id} limit'] ?? 0, shapes(next.counts)).toBe(0);
    expect(
      Object.keys(next.counts.byShape).filter((shape) => shape.startsWith('find forum_categories')),
      shapes(next.counts),
    ).toEqual([]);
  });
});

describe('thread page read model', () => {
  it('drops a hidden post from the cached page at once, whichever process hid it', async () => {
    await resetPostingBudgets(p);
    const mod = await moderator();
    const writer = watchers[1]!;
    const { thread, post: opening } = await newThread(watchers[2]!, category, 'A thread read from the model');
    const near = await reply(writer, thread.id, 'A reply that a moderator here will hide.');
    const far = await reply(writer, thread.id, 'A reply that a moderator on another process will hide.');
    await settle();

    const other = otherServer();

    const read = async () => {
      const { result, counts } = await storeCommandsOf(() => reader.c.get(`/api/threads/${thread.id}`));
      expect(result.status).toBe(200);
      return { body: result.body, forum: forumCommands(counts), shapes: shapes(counts) };
    };
    const first = await read();
    expect(idsOf(first.body)).toEqual([opening.id, near.id, far.id]);
    const warm = await read();
    expect(warm.forum, warm.shapes).toBe(0);

    // Hidden here: the next read, with no wait, is without it.
    await hide(mod.c, near.id);
    const afterNear = await read();
    expect(idsOf(afterNear.body)).not.toContain(near.id);
    expect(idsOf(afterNear.body)).toContain(far.id);
    // Cached again, and still without it.
    const again = await read();
    expect(again.forum, again.shapes).toBe(0);
    expect(idsOf(again.body)).not.toContain(near.id);
    // Its author and the moderators still see it (from the store).
    expect(idsOf((await writer.c.get(`/api/threads/${thread.id}`)).body)).toContain(near.id);
    expect(idsOf((await mod.c.get(`/api/threads/${thread.id}`)).body)).toContain(near.id);

    // Hidden by the other process: this one's next read is without it too.
    const otherMod = await (await other).signIn(mod);
    await hide(otherMod, far.id);
    const afterFar = await read();
    expect(idsOf(afterFar.body)).not.toContain(far.id);
    expect(idsOf(afterFar.body)).not.toContain(near.id);
    await (await other).stop();
  }, 120_000);
});

describe('a reply on a kept thread page and list', () => {
  it('is added to the warm page and list without building them again, and the page stays right when a hide races a reply', async () => {
    await resetPostingBudgets(p);
    const m = await moderator();
    const { thread, post: opening } = await newThread(watchers[2]!, category, 'A thread that grows in place');
    const early = await reply(watchers[3]!, thread.id, 'An early reply that a moderator will hide.');
    await settle();
    const read = async () => {
      const { result, counts } = await storeCommandsOf(() => reader.c.get(`/api/threads/${thread.id}`));
      expect(result.status).toBe(200);
      return { body: result.body, total: counts.total, forum: forumCommands(counts), shapes: shapes(counts) };
    };
    const listUrl = `/api/threads?categoryId=${category}&limit=50`;
    const list = async () => {
      const { result, counts } = await storeCommandsOf(() => reader.c.get(listUrl));
      expect(result.status).toBe(200);
      return { body: result.body, forum: forumCommands(counts), shapes: shapes(counts) };
    };
    await read();
    expect((await read()).forum).toBe(0);
    await list();
    expect((await list()).forum).toBe(0);

    const added = await reply(watchers[4]!, thread.id, 'A reply added to the page in place.');
    await settle();
    // The thread moved up its category's kept list in place too.
    const listed = await list();
    expect(listed.forum, listed.shapes).toBe(0);
    expect(listed.body.threads[0]).toMatchObject({ id: thread.id, postCount: 3, lastSeq: 3 });
    const storeList = (await m.c.get(listUrl)).body.threads as Array<Record<string, unknown>>;
    const same = (t: Record<string, unknown>) => {
      const { lastReadSeq, unreadCount, subscription, ...rest } = t;
      void [lastReadSeq, unreadCount, subscription];
      return rest;
    };
    expect(listed.body.threads.map(same)).toEqual(
      storeList.filter((t) => idsOf(listed.body).includes(t.id as string)).map(same),
    );
    const after = await read();
    expect(idsOf(after.body)).toEqual([opening.id, early.id, added.id]);
    expect(after.forum, after.shapes).toBe(0);
    expect(after.total, after.shapes).toBeLessThanOrEqual(BUDGET.threadPageWarm);
    expect(after.body.thread).toMatchObject({ lastSeq: 3, postCount: 3, lastPoster: { id: watchers[4]!.id } });
    // The page as the store builds it (a moderator's is read from the store): the same posts and counts.
    const fromStore = (await m.c.get(`/api/threads/${thread.id}`)).body;
    expect(after.body.posts).toEqual(fromStore.posts);
    expect(same(after.body.thread)).toEqual(same(fromStore.thread));

    // A hide racing a reply, in whatever order they land: the page then has the reply and not the hidden post.
    const [raced] = await Promise.all([
      reply(watchers[5]!, thread.id, 'A reply racing a moderator’s hide.'),
      hide(m.c, early.id),
    ]);
    const final = await read();
    expect(idsOf(final.body)).toEqual([opening.id, added.id, raced.id]);
    const again = await read();
    expect(again.forum, again.shapes).toBe(0);
    expect(again.body).toEqual(final.body);
  }, 60_000);
});

describe("a reply reads its thread's kept record", () => {
  const threadReads = (c: StoreCounts) =>
    Object.entries(c.byShape)
      .filter(([shape]) => /^find forum_(threads|categories) /.test(shape))
      .reduce((n, [, k]) => n + k, 0);
  const replyTo = (who: Someone, id: string, body: string) => who.c.post(`/api/threads/${id}/posts`, { body });

  it('without reading the thread again, and is refused at once when any process hides the thread', async () => {
    await resetPostingBudgets(p);
    const m = await moderator();
    const { thread, post: opening } = await newThread(watchers[7]!, category, 'A thread whose record replies read');
    await reply(watchers[8]!, thread.id, 'The first reply keeps the record.');
    const second = await storeCommandsOf(() => replyTo(watchers[8]!, thread.id, 'The second reads it.'));
    expect(second.result.status).toBe(201);
    expect(threadReads(second.counts), shapes(second.counts)).toBe(0);

    // Hidden by another process: the record is dropped with the page, and the rule refuses.
    const other = await otherServer();
    try {
      await hide(await other.signIn(m), opening.id);
    } finally {
      await other.stop();
    }
    const refused = await replyTo(watchers[9]!, thread.id, 'A reply to a thread hidden meanwhile.');
    expect(refused.status).toBe(404);
    // Its author may still write in it: the record built again from the store says hidden.
    expect((await replyTo(watchers[7]!, thread.id, 'The author still may.')).status).toBe(201);
  }, 120_000);
});

describe('category list read model', () => {
  const listOf = async (c: TestClient, cat = category) => {
    const { result, counts } = await storeCommandsOf(() => c.get(`/api/threads?categoryId=${cat}`));
    expect(result.status).toBe(200);
    return { body: result.body, forum: forumCommands(counts), shapes: shapes(counts) };
  };
  /** A kept list's read takes nothing of the forums from the store (what it took, should it fail). */
  const expectKept = (read: { forum: number; shapes: string }) => expect(read.forum, read.shapes).toBe(0);
  const inList = (body: { threads: Array<{ id: string }> }, id: string) =>
    body.threads.find((t) => t.id === id) as { id: string; categoryId: string; unreadCount: number } | undefined;

  it('shows a moved thread in the list it moved to, and no longer in the one it left', async () => {
    await resetPostingBudgets(p);
    const m = await moderator();
    const elsewhere = await categoryId(author.c, 'sustainability');
    const { thread } = await newThread(watchers[6]!, category, 'A thread that moves to sustainability');
    await settle(); // its screening, which may write its counts, done before the lists are kept
    expect(inList((await listOf(reader.c)).body, thread.id)).toBeDefined();
    expect(inList((await listOf(reader.c, elsewhere)).body, thread.id)).toBeUndefined();
    // Both lists kept.
    for (const cat of [category, elsewhere]) expectKept(await listOf(reader.c, cat));

    expect((await m.c.patch(`/api/threads/${thread.id}`, { categoryId: elsewhere })).status).toBe(200);
    expect(inList((await listOf(reader.c)).body, thread.id)).toBeUndefined();
    expect(inList((await listOf(reader.c, elsewhere)).body, thread.id)).toMatchObject({ categoryId: elsewhere });

    expect((await m.c.patch(`/api/threads/${thread.id}`, { categoryId: category })).status).toBe(200);
    expect(inList((await listOf(reader.c)).body, thread.id)).toMatchObject({ categoryId: category });
    expect(inList((await listOf(reader.c, elsewhere)).body, thread.id)).toBeUndefined();
  });

  it('keeps a private coalition’s category list from everyone outside it', async () => {
    const created = await author.c.post('/api/coalitions', {
      name: 'Budget Circle',
      joinPolicy: 'request',
      visibility: 'private',
    });
    expect(created.status).toBe(201);
    const coalitionId: string = created.body.coalition.id;
    const made = await author.c.post('/api/categories', { name: 'Circle plans', coalitionId });
    expect(made.status).toBe(201);
    const circle: string = made.body.category.id;
    const { thread } = await newThread(author, circle, 'Circle plans for the autumn');
    const member = watchers[9]!;
    await member.c.post(`/api/coalitions/${coalitionId}/membership`);
    await author.c.post(`/api/coalitions/${coalitionId}/requests/${member.id}`, { decision: 'approve' });

    // Kept once read: the member's next read takes nothing of the forums from the store.
    expect(idsOf((await listOf(member.c, circle)).body)).toEqual([thread.id]);
    expectKept(await listOf(member.c, circle));
    // Nobody outside gets it: a member of no coalition, a visitor.
    const url = `/api/threads?categoryId=${circle}`;
    expect((await reader.c.get(url)).status).toBe(404);
    expect((await new TestClient(p.url).get(url)).status).toBe(404);
    // Nor the member once they left.
    expect((await member.c.request('DELETE', `/api/coalitions/${coalitionId}/membership`)).status).toBeLessThan(300);
    expect((await member.c.get(url)).status).toBe(404);
    expect(idsOf((await listOf(author.c, circle)).body)).toEqual([thread.id]);
  });

  it('drops a hidden thread and a hidden reply from the kept lists at once, whichever process hid them', async () => {
    await resetPostingBudgets(p);
    const m = await moderator();
    const { thread: gone, post: goneOpening } = await newThread(watchers[7]!, category, 'A listed thread hidden here');
    const { thread: kept } = await newThread(watchers[8]!, category, 'A listed thread with a reply hidden elsewhere');
    const hidden = await reply(watchers[1]!, kept.id, 'Off-topic words in a listed thread, hidden from elsewhere.');
    await reply(watchers[6]!, kept.id, 'A reply to the listed thread that stays.');
    await settle();

    const first = await listOf(reader.c);
    expect(inList(first.body, gone.id)).toBeDefined();
    expect(inList(first.body, kept.id)).toMatchObject({ unreadCount: 3 });
    expectKept(await listOf(reader.c));

    const other = await otherServer();
    try {
      const [readerThere, modThere] = [await other.signIn(reader), await other.signIn(m)];
      const there = async () => (await readerThere.get(`/api/threads?categoryId=${category}`)).body;
      expect(inList(await there(), gone.id)).toBeDefined();

      // The thread hidden here: gone from this process's next read and the other's.
      await hide(m.c, goneOpening.id);
      expect(inList((await listOf(reader.c)).body, gone.id)).toBeUndefined();
      expect(inList(await there(), gone.id)).toBeUndefined();
      // Its author still has it listed (from the store).
      expect(inList((await listOf(watchers[7]!.c)).body, gone.id)).toBeDefined();

      // The reply hidden there: it no longer counts as unread here, nor there.
      await hide(modThere, hidden.id);
      expect(inList((await listOf(reader.c)).body, kept.id)).toMatchObject({ unreadCount: 2 });
      expect(inList(await there(), kept.id)).toMatchObject({ unreadCount: 2 });
      // And kept again.
      expectKept(await listOf(reader.c));
    } finally {
      await other.stop();
    }
  }, 120_000);
});
