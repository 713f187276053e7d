import { postPath, type Notification, type Role } from '@commons/shared';
import { LRUCache } from 'lru-cache';
import type { Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import {
  categoryFacts,
  postBodies,
  postStates,
  threadFacts,
  type CategoryFacts,
  type PostState,
  type ThreadFacts,
} from '../forums/reads.js';
import { readableKey, readablePairs } from '../forums/read-rule.js';
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

export type { PostState, ThreadFacts };

/** Who a notification is shown to: the forums' read rule decides by id and role. */
export interface Reader {
  id: string;
  role: Role;
}

/**
 * How visibleGroups finds the forums' facts of threads, categories and posts (all read through the
 * forums, judged by their read rule); digests pass their shared reads.
 */
export interface GroupLookups {
  threads(ids: string[]): Promise<ThreadFacts[]>;
  categories(ids: Types.ObjectId[]): Promise<CategoryFacts[]>;
  /** These posts of one thread as they are now (posts that no longer exist are left out). */
  posts(threadId: Types.ObjectId, ids: Types.ObjectId[]): Promise<PostState[]>;
}

export const directLookups: GroupLookups = {
  threads: (ids) => threadFacts(ids),
  categories: (ids) => categoryFacts(ids),
  posts: (_threadId, ids) => postStates(ids),
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
  const threads = cache<ThreadFacts>();
  const categories = cache<CategoryFacts>();
  const posts = cache<PostState>();
  const once = async <T>(memo: LRUCache<string, Kept<T>>, key: string, read: () => Promise<T | undefined>) =>
    (await sharedRead(memo, key, async () => ({ value: await read() }))).value;
  const present = <T>(list: Array<T | undefined>) => list.filter((x): x is T => x !== undefined);
  return {
    threads: async (ids) =>
      present(await Promise.all(ids.map((id) => once(threads, id, async () => (await base.threads([id]))[0])))),
    categories: async (ids) =>
      present(
        await Promise.all(
          ids.map((id) => once(categories, id.toHexString(), async () => (await base.categories([id]))[0])),
        ),
      ),
    posts: async (threadId, ids) =>
      present(
        await Promise.all(
          ids.map((id) => once(posts, id.toHexString(), async () => (await base.posts(threadId, [id]))[0])),
        ),
      ),
  };
}

/**
 * Keeps what the member may still read by the forums' read rule (the thread, its category and at
 * least one post of the group; deleted posts never); counts and "latest" follow those posts.
 */
export async function visibleGroups(
  all: NotificationLean[],
  reader: Reader,
  lookups: GroupLookups = directLookups,
): Promise<VisibleGroup[]> {
  return visibleGroupsOf(
    all.map((row) => ({ row, reader })),
    lookups,
  );
}

/** A row and who it is shown to. */
export interface ReaderRow {
  row: NotificationLean;
  reader: Reader;
}

/** visibleGroups for rows of many readers at once (a fan-out's pushes): one look-up of each fact for all. */
export async function visibleGroupsOf(
  items: ReaderRow[],
  lookups: GroupLookups = directLookups,
): Promise<VisibleGroup[]> {
  const rows = items.filter(
    (i): i is ReaderRow & { row: { threadId: Types.ObjectId } } => i.row.threadId !== null && !i.row.noticeKey,
  );
  if (rows.length === 0) return [];
  const threadIds = [...new Set(rows.map((i) => i.row.threadId.toHexString()))];
  // A busy thread's group holds hundreds of posts: only its latest few are looked up (see below).
  const postIdsByThread = new Map<string, { threadId: Types.ObjectId; ids: Map<string, Types.ObjectId> }>();
  for (const { row } of rows) {
    const key = row.threadId.toHexString();
    const entry = postIdsByThread.get(key) ?? { threadId: row.threadId, ids: new Map<string, Types.ObjectId>() };
    for (const id of row.postIds.slice(-CHECKED_POSTS)) entry.ids.set(id.toHexString(), id);
    postIdsByThread.set(key, entry);
  }
  // Whether a post was deleted or hidden decides what may be shown: the API reads posts fresh,
  // digests from a snapshot of a few seconds (digest-shared-reads.ts).
  const [threads, posts] = await Promise.all([
    lookups.threads(threadIds),
    Promise.all([...postIdsByThread.values()].map((t) => lookups.posts(t.threadId, [...t.ids.values()]))).then((p) =>
      p.flat(),
    ),
  ]);
  const categories = await lookups.categories(threads.map((t) => t.categoryId));
  const threadById = new Map(threads.map((t) => [t._id.toHexString(), t]));
  const categoryById = new Map(categories.map((c) => [c._id.toHexString(), c]));
  const postById = new Map(posts.map((p) => [p._id.toHexString(), p]));
  const threadOfPost = new Map<string, ThreadFacts>();
  const pairs = new Map<string, { reader: Reader; postId: string }>();
  for (const { row, reader } of rows) {
    const thread = threadById.get(row.threadId.toHexString());
    if (!thread) continue;
    for (const id of row.postIds.slice(-CHECKED_POSTS)) {
      const postId = id.toHexString();
      threadOfPost.set(postId, thread);
      pairs.set(readableKey(reader.id, postId), { reader, postId });
    }
  }
  const readable = await readablePairs([...pairs.values()], (postId) => {
    const post = postById.get(postId);
    const thread = threadOfPost.get(postId);
    if (!post || !thread) return undefined;
    return { post, thread, category: categoryById.get(thread.categoryId.toHexString()) };
  });
  const out: VisibleGroup[] = [];
  for (const { row, reader } of rows) {
    const thread = threadById.get(row.threadId.toHexString());
    if (!thread) continue;
    const checked = row.postIds.slice(-CHECKED_POSTS);
    const live = checked
      .filter((id) => readable.has(readableKey(reader.id, id.toHexString())))
      .map((id) => postById.get(id.toHexString())!);
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

/** How long a notification's excerpt is: a line on a phone. */
export const EXCERPT_CHARS = 140;

/** The first words of a post's Markdown as plain text, cut at a word. */
export function excerptOf(markdown: string, max = EXCERPT_CHARS): string {
  const plain = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(?:>|#{1,6}|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Excerpts of these posts (that passed the read rule), by id; `known` bodies are not read again. */
async function postExcerpts(ids: string[], known?: Map<string, string>): Promise<Map<string, string>> {
  const bodies = await postBodies(ids.filter((id) => !known?.has(id)));
  for (const id of ids) {
    const body = known?.get(id);
    if (body !== undefined) bodies.set(id, body);
  }
  return new Map([...bodies].map(([id, body]) => [id, excerptOf(body)]));
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
  reader: Reader,
  lookups: GroupLookups = directLookups,
  /** Bodies of posts the caller holds already (the fan-out's own post), by id. */
  knownBodies?: Map<string, string>,
): Promise<Notification[]> {
  return presentRows(
    rows.map((row) => ({ row, reader })),
    lookups,
    knownBodies,
  );
}

/** presentNotifications for rows of many readers at once (a fan-out's pushes), in their order. */
export async function presentRows(
  items: ReaderRow[],
  lookups: GroupLookups = directLookups,
  knownBodies?: Map<string, string>,
): Promise<Notification[]> {
  const groups = new Map((await visibleGroupsOf(items, lookups)).map((g) => [g.row._id.toHexString(), g]));
  const [refs, excerpts] = await Promise.all([
    loadMemberRefs(items.map((i) => i.row.actorId)),
    postExcerpts([...new Set([...groups.values()].map((g) => g.latestPostId))], knownBodies),
  ]);
  const out: Notification[] = [];
  for (const { row } of items) {
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
        excerpt: row.excerpt ?? null,
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
      path: postPath(threadId, group.latestSeq),
      title: group.threadTitle,
      detail: null,
      excerpt: excerpts.get(group.latestPostId) ?? null,
      threadId,
      threadTitle: group.threadTitle,
      postId: group.latestPostId,
      seq: group.latestSeq,
      count: group.livePostIds.length + group.olderPosts,
    });
  }
  return out;
}
