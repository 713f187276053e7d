import mongoose, { type Types } from 'mongoose';
import { canSeeCoalitionContent, readersAmong } from '../coalitions/access.js';
import { findIn } from '../infra/store/index.js';
import { isVisitor } from '../site/viewer.js';
import { idOr404, notFound } from './context.js';
import { CategoryModel, PostModel, ThreadModel, type CategoryFields } from './model.js';
import { isModerator, type Actor } from '../members/actor.js';
import type { Lean, PostLean, ThreadLean } from './present.js';
import { changeThreadRecord, threadPages } from './page-model.js';
import { canSeePost } from './visibility.js';
import { withPostMark, type PostMark } from './thread-visibility.js';

const { trusted } = mongoose;
const { EJSON } = mongoose.mongo.BSON;

/*
 * The forums' read rule, the one place that decides who may read a thread or a post:
 * - the category: for a visitor without an account, only a public site-wide one; a private coalition's only for its members, moderators and admins; an
 *   archived one only for moderators and admins (who may still review what was flagged there);
 * - the thread: one whose opening post is held or hidden only for its author and moderators;
 * - the post: a held or hidden one only for its author and moderators.
 * Whoever may not read something is told it does not exist (the same 404 as a wrong id).
 *
 * Presenters take only `Readable<...>` documents, and only this module makes them, so a path
 * that shows a post without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** A document that passed the read rule for the member it is shown to (or for a whole room). */
export type Readable<T> = T & { readonly [readableBrand]: true };

/** Who reads: a member's id and role (sockets and jobs hold no more). */
type Viewer = Pick<Actor, 'id' | 'role'>;

export type CategoryGate = { archived: boolean; public: boolean; coalitionId: Types.ObjectId | null };

async function categoryGates(ids: Types.ObjectId[]): Promise<Map<string, CategoryGate>> {
  const unique = [...new Set(ids.map((id) => id.toHexString()))];
  if (unique.length === 0) return new Map();
  const rows = await CategoryModel.find(
    { _id: trusted({ $in: unique.map((id) => new mongoose.Types.ObjectId(id)) }) },
    { archived: 1, public: 1, coalitionId: 1 },
  ).lean();
  return new Map(rows.map((c) => [c._id.toHexString(), gateOf(c)]));
}

async function mayReadCategory(actor: Viewer, gate: CategoryGate | undefined): Promise<boolean> {
  if (!gate) return false;
  // A visitor (no account; the public face is open, site/viewer.ts) reads the public site-wide categories.
  if (isVisitor(actor)) return gate.public && !gate.archived && !gate.coalitionId;
  if (gate.archived && !isModerator(actor)) return false;
  return canSeeCoalitionContent(actor, gate.coalitionId);
}

export const gateOf = (c: Pick<CategoryFields, 'archived' | 'public' | 'coalitionId'>): CategoryGate => ({
  archived: Boolean(c.archived),
  public: Boolean(c.public),
  coalitionId: c.coalitionId ?? null,
});

/**
 * The category by id or slug if the actor may read it (the same rule as its threads: a visitor
 * the public site-wide ones, staff the archived ones, a private coalition's its readers), else
 * the same 404 as a wrong id.
 */
export async function readableCategoryOr404(actor: Viewer, idOrSlug: string): Promise<Readable<Lean<CategoryFields>>> {
  const category = /^[0-9a-f]{24}$/.test(idOrSlug)
    ? await CategoryModel.findById(idOrSlug).lean<Lean<CategoryFields>>()
    : await CategoryModel.findOne({ slug: idOrSlug.toLowerCase() }).lean<Lean<CategoryFields>>();
  if (!category || !(await mayReadCategory(actor, gateOf(category)))) throw notFound('category');
  return category as Readable<Lean<CategoryFields>>;
}

function mayReadThreadItself(actor: Viewer, thread: Pick<ThreadLean, 'hidden' | 'authorId'>): boolean {
  return canSeePost(actor, { status: thread.hidden ? 'hidden' : 'visible', authorId: thread.authorId });
}

/** Of these threads, those the actor may read (order kept). */
export async function readableThreads(actor: Viewer, threads: ThreadLean[]): Promise<Readable<ThreadLean>[]> {
  const gates = await categoryGates(threads.map((t) => t.categoryId));
  const out: Readable<ThreadLean>[] = [];
  for (const t of threads) {
    if (mayReadThreadItself(actor, t) && (await mayReadCategory(actor, gates.get(t.categoryId.toHexString()))))
      out.push(t as Readable<ThreadLean>);
  }
  return out;
}

