import {
  forumLimits,
  reactionKinds,
  type MemberRef,
  type Post,
  type PublicPost,
  type PublicThread,
  type ReactionKind,
  type SubscriptionLevel,
  type ThreadSummary,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { isModerator, type Actor } from '../members/actor.js';
import { isVisitor } from '../site/viewer.js';
import { encodeCursor } from '../http/cursor.js';
import { JsonText } from '../infra/json-text.js';
import { notFound } from './context.js';
import { loadMemberRefs } from './mentions.js';
import {
  BookmarkModel,
  CategorySubscriptionModel,
  PostModel,
  ReactionModel,
  ThreadModel,
  ThreadStateModel,
} from './model.js';
import { listWithCounts, listWithReply, type CategoryList } from './category-list.js';
import { changeList, changePage, threadPages } from './page-model.js';
import {
  effectiveLastRead,
  presentPosts,
  presentThreads,
  toPublicPost,
  toPublicThread,
  type PostLean,
  type ThreadLean,
} from './present.js';
import {
  categoryGate,
  mayReadThreadFacts,
  readableByRoom,
  readableInThread,
  readableThreadOr404,
  threadRecordCountsWritten,
  type CategoryGate,
} from './read-rule.js';
import { unreadCountFor } from './thread-visibility.js';
import { visiblePostsFilter } from './visibility.js';

const { trusted } = mongoose;

/*
 * A thread's first page from the read model (page-model.ts): the part every plain member sees
 * alike is built once from the store; what is the reader's own (read mark, levels, reactions,
 * bookmarks) is their overlay. What the shared part cannot decide for a reader is read from the
 * store as before (`null`: the caller takes the store path): moderators (who see held and
 * hidden posts), authors of held or hidden posts near the page (who see their own), and a page
 * whose window the thread's marks do not cover.
 */

/** The thread as the page keeps it: the public view without names, and what the rule and unread counts need. */
interface PageThread {
  view: PublicThread;
  authorId: string;
  lastPosterId: string | null;
  hidden: boolean;
  restrictedSeqs: number[];
}

export interface ThreadPage {
  thread: PageThread;
  gate: { archived: boolean; public: boolean; coalitionId: string | null };
  /** The first page in tree order as every reader of the thread sees it (names added on read). */
  posts: Array<{ view: PublicPost; authorId: string }>;
  nextCursor: string | null;
  /** Authors of held or hidden posts among those read: their own page differs, so it comes from the store. */
  restrictedAuthors: string[];
}

/** What is the member's own on a thread's page. */
export interface PageOverlay {
  categoryId: string;
  lastReadSeq: number | null;
  level: SubscriptionLevel | null;
  categoryLevel: SubscriptionLevel | null;
  reactions: Record<string, ReactionKind[]>;
  bookmarks: string[];
}

export interface ThreadPageAnswer {
  thread: ThreadSummary;
  posts: Post[];
  nextCursor: string | null;
  firstUnreadSeq: number | null;
}

const NO_REFS = new Map<string, MemberRef>();
const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * The page from the store, or null when it cannot be kept (no such thread; more held or hidden
 * posts than the thread's marks say, so the window read may not hold a full page).
 */
async function buildPage(threadId: string): Promise<ThreadPage | null> {
  const thread = await ThreadModel.findById(threadId).lean<ThreadLean>();
  if (!thread) return null;
  const size = forumLimits.threadPageSize;
  // Held and hidden posts are read too (their authors are told apart), so the window is wider by their count.
  const window = size + 1 + (thread.restrictedSeqs?.length ?? 0);
  const [gate, rows] = await Promise.all([
    categoryGate(thread.categoryId),
    PostModel.find({ threadId: thread._id }).sort({ path: 1 }).limit(window).lean<PostLean[]>(),
  ]);
  if (!gate) return null;
  const shown = rows.map((p) => readableByRoom(p)).filter((p) => p !== null);
  if (shown.length <= size && rows.length === window) return null;
  const page = shown.slice(0, size);
  const restrictedAuthors = new Set(
    rows.filter((p) => readableByRoom(p) === null).map((p) => p.authorId.toHexString()),
  );
  return {
    thread: pageThread(thread),
    gate: { archived: gate.archived, public: gate.public, coalitionId: gate.coalitionId?.toHexString() ?? null },
    posts: page.map((p) => ({ view: toPublicPost(p, NO_REFS), authorId: p.authorId.toHexString() })),
    nextCursor: shown.length > page.length && page.length > 0 ? encodeCursor({ path: page.at(-1)!.path }) : null,
    restrictedAuthors: [...restrictedAuthors],
  };
}

/** The thread as the page keeps it. */
function pageThread(thread: ThreadLean): PageThread {
  return {
    view: toPublicThread(thread, NO_REFS),
    authorId: thread.authorId.toHexString(),
    lastPosterId: thread.lastPosterId?.toHexString() ?? null,
    hidden: Boolean(thread.hidden),
    restrictedSeqs: thread.restrictedSeqs ?? [],
  };
}

/**
 * The kept page with a reply added, or null (the page is then dropped): only while the page holds
 * the whole thread with room for one more, the reply is one every reader sees, and the page is
 * the thread just before it (its last number the one before the reply's, the reply not on it,
 * the same category). `thread` is the thread as the reply's own write left it, so it is newer
 * than the page in every field: the page was read before that write moved the last number.
 */
export function withReply(page: ThreadPage, thread: ThreadLean, post: PostLean): ThreadPage | null {
  const shown = readableByRoom(post);
  if (!shown || page.nextCursor !== null || page.posts.length >= forumLimits.threadPageSize) return null;
  if (thread.lastSeq !== post.seq || page.thread.view.lastSeq !== post.seq - 1) return null;
  if (page.thread.view.categoryId !== thread.categoryId.toHexString()) return null;
  const id = post._id.toHexString();
  if (page.posts.some((p) => p.view.id === id)) return null;
  const added = { view: toPublicPost(shown, NO_REFS), authorId: post.authorId.toHexString() };
  const at = page.posts.findIndex((p) => p.view.path > post.path);
  const posts = at < 0 ? [...page.posts, added] : [...page.posts.slice(0, at), added, ...page.posts.slice(at)];
  return { ...page, thread: pageThread(thread), posts };
}

/**
 * After a reply is stored: added to its thread's kept page where `withReply` can, and its thread
 * moved up its category's kept list where `listWithReply` can; else each is dropped. `thread`: as
 * the reply's write left it.
 */
export async function replyWritten(thread: ThreadLean, post: PostLean): Promise<void> {
  await Promise.all([
    changePage<ThreadPage>(thread._id, (page) => withReply(page, thread, post)),
    changeList<CategoryList>(thread.categoryId, (list) => listWithReply(list, thread)),
  ]);
}

/**
 * After a thread's counts are written (forums/tallies.ts, by whichever reply holds the thread's
 * writer key): a kept page, and the thread's entry in its category's kept list, that show the
 * thread up to the same number take them in place; any other is dropped, as it would show counts
 * older than the store's. The thread's kept record takes them too. `thread`: as that write left it.
 */
export async function threadCountsWritten(thread: ThreadLean): Promise<void> {
  await Promise.all([
    threadRecordCountsWritten(thread),
    changePage<ThreadPage>(thread._id, (page) =>
      page.thread.view.lastSeq === thread.lastSeq && page.thread.view.categoryId === thread.categoryId.toHexString()
        ? { ...page, thread: pageThread(thread) }
        : null,
    ),
    changeList<CategoryList>(thread.categoryId, (list) => listWithCounts(list, thread)),
  ]);
}

async function buildOverlay(actor: Actor, threadId: string, categoryId: string): Promise<PageOverlay> {
  const memberId = new Types.ObjectId(actor.id);
  const thread = new Types.ObjectId(threadId);
  const [state, reactions, marks] = await Promise.all([
    ThreadStateModel.findOne({ memberId, threadId: thread }, { lastReadSeq: 1, level: 1 }).lean(),
    ReactionModel.find({ memberId, threadId: thread }, { postId: 1, kind: 1 }).lean(),
    BookmarkModel.find({ memberId, threadId: thread }, { postId: 1 }).lean(),
  ]);
  // The category's level only matters where the thread has none of its own.
  const categoryLevel = state?.level
    ? null
    : ((
        await CategorySubscriptionModel.findOne(
          { memberId, categoryId: new Types.ObjectId(categoryId) },
          { level: 1 },
        ).lean()
      )?.level ?? null);
  const own: Record<string, ReactionKind[]> = {};
  for (const r of reactions) (own[r.postId.toHexString()] ??= []).push(r.kind);
  return {
    categoryId,
    lastReadSeq: state ? state.lastReadSeq : null,
    level: state?.level ?? null,
    categoryLevel,
    reactions: own,
    bookmarks: marks.map((b) => b.postId.toHexString()),
  };
}

const NO_OVERLAY = (categoryId: string): PageOverlay => ({
  categoryId,
  lastReadSeq: null,
  level: null,
  categoryLevel: null,
  reactions: {},
  bookmarks: [],
});

/**
 * The first readable post after `lastRead` (not deleted), when the page alone can tell: every
 * number up to it is on the page, held or hidden, or (on a page holding the whole thread) no
 * post at all. `undefined`: ask the store.
 */
function firstUnreadOnPage(page: ThreadPage, lastRead: number): number | null | undefined {
  const { lastSeq } = page.thread.view;
  if (lastRead >= lastSeq) return null;
  const whole = page.nextCursor === null;
  const onPage = new Map(page.posts.map((p) => [p.view.seq, p.view.deleted]));
  for (let seq = lastRead + 1; seq <= lastSeq; seq++) {
    const deleted = onPage.get(seq);
    if (deleted === false) return seq;
    if (deleted === true) continue;
    // Off the page: on a partial page it may be the reader's own held post, or any later post.
    if (!whole) return undefined;
  }
  return null;
}

/**
 * Whether the thread is hidden and its category's gate, as its kept page holds them now (every
 * write that changes them drops the page), or null when no page is kept or the kept pages are not
 * trusted: the caller reads the store.
 */
export async function keptThreadGate(threadId: string): Promise<{ hidden: boolean; gate: ThreadPage['gate'] } | null> {
  const pages = threadPages();
  if (!pages || !pages.trusted() || !OBJECT_ID.test(threadId)) return null;
  const { page } = await pages.read<ThreadPage, PageOverlay>(threadId, null);
  return page ? { hidden: page.thread.hidden, gate: page.gate } : null;
}

/** The kept page and what is this reader's on it, or null: take the store path. */
async function readerPage(actor: Actor, threadId: string) {
  const pages = threadPages();
  if (!pages || !pages.trusted() || isModerator(actor) || !OBJECT_ID.test(threadId)) return null;
  const visitor = isVisitor(actor);
  const got = await pages.read<ThreadPage, PageOverlay>(threadId, visitor ? null : actor.id);
  const page = got.page ?? (await pages.page(threadId, () => buildPage(threadId)));
  if (!page) return null;
  const t = page.thread;
  const facts = { hidden: t.hidden, authorId: new Types.ObjectId(t.authorId) };
  const gate: CategoryGate = {
    ...page.gate,
    coalitionId: page.gate.coalitionId ? new Types.ObjectId(page.gate.coalitionId) : null,
  };
  if (!(await mayReadThreadFacts(actor, facts, gate))) throw notFound('thread');
  if (page.restrictedAuthors.includes(actor.id)) return null;

  const categoryId = t.view.categoryId;
  const overlay = visitor
    ? NO_OVERLAY(categoryId)
    : got.overlay && got.overlay.categoryId === categoryId
      ? got.overlay
      : await pages.overlay(threadId, actor.id, () => buildOverlay(actor, threadId, categoryId));

  const lastReadSeq = effectiveLastRead(
    { lastSeq: t.view.lastSeq, lastActivityAt: new Date(t.view.lastActivityAt) },
    overlay.lastReadSeq === null ? undefined : { lastReadSeq: overlay.lastReadSeq },
    actor,
  );
  let firstUnreadSeq = firstUnreadOnPage(page, lastReadSeq);
  if (firstUnreadSeq === undefined) {
    const next = await PostModel.findOne(
      {
        threadId: new Types.ObjectId(threadId),
        seq: trusted({ $gt: lastReadSeq }),
        deleted: false,
        ...visiblePostsFilter(actor),
      },
      { seq: 1 },
    )
      .sort({ seq: 1 })
      .lean();
    firstUnreadSeq = next?.seq ?? null;
  }

  const refs = await loadMemberRefs([t.authorId, t.lastPosterId, ...page.posts.map((p) => p.authorId)]);
  return {
    page,
    thread: {
      ...t.view,
      author: refs.get(t.authorId) ?? null,
      lastPoster: (t.lastPosterId && refs.get(t.lastPosterId)) || null,
      lastReadSeq,
      unreadCount: unreadCountFor({ lastSeq: t.view.lastSeq, restrictedSeqs: t.restrictedSeqs }, lastReadSeq, actor),
      subscription: overlay.level ?? overlay.categoryLevel ?? 'normal',
    },
    refs,
    overlay,
    firstUnreadSeq,
  };
}

/** What the reader's own marks make of a post on the page. */
function ownMarks(overlay: PageOverlay, bookmarked: Set<string>, postId: string) {
  const own = overlay.reactions[postId];
  return {
    myReactions: own ? reactionKinds.filter((k) => own.includes(k)) : [],
    bookmarked: bookmarked.has(postId),
  };
}

/** The thread's first page for this reader from the read model, or null: take the store path. */
export async function cachedThreadPage(actor: Actor, threadId: string): Promise<ThreadPageAnswer | null> {
  const got = await readerPage(actor, threadId);
  if (!got) return null;
  const bookmarked = new Set(got.overlay.bookmarks);
  return {
    thread: got.thread,
    posts: got.page.posts.map(({ view, authorId }) => ({
      ...view,
      author: got.refs.get(authorId) ?? null,
      ...ownMarks(got.overlay, bookmarked, view.id),
    })),
    nextCursor: got.page.nextCursor,
    firstUnreadSeq: got.firstUnreadSeq,
  };
}

/**
 * Each kept page's posts as JSON text with their authors (all but the reader's own marks), made
 * once per page held parsed (page-model.ts) and author: a warm read writes only what is the reader's.
 */
const postTexts = new WeakMap<ThreadPage, Map<string, { author: MemberRef | null; text: string }>>();

function postText(page: ThreadPage, view: PublicPost, author: MemberRef | null): string {
  let texts = postTexts.get(page);
  if (!texts) postTexts.set(page, (texts = new Map()));
  const made = texts.get(view.id);
  if (made && made.author === author) return made.text;
  // Without its closing brace: the reader's own marks follow.
  const text = JSON.stringify({ ...view, author }).slice(0, -1);
  texts.set(view.id, { author, text });
  return text;
}

/** `cachedThreadPage` as the JSON text the route sends (the same answer, serialized). */
export async function cachedThreadPageJson(actor: Actor, threadId: string): Promise<JsonText | null> {
  const got = await readerPage(actor, threadId);
  if (!got) return null;
  const bookmarked = new Set(got.overlay.bookmarks);
  const posts = got.page.posts.map(({ view, authorId }) => {
    const { myReactions, bookmarked: marked } = ownMarks(got.overlay, bookmarked, view.id);
    const text = postText(got.page, view, got.refs.get(authorId) ?? null);
    return `${text},"myReactions":${JSON.stringify(myReactions)},"bookmarked":${marked}}`;
  });
  const { nextCursor, firstUnreadSeq } = { nextCursor: got.page.nextCursor, firstUnreadSeq: got.firstUnreadSeq };
  return new JsonText(
    `{"thread":${JSON.stringify(got.thread)},"posts":[${posts.join(',')}],` +
      `"nextCursor":${JSON.stringify(nextCursor)},"firstUnreadSeq":${JSON.stringify(firstUnreadSeq)}}`,
  );
}

/** The thread's first page read from the store: readers the kept page cannot serve (moderators, authors of held posts). */
export async function threadPageFromStore(actor: Actor, id: string): Promise<ThreadPageAnswer> {
  const thread = await readableThreadOr404(actor, id);
  const [rows, state] = await Promise.all([
    PostModel.find({ threadId: thread._id, ...visiblePostsFilter(actor) })
      .sort({ path: 1 })
      .limit(forumLimits.threadPageSize + 1)
      .lean<PostLean[]>(),
    ThreadStateModel.findOne({ memberId: actor.id, threadId: thread._id }).lean(),
  ]);
  const lastRead = effectiveLastRead(thread, state ?? undefined, actor);
  const firstUnread =
    lastRead < thread.lastSeq
      ? await PostModel.findOne(
          { threadId: thread._id, seq: trusted({ $gt: lastRead }), deleted: false, ...visiblePostsFilter(actor) },
          { seq: 1 },
        )
          .sort({ seq: 1 })
          .lean()
      : null;
  const page = rows.slice(0, forumLimits.threadPageSize);
  const [[summary], posts] = await Promise.all([
    presentThreads([thread], actor),
    presentPosts(readableInThread(actor, thread, page), actor.id),
  ]);
  return {
    thread: summary!,
    posts,
    nextCursor: rows.length > page.length && page.length > 0 ? encodeCursor({ path: page.at(-1)!.path }) : null,
    firstUnreadSeq: firstUnread?.seq ?? null,
  };
}
