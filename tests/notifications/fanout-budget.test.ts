// The fan-out of a new post costs the same few store commands whatever the number of watchers
// (README "Store budgets"): counted on the fan-out job alone, at 10 and at 50 watchers, on a
// thread in use (a reply before, not counted, keeps the watchers' channels and counts in Redis).
import { queueNames } from '@commons/shared';
import { storeCommandsOf, type StoreCounts } from '@commons/server/infra/store/index';
import { PostModel } from '@commons/server/forums/model';
import { NotificationModel } from '@commons/server/notifications/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  categoryId,
  dropRedisKeys,
  newThread,
  put,
  reply,
  resetPostingBudgets,
  signUp,
  type Someone,
} from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Store commands of one post's fan-out, whatever the number of watchers: the post's state now (1;
 * its body, thread and category come with the job), the thread's opening post's state with it
 * when the thread's page is not kept in Redis (1 more on FerretDB, whose `$in` is one query per
 * id), the thread's groups (1) and their write (1, or 2 when some members get a new group and
 * others join one), the states of the groups' earlier posts (1). Who watches the thread and who
 * blocked the author are kept in Redis by the forums and moderation (0 once kept; 3 and 1
 * before). Roles are read only where a post, thread or category is closed to some (the few staff
 * rows).
 */
export const FANOUT_BUDGET = 5;

/** The outbox's periodic sweep runs in this process too, whenever it is due: not the fan-out's. */
const fanoutCommands = (c: StoreCounts) =>
  Object.entries(c.byShape)
    .filter(([shape]) => !shape.startsWith('find outbox '))
    .reduce((n, [, k]) => n + k, 0);

let p: TestPlatform;
let category: string;
const cast: Someone[] = [];

/** The registration and posting limits' counters go (this file signs up 60 members). */
const dropKeys = (pattern: string) => dropRedisKeys(p, pattern);