/** A category's gate as the read model keeps it with a thread's page (thread-page.ts). */
export async function categoryGate(categoryId: Types.ObjectId): Promise<CategoryGate | undefined> {
  return (await categoryGates([categoryId])).get(categoryId.toHexString());
}

/**
 * The thread's rule over facts the read model kept (its `hidden` mark and author, its
 * category's gate), asked on every read of a cached page: the same rule as `readableThreads`.
 */
export async function mayReadThreadFacts(
  actor: Viewer,
  thread: Pick<ThreadLean, 'hidden' | 'authorId'>,
  gate: CategoryGate,
): Promise<boolean> {
  return mayReadThreadItself(actor, thread) && (await mayReadCategory(actor, gate));
}

/** The category's rule over the gate the read model kept with a category's list (category-list.ts), asked on every read. */
export function mayReadCategoryFacts(actor: Viewer, gate: CategoryGate): Promise<boolean> {
  return mayReadCategory(actor, gate);
}

/** The thread by id if the actor may read it, else the same 404 as a wrong id. */
export async function readableThreadOr404(actor: Viewer, id: string): Promise<Readable<ThreadLean>> {
  return (await readableThreadAndGateOr404(actor, id)).thread;
}

/** The same, with the category's gate the rule read (a writer asks it whether the category is archived). */
export async function readableThreadAndGateOr404(
  actor: Viewer,
  id: string,
): Promise<{ thread: Readable<ThreadLean>; gate: CategoryGate }> {
  return readableOr404(actor, await threadAndGate(idOr404(id, 'thread')));
}

/** The thread and its category's gate from the store, or null when either is gone. */
async function threadAndGate(id: Types.ObjectId): Promise<{ thread: ThreadLean; gate: CategoryGate } | null> {
  const thread = await ThreadModel.findById(id).lean<ThreadLean>();
  const gate = thread ? await categoryGate(thread.categoryId) : undefined;
  return thread && gate ? { thread, gate } : null;
}

/** The rule over a thread and its gate: the same 404 as a wrong id for whoever may not read it. */
async function readableOr404(
  actor: Viewer,
  found: { thread: ThreadLean; gate: CategoryGate } | null,
): Promise<{ thread: Readable<ThreadLean>; gate: CategoryGate }> {
  if (!found || !mayReadThreadItself(actor, found.thread) || !(await mayReadCategory(actor, found.gate)))
    throw notFound('thread');
  return { thread: found.thread as Readable<ThreadLean>, gate: found.gate };
}

/** A thread's record as the read model keeps it: the document (EJSON, so ids and dates come back as such) and the gate. */
interface ThreadRecord {
  thread: string;
  gate: { archived: boolean; public: boolean; coalitionId: string | null };
}

const recordOf = (thread: ThreadLean, gate: CategoryGate): ThreadRecord => ({
  thread: EJSON.stringify(thread),
  gate: { ...gate, coalitionId: gate.coalitionId?.toHexString() ?? null },
});

const fromRecord = (r: ThreadRecord): { thread: ThreadLean; gate: CategoryGate } => ({
  thread: EJSON.parse(r.thread) as ThreadLean,
  gate: { ...r.gate, coalitionId: r.gate.coalitionId ? new mongoose.Types.ObjectId(r.gate.coalitionId) : null },
});

/**
 * The thread by id if the actor may read it, with its category's gate, from the thread's record in
 * the read model (page-model.ts `threadRecord`; the store on a miss, or where pages are not kept or
 * trusted). Everything the rule asks is as the store has it: its moderation marks are brought in
 * place under the thread's lock (`threadRecordMarksWritten`), and every other write of the thread
 * but its counts drops the record. The counts (lastSeq, postCount, lastActivityAt, lastPosterId) may lag,
 * so this is for a writer that takes its own (a reply: numbering.ts), where it saves two reads.
 */
export async function readableThreadForReplyOr404(
  actor: Viewer,
  id: string,
): Promise<{ thread: Readable<ThreadLean>; gate: CategoryGate }> {
  const threadId = idOr404(id, 'thread');
  const pages = threadPages();
  if (!pages || !pages.trusted()) return readableThreadAndGateOr404(actor, id);
  const kept = await pages.threadRecord<ThreadRecord>(threadId.toHexString(), async () => {
    const found = await threadAndGate(threadId);
    return found && recordOf(found.thread, found.gate);
  });
  return readableOr404(actor, kept && fromRecord(kept));
}

/**
 * After a write of the thread's counts (`after`: the thread as that write left it): its kept record
 * takes them, unless it holds those of a later write already. Only the counts: whatever else the
 * write found may have changed since, and such a change drops the record.
 */
