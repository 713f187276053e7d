import type { Notification, PostStatus } from '@commons/shared';
import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import { RESTRICTED_STATUSES } from '../forums/visibility.js';
import { findEach } from '../infra/each.js';
import { sharedRead } from '../infra/shared-read.js';
import type { NotificationFields } from './model.js';

export type NotificationLean = NotificationFields & { _id: Types.ObjectId };

/**
 * How many of a group's latest posts are looked up for presenting it. Every post of a group was
 * one query: a member watching a busy thread had groups of hundreds of posts, re-read on every
 * new reply. Older posts count as they were when added; the latest ones decide what shows.
 */
export const CHECKED_POSTS = 20;

export interface VisibleGroup {
  row: NotificationLean;
  threadTitle: string;
  categoryId: string;
  /** Posts of the group that still exist (deleted ones are never shown or mailed), of its latest CHECKED_POSTS. */
  livePostIds: string[];
  /** Posts of the group before those, counted without being looked up. */
  olderPosts: number;
  latestPostId: string;
  latestSeq: number;
}

export interface ThreadRef {
  _id: Types.ObjectId;
  title: string;
  categoryId: Types.ObjectId;
}

/** What decides whether a post of a group may still be shown. */
export interface PostState {
  _id: Types.ObjectId;
  deleted: boolean;
  seq: number;
  status: PostStatus;
}

/** How visibleGroups finds threads, archived categories and posts; digests pass their shared reads. */
export interface GroupLookups {
  threads(ids: string[]): Promise<ThreadRef[]>;
  archivedCategories(ids: Types.ObjectId[]): Promise<Set<string>>;
  /** These posts of one thread as they are now (posts that no longer exist are left out). */
  posts(threadId: Types.ObjectId, ids: Types.ObjectId[]): Promise<PostState[]>;
}

/** Posts by id, one equality look-up each. */
export const readPostStates = (ids: Types.ObjectId[]): Promise<PostState[]> =>
  findEach(ids, (id) => PostModel.find({ _id: id }, { deleted: 1, seq: 1, status: 1 }).lean<PostState[]>());

// One equality look-up per id (see infra/each.ts): `$in` scans whole collections on FerretDB.
export const directLookups: GroupLookups = {
  threads: (ids) =>
    findEach(ids, (id) => ThreadModel.find({ _id: id }, { title: 1, categoryId: 1 }).lean<ThreadRef[]>()),
  async archivedCategories(ids) {
    const categories = await findEach(ids, (id) => CategoryModel.find({ _id: id }, { archived: 1 }).lean());
    return new Set(categories.filter((c) => c.archived).map((c) => c._id.toHexString()));
  },
  posts: (_threadId, ids) => readPostStates(ids),
};

/**
 * directLookups remembered for `ttlMs`. Live pushes of the fan-out present one member's group at
 * a time, and the groups of a busy thread hold mostly the same latest posts: each is read once
 * per interval instead of up to CHECKED_POSTS times per notified member. A deletion or hold may
 * take that long to show in a live count; the notifications list reads fresh.
 */
export function memoizedLookups(
  opts: { ttlMs: number; max?: number },
  base: GroupLookups = directLookups,
): GroupLookups {
  // Found or not, a look-up's answer is kept (`value` may be undefined: the thing is gone).
  type Kept<T> = Promise<{ value: T | undefined }>;
  const cache = <T>() => new LRUCache<string, Kept<T>>({ max: opts.max ?? 10_000, ttl: opts.ttlMs });
  const threads = cache<ThreadRef>();
  const archived = cache<boolean>();
  const posts = cache<PostState>();
  const once = async <T>(memo: LRUCache<string, Kept<T>>, key: string, read: () => Promise<T | undefined>) =>
    (await sharedRead(memo, key, async () => ({ value: await read() }))).value;
  const present = <T>(list: Array<T | undefined>) => list.filter((x): x is T => x !== undefined);
  return {
    threads: async (ids) =>
      present(await Promise.all(ids.map((id) => once(threads, id, async () => (await base.threads([id]))[0])))),
    async archivedCategories(ids) {
      const flags = await Promise.all(
        ids.map((id) =>
          once(archived, id.toHexString(), async () => (await base.archivedCategories([id])).has(id.toHexString())),
        ),
      );
      return new Set(ids.filter((_, i) => flags[i]).map((id) => id.toHexString()));
    },
    posts: async (threadId, ids) =>
      present(
        await Promise.all(
          ids.map((id) => once(posts, id.toHexString(), async () => (await base.posts(threadId, [id]))[0])),
        ),
      ),
  };
}

