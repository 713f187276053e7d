import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { readModels } from '../infra/read-models.js';
import { countsInStore, redisTallies, type Tallies } from '../infra/store/tallies.js';
import { threadLockKey } from './context.js';
import { ThreadModel } from './model.js';
import { threadPageChanged } from './page-model.js';
import type { ThreadLean } from './present.js';
import { threadCountsWritten } from './thread-page.js';

/*
 * Each thread's sequence numbers, post count and latest activity (infra/store/tallies.ts): a reply
 * takes its number from Redis and its count is written to the thread by whichever reply holds
 * the thread's writer key, so no reply waits for another. Locking a thread closes it in the same
 * place, so a lock that lands while a reply is on its way still refuses it.
 */

let made: { redis: Redis; tallies: Tallies } | null = null;

/**
 * The tallies of threads, or null where the store numbers and counts a thread itself (MongoDB:
 * numbering.ts `saveInStore`) or in a process without Redis (the seeder: the same, under the
 * thread lock).
 */
export function threadTallies(): Tallies | null {
  const models = readModels();
  if (!models || countsInStore()) return null;
  if (made?.redis !== models.redis) {
    made = {
      redis: models.redis,
      tallies: redisTallies(models.redis, {
        prefix: models.prefix,
        name: 'thread',
        lockKey: (id) => threadLockKey(new Types.ObjectId(id)),
        async write(id, w) {
          const threadId = new Types.ObjectId(id);
          const after = await ThreadModel.findOneAndUpdate(
            { _id: threadId },
            {
              $inc: { postCount: w.countDelta },
              $set: {
                tallyMark: w.mark,
                ...(w.lastActivity ? { lastPosterId: new Types.ObjectId(w.lastActivity.by) } : {}),
              },
              $max: {
                lastSeq: w.lastSeq,
                ...(w.lastActivity ? { lastActivityAt: w.lastActivity.at } : {}),
              },
            },
            // FerretDB 1.24 takes no projection here: the whole thread comes back.
            { returnDocument: 'after' },
          ).lean<ThreadLean>();
          // Kept pages and lists take the counts in place where they show the thread up to this
          // number, else are dropped: none keeps counts older than the store's.
          if (after) await threadCountsWritten(after);
          else await threadPageChanged(threadId);
          return after?.postCount ?? null;
        },
        async markOf(id) {
          const thread = await ThreadModel.findById(id, { tallyMark: 1 }).lean<{ tallyMark?: string | null }>();
          return thread?.tallyMark ?? null;
        },
        onWriteFailed: (id, err) =>
          models.log?.warn({ err, threadId: id }, "a thread's counts are left in Redis for its next writer"),
      }),
    };
  }
  return made.tallies;
}

/** Writes a thread's counts left unwritten (a writer that died); nothing to do costs no store command. */
export async function settleThreadCounts(threadId: string): Promise<void> {
  await threadTallies()?.settle(threadId);
}
