import { forumLimits, type MemberRef, type Post, type PostCreateBody } from '@commons/shared';
import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { upsertRetrying } from '../infra/db.js';
import { assertCanReadCategory, assertCanReadIn, readersOf } from './coalition-visibility.js';
import { idOr404, isDuplicateKey, notFound, type ForumContext, type WriteOptions } from './context.js';
import { loadMemberRefs } from './mentions.js';
import { CategoryModel, PostModel, ThreadModel, ThreadStateModel } from './model.js';
import { forumPolicy, isModerator, type Actor } from './policy.js';
import { presentPosts, presentPublicPosts, presentPublicThreads, type PostLean, type ThreadLean } from './present.js';
import { findThread, pathSegment, renderBody } from './threads.js';
import { canSeePost } from './visibility.js';

export async function findPost(id: string): Promise<PostLean> {
  const post = await PostModel.findById(idOr404(id, 'post')).lean<PostLean>();
  if (!post) throw notFound('post');
  return post;
}

/**
 * Where a reply goes in the tree. Depth grows by one per reply up to forumLimits.maxDepth (5).
 * A reply to a post at that depth attaches to the ancestor at depth 5 (the post itself, or the
 * post it was attached to) and stays at depth 5; `replyToId` still says whom it answers. So a
 * long back-and-forth continues as a flat, chronological run under its depth-5 anchor.
 */
export function placeReply(target: Pick<PostLean, '_id' | 'depth' | 'path' | 'parentId'> | null, seq: number) {
  const max = forumLimits.maxDepth;
  if (!target) return { parentId: null, replyToId: null, depth: 0, path: pathSegment(seq) };
  if (target.depth < max) {
    return {
      parentId: target._id,
      replyToId: target._id,
      depth: target.depth + 1,
      path: `${target.path}.${pathSegment(seq)}`,
    };
  }
  const segments = target.path.split('.');
  const targetIsAnchor = segments.length === max + 1;
  const anchorPath = segments.slice(0, max + 1).join('.');
  return {
    parentId: targetIsAnchor ? target._id : target.parentId,
    replyToId: target._id,
    depth: max,
    path: `${anchorPath}.${pathSegment(seq)}`,
  };
}

