import {
  forumLimits,
  type PublicThread,
  type SubscriptionLevel,
  type ThreadListQuery,
  type ThreadSummary,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { encodeCursor } from '../http/cursor.js';
import { isModerator, type Actor } from '../members/actor.js';
import { isVisitor } from '../site/viewer.js';
import { notFound } from './context.js';
import { loadMemberRefs } from './mentions.js';
import { CategorySubscriptionModel, ThreadModel, ThreadStateModel } from './model.js';
import { threadPages } from './page-model.js';
import { effectiveLastRead, toPublicThread, type ThreadLean } from './present.js';
import { categoryGate, mayReadCategoryFacts, type CategoryGate } from './read-rule.js';
import { isThreadListed, unreadCountFor } from './thread-visibility.js';

const { trusted } = mongoose;

/*
 * A category's first threads from the read model (page-model.ts), as thread-page.ts serves a
 * thread's first page: the threads as they stand are built once from the store for everyone; what
 * is the reader's own (read marks, levels) is their overlay. The read rule is asked on every read:
 * the category's over the gate kept with the list, each thread's own (a thread whose opening post
 * is held or hidden is listed for its author only) over the facts kept with it. Moderators (who
 * see every thread) and later pages are read from the store as before.
 */

/** A thread as the list keeps it: the public view without names, and what the rule and unread counts need. */
interface ListedThread {
  view: PublicThread;
  authorId: string;
  lastPosterId: string | null;
  hidden: boolean;
  restrictedSeqs: number[];
}

export interface CategoryList {
  gate: { archived: boolean; public: boolean; coalitionId: string | null };
  /**
   * The category's first threads, pinned first, then by latest activity: enough that every reader
   * finds the largest page and one more (or all of them) among those listed for them.
   */
  threads: ListedThread[];
  /** Whether `threads` holds every thread of the category. */
  whole: boolean;
}

/** What is the member's own on a category's list: their marks on the threads looked at, and the category's level. */
export interface ListOverlay {
  categoryLevel: SubscriptionLevel | null;
  /** Per thread looked at, the member's read mark and level (null: they have none). */
  states: Record<string, { lastReadSeq: number; level: SubscriptionLevel | null } | null>;
}

/** Past this many held or hidden threads, a category's list is not kept (the window would grow with them). */
const MAX_HIDDEN = 200;
const ORDER = { pinned: -1, lastActivityAt: -1, _id: -1 } as const;

/**
 * The list from the store, or null when it is not kept (no such category, too many hidden
 * threads). The window is wider than the largest page by the category's hidden threads, so a
 * reader for whom some of them are not listed still finds a page and one more.
 */
async function buildList(categoryId: string): Promise<CategoryList | null> {
  const id = new Types.ObjectId(categoryId);
  const [gate, hidden] = await Promise.all([
    categoryGate(id),
    ThreadModel.countDocuments({ categoryId: id, hidden: true }).exec(),
  ]);
  if (!gate || hidden > MAX_HIDDEN) return null;
  const window = forumLimits.threadsPageMax + 1 + hidden;
  const rows = await ThreadModel.find({ categoryId: id }).sort(ORDER).limit(window).lean<ThreadLean[]>();
  return {
    gate: { archived: gate.archived, public: gate.public, coalitionId: gate.coalitionId?.toHexString() ?? null },
    threads: rows.map(listedThread),
    whole: rows.length < window,
  };
}

const listedThread = (t: ThreadLean): ListedThread => ({
  view: toPublicThread(t, new Map()),
  authorId: t.authorId.toHexString(),
  lastPosterId: t.lastPosterId?.toHexString() ?? null,
  hidden: Boolean(t.hidden),
  restrictedSeqs: t.restrictedSeqs ?? [],
});

/** Whether `a` comes before `b` in a list: pinned first, then the latest activity, then the newest id. */
function before(a: PublicThread, b: PublicThread): boolean {
  if (a.pinned !== b.pinned) return a.pinned;
  const [x, y] = [Date.parse(a.lastActivityAt), Date.parse(b.lastActivityAt)];
  return x !== y ? x > y : a.id > b.id;
}

/**
 * The kept list after a reply to `thread` (as the reply's own write left it, so newer than the
 * list in every field of the thread), or null (the list is then dropped): the thread moves up to
 * its place when the list had it just before the reply (its last number the one before). A thread
 * the list did not hold may come from beyond it, or have left the category since its reply (a
 * move whose drop is still to come): the list cannot tell, so it is dropped.
 */
export function listWithReply(list: CategoryList, thread: ThreadLean): CategoryList | null {
  return listWithThread(list, thread, thread.lastSeq - 1);
}

/** The kept list with a thread's written counts, while it shows that thread up to the same number. */
export function listWithCounts(list: CategoryList, thread: ThreadLean): CategoryList | null {
  return listWithThread(list, thread, thread.lastSeq);
}

function listWithThread(list: CategoryList, thread: ThreadLean, shownUpTo: number): CategoryList | null {
  const id = thread._id.toHexString();
  const at = list.threads.findIndex((t) => t.view.id === id);
  if (at < 0 || list.threads[at]!.view.lastSeq !== shownUpTo) return null;
  const moved = listedThread(thread);
  const rest = list.threads.filter((_, i) => i !== at);
  // Its activity only grows, so its place is at or before where it was.
  const place = rest.findIndex((t) => before(moved.view, t.view));
  const threads = place < 0 ? [...rest, moved] : [...rest.slice(0, place), moved, ...rest.slice(place)];
  return { ...list, threads };
}

async function buildOverlay(actor: Actor, categoryId: string, threadIds: string[]): Promise<ListOverlay> {
  const memberId = new Types.ObjectId(actor.id);
  const [rows, sub] = await Promise.all([
    threadIds.length === 0
      ? Promise.resolve([])
      : ThreadStateModel.find(
          { memberId, threadId: trusted({ $in: threadIds.map((id) => new Types.ObjectId(id)) }) },
          { threadId: 1, lastReadSeq: 1, level: 1 },
        ).lean(),
    CategorySubscriptionModel.findOne({ memberId, categoryId: new Types.ObjectId(categoryId) }, { level: 1 }).lean(),
  ]);
  const states: ListOverlay['states'] = Object.fromEntries(threadIds.map((id) => [id, null]));
  for (const s of rows) states[s.threadId.toHexString()] = { lastReadSeq: s.lastReadSeq, level: s.level ?? null };
  return { categoryLevel: sub?.level ?? null, states };
}

const NO_OVERLAY: ListOverlay = { categoryLevel: null, states: {} };

/** The first page of a category's threads for this reader from the read model, or null: take the store path. */
export async function cachedThreadList(
  actor: Actor,
  query: ThreadListQuery,
): Promise<{ threads: ThreadSummary[]; nextCursor: string | null } | null> {
  const pages = threadPages();
  const categoryId = query.categoryId;
  if (!pages || !pages.trusted() || isModerator(actor) || !categoryId || query.cursor) return null;
  const visitor = isVisitor(actor);
  const got = await pages.readList<CategoryList, ListOverlay>(categoryId, visitor ? null : actor.id);
  const list = got.page ?? (await pages.list(categoryId, () => buildList(categoryId)));
  if (!list) return null;
  const gate: CategoryGate = {
    ...list.gate,
    coalitionId: list.gate.coalitionId ? new Types.ObjectId(list.gate.coalitionId) : null,
  };
  if (!(await mayReadCategoryFacts(actor, gate))) throw notFound('category');

  const listed = list.threads.filter((t) =>
    isThreadListed(actor, { hidden: t.hidden, authorId: new Types.ObjectId(t.authorId) }),
  );
  // A window that is not whole holds more than a page for every reader; a build refused for a
  // change made meanwhile (served unkept) may not: the store then answers.
  if (!list.whole && listed.length <= query.limit) return null;
  const shown = listed.slice(0, query.limit);
  const ids = shown.map((t) => t.view.id);
  const overlay = visitor
    ? NO_OVERLAY
    : got.overlay && ids.every((id) => id in got.overlay!.states)
      ? got.overlay
      : await pages.listOverlay(categoryId, actor.id, () => buildOverlay(actor, categoryId, ids));

  const refs = await loadMemberRefs(shown.flatMap((t) => [t.authorId, t.lastPosterId]));
  const threads = shown.map((t): ThreadSummary => {
    const state = overlay.states[t.view.id] ?? undefined;
    const facts = { lastSeq: t.view.lastSeq, lastActivityAt: new Date(t.view.lastActivityAt) };
    const lastReadSeq = effectiveLastRead(facts, state, actor);
    return {
      ...t.view,
      author: refs.get(t.authorId) ?? null,
      lastPoster: (t.lastPosterId && refs.get(t.lastPosterId)) || null,
      lastReadSeq,
      unreadCount: unreadCountFor({ lastSeq: t.view.lastSeq, restrictedSeqs: t.restrictedSeqs }, lastReadSeq, actor),
      subscription: state?.level ?? overlay.categoryLevel ?? 'normal',
    };
  });
  const last = shown.at(-1)?.view;
  const nextCursor =
    last && listed.length > shown.length
      ? encodeCursor({ p: last.pinned, t: Date.parse(last.lastActivityAt), i: last.id })
      : null;
  return { threads, nextCursor };
}