export async function threadRecordCountsWritten(after: ThreadLean): Promise<void> {
  await changeThreadRecord<ThreadRecord>(after._id, (record) => {
    const kept = EJSON.parse(record.thread) as ThreadLean;
    if (kept.lastSeq > after.lastSeq || (kept.lastSeq === after.lastSeq && kept.postCount >= after.postCount))
      return record;
    const counts = {
      lastSeq: after.lastSeq,
      postCount: after.postCount,
      lastActivityAt: after.lastActivityAt,
      lastPosterId: after.lastPosterId,
    };
    return { ...record, thread: EJSON.stringify({ ...kept, ...counts }) };
  });
}

/**
 * After a write of the thread's moderation marks, under the thread's lock (statuses.ts): its kept
 * record takes the same post's part in place (a compare-and-set, so changes for different posts
 * compose), and the next reply reads neither the thread nor its category again. Required: a
 * record left with an opening post's old mark would let a held thread be read and answered; a
 * refusal fails the status change, which is retried.
 */
export async function threadRecordMarksWritten(threadId: Types.ObjectId, mark: PostMark): Promise<void> {
  await changeThreadRecord<ThreadRecord>(
    threadId,
    (record) => ({ ...record, thread: EJSON.stringify(withPostMark(EJSON.parse(record.thread) as ThreadLean, mark)) }),
    { required: true },
  );
}

/**
 * The thread's hidden mark and category's gate (ids as text, as jobs carry them) from its kept
 * record, if one is kept (nothing is read or built).
 */
export async function keptThreadRecordGate(
  threadId: string,
): Promise<{ hidden: boolean; gate: ThreadRecord['gate'] } | null> {
  const pages = threadPages();
  if (!pages || !pages.trusted() || !mongoose.isObjectIdOrHexString(threadId)) return null;
  const kept = await pages.keptThreadRecord<ThreadRecord>(threadId);
  return kept && { hidden: Boolean((EJSON.parse(kept.thread) as ThreadLean).hidden), gate: kept.gate };
}

/** Of these posts, those the actor may read (order kept): each post's own status, then its thread's rule. */
export async function readablePosts(actor: Viewer, posts: PostLean[]): Promise<Readable<PostLean>[]> {
  const candidates = posts.filter((p) => canSeePost(actor, p));
  if (candidates.length === 0) return [];
  const threadIds = [...new Set(candidates.map((p) => p.threadId.toHexString()))];
  const threads = await ThreadModel.find(
    { _id: trusted({ $in: threadIds.map((id) => new mongoose.Types.ObjectId(id)) }) },
    { hidden: 1, authorId: 1, categoryId: 1 },
  ).lean<ThreadLean[]>();
  const readableIds = new Set((await readableThreads(actor, threads)).map((t) => t._id.toHexString()));
  return candidates.filter((p) => readableIds.has(p.threadId.toHexString())) as Readable<PostLean>[];
}

/**
 * The threads a member started that the viewer may open, newest first (a profile's activity): the
 * opening post must be readable by the viewer and not deleted. The newest `scan` are looked at.
 */
export async function readableThreadsStartedBy(
  actor: Viewer,
  authorId: Types.ObjectId,
  limit: number,
  scan = 50,
): Promise<Readable<ThreadLean>[]> {
  const recent = await ThreadModel.find({ authorId }).sort({ createdAt: -1 }).limit(scan).lean<ThreadLean[]>();
  const openings = await findIn(
    '_id',
    recent.map((t) => t.firstPostId),
    (match) => PostModel.find(match, { status: 1, authorId: 1, threadId: 1, deleted: 1 }).lean<PostLean[]>().exec(),
  );
  // Reading the opening post passes the thread's rule too (readablePosts asks it).
  const open = new Set(
    (await readablePosts(actor, openings)).filter((p) => !p.deleted).map((p) => p.threadId.toHexString()),
  );
  return recent.filter((t) => open.has(t._id.toHexString())).slice(0, limit) as Readable<ThreadLean>[];
}

/** The post by id if the actor may read it, else the same 404 as a wrong id. */
export async function readablePostOr404(actor: Viewer, id: string): Promise<Readable<PostLean>> {
  const post = await PostModel.findById(idOr404(id, 'post')).lean<PostLean>();
  const [readable] = post ? await readablePosts(actor, [post]) : [];
  if (!readable) throw notFound('post');
  return readable;
}

/**
 * Posts of a thread the actor may read, fetched with `visiblePostsFilter(actor)`: the query
 * already applied the posts' own rule, which is checked again here (cheap) before branding.
 */
