import {
  reactionKinds,
  type Bookmark,
  type BookmarkListQuery,
  type MemberRef,
  type ReactionCounts,
  type ReactionKind,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import { assertCanReadIn, hiddenCategoryIds } from './coalition-visibility.js';
import { isDuplicateKey, type ForumContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { suggestMentions } from './mentions.js';
import {
  BookmarkModel,
  PostModel,
  ReactionModel,
  ThreadModel,
  type BookmarkFields,
  type ReactionCountFields,
} from './model.js';
import { forumPolicy, type Actor } from './policy.js';
import { findPost } from './posts.js';
import { presentPosts, reactionCounts, toThreadRef, type Lean, type PostLean, type ThreadLean } from './present.js';

const { trusted } = mongoose;

const bookmarkCursorSchema = z.object({ t: z.number().int(), i: z.string().regex(/^[0-9a-f]{24}$/) }).strict();

/** Reactions, bookmarks and mention look-ups: what a reader does with a post. */
export function engagementOps(ctx: ForumContext) {
  return {
    /** Adds (`on`) or removes one reaction of the member; idempotent, counts kept with $inc. */
    async react(
      actor: Actor,
      postId: string,
      kind: ReactionKind,
      on: boolean,
    ): Promise<{ postId: string; reactions: ReactionCounts; myReactions: ReactionKind[] }> {
      const post = await findPost(postId);
      await assertCanReadIn(actor, post.categoryId, 'post');
      forumPolicy.react(post);
      const memberId = new Types.ObjectId(actor.id);
      let changed: boolean;
      if (on) {
        try {
          const res = await ReactionModel.updateOne(
            { postId: post._id, memberId, kind },
            { $setOnInsert: { threadId: post.threadId, createdAt: new Date() } },
            { upsert: true },
          );
          changed = res.upsertedCount === 1;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          changed = false;
        }
      } else {
        changed = (await ReactionModel.deleteOne({ postId: post._id, memberId, kind })).deletedCount === 1;
      }
      let counts = reactionCounts(post.reactions);
      if (changed) {
        const updated = await PostModel.findOneAndUpdate(
          { _id: post._id },
          { $inc: { [`reactions.${kind}`]: on ? 1 : -1 } },
          // No projection: FerretDB 1.24 does not implement `fields` on findAndModify.
          { returnDocument: 'after' },
        ).lean<{ reactions: ReactionCountFields }>();
        counts = reactionCounts(updated?.reactions);
        ctx.events.publish('reaction.changed', {
          threadId: post.threadId.toHexString(),
          postId: post._id.toHexString(),
          postAuthorId: post.authorId.toHexString(),
          reactions: counts,
          kind,
          added: on,
          actorId: actor.id,
        });
      }
      const mine = await ReactionModel.find({ postId: post._id, memberId }, { kind: 1 }).lean();
      const own = new Set(mine.map((r) => r.kind));
      return {
        postId: post._id.toHexString(),
        reactions: counts,
        myReactions: reactionKinds.filter((k) => own.has(k)),
      };
    },

    async bookmark(actor: Actor, postId: string, on: boolean): Promise<{ postId: string; bookmarked: boolean }> {
      const post = await findPost(postId);
      if (on) await assertCanReadIn(actor, post.categoryId, 'post');
      const memberId = new Types.ObjectId(actor.id);
      if (on) {
        forumPolicy.react(post);
        try {
          await BookmarkModel.updateOne(
            { memberId, postId: post._id },
            { $setOnInsert: { threadId: post.threadId, createdAt: new Date() } },
            { upsert: true },
          );
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      } else {
        await BookmarkModel.deleteOne({ memberId, postId: post._id });
      }
      return { postId: post._id.toHexString(), bookmarked: on };
    },

    /** The member's bookmarks, newest first. */
    async listBookmarks(
      actor: Actor,
      query: BookmarkListQuery,
    ): Promise<{ bookmarks: Bookmark[]; nextCursor: string | null }> {
      const filter: Record<string, unknown> = { memberId: actor.id };
      if (query.cursor) {
        const c = decodeCursor(bookmarkCursorSchema, query.cursor);
        const at = new Date(c.t);
        filter.$or = [
          { createdAt: trusted({ $lt: at }) },
          { createdAt: at, _id: trusted({ $lt: new Types.ObjectId(c.i) }) },
        ];
      }
      const rows = await BookmarkModel.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<Lean<BookmarkFields>[]>();
      const page = rows.slice(0, query.limit);
      const hidden = await hiddenCategoryIds(actor);
      const [posts, threads] = await Promise.all([
        PostModel.find({
          _id: trusted({ $in: page.map((b) => b.postId) }),
          ...(hidden.length ? { categoryId: trusted({ $nin: hidden }) } : {}),
        }).lean<PostLean[]>(),
        ThreadModel.find({ _id: trusted({ $in: page.map((b) => b.threadId) }) }, { title: 1, categoryId: 1 }).lean<
          ThreadLean[]
        >(),
      ]);
      const presented = new Map((await presentPosts(posts, actor.id)).map((p) => [p.id, p]));
      const threadById = new Map(threads.map((t) => [t._id.toHexString(), t]));
      const bookmarks: Bookmark[] = [];
      for (const b of page) {
        const post = presented.get(b.postId.toHexString());
        const thread = threadById.get(b.threadId.toHexString());
        if (post && thread)
          bookmarks.push({ bookmarkedAt: b.createdAt.toISOString(), post, thread: toThreadRef(thread) });
      }
      const last = page.at(-1);
      return {
        bookmarks,
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ t: last.createdAt.getTime(), i: last._id.toHexString() })
            : null,
      };
    },

    async suggestMentions(_actor: Actor, q: string): Promise<MemberRef[]> {
      return suggestMentions(q);
    },
  };
}
