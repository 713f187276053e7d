import { forumLimits, type MemberRef, type Post, type PostCreateBody } from '@commons/shared';
import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isStoreUnavailable, upsertRetrying } from '../infra/db.js';
import { readersOf } from './coalition-visibility.js';
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
import { countSaved, saveInStore, saveNumbered } from './numbering.js';
import { threadTallies } from './tallies.js';
import { loadMemberRefs } from './mentions.js';
import { PostModel, ThreadModel, ThreadStateModel } from './model.js';
import { forumPolicy } from './policy.js';
import type { Actor } from '../members/actor.js';
import {
  presentPosts,
  presentPublicPosts,
  toPublicPost,
  toPublicThread,
  type PostLean,
  type ThreadLean,
} from './present.js';
import {
  audienceOf,
  readableByRoom,
  readableByWriter,
  readablePostOr404,
  readablePosts,
  readableThreadForReplyOr404,
  readableThreadOr404,
  type Readable,
} from './read-rule.js';
import { pathSegment, renderBody } from './threads.js';
import { factsOfScreened, prescreen, statusOfVerdict } from '../moderation/prescreen.js';
import { saveJudgedStatus } from './statuses.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { notePostGone, notePostWritten } from '../moderation/recent-posts.js';
import { memberMarksChanged, threadPageChanged } from './page-model.js';
import { quotesForget } from './quotes.js';
import { replyWritten, threadCountsWritten } from './thread-page.js';

/**
 * A post of this thread the actor may read (a reply's parent, a quote), else null. A quote also
 * copies the text into a post everyone reads, so it takes only a post everyone may read.
 */
