import mongoose, { Types } from 'mongoose';
import { findIn } from '../infra/store/index.js';
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

/**
 * Recomputes a thread's moderation marks from its posts; call it after any post status change.
 * Idempotent (a re-run job or a retried call writes the same thing). Tells whether the thread
 * is now hidden from lists and whether that changed with this call.
 */
export async function refreshThreadModeration(
  threadId: Types.ObjectId,
): Promise<{ hidden: boolean; changed: boolean; categoryId: string | null }> {
  const [thread, restricted] = await Promise.all([
    ThreadModel.findById(threadId, { firstPostId: 1, hidden: 1, categoryId: 1 }).lean(),
    findIn('status', RESTRICTED_STATUSES, (match) => PostModel.find({ threadId, ...match }, { seq: 1 }).lean()),
  ]);
  if (!thread) return { hidden: false, changed: false, categoryId: null };
  const first = thread.firstPostId;
  const hidden = first ? restricted.some((p) => p._id.equals(first)) : false;
  const restrictedSeqs = restricted.map((p) => p.seq).sort((a, b) => a - b);
  await ThreadModel.updateOne({ _id: threadId }, { $set: { hidden, restrictedSeqs } });
  return { hidden, changed: Boolean(thread.hidden) !== hidden, categoryId: thread.categoryId.toHexString() };
}
