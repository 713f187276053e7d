import { Types } from 'mongoose';
import { AppError, isDependencyDown } from '../http/errors.js';
import { readModels } from '../infra/read-models.js';
import { countsInStore, isDuplicateKey } from '../infra/store/index.js';
import type { Tallies } from '../infra/store/tallies.js';
import { isModerator, type Actor } from '../members/actor.js';
import { notFound, type ForumContext } from './context.js';
import { PostModel, ThreadModel } from './model.js';
import { threadPageChanged } from './page-model.js';
import type { ThreadLean } from './present.js';

/*
 * How a new post of a thread gets its sequence number and is counted (forums/tallies.ts). The
 * unique (threadId, seq) index is the arbiter either way: a number found taken lifts the thread's
 * sequence past the highest in the store and the post takes the next.
 */

type Save<T> = (seq: number, categoryId: Types.ObjectId) => Promise<T>;

/** Numbers a post may try before its request gives up on a thread others keep numbering first. */
export const NUMBER_ATTEMPTS = 5;

/**
 * Every number tried was taken first: the thread is being written as fast as it can be numbered
 * (the soak saw it while Redis timed out and some writers numbered in the store, others in Redis).
 * Nothing was posted, and the same reply a moment later finds a free number: a passing refusal.
 */
function threadBusy(): AppError {
  return new AppError(
    'service_unavailable',
    'Many replies reached this thread at once; try again shortly.',
    undefined,
    1,
  );
}

/** The highest number used in the thread (FerretDB sorts in memory: only on the rare path of a number found taken). */
async function highestSeq(threadId: Types.ObjectId): Promise<number> {
  const top = await PostModel.findOne({ threadId }, { seq: 1 }).sort({ seq: -1 }).lean();
  return top?.seq ?? 0;
}

/**
 * Saves the post under the thread's next number, taken in Redis with no lock to wait on. A locked
 * thread is closed in the same place (threads.ts), so a lock that lands before the number is
 * taken refuses the post, as it refuses one that comes later.
 */
export async function saveNumbered<T extends object>(
  ctx: ForumContext,
  tallies: Tallies,
  actor: Actor,
  thread: Pick<ThreadLean, '_id' | 'lastSeq' | 'locked' | 'categoryId'>,
  now: Date,
  save: Save<T>,
): Promise<{ post: T; counted: boolean; thread?: ThreadLean }> {
  const id = thread._id.toHexString();
  const seed = { seq: thread.lastSeq, closed: Boolean(thread.locked) };
  for (let attempt = 1; ; attempt++) {
    let seq: number | 'closed';
    try {
      seq = await tallies.take(id, { seed, bypassClosed: isModerator(actor) });
    } catch (err) {
      // Redis refuses writes: number and count in the store, as without Redis (the count is
      // written as a change there, so the tally's later writes add up with it).
      readModels()?.log?.warn({ err, threadId: id }, "a thread's tally refused: numbered in the store");
      return { ...(await saveInStore(ctx, actor, thread, now, save)), counted: true };
    }
    if (seq === 'closed') throw new AppError('thread_locked', 'This thread is locked.');
    try {
      return { post: await save(seq, thread.categoryId), counted: false };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (attempt >= NUMBER_ATTEMPTS) throw threadBusy();
      await tallies.lift(id, Math.max(await highestSeq(thread._id), seq));
    }
  }
}

/**
 * Counts the saved post in its thread; answers the thread's count (null: not known here). The post
 * stands whatever happens: should Redis refuse, the count is left for the thread's next writer.
 */
export async function countSaved(
  tallies: Tallies,
  threadId: Types.ObjectId,
  seq: number,
  at: Date,
  by: string,
  ctx: ForumContext,
): Promise<number | null> {
  try {
    const out = await tallies.counted(threadId.toHexString(), { seq, at, by });
    if (out !== 'unkept') return out.count;
  } catch (err) {
    readModels()?.log?.warn(
      { err, threadId: threadId.toHexString() },
      "a thread's tally refused: counted in the store",
    );
  }
  // Redis lost the thread's tally since the number was taken, or refuses writes: count in the
  // store, as without Redis (a change, which the tally's later writes add to).
  try {
    await ctx.threadLock(threadId, () =>
      ThreadModel.updateOne(
        { _id: threadId },
        {
          $inc: { postCount: 1 },
          $max: { lastSeq: seq, lastActivityAt: at },
          $set: { lastPosterId: new Types.ObjectId(by) },
        },
      ).exec(),
    );
  } catch (err) {
    // The post is saved and pushed: its request answers it whatever the count does (a 503 here
    // made its author post it again). The soak saw the lock's Redis time out under load.
    if (!isDependencyDown(err) && !(err instanceof AppError && err.code === 'service_unavailable')) throw err;
    readModels()?.log?.warn({ err, threadId: threadId.toHexString() }, "a reply's count could not be written");
  }
  // Neither the kept page nor the thread's record can tell the counts now.
  await threadPageChanged(threadId);
  return null;
}

/**
 * The next number and the count in one update of the thread, which also checks the lock (a lock
 * that lands meanwhile refuses). On MongoDB that update is atomic: no writer waits for another.
 * Elsewhere (FerretDB without Redis: the seeder, one-off tools; or while Redis refuses writes)
 * one writer at a time (ctx.threadLock: FerretDB 1.24 applies concurrent `$inc`s non-atomically).
 */
export async function saveInStore<T extends object>(
  ctx: ForumContext,
  actor: Actor,
  thread: Pick<ThreadLean, '_id'>,
  now: Date,
  save: Save<T>,
): Promise<{ post: T; thread: ThreadLean }> {
  const exclusive = <R>(fn: () => Promise<R>) => (countsInStore() ? fn() : ctx.threadLock(thread._id, fn));
  return exclusive(async () => {
    for (let attempt = 1; ; attempt++) {
      const taken = await ThreadModel.findOneAndUpdate(
        isModerator(actor) ? { _id: thread._id } : { _id: thread._id, locked: false },
        {
          $inc: { lastSeq: 1, postCount: 1 },
          $max: { lastActivityAt: now },
          $set: { lastPosterId: new Types.ObjectId(actor.id) },
        },
        { returnDocument: 'after' },
      ).lean<ThreadLean>();
      if (!taken) {
        if (await ThreadModel.exists({ _id: thread._id }))
          throw new AppError('thread_locked', 'This thread is locked.');
        throw notFound('thread');
      }
      try {
        // The thread as this post's count left it: the writer's counts, whatever it read before.
        return { post: await save(taken.lastSeq, taken.categoryId), thread: taken };
      } catch (err) {
        // Nothing was posted: the count goes back.
        await ThreadModel.updateOne({ _id: thread._id }, { $inc: { postCount: -1 } });
        if (!isDuplicateKey(err)) throw err;
        if (attempt >= NUMBER_ATTEMPTS) throw threadBusy();
        const top = await highestSeq(thread._id);
        await ThreadModel.updateOne({ _id: thread._id }, { $max: { lastSeq: Math.max(top, taken.lastSeq) } });
      }
    }
  });
}
