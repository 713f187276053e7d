import type { ForumContext } from '@commons/server/forums/context';
import { ThreadModel } from '@commons/server/forums/model';
import { NUMBER_ATTEMPTS, saveInStore, saveNumbered } from '@commons/server/forums/numbering';
import { threadTallies } from '@commons/server/forums/tallies';
import { AppError } from '@commons/server/http/errors';
import { useStoreKind } from '@commons/server/infra/store/index';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, resetPostingBudgets, signUp, type Someone } from './support.js';

let p: TestPlatform;
const members: Someone[] = [];
beforeAll(async () => {
  p = await startTestPlatform('forum_concurrency', { workers: false });
  for (const name of ['Ada', 'Bea', 'Cal', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jon'])
    members.push(await signUp(p, `Writer ${name}`));
});
afterAll(async () => {
  await p?.close();
});

/** Thirty replies to one thread at once, three from each writer. */
const thirtyReplies = (threadId: string, what: string) =>
  Promise.all(
    members.flatMap((m, i) =>
      [0, 1, 2].map((k) => m.c.post(`/api/threads/${threadId}/posts`, { body: `${what} ${k} from writer ${i}` })),
    ),
  );

/** The thread as the store holds it (what lists, unread counts and catch-up read). */
const stored = (threadId: string) =>
  ThreadModel.findById(new Types.ObjectId(threadId), { lastSeq: 1, postCount: 1 }).lean().orFail();

describe('replies arriving at the same moment', () => {
  it('answer 503 with Retry-After, not 500, when every number tried was taken first', async () => {
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Numbered by others first');
    const doc = await ThreadModel.findById(new Types.ObjectId(thread.id)).lean().orFail();
    const actor = { id: members[1]!.id, role: 'member' as const, createdAt: new Date() };
    let tries = 0;
    // Each save finds its number taken, as when writers numbering in Redis and in the store race.
    const taken = async (): Promise<never> => {
      tries += 1;
      throw Object.assign(new Error('E11000 duplicate key error collection: forum_posts'), { code: 11000 });
    };
    const ctx = { threadLock: <R>(_id: unknown, fn: () => Promise<R>) => fn() } as unknown as ForumContext;
    for (const numbered of [
      () => saveNumbered(ctx, threadTallies()!, actor, doc, new Date(), taken),
      () => saveInStore(ctx, actor, doc, new Date(), taken),
    ]) {
      tries = 0;
      const refused = await numbered().catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'service_unavailable', status: 503, retryAfterSeconds: 1 });
      expect(tries).toBe(NUMBER_ATTEMPTS);
    }
    // Nothing was posted or counted.
    expect((await stored(thread.id)).postCount).toBe(1);
  });

  it('are all accepted with distinct, increasing sequence numbers and an exact reply count', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Everyone answers at once');
    const results = await Promise.all(
      members.flatMap((m, i) =>
        [0, 1, 2].map((k) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Answer ${k} from writer ${i}` })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const seqs = results.map((r) => r.body.post.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    // One writer of the thread's counters at a time: no number is lost to a collision.
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 2));

    const detail = await members[1]!.c.get(`/api/threads/${thread.id}`);
    expect(detail.body.thread.postCount).toBe(1 + results.length);
    expect(detail.body.thread.lastSeq).toBe(Math.max(...seqs));
    const after = await members[1]!.c.get(`/api/threads/${thread.id}/posts?after=1&limit=50`);
    expect(after.body.posts.map((x: { seq: number }) => x.seq)).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keep the reply count exact while others delete their posts at the same moment', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers come and go');
    const first = await Promise.all(
      members.map((m, i) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `First answer from writer ${i}` })),
    );
    expect(first.map((r) => r.status)).toEqual(first.map(() => 201));
    const mixed = await Promise.all([
      ...members.map((m, i) => m.c.delete(`/api/posts/${first[i]!.body.post.id as string}`)),
      ...members.map((m, i) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Second answer from writer ${i}` })),
    ]);
    expect(mixed.every((r) => r.status === 201 || r.status === 204)).toBe(true);
    const detail = await members[1]!.c.get(`/api/threads/${thread.id}`);
    // The opening post and the second answers; the first answers are gone.
    expect(detail.body.thread.postCount).toBe(1 + members.length);
  });

  it('wait for no writer of the thread: thirty at once while its writer key is held by one that died', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers while a writer is stuck');
    // A writer of the thread (a rename, a lock) that died holding the thread's key: it frees
    // itself in 60 s. Replies that queued behind it would wait, then be refused with 503.
    const writerKey = `${p.runtime.config.REDIS_PREFIX}:serial:thread:${thread.id}`;
    await p.runtime.redis.set(writerKey, 'a-writer-that-died', 'PX', 60_000);
    const results = await thirtyReplies(thread.id, 'Stuck-writer answer');
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const seqs = results.map((r) => r.body.post.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 2));
    // The counts wait in Redis; once the key is free, the next reply writes them all.
    await p.runtime.redis.del(writerKey);
    const one = await members[0]!.c.post(`/api/threads/${thread.id}/posts`, {
      body: 'One more, once the key is free.',
    });
    expect(one.status).toBe(201);
    expect(one.body.post.seq).toBe(32);
    expect(await stored(thread.id)).toMatchObject({ lastSeq: 32, postCount: 32 });
  });

  it("never reuse a number when Redis lost the thread's sequence and the store lags behind", async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers after Redis forgot');
    const before = await thirtyReplies(thread.id, 'Early answer');
    expect(before.map((r) => r.status)).toEqual(before.map(() => 201));
    // Redis loses the thread's tally, and the store's counts are behind (their last writes lost).
    const keys = await p.runtime.redis.keys(`${p.runtime.config.REDIS_PREFIX}:tally:thread:${thread.id}`);
    expect(keys).toHaveLength(1);
    await p.runtime.redis.del(keys[0]!);
    await ThreadModel.updateOne({ _id: new Types.ObjectId(thread.id) }, { $set: { lastSeq: 20, postCount: 20 } });
    await resetPostingBudgets(p);
    const after = await Promise.all(
      members.map((m, i) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Late answer from writer ${i}` })),
    );
    expect(after.map((r) => r.status)).toEqual(after.map(() => 201));
    const all = [...before, ...after].map((r) => r.body.post.seq as number);
    expect(new Set(all).size).toBe(all.length);
    expect(Math.min(...after.map((r) => r.body.post.seq as number))).toBeGreaterThan(31);
    expect((await stored(thread.id)).lastSeq).toBe(Math.max(...all));
  });

  it('are refused once a lock lands, even those already on their way', async () => {
    await resetPostingBudgets(p);
    const mod = await signUp(p, 'Concurrency Moderator', 'moderator');
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers and a lock at once');
    const [locked, ...results] = await Promise.all([
      mod.c.patch(`/api/threads/${thread.id}`, { locked: true }),
      ...members.flatMap((m, i) =>
        [0, 1].map((k) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Racing answer ${k} from writer ${i}` })),
      ),
    ]);
    expect(locked.status).toBe(200);
    for (const res of results) expect([201, 423]).toContain(res.status);
    const accepted = results.filter((r) => r.status === 201).map((r) => r.body.post.seq as number);
    expect(new Set(accepted).size).toBe(accepted.length);
    // Sent after the lock's answer: refused.
    const late = await members[1]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'After the lock.' });
    expect(late.status).toBe(423);
    // Every reply let in is counted; none refused is.
    expect(await stored(thread.id)).toMatchObject({ postCount: 1 + accepted.length });
    // A moderator still may.
    expect((await mod.c.post(`/api/threads/${thread.id}/posts`, { body: 'Moderator note.' })).status).toBe(201);
  });

  it('count a change once when its writer died during the write, whether the write landed or not', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers while a writer dies');
    const first = await members[1]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'The first answer.' });
    expect(first.status).toBe(201);
    expect(await stored(thread.id)).toMatchObject({ lastSeq: 2, postCount: 2 });
    const tally = `${p.runtime.config.REDIS_PREFIX}:tally:thread:${thread.id}`;
    const redis = p.runtime.redis;
    /** A change recorded, and a writer that began writing it and died before telling Redis. */
    const dieWhileWriting = async (mark: string, landed: boolean) => {
      const counted = await redis.hincrby(tally, 'counted', 1);
      const gen = await redis.hincrby(tally, 'gen', 1);
      await redis.hset(tally, 'inflight', gen, 'inflightCounted', counted, 'mark', mark);
      if (landed)
        await ThreadModel.updateOne(
          { _id: new Types.ObjectId(thread.id) },
          { $inc: { postCount: 1 }, $set: { tallyMark: mark } },
        );
    };
    await dieWhileWriting('a-write-that-landed', true);
    const second = await members[2]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'The second answer.' });
    expect(second.status).toBe(201);
    // The one that landed, once, and this reply.
    expect(await stored(thread.id)).toMatchObject({ lastSeq: 3, postCount: 4 });
    await dieWhileWriting('a-write-that-never-landed', false);
    const third = await members[3]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'The third answer.' });
    expect(third.status).toBe(201);
    // The one that never landed is written now, with this reply.
    expect(await stored(thread.id)).toMatchObject({ lastSeq: 4, postCount: 6 });
  });
});

