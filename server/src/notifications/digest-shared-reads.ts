import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import { RESTRICTED_STATUSES } from '../forums/visibility.js';
import { findEach } from '../infra/each.js';
import { ResourceModel } from '../library/model.js';
import type { GroupLookups, ThreadRef } from './present.js';

/**
 * Reads that every digest of one run repeats: the active threads of a category, the recent posts
 * of a thread, the resources approved lately, thread titles and categories. Thousands of members watching the same categories
 * made the same queries thousands of times; here each is read once per run and minute (kept as a
 * promise, so concurrent digests share one read) and each member's part is cut from it in memory.
 *
 * A read covers everything after a floor (the run's time minus the longest period, a week); a
 * member whose window starts earlier than that gets a direct query. What a digest shows was a
 * snapshot of its minute anyway; the same visibility rules apply as in the direct queries.
 */

const WEEK = 7 * 24 * 3600 * 1000;
const THREADS_PER_CATEGORY = 30;
const RESOURCES = 5;

export interface ActiveThread {
  _id: Types.ObjectId;
  title: string;
  categoryId: Types.ObjectId;
  lastActivityAt: Date;
}
export interface RecentPost {
  threadId: Types.ObjectId;
  seq: number;
  authorId: Types.ObjectId;
  createdAt: Date;
}
export interface RecentResource {
  _id: Types.ObjectId;
  title: string;
  approvedAt: Date;
}

export function createDigestSharedReads(opts: { ttlMs?: number; max?: number } = {}) {
  const cache = new LRUCache<string, Promise<unknown>>({ max: opts.max ?? 20_000, ttl: opts.ttlMs ?? 60_000 });

  // `read` returns a promise (queries run with exec()): a mongoose query awaited twice runs twice.
  function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = read();
      cache.set(key, hit);
      // A failed read is not kept: the next digest tries again.
      hit.catch(() => cache.delete(key));
    }
    return hit;
  }
  const floorOf = (at: Date) => new Date(at.getTime() - WEEK);

  const threadsSince = (categoryId: Types.ObjectId, since: Date, limit: number) =>
    ThreadModel.find({ categoryId, lastActivityAt: { $gt: since } }, { title: 1, categoryId: 1, lastActivityAt: 1 })
      .sort({ lastActivityAt: -1 })
      .limit(limit)
      .lean<ActiveThread[]>()
      .exec();

  const postsSince = (threadId: Types.ObjectId, since: Date) =>
    PostModel.find(
      // Held or hidden posts are for their authors and moderators, never for digests.
      { threadId, deleted: false, status: { $nin: RESTRICTED_STATUSES }, createdAt: { $gt: since } },
      { _id: 0, threadId: 1, seq: 1, authorId: 1, createdAt: 1 },
    )
      .lean<RecentPost[]>()
      .exec();

  const resourcesSince = (since: Date) =>
    ResourceModel.find({ status: 'approved', approvedAt: { $gt: since } }, { title: 1, approvedAt: 1 })
      .sort({ approvedAt: -1 })
      .limit(RESOURCES)
      .lean<RecentResource[]>()
      .exec();

  const allCategories = (at: Date) =>
    shared(`categories:${at.toISOString()}`, () =>
      CategoryModel.find({}, { name: 1, archived: 1 })
        .lean<{ _id: Types.ObjectId; name: string; archived: boolean }[]>()
        .exec(),
    );

  return {
    /** Thread titles and categories and archived categories for presenting notifications (see present.ts). */
    groupLookups(at: Date): GroupLookups {
      return {
        threads: (ids) =>
          findEach(ids, (id) =>
            shared(`thread:${id}:${at.toISOString()}`, () =>
              ThreadModel.find({ _id: id }, { title: 1, categoryId: 1 }).lean<ThreadRef[]>().exec(),
            ),
          ),
        async archivedCategories() {
          return new Set((await allCategories(at)).filter((c) => c.archived).map((c) => c._id.toHexString()));
        },
      };
    },

    /** Categories by id that are not archived, with their names. */
    async categories(ids: Types.ObjectId[], at: Date): Promise<{ _id: Types.ObjectId; name: string }[]> {
      const wanted = new Set(ids.map(String));
      return (await allCategories(at)).filter((c) => !c.archived && wanted.has(c._id.toHexString()));
    },

    /** The category's threads active after `since`, latest first, at most 30. */
    async activeThreads(categoryId: Types.ObjectId, since: Date, at: Date): Promise<ActiveThread[]> {
      const floor = floorOf(at);
      if (since < floor) return threadsSince(categoryId, since, THREADS_PER_CATEGORY);
      // Sorted by activity, so the threads after `since` are a prefix of those after the floor.
      const list = await shared(`threads:${categoryId.toHexString()}:${at.toISOString()}`, () =>
        threadsSince(categoryId, floor, THREADS_PER_CATEGORY),
      );
      return list.filter((t) => t.lastActivityAt > since);
    },

    /** The thread's visible posts written after `since`. */
    async recentPosts(threadId: Types.ObjectId, since: Date, at: Date): Promise<RecentPost[]> {
      const floor = floorOf(at);
      if (since < floor) return postsSince(threadId, since);
      const list = await shared(`posts:${threadId.toHexString()}:${at.toISOString()}`, () =>
        postsSince(threadId, floor),
      );
      return list.filter((p) => p.createdAt > since);
    },

    /** Resources approved after `since`, latest first, at most five. */
    async newResources(since: Date, at: Date): Promise<RecentResource[]> {
      const floor = floorOf(at);
      if (since < floor) return resourcesSince(since);
      const list = await shared(`resources:${at.toISOString()}`, () => resourcesSince(floor));
      return list.filter((r) => r.approvedAt > since);
    },
  };
}

export type DigestSharedReads = ReturnType<typeof createDigestSharedReads>;