/**
 * Keeps what the member may still see: the thread exists in a category that is not archived and
 * at least one post of the group is neither deleted nor held/hidden; counts and "latest" follow those posts.
 */
export async function visibleGroups(
  all: NotificationLean[],
  lookups: GroupLookups = directLookups,
): Promise<VisibleGroup[]> {
  const rows = all.filter(
    (r): r is NotificationLean & { threadId: Types.ObjectId } => r.threadId !== null && !r.noticeKey,
  );
  if (rows.length === 0) return [];
  const threadIds = [...new Set(rows.map((r) => r.threadId.toHexString()))];
  // A busy thread's group holds hundreds of posts: only its latest few are looked up (see below).
  const postIdsByThread = new Map<string, { threadId: Types.ObjectId; ids: Types.ObjectId[] }>();
  for (const r of rows) {
    const key = r.threadId.toHexString();
    const entry = postIdsByThread.get(key) ?? { threadId: r.threadId, ids: [] };
    entry.ids.push(...r.postIds.slice(-CHECKED_POSTS));
    postIdsByThread.set(key, entry);
  }
  // Whether a post was deleted or hidden decides what may be shown: the API reads posts fresh,
  // digests from a snapshot of a few seconds (digest-shared-reads.ts).
  const [threads, posts] = await Promise.all([
    lookups.threads(threadIds),
    Promise.all([...postIdsByThread.values()].map((t) => lookups.posts(t.threadId, t.ids))).then((p) => p.flat()),
  ]);
  const archived = await lookups.archivedCategories(threads.map((t) => t.categoryId));
  const threadById = new Map(threads.map((t) => [t._id.toHexString(), t]));
  const postById = new Map(posts.map((p) => [p._id.toHexString(), p]));
  const out: VisibleGroup[] = [];
  for (const row of rows) {
    const thread = threadById.get(row.threadId.toHexString());
    if (!thread || archived.has(thread.categoryId.toHexString())) continue;
    const checked = row.postIds.slice(-CHECKED_POSTS);
    const live = checked
      .map((id) => postById.get(id.toHexString()))
      // Deleted posts, and posts held or hidden by moderation, are never shown or mailed.
      .filter((p): p is NonNullable<typeof p> => Boolean(p && !p.deleted && !RESTRICTED_STATUSES.includes(p.status)));
    if (live.length === 0) continue;
    const latest = live.reduce((a, b) => (b.seq > a.seq ? b : a));
    out.push({
      row,
      threadTitle: thread.title,
      categoryId: thread.categoryId.toHexString(),
      livePostIds: live.map((p) => p._id.toHexString()),
      olderPosts: row.postIds.length - checked.length,
      latestPostId: latest._id.toHexString(),
      latestSeq: latest.seq,
    });
  }
  return out;
}

export function isNotice(row: NotificationLean): boolean {
  return Boolean(row.noticeKey);
}

/**
 * Rows as the API shows them, in their order: forum groups that are still visible (see
 * visibleGroups), and notices as they were told.
 */
export async function presentNotifications(
  rows: NotificationLean[],
  lookups: GroupLookups = directLookups,
): Promise<Notification[]> {
  const groups = new Map((await visibleGroups(rows, lookups)).map((g) => [g.row._id.toHexString(), g]));
  const refs = await loadMemberRefs(rows.map((r) => r.actorId));
  const out: Notification[] = [];
  for (const row of rows) {
    const actor = (row.actorId && refs.get(row.actorId.toHexString())) ?? null;
    const common = {
      id: row._id.toHexString(),
      kind: row.kind,
      actor,
      read: row.read,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
    if (isNotice(row)) {
      out.push({
        ...common,
        path: row.path ?? '/',
        title: row.title ?? '',
        detail: row.detail ?? null,
        threadId: null,
        threadTitle: null,
        postId: null,
        seq: null,
        count: 1,
      });
      continue;
    }
    const group = groups.get(common.id);
    if (!group) continue;
    const threadId = group.row.threadId!.toHexString();
    out.push({
      ...common,
      path: `/forums/t/${threadId}#post-${group.latestPostId}`,
      title: group.threadTitle,
      detail: null,
      threadId,
      threadTitle: group.threadTitle,
      postId: group.latestPostId,
      seq: group.latestSeq,
      count: group.livePostIds.length + group.olderPosts,
    });
  }
  return out;
}