async function postInThreadFor(
  actor: Actor,
  id: string,
  threadId: Types.ObjectId,
  opts: { forQuote: boolean },
): Promise<Readable<PostLean> | null> {
  const post = await PostModel.findOne({
    _id: idOr404(id, 'post'),
    threadId,
    ...(opts.forQuote ? { deleted: false } : {}),
  }).lean<PostLean>();
  if (!post) return null;
  const [readable] = await readablePosts(actor, [post]);
  if (!readable) return null;
  return opts.forQuote ? readableByRoom(readable) : readable;
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
  async function presentOne(post: Readable<PostLean>, actor: Actor): Promise<Post> {
    const [out] = await presentPosts([post], actor.id);
    return out!;
  }

  return {
    /** What a post would look like, without saving it (the same renderer and sanitizer). */
    async previewPost(actor: Actor, body: string): Promise<{ html: string }> {
      await ctx.previewLimiter?.consume(actor.id);
      return { html: (await renderBody(body)).html };
    },

    async createPost(actor: Actor, threadId: string, body: PostCreateBody, opts: WriteOptions = {}): Promise<Post> {
      // The category's gate comes with the read rule's answer: whether it is archived too.
      // From the thread's kept record: its counts may lag, so the reply takes its own (below).
      const { thread, gate } = await readableThreadForReplyOr404(actor, threadId);
      forumPolicy.postInThread(actor, thread, gate);
      await assertMayPublish(actor);
      const [target, quoted] = await Promise.all([
        body.parentId ? postInThreadFor(actor, body.parentId, thread._id, { forQuote: false }) : null,
        body.quotePostId ? postInThreadFor(actor, body.quotePostId, thread._id, { forQuote: true }) : null,
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
      const postId = new Types.ObjectId();
      const written = screenedPost(actor, body.body, now);
      // What the answer and the post.created event need is read before the post is saved: once it
      // is saved, a store outage must not answer 503 for a post that exists but was never announced
      // (screened, fanned out, pushed live). The verdict too: a post screening holds or hides is
      // saved so, and reaches nobody but its author (and moderators, through the queue) first.
      const [refs, readerIds, judged] = await Promise.all([
        loadMemberRefs([thread.authorId, authorId]),
        readersOf(thread.categoryId, [
          ...rendered.mentionIds,
          ...(target ? [target.authorId.toHexString()] : []),
          ...(quoted ? [quoted.authorId.toHexString()] : []),
        ]),
        prescreen(factsOfScreened(written), postId.toHexString()),
      ]);

      // In a private coalition's thread, only members who may read it hear of the post.
      const readers = new Set(readerIds);
      const replyToAuthorId = target ? target.authorId.toHexString() : null;
      const quotedAuthorId = quoted ? quoted.authorId.toHexString() : null;
      const mentionIds = rendered.mentionIds.filter((id) => readers.has(id));
      const bornStatus = statusOfVerdict(judged);
      const announce = {
        threadId: thread._id.toHexString(),
        opening: false,
        actorId: actor.id,
        replyToAuthorId: replyToAuthorId && readers.has(replyToAuthorId) ? replyToAuthorId : null,
        mentionIds,
        // The fan-out reads none of these back; it reads the post's and opening post's states.
        facts: thread.firstPostId ? announcedFacts(body.body, now, thread, thread.firstPostId, gate) : undefined,
      };
      const save = (seq: number, categoryId: Types.ObjectId) =>
        PostModel.create({
          _id: postId,
          threadId: thread._id,
          categoryId,
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
          ...(bornStatus ? { status: bornStatus } : {}),
          createdAt: now,
        });
      const screening = [screeningOf(postId.toHexString(), { announce, post: written, verdict: judged })];
      const tallies = threadTallies();
      const {
        result: { post, counted: inStore, thread: countedThread },
        release,
      } = await withScreening(ctx, screening, async () => {
        const saved = tallies
          ? await saveNumbered(ctx, tallies, actor, thread, now, save)
          : { ...(await saveInStore(ctx, actor, thread, now, save)), counted: true };
        // Screening's window of the author's posts (moderation/recent-posts.ts), kept as they are
        // written: before the screening job is handed over, which reads it.
        await notePostWritten(actor.id, postId.toHexString(), body.body, now);
        return saved;
      });
      // Screening is handed over once the room heard of the post (below); failing before, to the sweep.
      try {
        const seq = post.seq;
        const reserved: ThreadLean = countedThread ?? {
          ...thread,
          lastSeq: Math.max(thread.lastSeq, seq),
          postCount: thread.postCount + 1,
          lastActivityAt: thread.lastActivityAt > now ? thread.lastActivityAt : now,
          lastPosterId: authorId,
        };
        // On the kept page and list first, so that the count's write below finds the thread shown
        // up to this number and sets its counts in place (thread-page.ts `threadCountsWritten`).
        await replyWritten(reserved, post.toObject<PostLean>());
        // Counted in the store by this reply's own write (MongoDB; or Redis refused the tally).
        if (countedThread) await threadCountsWritten(countedThread);
        // The room hears of the post first: the thread's count and the author's read mark, each a
        // store write, follow. A post saved held or hidden reaches its author's own tabs only.
        const audience = audienceOf(thread, gate.archived);
        const publicPost = toPublicPost(readableByWriter(actor, post.toObject<PostLean>()), refs);
        release(
          ctx.events.published('post.created', {
            threadId: thread._id.toHexString(),
            audience,
            restricted: bornStatus !== undefined,
            post: publicPost,
            actorId: actor.id,
            replyToAuthorId: announce.replyToAuthorId,
            quotedAuthorId: quotedAuthorId && readers.has(quotedAuthorId) ? quotedAuthorId : null,
            mentionIds,
          }),
        );
        // The count and latest activity, written to the thread by this reply or the one writing now.
        const counted = tallies && !inStore ? await countSaved(tallies, thread._id, seq, now, actor.id, ctx) : null;
        if (counted !== null) reserved.postCount = counted;
        // The category's lists hear of the thread's new count and activity.
        ctx.events.publish('thread.activity', { thread: toPublicThread(reserved, refs), audience });
        // Writing in a thread means having read it up to one's own post. Only a convenience: when the
        // store fails here the post stands, and the author's next read of the thread sets the mark.
        await upsertRetrying(() =>
          ThreadStateModel.updateOne(
            { memberId: authorId, threadId: thread._id },
            { $max: { lastReadSeq: seq } },
            { upsert: true },
          ),
        ).catch((err: unknown) => {
          if (!isStoreUnavailable(err)) throw err;
        });
        await memberMarksChanged(actor.id);
        // A post just written has no reactions or bookmarks yet: no need to look them up.
        return { ...publicPost, myReactions: [], bookmarked: false };
      } finally {
        release(false); // failed before its push: the sweep pushes it (after it: nothing)
      }
    },

    async getPost(actor: Actor, id: string): Promise<Post> {
      return presentOne(await readablePostOr404(actor, id), actor);
    },

    /** The author or a moderator edits; the replaced body goes to `revisions`. */
    async editPost(actor: Actor, id: string, body: string): Promise<Post> {
      const post = await readablePostOr404(actor, id);
      const thread = await readableThreadOr404(actor, post.threadId.toHexString());
      forumPolicy.editPost(actor, post, thread);
      await assertMayPublish(actor);
      if (body === post.body) return presentOne(post, actor);
      await ctx.editLimiter?.consume(actor.id);
      const rendered = await renderBody(body);
      const now = new Date();
      // The author's new text is judged before it is saved, as a new post is: text screening holds
      // or hides is saved with that status, so the room never receives it. (A moderator's edit of
      // someone else's post is judged by its job, with the author's facts from the store.)
      const judged =
        post.authorId.toHexString() === actor.id
          ? await prescreen(
              factsOfScreened(
                screenedPost(
                  actor,
                  body,
                  post.createdAt,
                  thread.firstPostId?.equals(post._id) ? thread.title : undefined,
                ),
              ),
              post._id.toHexString(),
            )
          : undefined;
      const bornStatus = judged ? statusOfVerdict(judged) : undefined;
      const screening = screeningOf(post._id.toHexString(), { editedAt: now, ...(judged ? { verdict: judged } : {}) });
      const { result: updated, release } = await withScreening(ctx, [screening], async () => {
        // The status first: the new text is never stored where every reader can see it.
        if (bornStatus) await saveJudgedStatus(post._id, bornStatus);
        return PostModel.findOneAndUpdate(
          { _id: post._id, deleted: false },
          {
            $set: { body, html: rendered.html, mentionIds: rendered.mentionIds, terms: rendered.terms, editedAt: now },
            // Each revision is a body that was replaced: when, and by whom.
            $push: { revisions: { body: post.body, editedAt: now, editorId: new Types.ObjectId(actor.id) } },
          },
          { returnDocument: 'after' },
        )
          .lean<PostLean>()
          .exec();
      });
      // Screening is handed over once the room heard of the new text (below); failing before, to the sweep.
      try {
        if (!updated) throw notFound('post');
        await notePostWritten(post.authorId.toHexString(), post._id.toHexString(), body, post.createdAt, post.body);
        await threadPageChanged(thread._id, { required: true });
        if (thread.firstPostId?.equals(post._id)) {
          await ctx.threadLock(thread._id, () =>
            ThreadModel.updateOne(
              { _id: thread._id },
              { $set: { terms: [...new Set([...thread.titleTerms, ...rendered.terms])] } },
            ).exec(),
          );
        }
        const before = new Set(post.mentionIds.map((m) => m.toHexString()));
        const readable = readableByWriter(actor, updated);
        // Held or hidden: the new text reaches its author's tabs only, and mentions in it nobody.
        const restricted = readableByRoom(updated) === null;
        const [publicPost] = await presentPublicPosts([readable]);
        release(
          ctx.events.published('post.updated', {
            post: publicPost!,
            actorId: actor.id,
            newMentionIds: restricted
              ? []
              : await readersOf(
                  post.categoryId,
                  rendered.mentionIds.filter((m) => !before.has(m)),
                ),
            restricted,
          }),
        );
        return presentOne(readable, actor);
      } finally {
        release(false); // failed before its push: the sweep pushes it (after it: nothing)
      }
    },

    /**
     * Soft delete by the author or a moderator: the body becomes a tombstone, the post keeps its
     * place so replies stay in the tree. What it said stays in `revisions`, for moderators only.
     */
    async deletePost(actor: Actor, id: string): Promise<void> {
      const post = await readablePostOr404(actor, id);
      forumPolicy.deletePost(actor, post);
      if (post.deleted) return;
      // Its quotes go before it does: a crash in between leaves a post without quotes, never a quote of a deleted post.
      await quotesForget(ctx.events, post);
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
      await notePostGone(post.authorId.toHexString(), post._id.toHexString(), post.body);
      await threadPageChanged(post.threadId, { required: true, lists: [post.categoryId] });
      // One post fewer: in the thread's tally (written by whoever writes the thread's counts), or
      // in the store itself when Redis keeps none for the thread.
      const tallies = threadTallies();
      const kept = tallies ? await tallies.uncounted(post.threadId.toHexString()).catch(() => false) : false;
      if (!kept)
        await ctx.threadLock(post.threadId, () =>
          ThreadModel.updateOne({ _id: post.threadId }, { $inc: { postCount: -1 } }).exec(),
        );
      // The opening post (always seq 1) leaves the thread's search terms with its text.
      if (post.seq === 1)
        await ctx.threadLock(post.threadId, async () => {
          const thread = await ThreadModel.findById(post.threadId, {
            firstPostId: 1,
            titleTerms: 1,
          }).lean<ThreadLean>();
          if (thread?.firstPostId?.equals(post._id))
            await ThreadModel.updateOne({ _id: thread._id }, { $set: { terms: thread.titleTerms } });
        });
      // Again after the count: a page built between the post's write and the count's is dropped too.
      await threadPageChanged(post.threadId, { required: true, lists: [post.categoryId] });
      // A held or hidden post leaves without a word to the room, which never saw it.
      const roomView = readableByRoom(updated);
      if (!roomView) return;
      const [publicPost] = await presentPublicPosts([roomView]);
      ctx.events.publish('post.deleted', { post: publicPost!, actorId: actor.id });
    },

    /** Earlier bodies, newest first. */
    async listRevisions(
      actor: Actor,
      id: string,
    ): Promise<Array<{ body: string; editedAt: string; editor: MemberRef | null }>> {
      const post = await readablePostOr404(actor, id);
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