export function postOps(ctx: ForumContext) {
  async function presentOne(post: PostLean, actor: Actor): Promise<Post> {
    const [out] = await presentPosts([post], actor.id);
    return out!;
  }

  return {
    /** What a post would look like, without saving it (the same renderer and sanitizer). */
    async previewPost(_actor: Actor, body: string): Promise<{ html: string }> {
      return { html: (await renderBody(body)).html };
    },

    async createPost(actor: Actor, threadId: string, body: PostCreateBody, opts: WriteOptions = {}): Promise<Post> {
      const thread = await findThread(threadId);
      const category = await CategoryModel.findById(thread.categoryId).lean();
      if (category) await assertCanReadCategory(actor, category, 'thread');
      forumPolicy.postInThread(actor, thread, category);
      await ctx.assertCanPost(actor.id);
      const [target, quoted] = await Promise.all([
        body.parentId
          ? PostModel.findOne({ _id: idOr404(body.parentId, 'post'), threadId: thread._id }).lean<PostLean>()
          : null,
        body.quotePostId
          ? PostModel.findOne({
              _id: idOr404(body.quotePostId, 'post'),
              threadId: thread._id,
              deleted: false,
            }).lean<PostLean>()
          : null,
      ]);
      if (body.parentId && !target)
        throw new AppError('not_found', 'No post with this id in this thread.', { field: 'parentId' });
      if (body.quotePostId && !quoted)
        throw new AppError('not_found', 'No post with this id in this thread.', { field: 'quotePostId' });
      await ctx.postLimiter?.consume(actor.id);

      const rendered = await renderBody(body.body);
      const quoteAuthor = quoted
        ? (await loadMemberRefs([quoted.authorId])).get(quoted.authorId.toHexString())
        : undefined;
      const now = opts.at ?? new Date();
      const authorId = new Types.ObjectId(actor.id);

      // Take the next sequence number and count the post, one writer of the thread at a time
      // (ctx.threadLock): FerretDB 1.24 applies concurrent `$inc`s to one document non-atomically.
      // The thread lock is part of the filter, so a lock that lands between our check and this
      // write still refuses the post. The unique (threadId, seq) index stays the arbiter: should a
      // number be taken anyway (a writer that bypassed the lock), lift lastSeq past it and retry.
      const { post, reserved } = await ctx.threadLock(thread._id, async () => {
        for (let attempt = 1; ; attempt++) {
          const taken = await ThreadModel.findOneAndUpdate(
            isModerator(actor) ? { _id: thread._id } : { _id: thread._id, locked: false },
            {
              $inc: { lastSeq: 1, postCount: 1 },
              $max: { lastActivityAt: now },
              $set: { lastPosterId: authorId },
            },
            { returnDocument: 'after' },
          ).lean<ThreadLean>();
          if (!taken) {
            if (await ThreadModel.exists({ _id: thread._id }))
              throw new AppError('thread_locked', 'This thread is locked.');
            throw notFound('thread');
          }
          const seq = taken.lastSeq;
          try {
            const created = await PostModel.create({
              threadId: thread._id,
              categoryId: taken.categoryId,
              seq,
              ...placeReply(target, seq),
              authorId,
              body: body.body,
              html: rendered.html,
              quote:
                quoted && !quoted.deleted
                  ? {
                      postId: quoted._id,
                      seq: quoted.seq,
                      authorId: quoted.authorId,
                      authorName: quoteAuthor?.displayName ?? '',
                      html: quoted.html,
                    }
                  : null,
              mentionIds: rendered.mentionIds,
              terms: rendered.terms,
              createdAt: now,
            });
            return { post: created, reserved: taken };
          } catch (err) {
            // Nothing was posted: the count goes back.
            await ThreadModel.updateOne({ _id: thread._id }, { $inc: { postCount: -1 } });
            if (!isDuplicateKey(err) || attempt >= 5) throw err;
            // FerretDB sorts in memory (it reads every post of the thread): only on this rare path.
            const top = await PostModel.findOne({ threadId: thread._id }, { seq: 1 }).sort({ seq: -1 }).lean();
            await ThreadModel.updateOne({ _id: thread._id }, { $max: { lastSeq: Math.max(top?.seq ?? 0, seq) } });
          }
        }
      });
      const seq = post.seq;
      // Writing in a thread means having read it up to one's own post.
      await upsertRetrying(() =>
        ThreadStateModel.updateOne(
          { memberId: authorId, threadId: thread._id },
          { $max: { lastReadSeq: seq } },
          { upsert: true },
        ),
      );

      const postLean = post.toObject<PostLean>();
      const [[publicThread], [publicPost]] = await Promise.all([
        presentPublicThreads([reserved]),
        presentPublicPosts([postLean]),
      ]);
      // In a private coalition's thread, only members who may read it hear of the post.
      const readers = new Set(
        await readersOf(thread.categoryId, [
          ...rendered.mentionIds,
          ...(target ? [target.authorId.toHexString()] : []),
          ...(quoted ? [quoted.authorId.toHexString()] : []),
        ]),
      );
      const replyToAuthorId = target ? target.authorId.toHexString() : null;
      const quotedAuthorId = quoted ? quoted.authorId.toHexString() : null;
      ctx.events.publish('post.created', {
        thread: publicThread!,
        post: publicPost!,
        actorId: actor.id,
        replyToAuthorId: replyToAuthorId && readers.has(replyToAuthorId) ? replyToAuthorId : null,
        quotedAuthorId: quotedAuthorId && readers.has(quotedAuthorId) ? quotedAuthorId : null,
        mentionIds: rendered.mentionIds.filter((id) => readers.has(id)),
      });
      // A post just written has no reactions or bookmarks yet: no need to look them up.
      return { ...publicPost!, myReactions: [], bookmarked: false };
    },

    async getPost(actor: Actor, id: string): Promise<Post> {
      const post = await findPost(id);
      if (!canSeePost(actor, post)) throw notFound('post');
      await assertCanReadIn(actor, post.categoryId, 'post');
      return presentOne(post, actor);
    },

    /** The author or a moderator edits; the replaced body goes to `revisions`. */
    async editPost(actor: Actor, id: string, body: string): Promise<Post> {
      const post = await findPost(id);
      await assertCanReadIn(actor, post.categoryId, 'post');
      const thread = await findThread(post.threadId.toHexString());
      forumPolicy.editPost(actor, post, thread);
      await ctx.assertCanPost(actor.id);
      if (body === post.body) return presentOne(post, actor);
      await ctx.editLimiter?.consume(actor.id);
      const rendered = await renderBody(body);
      const now = new Date();
      const updated = await PostModel.findOneAndUpdate(
        { _id: post._id, deleted: false },
        {
          $set: { body, html: rendered.html, mentionIds: rendered.mentionIds, terms: rendered.terms, editedAt: now },
          // Each revision is a body that was replaced: when, and by whom.
          $push: { revisions: { body: post.body, editedAt: now, editorId: new Types.ObjectId(actor.id) } },
        },
        { returnDocument: 'after' },
      ).lean<PostLean>();
      if (!updated) throw notFound('post');
      if (thread.firstPostId?.equals(post._id)) {
        await ctx.threadLock(thread._id, () =>
          ThreadModel.updateOne(
            { _id: thread._id },
            { $set: { terms: [...new Set([...thread.titleTerms, ...rendered.terms])] } },
          ).exec(),
        );
      }
      const before = new Set(post.mentionIds.map((m) => m.toHexString()));
      const [publicPost] = await presentPublicPosts([updated]);
      ctx.events.publish('post.updated', {
        post: publicPost!,
        actorId: actor.id,
        newMentionIds: await readersOf(
          post.categoryId,
          rendered.mentionIds.filter((m) => !before.has(m)),
        ),
      });
      return presentOne(updated, actor);
    },

    /**
     * Soft delete by the author or a moderator: the body becomes a tombstone, the post keeps its
     * place so replies stay in the tree. What it said stays in `revisions`, for moderators only.
     */
    async deletePost(actor: Actor, id: string): Promise<void> {
      const post = await findPost(id);
      await assertCanReadIn(actor, post.categoryId, 'post');
      forumPolicy.deletePost(actor, post);
      if (post.deleted) return;
      const now = new Date();
      const updated = await PostModel.findOneAndUpdate(
        { _id: post._id, deleted: false },
        {
          $set: {
            deleted: true,
            deletedAt: now,
            deletedById: new Types.ObjectId(actor.id),
            body: '',
            html: '',
            quote: null,
            mentionIds: [],
            terms: [],
          },
          $push: { revisions: { body: post.body, editedAt: now, editorId: new Types.ObjectId(actor.id) } },
        },
        { returnDocument: 'after' },
      ).lean<PostLean>();
      if (!updated) return;
      await ctx.threadLock(post.threadId, async () => {
        const thread = await ThreadModel.findOneAndUpdate(
          { _id: post.threadId },
          { $inc: { postCount: -1 } },
          { returnDocument: 'after' },
        ).lean<ThreadLean>();
        if (thread?.firstPostId?.equals(post._id))
          await ThreadModel.updateOne({ _id: thread._id }, { $set: { terms: thread.titleTerms } });
      });
      const [publicPost] = await presentPublicPosts([updated]);
      ctx.events.publish('post.deleted', { post: publicPost!, actorId: actor.id });
    },

    /** Earlier bodies, newest first. */
    async listRevisions(
      actor: Actor,
      id: string,
    ): Promise<Array<{ body: string; editedAt: string; editor: MemberRef | null }>> {
      const post = await findPost(id);
      await assertCanReadIn(actor, post.categoryId, 'post');
      forumPolicy.readRevisions(actor, post);
      const refs = await loadMemberRefs(post.revisions.map((r) => r.editorId));
      return [...post.revisions].reverse().map((r) => ({
        body: r.body,
        editedAt: r.editedAt.toISOString(),
        editor: refs.get(r.editorId.toHexString()) ?? null,
      }));
    },
  };
}
