import {
  type Post,
  type PostListQuery,
  type SubscriptionLevel,
  type ThreadCreateBody,
  type ThreadJoined,
  type ThreadListQuery,
  type ThreadPatchBody,
  type ThreadSummary,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import type { Release } from '../infra/outbox.js';
import { AppError } from '../http/errors.js';
import { termsOf } from '../search/terms.js';
import { findCategory } from './categories.js';
import { threadTallies } from './tallies.js';
import { notePostWritten } from '../moderation/recent-posts.js';
import { hiddenCategoryIds, readersOf, viewerById } from './coalition-visibility.js';
import {
  announcedFacts,
  idOr404,
  notFound,
  screenedPost,
  screeningOf,
  withScreening,
  type ForumContext,
  type WriteOptions,
} from './context.js';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { htmlToText, renderMarkdown } from './markdown.js';
import { resolveHandles } from './mentions.js';
import { CategoryModel, PostModel, ThreadModel, ThreadStateModel } from './model.js';
import { threadWatchChanged, threadWatcherIds } from './watchers.js';
import { forumPolicy } from './policy.js';
import { type Actor } from '../members/actor.js';
import { listedThreadsFilter, unreadCountFor } from './thread-visibility.js';
import { gateOf, readableByWriter, readableCategoryOr404, readableInThread, readableThreadOr404 } from './read-rule.js';
import { visiblePostsFilter } from './visibility.js';
import {
  effectiveLastRead,
  presentPosts,
  presentPublicPosts,
  presentPublicThreads,
  presentThreads,
  type PostLean,
  type ThreadLean,
} from './present.js';
import { factsOfScreened, prescreen, statusOfVerdict } from '../moderation/prescreen.js';
import { saveJudgedStatus } from './statuses.js';
import type { ScreeningResult } from '../moderation/rules.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { categoryListChanged, memberMarksChanged, threadPageChanged } from './page-model.js';
import { cachedThreadPage, cachedThreadPageJson, threadPageFromStore } from './thread-page.js';
import { cachedThreadList } from './category-list.js';

const { trusted } = mongoose;

const threadCursorSchema = z.object({ p: cursorField.flag(), t: cursorField.time(), i: cursorField.id() }).strict();
const treeCursorSchema = z.object({ path: z.string().regex(/^\d{8}(\.\d{8})*$/) }).strict();

/** One path segment: the sequence number zero-padded, so plain string order is tree order. */
export function pathSegment(seq: number): string {
  return String(seq).padStart(8, '0');
}

export async function findThread(id: string): Promise<ThreadLean> {
  const thread = await ThreadModel.findById(idOr404(id, 'thread')).lean<ThreadLean>();
  if (!thread) throw notFound('thread');
  return thread;
}

export async function renderBody(body: string) {
  const rendered = await renderMarkdown(body, resolveHandles);
  return { ...rendered, terms: termsOf(htmlToText(rendered.html)) };
}

export async function presentThread(thread: ThreadLean, actor: Actor): Promise<ThreadSummary> {
  const [out] = await presentThreads([thread], actor);
  return out!;
}

export function threadOps(ctx: ForumContext) {
  return {
    async createThread(
      actor: Actor,
      body: ThreadCreateBody,
      opts: WriteOptions = {},
    ): Promise<{ thread: ThreadSummary; post: Post }> {
      await ctx.ready();
      const category = await readableCategoryOr404(actor, body.categoryId);
      forumPolicy.startThread(actor, category);
      await assertMayPublish(actor);
      await ctx.postLimiter?.consume(actor.id);
      const now = opts.at ?? new Date();
      const authorId = new Types.ObjectId(actor.id);
      const rendered = await renderBody(body.body);
      const titleTerms = termsOf(body.title);
      const threadId = new Types.ObjectId();
      const postId = new Types.ObjectId();
      // Members mentioned in a private coalition's thread who cannot read it hear nothing.
      const mentionIds = await readersOf(category._id, rendered.mentionIds);
      const written = screenedPost(actor, body.body, now, body.title);
      // Judged before it is saved: an opening post screening holds or hides is saved so, with its
      // thread out of lists, and reaches nobody but its author before a moderator looks at it.
      const judged: ScreeningResult = opts.approved
        ? { verdict: 'allow', reasons: [] }
        : await prescreen(factsOfScreened(written), postId.toHexString());
      const bornStatus = statusOfVerdict(judged);
      const announce = {
        threadId: threadId.toHexString(),
        opening: true,
        actorId: actor.id,
        replyToAuthorId: null,
        mentionIds,
        facts: announcedFacts(
          body.body,
          now,
          { title: body.title, categoryId: category._id, authorId },
          postId,
          gateOf(category),
        ),
      };
      const {
        result: { thread, post },
        release,
      } = await withScreening(
        ctx,
        [screeningOf(postId.toHexString(), { announce, post: written, verdict: judged })],
        async () => {
          const thread = await ThreadModel.create({
            _id: threadId,
            categoryId: category._id,
            title: body.title,
            tags: body.tags ?? [],
            authorId,
            postCount: 1,
            lastSeq: 1,
            firstPostId: postId,
            lastPosterId: authorId,
            lastActivityAt: now,
            titleTerms,
            terms: [...new Set([...titleTerms, ...rendered.terms])],
            // The marks its opening post's status gives it (thread-visibility.ts).
            ...(bornStatus ? { hidden: true, restrictedSeqs: [1] } : {}),
            createdAt: now,
          });
          let post;
          try {
            post = await PostModel.create({
              _id: postId,
              threadId,
              categoryId: category._id,
              seq: 1,
              parentId: null,
              replyToId: null,
              depth: 0,
              path: pathSegment(1),
              authorId,
              body: body.body,
              html: rendered.html,
              mentionIds: rendered.mentionIds,
              terms: rendered.terms,
              ...(bornStatus ? { status: bornStatus } : {}),
              createdAt: now,
            });
          } catch (err) {
            // No transactions: undo the thread by hand so no empty thread is left behind.
            await ThreadModel.deleteOne({ _id: threadId });
            await categoryListChanged([category._id]);
            throw err;
          }
          // Screening's window of the author's posts (moderation/recent-posts.ts), kept as they
          // are written: before the screening job is handed over, which reads it.
          await notePostWritten(actor.id, postId.toHexString(), body.body, now);
          return { thread, post };
        },
      );
      // Screening is handed over once the lists heard of the thread (below); failing before, to the sweep.
      try {
        await categoryListChanged([category._id]);
        // The author watches their thread and has read its opening post.
        await ThreadStateModel.updateOne(
          { memberId: authorId, threadId },
          { $set: { level: 'watching', lastReadSeq: 1 } },
          { upsert: true },
        );
        await Promise.all([memberMarksChanged(actor.id), threadWatchChanged([threadId])]);

        const threadLean = thread.toObject<ThreadLean>();
        const postLean = readableByWriter(actor, post.toObject<PostLean>());
        const [[publicThread], [publicPost]] = await Promise.all([
          presentPublicThreads([threadLean]),
          presentPublicPosts([postLean]),
        ]);
        release(
          ctx.events.published('thread.created', {
            thread: publicThread!,
            post: publicPost!,
            actorId: actor.id,
            mentionIds,
            restricted: bornStatus !== undefined,
          }),
        );
        const [summary, [ownPost]] = await Promise.all([
          presentThread(threadLean, actor),
          presentPosts([postLean], actor.id),
        ]);
        return { thread: summary, post: ownPost! };
      } finally {
        release(false); // failed before its push: the sweep pushes it (after it: nothing)
      }
    },

    /** Pinned first, then the latest activity; the cursor is (pinned, lastActivityAt, id) of the last row. */
    async listThreads(
      actor: Actor,
      query: ThreadListQuery,
    ): Promise<{ threads: ThreadSummary[]; nextCursor: string | null }> {
      const cached = await cachedThreadList(actor, query);
      if (cached) return cached;
      const filter: Record<string, unknown> = {};
      if (query.categoryId) {
        const category = await readableCategoryOr404(actor, query.categoryId);
        filter.categoryId = category._id;
      } else {
        const archived = await CategoryModel.find({ archived: true }, { _id: 1 }).lean();
        const hidden = [...archived.map((c) => c._id), ...(await hiddenCategoryIds(actor))];
        if (hidden.length > 0) filter.categoryId = trusted({ $nin: hidden });
      }
      const and: Array<Record<string, unknown>> = [];
      const listed = listedThreadsFilter(actor);
      if (listed) and.push(listed);
      if (query.cursor) {
        const c = decodeCursor(threadCursorSchema, query.cursor);
        const at = new Date(c.t);
        const id = new Types.ObjectId(c.i);
        and.push({
          $or: [
            ...(c.p ? [{ pinned: false }] : []),
            { pinned: c.p, lastActivityAt: trusted({ $lt: at }) },
            { pinned: c.p, lastActivityAt: at, _id: trusted({ $lt: id }) },
          ],
        });
      }
      if (and.length > 0) filter.$and = and;
      const rows = await ThreadModel.find(filter)
        .sort({ pinned: -1, lastActivityAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<ThreadLean[]>();
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const nextCursor =
        rows.length > query.limit && last
          ? encodeCursor({ p: last.pinned, t: last.lastActivityAt.getTime(), i: last._id.toHexString() })
          : null;
      return { threads: await presentThreads(page, actor), nextCursor };
    },

    /** The thread, its first page of posts in tree order, and where the member's unread posts begin. */
    async getThread(actor: Actor, id: string) {
      return (await cachedThreadPage(actor, id)) ?? threadPageFromStore(actor, id);
    },

    /** `getThread` as the route sends it: JSON text when the read model serves it. */
    async getThreadJson(actor: Actor, id: string) {
      return (await cachedThreadPageJson(actor, id)) ?? threadPageFromStore(actor, id);
    },

    /** `after`: newer posts by sequence number (catch-up after a reconnect); else tree order from `cursor`. */
    async listPosts(
      actor: Actor,
      id: string,
      query: PostListQuery,
    ): Promise<{ posts: Post[]; hasMore: boolean; nextCursor: string | null }> {
      const thread = await readableThreadOr404(actor, id);
      if (query.after !== undefined) {
        const rows = await PostModel.find({
          threadId: thread._id,
          seq: trusted({ $gt: query.after }),
          ...visiblePostsFilter(actor),
        })
          .sort({ seq: 1 })
          .limit(query.limit + 1)
          .lean<PostLean[]>();
        const page = rows.slice(0, query.limit);
        return {
          posts: await presentPosts(readableInThread(actor, thread, page), actor.id),
          hasMore: rows.length > query.limit,
          nextCursor: null,
        };
      }
      const filter: Record<string, unknown> = { threadId: thread._id, ...visiblePostsFilter(actor) };
      if (query.cursor) filter.path = trusted({ $gt: decodeCursor(treeCursorSchema, query.cursor).path });
      const rows = await PostModel.find(filter)
        .sort({ path: 1 })
        .limit(query.limit + 1)
        .lean<PostLean[]>();
      const page = rows.slice(0, query.limit);
      const hasMore = rows.length > query.limit;
      return {
        posts: await presentPosts(readableInThread(actor, thread, page), actor.id),
        hasMore,
        nextCursor: hasMore && page.length > 0 ? encodeCursor({ path: page.at(-1)!.path }) : null,
      };
    },

    /** The author (or a moderator) renames a thread; moderators pin, lock and move threads. */
    async updateThread(actor: Actor, id: string, patch: ThreadPatchBody): Promise<ThreadSummary> {
      const { title, ...moderated } = patch;
      if (Object.keys(moderated).length > 0) forumPolicy.moderateThread(actor);
      const thread = await readableThreadOr404(actor, id);
      const set: Record<string, unknown> = {};
      let retitledAt: Date | null = null;
      let judged: ScreeningResult | undefined;
      if (title !== undefined && title !== thread.title) {
        forumPolicy.retitleThread(actor, thread);
        await assertMayPublish(actor);
        await ctx.editLimiter?.consume(actor.id);
        const first = thread.firstPostId
          ? await PostModel.findById(thread.firstPostId, { terms: 1, body: 1, createdAt: 1 }).lean()
          : null;
        // The author's new title is judged with the opening post before it is saved, as a new
        // thread is (a moderator's rename is judged by its job, with the author's facts).
        if (first && thread.authorId.toHexString() === actor.id)
          judged = await prescreen(
            factsOfScreened(screenedPost(actor, first.body, first.createdAt, title)),
            first._id.toHexString(),
          );
        const titleTerms = termsOf(title);
        set.title = title;
        set.titleTerms = titleTerms;
        set.terms = [...new Set([...titleTerms, ...(first?.terms ?? [])])];
        retitledAt = new Date();
      }
      // A title screening holds or hides takes its thread out of lists with its opening post.
      const bornStatus = judged ? statusOfVerdict(judged) : undefined;
      if (bornStatus) set.hidden = true;
      if (patch.pinned !== undefined) set.pinned = patch.pinned;
      if (patch.locked !== undefined) set.locked = patch.locked;
      let moved = false;
      if (patch.categoryId !== undefined && patch.categoryId !== thread.categoryId.toHexString()) {
        const target = await findCategory(patch.categoryId);
        if (target.archived) throw new AppError('conflict', 'Threads cannot be moved into an archived category.');
        set.categoryId = target._id;
        moved = true;
      }
      if (Object.keys(set).length === 0) return presentThread(thread, actor);
      const firstPostId = thread.firstPostId;
      const screening =
        retitledAt && firstPostId
          ? [screeningOf(firstPostId.toHexString(), { retitledAt, ...(judged ? { verdict: judged } : {}) })]
          : [];
      // Replies take their numbers where the lock is kept for them (tallies.ts): closed there
      // before the store says so, so no reply numbered after this answer gets in; opened after.
      const tallies = threadTallies();
      const tallyId = thread._id.toHexString();
      if (patch.locked === true) await tallies?.setClosed(tallyId, true);
      let updated: ThreadLean | null;
      let release: Release;
      try {
        ({ result: updated, release } = await withScreening(ctx, screening, async () => {
          // The opening post's status first: the new title is never stored where every reader sees it.
          if (bornStatus && firstPostId) await saveJudgedStatus(firstPostId, bornStatus);
          return ctx.threadLock(thread._id, () =>
            ThreadModel.findOneAndUpdate(
              { _id: thread._id },
              { $set: set, ...(bornStatus ? { $addToSet: { restrictedSeqs: 1 } } : {}) },
              { returnDocument: 'after' },
            )
              .lean<ThreadLean>()
              .exec(),
          );
        }));
      } catch (err) {
        if (patch.locked === true && !thread.locked) await tallies?.setClosed(tallyId, false).catch(() => undefined);
        throw err;
      }
      // Screening of a new title is handed over once the room heard of it (below); failing before, to the sweep.
      try {
        if (!updated) throw notFound('thread');
        if (patch.locked !== undefined) await tallies?.setClosed(tallyId, updated.locked);
        if (moved) {
          await PostModel.updateMany({ threadId: thread._id }, { $set: { categoryId: updated.categoryId } });
          // The thread's watchers now come from the other category.
          await threadWatchChanged([thread._id]);
        }
        await threadPageChanged(thread._id, { lists: [thread.categoryId, updated.categoryId] });
        const [publicThread] = await presentPublicThreads([updated]);
        // Out of lists at once: the lists that show it drop it; its new title reaches only those who
        // may still read it (the thread is hidden now: its author and moderators, listeners.ts).
        if (bornStatus && !thread.hidden)
          ctx.events.publish('thread.moderated', {
            threadId: thread._id.toHexString(),
            categoryId: updated.categoryId.toHexString(),
            hidden: true,
          });
        release(
          ctx.events.published('thread.updated', {
            thread: publicThread!,
            previousCategoryId: moved ? thread.categoryId.toHexString() : null,
            actorId: actor.id,
            retitled:
              retitledAt && updated.firstPostId
                ? { firstPostId: updated.firstPostId.toHexString(), at: retitledAt.toISOString() }
                : null,
          }),
        );
        return presentThread(updated, actor);
      } finally {
        release(false); // failed before its push: the sweep pushes it (after it: nothing)
      }
    },

    /** For `thread:join`: the thread must exist; the caller learns its last sequence number. */
    async joinThread(memberId: string, id: string): Promise<ThreadJoined> {
      const thread = await readableThreadOr404(await viewerById(memberId), id);
      return { threadId: thread._id.toHexString(), lastSeq: thread.lastSeq };
    },

    async setThreadSubscription(
      actor: Actor,
      id: string,
      level: SubscriptionLevel,
    ): Promise<{ level: SubscriptionLevel }> {
      const thread = await readableThreadOr404(actor, id);
      await ThreadStateModel.updateOne(
        { memberId: actor.id, threadId: thread._id },
        // A first state starts where the member's reading already was (see effectiveLastRead).
        { $set: { level }, $setOnInsert: { lastReadSeq: effectiveLastRead(thread, undefined, actor) } },
        { upsert: true },
      );
      await Promise.all([memberMarksChanged(actor.id), threadWatchChanged([thread._id])]);
      return { level };
    },

    /**
     * Who watches a thread (for notifications): its own level when a member set one, else the
     * category's. Muted members are never in the list.
     */
    async watcherIds(id: string): Promise<string[]> {
      return threadWatcherIds(id);
    },

    /** Moves the member's read mark forward (never back) to `seq`, capped at the thread's last post. */
    async markRead(actor: Actor, id: string, seq: number): Promise<{ lastReadSeq: number; unreadCount: number }> {
      const thread = await readableThreadOr404(actor, id);
      const existing = await ThreadStateModel.exists({ memberId: actor.id, threadId: thread._id });
      // A first mark never goes below what effectiveLastRead already counted as read.
      const floor = existing ? 0 : effectiveLastRead(thread, undefined, actor);
      const upTo = Math.max(Math.min(seq, thread.lastSeq), floor);
      const state = await ThreadStateModel.findOneAndUpdate(
        { memberId: actor.id, threadId: thread._id },
        { $max: { lastReadSeq: upTo } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      const lastReadSeq = state?.lastReadSeq ?? upTo;
      await memberMarksChanged(actor.id);
      ctx.events.publish('thread.read', { memberId: actor.id, threadId: thread._id.toHexString(), lastReadSeq });
      return { lastReadSeq, unreadCount: unreadCountFor(thread, lastReadSeq, actor) };
    },
  };
}
