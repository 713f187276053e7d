import {
  reactionKinds,
  type MemberRef,
  type Post,
  type PublicPost,
  type PublicThread,
  type ReactionCounts,
  type ReactionKind,
  type SubscriptionLevel,
  type ThreadRef,
  type ThreadSummary,
} from '@commons/shared';
import mongoose, { type Types } from 'mongoose';
import { loadMemberRefs } from './mentions.js';
import { quoteBlock } from './markdown.js';
import {
  BookmarkModel,
  CategorySubscriptionModel,
  ReactionModel,
  ThreadStateModel,
  type PostFields,
  type ThreadFields,
  type ThreadStateFields,
} from './model.js';
import type { Actor } from '../members/actor.js';
import type { Readable } from './read-rule.js';
import { unreadCountFor } from './thread-visibility.js';

const { trusted } = mongoose;

export type Lean<T> = T & { _id: Types.ObjectId };
export type ThreadLean = Lean<ThreadFields>;
export type PostLean = Lean<PostFields>;

/** What a deleted post shows instead of its body; `deleted: true` lets clients say it in their language. */
export const TOMBSTONE_HTML = '<p><em>This post was deleted.</em></p>';

const hex = (id: Types.ObjectId | null | undefined): string | null => (id ? id.toHexString() : null);

export function reactionCounts(raw: Partial<Record<ReactionKind, number>> | null | undefined): ReactionCounts {
  const out = { like: 0, heart: 0, insightful: 0, thanks: 0 };
  for (const kind of reactionKinds) out[kind] = Math.max(0, raw?.[kind] ?? 0);
  return out;
}

export function toPublicThread(t: ThreadLean, refs: Map<string, MemberRef>): PublicThread {
  return {
    id: t._id.toHexString(),
    categoryId: t.categoryId.toHexString(),
    title: t.title,
    tags: t.tags ?? [],
    author: refs.get(t.authorId.toHexString()) ?? null,
    pinned: t.pinned,
    locked: t.locked,
    postCount: t.postCount,
    lastSeq: t.lastSeq,
    lastPoster: (t.lastPosterId && refs.get(t.lastPosterId.toHexString())) || null,
    createdAt: t.createdAt.toISOString(),
    lastActivityAt: t.lastActivityAt.toISOString(),
  };
}

export function toThreadRef(t: Pick<ThreadLean, '_id' | 'title' | 'categoryId'>): ThreadRef {
  return { id: t._id.toHexString(), title: t.title, categoryId: t.categoryId.toHexString() };
}

export async function presentPublicThreads(threads: ThreadLean[]): Promise<PublicThread[]> {
  const refs = await loadMemberRefs(threads.flatMap((t) => [t.authorId, t.lastPosterId]));
  return threads.map((t) => toPublicThread(t, refs));
}

/** How far a member has read: their mark, else all of a thread quiet since before they joined, else nothing. */
export function effectiveLastRead(
  thread: Pick<ThreadLean, 'lastSeq' | 'lastActivityAt'>,
  state: Pick<ThreadStateFields, 'lastReadSeq'> | undefined,
  viewer: Actor,
): number {
  if (state) return Math.min(state.lastReadSeq, thread.lastSeq);
  return thread.lastActivityAt < viewer.createdAt ? thread.lastSeq : 0;
}

export async function loadThreadStates(
  memberId: string,
  threadIds: Types.ObjectId[],
): Promise<Map<string, Lean<ThreadStateFields>>> {
  if (threadIds.length === 0) return new Map();
  const states = await ThreadStateModel.find({ memberId, threadId: trusted({ $in: threadIds }) }).lean<
    Lean<ThreadStateFields>[]
  >();
  return new Map(states.map((s) => [s.threadId.toHexString(), s]));
}