export function readableInThread(
  actor: Viewer,
  _thread: Readable<ThreadLean>,
  posts: PostLean[],
): Readable<PostLean>[] {
  return posts.filter((p) => canSeePost(actor, p)) as Readable<PostLean>[];
}

/**
 * What may be pushed to a thread's room (everyone there passed the thread's rule when joining):
 * a post whose own status lets every reader of the thread see it. Held and hidden posts are
 * never pushed to the room, whatever happened to them.
 */
export function readableByRoom(post: PostLean): Readable<PostLean> | null {
  return post.status === 'visible' || !post.status ? (post as Readable<PostLean>) : null;
}

/**
 * Who hears a thread's live updates, decided when they are sent rather than when members joined
 * its room (they may have joined before moderation or an archive closed it): everyone in its room
 * and lists while it is open; once its opening post is held or hidden, only its author and the
 * moderators; once its category is archived, only the moderators. (A private coalition's rooms
 * are joined through the rule, checked again at every reconnect.)
 */
export type ThreadAudience = { open: true } | { open: false; authorId: string | null };

export function audienceOf(thread: Pick<ThreadLean, 'hidden' | 'authorId'>, archived: boolean): ThreadAudience {
  if (archived) return { open: false, authorId: null };
  if (thread.hidden) return { open: false, authorId: thread.authorId.toHexString() };
  return { open: true };
}

/** The audience of a thread as it is now (unknown threads have none). */
export async function threadAudience(threadId: string): Promise<ThreadAudience> {
  const thread = await ThreadModel.findById(threadId, { hidden: 1, authorId: 1, categoryId: 1 }).lean<ThreadLean>();
  if (!thread) return { open: false, authorId: null };
  const gate = (await categoryGates([thread.categoryId])).get(thread.categoryId.toHexString());
  return audienceOf(thread, gate?.archived ?? true);
}

/** A post its writer just wrote or changed, shown back to that writer. */
export function readableByWriter(actor: Viewer, post: PostLean): Readable<PostLean> {
  if (post.authorId.toHexString() !== actor.id && !canSeePost(actor, post)) throw notFound('post');
  return post as Readable<PostLean>;
}

/*
 * The same rule over facts read once for many readers: notification lists, live pushes and
 * digests judge thousands of (reader, post) pairs from one read of the threads, categories and
 * posts involved (see forums/reads.ts), instead of reading per reader.
 */

/** What the rule decides a post on: the post, its thread and its category as they are. */
export interface PostFacts {
  post: { authorId: Types.ObjectId; status?: PostLean['status']; deleted: boolean };
  thread: { hidden: boolean; authorId: Types.ObjectId; categoryId: Types.ObjectId };
  category: CategoryGate | undefined;
}

/**
 * Of these readers' posts, those each may read; `key(reader, postId)` marks the pairs let through.
 * A deleted post reaches no list. Coalition membership is asked once per private coalition of the
 * batch, for all its readers together.
 */
export async function readablePairs(
  pairs: { reader: Viewer; postId: string }[],
  facts: (postId: string) => PostFacts | undefined,
): Promise<Set<string>> {
  const candidates = pairs.filter(({ reader, postId }) => {
    const f = facts(postId);
    if (!f || f.post.deleted || !f.category) return false;
    if (isVisitor(reader) && !(f.category.public && !f.category.coalitionId)) return false;
    if (f.category.archived && !isModerator(reader)) return false;
    return canSeePost(reader, f.post) && mayReadThreadItself(reader, f.thread);
  });
  const byCoalition = new Map<string, { coalitionId: Types.ObjectId; readers: Set<string> }>();
  for (const { reader, postId } of candidates) {
    const coalitionId = facts(postId)!.category!.coalitionId;
    if (!coalitionId || isModerator(reader)) continue;
    const entry = byCoalition.get(coalitionId.toHexString()) ?? { coalitionId, readers: new Set<string>() };
    entry.readers.add(reader.id);
    byCoalition.set(coalitionId.toHexString(), entry);
  }
  const allowed = new Map<string, Set<string>>();
  await Promise.all(
    [...byCoalition].map(async ([key, { coalitionId, readers }]) => {
      allowed.set(key, new Set(await readersAmong(coalitionId, [...readers])));
    }),
  );
  const out = new Set<string>();
  for (const { reader, postId } of candidates) {
    const coalitionId = facts(postId)!.category!.coalitionId;
    if (coalitionId && !isModerator(reader) && !allowed.get(coalitionId.toHexString())?.has(reader.id)) continue;
    out.add(readableKey(reader.id, postId));
  }
  return out;
}

export const readableKey = (readerId: string, postId: string) => `${readerId}:${postId}`;
