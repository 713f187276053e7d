import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import { RESTRICTED_STATUSES } from '../forums/visibility.js';
import { findEach } from '../infra/each.js';
import { sharedRead } from '../infra/shared-read.js';
import { ResourceModel } from '../library/model.js';
import { LabActionModel, LabModel, LabParticipantModel } from '../labs/model.js';
import { readPostStates, type GroupLookups, type PostState, type ThreadRef } from './present.js';

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
/**
 * How old a snapshot of posts' visibility may be. Moderation acts in seconds; so does this: a post
 * held or deleted more than this long ago is never mailed, and a run still reads each thread's
 * posts once per interval instead of once per member.
 */
export const POST_STATE_TTL_MS = 10_000;
/** How far ahead a digest looks for Action Labs to come. */
export const UPCOMING_WINDOW_MS = 14 * 24 * 3_600_000;

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
export interface UpcomingLab {
  _id: Types.ObjectId;
  title: string;
  startsAt: Date;
  visibility: string;
  coalitionId?: Types.ObjectId | null;
  hostId: Types.ObjectId;
  facilitatorIds: Types.ObjectId[];
}
export interface RecentResource {
  _id: Types.ObjectId;
  title: string;
  approvedAt: Date;
}

export function createDigestSharedReads(opts: { ttlMs?: number; max?: number; postStateTtlMs?: number } = {}) {
  const cache = new LRUCache<string, Promise<unknown>>({ max: opts.max ?? 20_000, ttl: opts.ttlMs ?? 60_000 });

  // Reads return promises (queries run with exec()); see sharedRead.
  const shared = <T>(key: string, read: () => Promise<T>): Promise<T> =>
    sharedRead(cache as LRUCache<string, Promise<T>>, key, read);
  const floorOf = (at: Date) => new Date(at.getTime() - WEEK);
  // Visibility snapshots live by the wall clock, not the run's time (see POST_STATE_TTL_MS).
  const postStates = new LRUCache<string, Promise<Map<string, PostState>>>({
    max: 5_000,
    ttl: opts.postStateTtlMs ?? POST_STATE_TTL_MS,
  });

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
        // The thread's posts of the last week in one read, shared for a few seconds; a post
        // older than that, or newer than the snapshot, is read on its own.
        async posts(threadId, ids) {
          const floor = floorOf(at);
          const byId = await sharedRead(postStates, `${threadId.toHexString()}:${floor.toISOString()}`, () =>
            PostModel.find({ threadId, createdAt: { $gt: floor } }, { deleted: 1, seq: 1, status: 1 })
              .lean<PostState[]>()
              .exec()
              .then((rows) => new Map(rows.map((p) => [p._id.toHexString(), p]))),
          );
          const found = ids.map((id) => byId.get(id.toHexString()));
          const missing = ids.filter((_, i) => !found[i]);
          return [
            ...found.filter((p): p is PostState => p !== undefined),
            ...(missing.length ? await readPostStates(missing) : []),
          ];
        },
      };
    },

    /** Scheduled labs starting within two weeks of `at`, soonest first (each member's are cut from these). */
    upcomingLabs(at: Date): Promise<UpcomingLab[]> {
      return shared(`labs:${at.toISOString()}`, () =>
        LabModel.find(
          { status: 'scheduled', startsAt: { $gt: at, $lt: new Date(at.getTime() + UPCOMING_WINDOW_MS) } },
          { title: 1, startsAt: 1, visibility: 1, coalitionId: 1, hostId: 1, facilitatorIds: 1 },
        )
          .sort({ startsAt: 1 })
          .lean<UpcomingLab[]>()
          .exec(),
      );
    },

    /**
     * Members with any lab participation, and owners of open action items: most members have
     * neither, and their digests then skip those per-member queries. A participation or action
     * item added during the run's minute may miss that digest's lab sections.
     */
    labParticipantIds(at: Date): Promise<Set<string>> {
      return shared(`lab-members:${at.toISOString()}`, async () => {
        const ids = await LabParticipantModel.distinct('memberId').exec();
        return new Set(ids.map(String));
      });
    },
    actionOwnerIds(at: Date): Promise<Set<string>> {
      return shared(`action-owners:${at.toISOString()}`, async () => {
        const ids = await LabActionModel.distinct('ownerId', { status: { $ne: 'done' } }).exec();
        return new Set(ids.map(String));
      });
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
