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
import { AppError } from '../http/errors.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { type ForumContext } from './context.js';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { mentionableBy } from '../members/privacy.js';
import { loadMemberRefs, suggestMentions } from './mentions.js';
import {
  BookmarkModel,
  PostModel,
  ReactionModel,
  ThreadModel,
  type BookmarkFields,
  type ReactionCountFields,
} from './model.js';
import { forumPolicy } from './policy.js';
import { type Actor } from '../members/actor.js';
import { readablePostOr404, readablePosts } from './read-rule.js';
import { memberMarksChanged, threadPageChanged } from './page-model.js';
import { presentPosts, reactionCounts, toThreadRef, type Lean, type PostLean, type ThreadLean } from './present.js';

const { trusted } = mongoose;

const bookmarkCursorSchema = z.object({ t: cursorField.time(), i: cursorField.id() }).strict();

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
      const post = await readablePostOr404(actor, postId);
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
        await Promise.all([threadPageChanged(post.threadId), memberMarksChanged(actor.id)]);
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
      // Removing asks the rule too: the answer must not tell whether an unreadable post exists.
      const post = await readablePostOr404(actor, postId);
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
      await memberMarksChanged(actor.id);
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
      // A bookmarked post held, hidden or moved out of the member's reach since drops out of the list.
      const [posts, threads] = await Promise.all([
        PostModel.find({ _id: trusted({ $in: page.map((b) => b.postId) }) })
          .lean<PostLean[]>()
          .then((rows) => readablePosts(actor, rows)),
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

    /** Only members who let the actor mention them (their privacy settings) are offered. */
    async suggestMentions(actor: Actor, q: string): Promise<MemberRef[]> {
      const found = await suggestMentions(q, 32);
      const allowed = await mentionableBy(
        actor.id,
        found.map((m) => m.id),
      );
      return found.filter((m) => allowed.has(m.id)).slice(0, 8);
    },

    /** A member's name and handle (what `@` mentions use), for their profile; signed-in readers only. */
    async memberHandle(_actor: Actor, memberId: string): Promise<MemberRef> {
      const ref = /^[0-9a-f]{24}$/.test(memberId) ? (await loadMemberRefs([memberId])).get(memberId) : undefined;
      if (!ref) throw new AppError('not_found', 'No member with this id.');
      return ref;
    },
  };
}