/** The member's level per category id (categories they never set are absent: "normal"). */
export async function loadCategoryLevels(memberId: string): Promise<Map<string, SubscriptionLevel>> {
  const subs = await CategorySubscriptionModel.find({ memberId }, { categoryId: 1, level: 1 }).lean();
  return new Map(subs.map((s) => [s.categoryId.toHexString(), s.level]));
}

export async function presentThreads(threads: ThreadLean[], viewer: Actor): Promise<ThreadSummary[]> {
  const [refs, states, levels] = await Promise.all([
    loadMemberRefs(threads.flatMap((t) => [t.authorId, t.lastPosterId])),
    loadThreadStates(
      viewer.id,
      threads.map((t) => t._id),
    ),
    loadCategoryLevels(viewer.id),
  ]);
  return threads.map((t) => {
    const state = states.get(t._id.toHexString());
    const lastReadSeq = effectiveLastRead(t, state, viewer);
    return {
      ...toPublicThread(t, refs),
      lastReadSeq,
      unreadCount: unreadCountFor(t, lastReadSeq, viewer),
      subscription: state?.level ?? levels.get(t.categoryId.toHexString()) ?? 'normal',
    };
  });
}

export function toPublicPost(p: Readable<PostLean>, refs: Map<string, MemberRef>): PublicPost {
  const threadId = p.threadId.toHexString();
  const shownQuote = !p.deleted && p.quote && !p.quote.withheld ? p.quote : null;
  const quote = shownQuote ? quoteBlock({ ...shownQuote, postId: shownQuote.postId.toHexString() }, threadId) : '';
  return {
    id: p._id.toHexString(),
    threadId,
    seq: p.seq,
    parentId: hex(p.parentId),
    replyToId: hex(p.replyToId),
    depth: p.depth,
    path: p.path,
    author: refs.get(p.authorId.toHexString()) ?? null,
    body: p.deleted ? '' : p.body,
    bodyHtml: p.deleted ? TOMBSTONE_HTML : quote + p.html,
    deleted: p.deleted,
    quotePostId: hex(shownQuote?.postId),
    mentionIds: p.deleted ? [] : (p.mentionIds ?? []).map((id) => id.toHexString()),
    reactions: reactionCounts(p.reactions),
    revisionCount: p.revisions?.length ?? 0,
    createdAt: p.createdAt.toISOString(),
    editedAt: p.editedAt ? p.editedAt.toISOString() : null,
  };
}

/** Posts as everyone allowed to see them sees them: only posts that passed the read rule. */
export async function presentPublicPosts(posts: Readable<PostLean>[]): Promise<PublicPost[]> {
  const refs = await loadMemberRefs(posts.map((p) => p.authorId));
  return posts.map((p) => toPublicPost(p, refs));
}

/** Posts with the viewer's own reactions and bookmarks (two `$in` queries for the whole page). */
export async function presentPosts(posts: Readable<PostLean>[], viewerId: string): Promise<Post[]> {
  if (posts.length === 0) return [];
  const ids = posts.map((p) => p._id);
  const [refs, mine, marks] = await Promise.all([
    loadMemberRefs(posts.map((p) => p.authorId)),
    ReactionModel.find({ memberId: viewerId, postId: trusted({ $in: ids }) }, { postId: 1, kind: 1 }).lean(),
    BookmarkModel.find({ memberId: viewerId, postId: trusted({ $in: ids }) }, { postId: 1 }).lean(),
  ]);
  const reactionsOf = new Map<string, ReactionKind[]>();
  for (const r of mine) {
    const key = r.postId.toHexString();
    reactionsOf.set(key, [...(reactionsOf.get(key) ?? []), r.kind]);
  }
  const bookmarked = new Set(marks.map((b) => b.postId.toHexString()));
  return posts.map((p) => {
    const id = p._id.toHexString();
    const own = reactionsOf.get(id) ?? [];
    return {
      ...toPublicPost(p, refs),
      myReactions: reactionKinds.filter((k) => own.includes(k)),
      bookmarked: bookmarked.has(id),
    };
  });
}
