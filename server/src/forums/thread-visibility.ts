import type { PostStatus } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { PostModel, ThreadModel, type ThreadFields } from './model.js';
import { isModerator, type Actor } from '../members/actor.js';
import { RESTRICTED_STATUSES } from './visibility.js';

const { trusted } = mongoose;

/*
 * Moderation as threads feel it. A thread whose opening post is held or hidden leaves lists,
 * search and unread counts for everyone but its author and moderators; held or hidden replies
 * do not count as unread for members who cannot read them. Both follow the posts' statuses,
 * denormalized on the thread (`hidden`, `restrictedSeqs`) so lists need no extra query.
 */

/** A condition to AND into a thread query: the threads the actor may see listed (all, for moderators). */
export function listedThreadsFilter(actor: Actor): Record<string, unknown> | null {
  if (isModerator(actor)) return null;
  // `$ne: true`, not `false`: threads written before the field existed have none.
  return { $or: [{ hidden: trusted({ $ne: true }) }, { authorId: new Types.ObjectId(actor.id) }] };
}

/** Whether `listedThreadsFilter` lets this thread through. */
export function isThreadListed(actor: Actor, thread: Pick<ThreadFields, 'hidden' | 'authorId'>): boolean {
  return !thread.hidden || isModerator(actor) || thread.authorId.toHexString() === actor.id;
}

/**
 * Unread posts past `lastReadSeq` that the viewer may read: sequence numbers after the mark,
 * less the held or hidden posts among them (moderators read those too). A member's own held
 * posts are never past their mark: writing a post marks the thread read up to it.
 */
export function unreadCountFor(
  thread: Pick<ThreadFields, 'lastSeq'> & { restrictedSeqs?: number[] },
  lastReadSeq: number,
  viewer: Actor,
): number {
  const unread = Math.max(0, thread.lastSeq - lastReadSeq);
  if (unread === 0 || isModerator(viewer)) return unread;
  const unseen = (thread.restrictedSeqs ?? []).filter((s) => s > lastReadSeq && s <= thread.lastSeq).length;
  return Math.max(0, unread - unseen);
}

/** One post's part in its thread's marks: its number, whether it is held or hidden, whether it opens the thread. */
export interface PostMark {
  seq: number;
  restricted: boolean;
  opening: boolean;
}

/** The marks with one post's part in them (the store's update below, and the kept record's: read-rule.ts). */
export function withPostMark<T extends { hidden?: boolean; restrictedSeqs?: number[] }>(marks: T, mark: PostMark): T {
  const seqs = new Set(marks.restrictedSeqs ?? []);
  if (mark.restricted) seqs.add(mark.seq);
  else seqs.delete(mark.seq);
  return {
    ...marks,
    hidden: mark.opening ? mark.restricted : Boolean(marks.hidden),
    restrictedSeqs: [...seqs].sort((a, b) => a - b),
  };
}

/**
 * Brings a thread's moderation marks up to date with one post's status as the store has it now.
 * Called under the thread's lock after every change of a post's status (statuses.ts), so the last
 * call for a post reads its last status, whatever order the changes' callers ran in. Reads the
 * thread and that one post, not the thread's held and hidden posts: that read grew with the thread.
 * The write changes only this post's part (its number in or out, the hidden mark if it opens the
 * thread), so on MongoDB two calls for different posts that overlap (a lock that lapsed) lose
 * neither. FerretDB 1.24 rewrites the whole document on every update and can lose one of two
 * overlapping updates of it (seen in a test): there the lock is what keeps them, as for every
 * write of a thread's document (its counts take the same lock, tallies.ts).
 * Idempotent (a re-run job or a retried call writes the same thing, or nothing). Tells whether the
 * thread is now hidden from lists, whether that changed with this call, the post's part (null:
 * no such post in the thread) and its status as read.
 */
export async function refreshThreadModeration(
  threadId: Types.ObjectId,
  postId: Types.ObjectId,
): Promise<{
  hidden: boolean;
  changed: boolean;
  categoryId: string | null;
  status: PostStatus | null;
  mark: PostMark | null;
}> {
  const [thread, post] = await Promise.all([
    ThreadModel.findById(threadId, { firstPostId: 1, hidden: 1, categoryId: 1, restrictedSeqs: 1 }).lean(),
    PostModel.findOne({ _id: postId, threadId }, { status: 1, seq: 1 }).lean(),
  ]);
  if (!thread) return { hidden: false, changed: false, categoryId: null, status: null, mark: null };
  const was = Boolean(thread.hidden);
  const categoryId = thread.categoryId.toHexString();
  if (!post) return { hidden: was, changed: false, categoryId, status: null, mark: null };
  const restricted = RESTRICTED_STATUSES.includes(post.status);
  const mark: PostMark = { seq: post.seq, restricted, opening: Boolean(thread.firstPostId?.equals(post._id)) };
  const before = thread.restrictedSeqs ?? [];
  const after = withPostMark({ hidden: was, restrictedSeqs: before }, mark);
  // Already so (a retry, or a change that changed nothing): no write.
  if (after.hidden !== was || after.restrictedSeqs.length !== new Set(before).size)
    await ThreadModel.updateOne(
      { _id: threadId },
      {
        ...(restricted ? { $addToSet: { restrictedSeqs: post.seq } } : { $pull: { restrictedSeqs: post.seq } }),
        ...(mark.opening ? { $set: { hidden: restricted } } : {}),
      },
    );
  return { hidden: after.hidden, changed: after.hidden !== was, categoryId, status: post.status, mark };
}
