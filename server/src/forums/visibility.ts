import { postStatuses, type PostStatus } from '@commons/shared';
import mongoose from 'mongoose';
import { isModerator, type Actor } from '../members/actor.js';

const { trusted } = mongoose;

/** Moderation's hook: statuses only the author and moderators may see (held or hidden posts). */
export const RESTRICTED_STATUSES: PostStatus[] = postStatuses.filter((s) => s !== 'visible');

/** A post filter for what the actor may read: everything for moderators, else visible posts and their own. */
export function visiblePostsFilter(actor: Actor): Record<string, unknown> {
  if (isModerator(actor)) return {};
  return {
    $or: [{ status: trusted({ $nin: RESTRICTED_STATUSES }) }, { authorId: new mongoose.Types.ObjectId(actor.id) }],
  };
}

export function canSeePost(
  actor: Pick<Actor, 'id' | 'role'>,
  post: { status?: PostStatus; authorId: { toHexString(): string } },
): boolean {
  return !post.status || post.status === 'visible' || isModerator(actor) || post.authorId.toHexString() === actor.id;
}
