import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import {
  allCategoryFacts,
  postStates as readPostStates,
  postStatesOfThreadSince,
  threadFacts,
  type PostState,
  type ThreadFacts,
} from '../forums/reads.js';
import { sharedRead } from '../infra/shared-read.js';
import { approvedSince, type RecentResource } from '../library/reads.js';
import { DIGEST_WINDOW_MS } from './digest-pending.js';
import { labParticipantIds, openActionOwnerIds, scheduledLabsBetween, type UpcomingLab } from '../labs/reads.js';
import type { GroupLookups } from './present.js';

/**
 * Reads that every digest of one run repeats: thread titles and categories, the state of the posts
 * members' entries point to, the resources approved lately, the labs to come. Thousands of members
 * watching the same threads made the same queries thousands of times; here each is read once per
 * run and minute (kept as a promise, so concurrent digests share one read) and each member's part
 * is cut from it in memory.
 *
 * A read covers everything after a floor (the run's time minus the longest window); older things
 * are read directly. What a digest shows was a snapshot of its minute anyway; the same visibility
 * rules apply as in the direct queries.
 */

const RESOURCES = 5;
/**
 * How old a snapshot of posts' visibility may be. Moderation acts in seconds; so does this: a post
 * held or deleted more than this long ago is never mailed, and a run still reads each thread's
 * posts once per interval instead of once per member.
 */
export const POST_STATE_TTL_MS = 10_000;
/** How far ahead a digest looks for Action Labs to come. */
export const UPCOMING_WINDOW_MS = 14 * 24 * 3_600_000;

export type { RecentResource, UpcomingLab };

export function createDigestSharedReads(opts: { ttlMs?: number; max?: number; postStateTtlMs?: number } = {}) {
  const cache = new LRUCache<string, Promise<unknown>>({ max: opts.max ?? 20_000, ttl: opts.ttlMs ?? 60_000 });

  // Reads return promises (queries run with exec()); see sharedRead.
  const shared = <T>(key: string, read: () => Promise<T>): Promise<T> =>
    sharedRead(cache as LRUCache<string, Promise<T>>, key, read);
  const floorOf = (at: Date) => new Date(at.getTime() - DIGEST_WINDOW_MS);
  // Visibility snapshots live by the wall clock, not the run's time (see POST_STATE_TTL_MS).
  const postStates = new LRUCache<string, Promise<Map<string, PostState>>>({
    max: 5_000,
    ttl: opts.postStateTtlMs ?? POST_STATE_TTL_MS,
  });

  const resourcesSince = (since: Date) => approvedSince(since, RESOURCES * 4);

  const allCategories = (at: Date) => shared(`categories:${at.toISOString()}`, () => allCategoryFacts());

  return {
    /** The forums' facts of threads, categories and posts for presenting notifications (see present.ts). */
    groupLookups(at: Date): GroupLookups {
      return {
        // Each thread kept on its own, so every digest of the run that points at it shares the read.
        threads: async (ids) =>
          (
            await Promise.all(
              [...new Set(ids)].map((id) =>
                shared<ThreadFacts[]>(`thread:${id}:${at.toISOString()}`, () => threadFacts([id])),
              ),
            )
          ).flat(),
        async categories(ids) {
          const wanted = new Set(ids.map(String));
          return (await allCategories(at)).filter((c) => wanted.has(c._id.toHexString()));
        },
        // The thread's posts of the window in one read, shared for a few seconds; a post
        // older than that, or newer than the snapshot, is read on its own.
        async posts(threadId, ids) {
          const floor = floorOf(at);
          const byId = await sharedRead(postStates, `${threadId.toHexString()}:${floor.toISOString()}`, () =>
            postStatesOfThreadSince(threadId, floor).then((rows) => new Map(rows.map((p) => [p._id.toHexString(), p]))),
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
        scheduledLabsBetween(at, new Date(at.getTime() + UPCOMING_WINDOW_MS)),
      );
    },

    /**
     * Members with any lab participation, and owners of open action items: most members have
     * neither, and their digests then skip those per-member queries. A participation or action
     * item added during the run's minute may miss that digest's lab sections.
     */
    labParticipantIds(at: Date): Promise<Set<string>> {
      return shared(`lab-members:${at.toISOString()}`, () => labParticipantIds());
    },
    actionOwnerIds(at: Date): Promise<Set<string>> {
      return shared(`action-owners:${at.toISOString()}`, () => openActionOwnerIds());
    },

    /** Categories by id that are not archived, with their names. */
    async categories(ids: Types.ObjectId[], at: Date): Promise<{ _id: Types.ObjectId; name: string }[]> {
      const wanted = new Set(ids.map(String));
      return (await allCategories(at)).filter((c) => !c.archived && wanted.has(c._id.toHexString()));
    },

    /**
     * Resources approved after `since` and up to `at`, latest first, at most five. The window
     * ends at `at`, where the next digest's begins: no resource is in two digests.
     */
    async newResources(since: Date, at: Date): Promise<RecentResource[]> {
      const floor = floorOf(at);
      const list =
        since < floor
          ? await resourcesSince(since)
          : await shared(`resources:${at.toISOString()}`, () => resourcesSince(floor));
      return list.filter((r) => r.approvedAt > since && r.approvedAt <= at).slice(0, RESOURCES);
    },
  };
}

export type DigestSharedReads = ReturnType<typeof createDigestSharedReads>;