/** Waits until every hand-off and queue is idle; Redis only. */
async function settle(): Promise<void> {
  const until = Date.now() + 60_000;
  let idleRounds = 0;
  for (;;) {
    await p.runtime.outbox.settle();
    const counts = await Promise.all(
      Object.values(p.runtime.queues).map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
    );
    // A paused queue's jobs wait for the count to begin.
    const busy = counts.some((c) => Object.entries(c).some(([state, n]) => state !== 'paused' && n > 0));
    if (!busy && ++idleRounds >= 2) return;
    if (busy) idleRounds = 0;
    if (Date.now() > until) throw new Error(`queues still busy: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Names in letters only (the test's addresses are made from them). */
const letters = (n: number) => [...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('');

async function member(name: string): Promise<Someone> {
  if (cast.length % 15 === 14) await dropKeys(`${p.runtime.config.REDIS_PREFIX}:rl:*`);
  const m = await signUp(p, name);
  cast.push(m);
  return m;
}

/**
 * A thread with `n` watchers besides its author; a reply by someone else fanned out before (not
 * counted), then a second reply whose fan-out job alone is counted. Returns the counts and who
 * was told of the counted reply.
 */
interface Fanned {
  counts: StoreCounts;
  told: number;
  watchers: Someone[];
  threadId: string;
  postId: string;
  replierId: string;
}

async function fanoutOf(n: number): Promise<Fanned> {
  const author = await member(`Fanout Author ${letters(n)}`);
  const replier = await member(`Fanout Replier ${letters(n)}`);
  const watchers: Someone[] = [];
  for (let i = 0; i < n; i++) watchers.push(await member(`Fanout Watcher ${letters(n)} ${letters(i)}`));
  const { thread } = await newThread(author, category, `A thread with ${n} watchers`);
  for (const w of watchers)
    expect((await put(w.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' })).status).toBe(200);
  await resetPostingBudgets(p);
  await reply(replier, thread.id, `A reply before the counted one, ${n} watchers.`);
  await settle();
  // The counted reply waits in its queue until the count begins: screening and the API are not counted.
  const queue = p.runtime.queues[queueNames.notifications];
  await queue.pause();
  const post = await reply(replier, thread.id, `The reply whose fan-out is counted, ${n} watchers.`);
  await settle();
  const { counts } = await storeCommandsOf(async () => {
    await queue.resume();
    await settle();
  });
  console.log(`fan-out to ${n} watchers: ${counts.total} store commands`, counts.byShape);
  let told = 0;
  for (const w of [author, ...watchers]) {
    const res = await w.c.get('/api/notifications');
    expect(res.status, res.text).toBe(200);
    const about = (res.body.notifications as Array<{ postId?: string | null }>).filter((x) => x.postId === post.id);
    if (about.length > 0) told++;
  }
  return { counts, told, watchers, threadId: thread.id, postId: post.id, replierId: replier.id };
}

beforeAll(async () => {
  p = await startTestPlatform('fanout_budget');
  const first = await member('Fanout Category Reader');
  category = await categoryId(first.c, 'equity-tools');
}, 60_000);

afterAll(async () => {
  await p?.close();
});

let ten: Fanned;

describe('fan-out store budget', () => {
  it(`fans a reply out to 10 and to 50 watchers in the same number of store commands, at most ${FANOUT_BUDGET}`, async () => {
    ten = await fanoutOf(10);
    const fifty = await fanoutOf(50);
    // Everyone was told (the thread's author and every watcher).
    expect(ten.told).toBe(11);
    expect(fifty.told).toBe(51);
    const shapes = (c: StoreCounts) => JSON.stringify(c.byShape, null, 1);
    expect(fanoutCommands(fifty.counts), `10: ${shapes(ten.counts)}\n50: ${shapes(fifty.counts)}`).toBe(
      fanoutCommands(ten.counts),
    );
    expect(fanoutCommands(ten.counts), shapes(ten.counts)).toBeLessThanOrEqual(FANOUT_BUDGET);
  }, 300_000);
});

describe('fan-out of a post hidden since it was screened', () => {
  it('tells nobody, though the job carries the post, its thread and category', async () => {
    const queue = p.runtime.queues[queueNames.notifications];
    await resetPostingBudgets(p);
    await queue.pause();
    const replier = cast.find((m) => m.id === ten.replierId)!;
    const post = await reply(replier, ten.threadId, 'A reply hidden before its fan-out runs.');
    await settle();
    // A moderator hid it while its fan-out waited (the store as moderation leaves it).
    await PostModel.updateOne({ _id: new Types.ObjectId(post.id) }, { $set: { status: 'hidden' } });
    await queue.resume();
    await settle();
    for (const w of ten.watchers)
      expect(await NotificationModel.countDocuments({ memberId: w.id, postIds: new Types.ObjectId(post.id) })).toBe(0);
  }, 60_000);
});

describe('fan-out retried', () => {
  it('tells nobody twice and counts nobody twice when the same fan-out runs again', async () => {
    const { notifications } = createNotificationWorkerServices(p.runtime);
    const state = async (w: Someone) => {
      const res = await w.c.get('/api/notifications');
      expect(res.status).toBe(200);
      const group = (res.body.notifications as Array<{ threadId: string | null; count: number; read: boolean }>).filter(
        (x) => x.threadId === ten.threadId && !x.read,
      );
      return { groups: group.map((g) => g.count), unread: res.body.unreadCount as number };
    };
    const before = await Promise.all(ten.watchers.map(state));
    // The outbox may hand the same job over twice: the second run finds everyone told.
    const again = await notifications.fanout({
      threadId: ten.threadId,
      postId: ten.postId,
      actorId: ten.replierId,
      replyToAuthorId: null,
      mentionIds: [],
    });
    expect(again.notified).toBe(0);
    const after = await Promise.all(ten.watchers.map(state));
    expect(after).toEqual(before);
    // Each watcher holds one group of the thread, with the counted reply once.
    for (const x of after) expect(x.groups).toHaveLength(1);
    for (const w of ten.watchers)
      expect(await NotificationModel.countDocuments({ memberId: w.id, postIds: new Types.ObjectId(ten.postId) })).toBe(
        1,
      );
    // The counts kept in Redis are what the store says.
    for (const [i, w] of ten.watchers.entries())
      expect(await NotificationModel.countDocuments({ memberId: w.id, read: false })).toBe(after[i]!.unread);
  }, 60_000);
});