describe('a count that Redis took but did not answer in time', () => {
  it('is counted once: the change is asked again, not counted in the store as well', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers while Redis is slow');
    const redis = p.runtime.redis;
    const realEval = redis.eval.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    let late = 0;
    // The first count runs in Redis and its answer comes after the command timeout, as on a
    // server whose event loop lagged (the soak's 503s).
    (redis as unknown as { eval: (...args: unknown[]) => Promise<unknown> }).eval = async (...args: unknown[]) => {
      const out = await realEval(...args);
      if (late === 0 && String(args[0]).includes("HINCRBY', KEYS[1], 'counted'")) {
        late += 1;
        throw new Error('Command timed out');
      }
      return out;
    };
    try {
      const slow = await members[1]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'Counted while Redis lags.' });
      expect(slow.status).toBe(201);
    } finally {
      (redis as unknown as { eval: unknown }).eval = realEval;
    }
    expect(late).toBe(1);
    const next = await members[2]!.c.post(`/api/threads/${thread.id}/posts`, { body: 'The next answer.' });
    expect(next.status).toBe(201);
    // The opening post and two replies: the first is not counted twice once the tally is written.
    expect(await stored(thread.id)).toMatchObject({ lastSeq: 3, postCount: 3 });
    expect((await members[1]!.c.get(`/api/threads/${thread.id}`)).body.thread.postCount).toBe(3);
  });
});

describe('on MongoDB', () => {
  it('numbers and counts replies in the store itself, one update each, with no tally in Redis', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers numbered by the store');
    // The adapter's choice as on MongoDB 7 (its `$inc` on one document is atomic); one writer at a
    // time here, since FerretDB's is not.
    useStoreKind('mongodb');
    try {
      const seqs: number[] = [];
      for (const m of members.slice(0, 3)) {
        const res = await m.c.post(`/api/threads/${thread.id}/posts`, { body: `A numbered answer from ${m.name}` });
        expect(res.status).toBe(201);
        seqs.push(res.body.post.seq as number);
      }
      expect(seqs).toEqual([2, 3, 4]);
      expect(await stored(thread.id)).toMatchObject({ lastSeq: 4, postCount: 4 });
      expect(await p.runtime.redis.exists(`${p.runtime.config.REDIS_PREFIX}:tally:thread:${thread.id}`)).toBe(0);
    } finally {
      useStoreKind('ferretdb');
    }
  });
});
