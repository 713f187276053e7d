import type { PostAnnouncement, PostStatus } from '@commons/shared';
import type { Types } from 'mongoose';
import { postStates } from '../forums/reads.js';
import { createPostStatuses, restrictableFrom } from '../forums/statuses.js';
import { RESTRICTED_STATUSES } from '../forums/visibility.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { SerialLock } from '../infra/mutex.js';
import { FlagModel, ItemModel, type ItemFields, type Lean } from './model.js';
import { priorityOf } from './rules.js';
import { isDuplicateKey } from '../infra/store/index.js';

export type ItemLean = Lean<ItemFields>;
export interface PostRef {
  _id: Types.ObjectId;
  threadId: Types.ObjectId;
  authorId: Types.ObjectId;
}

/** What flags, screening and decisions do to a post and its review item (one item per post). */
export function createItemOps(deps: { events: DomainEvents; threadLock: SerialLock }) {
  const { events } = deps;
  // The forums write a post's status and its thread's marks; moderation decides.
  const statuses = createPostStatuses(deps);

  return {
    /** Sets the post visible again; true when this call changed it. */
    restorePost(post: PostRef): Promise<boolean> {
      return statuses.setPostStatus(post, RESTRICTED_STATUSES, 'visible');
    },

    /**
     * Hides (or holds) a visible post; true when this call changed it. `tellAuthor` false when the
     * caller tells the author itself (a moderator's decision carries its own notice), so one fact
     * reaches the author once per channel. `born`: the post was saved with this status by its
     * write, `new` or `edited` (prescreen.ts), and what follows a change (thread marks, events,
     * notice) is due now.
     */
    async restrictPost(
      post: PostRef,
      status: 'held' | 'hidden',
      reasons: string[],
      tellAuthor = true,
      born?: 'new' | 'edited',
    ): Promise<boolean> {
      const from: PostStatus[] = born ? [status] : restrictableFrom(status);
      if (!(await statuses.setPostStatus(post, from, status, { born }))) return false;
      events.publish('moderation.postHidden', {
        postId: post._id.toHexString(),
        threadId: post.threadId.toHexString(),
        authorId: post.authorId.toHexString(),
        status,
        reasons,
        tellAuthor,
      });
      return true;
    },

    /** The post's review item, created on first need; a resolved item reopens. */
    async openItem(post: PostRef, screening: string[] = []): Promise<ItemLean> {
      try {
        await ItemModel.updateOne(
          { postId: post._id },
          {
            $setOnInsert: {
              threadId: post.threadId,
              authorId: post.authorId,
              state: 'open',
              priority: 0,
              screening: [],
              claimedById: null,
              claimedAt: null,
              resolution: null,
              appeal: null,
            },
          },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent first flag created it
      }
      const update: Record<string, unknown> = { $inc: { version: 1 } };
      if (screening.length > 0) update.$addToSet = { screening: { $each: screening } };
      await ItemModel.updateOne(
        { postId: post._id, state: 'resolved' },
        { $set: { state: 'open', claimedById: null, claimedAt: null } },
      );
      const item = await ItemModel.findOneAndUpdate({ postId: post._id }, update, {
        returnDocument: 'after',
      }).lean<ItemLean>();
      return item!;
    },

    /**
     * The review item of a new post that screening just held or hid, made whole in one write: no
     * flags yet, the post out of sight, its announcement kept for a moderator who keeps it. Null
     * when the post has an item already (flagged meanwhile, or a retried job made it): the caller
     * goes the general way (`openItem`, then `refreshPriority`).
     */
    async createScreeningItem(
      post: PostRef,
      screening: string[],
      announce: PostAnnouncement,
    ): Promise<ItemLean | null> {
      try {
        const created = await ItemModel.create({
          postId: post._id,
          threadId: post.threadId,
          authorId: post.authorId,
          state: 'open',
          priority: priorityOf({ reasons: [], weight: 0, hidden: true, appeal: false }),
          screening: [...new Set(screening)],
          announce,
          claimedById: null,
          claimedAt: null,
          resolution: null,
          appeal: null,
          version: 1,
        });
        return created.toObject<ItemLean>();
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },

    async refreshPriority(item: ItemLean): Promise<ItemLean> {
      const [flags, post] = await Promise.all([
        FlagModel.find({ postId: item.postId, outcome: 'open' }, { reason: 1, weight: 1 }).lean(),
        postStates([item.postId]).then(([state]) => state ?? null),
      ]);
      const priority = priorityOf({
        reasons: flags.map((f) => f.reason),
        weight: flags.reduce((s, f) => s + f.weight, 0),
        hidden: post?.status !== 'visible',
        appeal: Boolean(item.appeal),
      });
      const updated = await ItemModel.findOneAndUpdate(
        { _id: item._id },
        { $set: { priority } },
        { returnDocument: 'after' },
      ).lean<ItemLean>();
      return updated ?? item;
    },
  };
}

export type ItemOps = ReturnType<typeof createItemOps>;
