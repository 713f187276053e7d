import type { PostStatus } from '@commons/shared';
import mongoose, { type Types } from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import type { SerialLock } from '../infra/mutex.js';
import { threadLockKey } from './context.js';
import { PostModel } from './model.js';
import { refreshThreadModeration } from './thread-visibility.js';
import { threadRecordMarksWritten } from './read-rule.js';
import { categoryListChanged, threadPageChanged } from './page-model.js';
import { quotesFollowStatus } from './quotes.js';

const { trusted } = mongoose;

/** The statuses a post may be held or hidden from (hiding outranks holding). */
export function restrictableFrom(to: 'held' | 'hidden'): PostStatus[] {
  return to === 'hidden' ? ['visible', 'held'] : ['visible'];
}

/**
 * A write's own text judged to hold or hide (moderation/prescreen.ts): the post's status, set
 * before the text is saved so every reader but its author loses it first. Its screening job then
 * does what follows a change (`setPostStatus` with `born`).
 */
export async function saveJudgedStatus(postId: Types.ObjectId, to: 'held' | 'hidden'): Promise<void> {
  await PostModel.updateOne({ _id: postId, status: trusted({ $in: restrictableFrom(to) }) }, { $set: { status: to } });
}

export interface PostStatusRef {
  _id: Types.ObjectId;
  threadId: Types.ObjectId;
  authorId: Types.ObjectId;
}

/**
 * The one writer of a post's moderation status (moderation asks; the forums write). A change
 * brings the thread's marks up to date under the thread's lock, publishes `post.statusChanged`, and
 * `thread.moderated` when the opening post's fate moved the thread in or out of lists.
 */
export function createPostStatuses(deps: { events: DomainEvents; threadLock: SerialLock }) {
  const { events, threadLock } = deps;

  /**
   * The thread's marks after a change of this post's status (thread-visibility.ts), in its kept
   * record and the lists they show in; returns the post's status as the marks read it.
   */
  async function refreshThread(threadId: Types.ObjectId, postId: Types.ObjectId): Promise<PostStatus | null> {
    const { hidden, changed, categoryId, status } = await threadLock.run(threadLockKey(threadId), async () => {
      const marks = await refreshThreadModeration(threadId, postId);
      // The thread's kept record takes the post's part, even unchanged (a retry's first run may
      // have died before this), under the lock: records take a post's parts in the order written.
      if (marks.mark) await threadRecordMarksWritten(threadId, marks.mark);
      return marks;
    });
    // Even unchanged, as the record: a retry whose first run wrote the marks and died still drops the list.
    if (categoryId) await categoryListChanged([categoryId], { required: true });
    if (changed && categoryId)
      events.publish('thread.moderated', { threadId: threadId.toHexString(), categoryId, hidden });
    return status;
  }

  return {
    /**
     * Sets the post's status to `to` if it is now one of `from`; true when this call changed it.
     * `born`: the post's write saved it with `to` already (screening of a `new` post's text, or of
     * an `edited` one's, holds or hides it); finding it so counts as the change, whose marks and
     * events follow.
     */
    async setPostStatus(
      post: PostStatusRef,
      from: readonly PostStatus[],
      to: PostStatus,
      opts: { born?: 'new' | 'edited' } = {},
    ): Promise<boolean> {
      // Quotes of a post going out of sight go first, and come back only once it is visible again.
      // A new post saved out of sight has none: a quote takes only a post everyone may read (posts.ts).
      if (to !== 'visible' && opts.born !== 'new') await quotesFollowStatus(events, post, false);
      // Born so, the status is written; the marks' read of the post below says whether it still is.
      const res = opts.born
        ? null
        : await PostModel.updateOne({ _id: post._id, status: trusted({ $in: [...from] }) }, { $set: { status: to } });
      if (to === 'visible') await quotesFollowStatus(events, post, true);
      // Dropped even when this call changed nothing: a retried job whose first run died after the
      // status write but before the drop still leaves no page showing the post as it was.
      // Required: a held or hidden post must not stay on a kept page; a refusal fails the call, which is retried.
      await threadPageChanged(post.threadId, { required: true, keepRecord: true });
      // The marks follow the post's status even when this call changed nothing: a retried call
      // whose first run died between the status and the marks brings them up to date (a mark
      // already right costs two reads and no write).
      const status = await refreshThread(post.threadId, post._id);
      if (!(res ? res.modifiedCount > 0 : status === to)) return false;
      // Again after the thread's marks: a page built between the status and the marks is dropped too.
      await threadPageChanged(post.threadId, { required: true, keepRecord: true });
      events.publish('post.statusChanged', {
        postId: post._id.toHexString(),
        threadId: post.threadId.toHexString(),
        authorId: post.authorId.toHexString(),
        status: to,
      });
      return true;
    },
  };
}

export type PostStatuses = ReturnType<typeof createPostStatuses>;
