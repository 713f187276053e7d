import { FORMER_MEMBER_NAME } from '@commons/shared';
import mongoose, { Types, type UpdateQuery } from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import { PostModel, type PostFields } from './model.js';
import { presentPublicPosts, type PostLean } from './present.js';
import { readableByRoom } from './read-rule.js';

/**
 * A quote copies the quoted post's HTML into the quoting post, so the copy must follow what
 * becomes of the original: a quoted post that is held, hidden or deleted leaves every quote of it,
 * or a child-safety hide would stay readable in the replies that quoted it. Quotes are made only
 * within one thread, so each change is one write over that thread's posts, and the thread's page
 * drop that follows the original's change covers the quoting posts too.
 */
export interface QuotedPost {
  _id: Types.ObjectId;
  threadId: Types.ObjectId;
}

const { trusted } = mongoose;

const quotesOf = (quoted: QuotedPost) => ({ threadId: quoted.threadId, 'quote.postId': quoted._id });

/**
 * Withholds (or shows again) every quote of `quoted`. Callers withhold before the original's
 * status is written and show again after it, so a crash in between errs on the side of hiding.
 */
export function quotesFollowStatus(events: DomainEvents, quoted: QuotedPost, shown: boolean): Promise<void> {
  return rewriteQuotes(events, quoted, { $set: { 'quote.withheld': !shown } });
}

/** A deleted post's text leaves every quote of it for good (a restore does not bring it back). */
export function quotesForget(events: DomainEvents, quoted: QuotedPost): Promise<void> {
  return rewriteQuotes(events, quoted, { $set: { quote: null } });
}

/** A deleted account's name leaves the quotes of what they wrote, as it leaves their posts. */
export async function quotesForgetAuthor(memberId: string): Promise<void> {
  await PostModel.updateMany(
    { 'quote.authorId': new Types.ObjectId(memberId) },
    { $set: { 'quote.authorName': FORMER_MEMBER_NAME } },
  );
}

/**
 * One look for quotes of the post (almost always none), then the rewrite, and the quoting posts'
 * rooms see them change at once, as they would see an edit.
 */
async function rewriteQuotes(events: DomainEvents, quoted: QuotedPost, update: UpdateQuery<PostFields>): Promise<void> {
  const quoting = await PostModel.find(quotesOf(quoted), { _id: 1 }).lean().exec();
  if (quoting.length === 0) return;
  await PostModel.updateMany(quotesOf(quoted), update);
  const ids = quoting.map((p) => p._id);
  const after = await PostModel.find({ _id: trusted({ $in: ids }), deleted: false })
    .lean<PostLean[]>()
    .exec();
  const shown = after.flatMap((p) => readableByRoom(p) ?? []);
  for (const post of await presentPublicPosts(shown))
    events.publish('post.updated', { post, actorId: post.author?.id ?? '', newMentionIds: [], restricted: false });
}
