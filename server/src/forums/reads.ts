import type { Types } from 'mongoose';
import { trusted } from 'mongoose';
import { findIn } from '../infra/store/index.js';
import { CategoryModel, PostModel, ThreadModel, ThreadStateModel } from './model.js';
import type { PostLean, ThreadLean } from './present.js';

/*
 * What other domains read of the forums' collections, by id: moderation reviews posts, search and
 * notifications present them. Reads here apply no read rule; whatever is shown to a member passes
 * forums/read-rule.ts first (its presenters take only Readable documents).
 */

type Id = Types.ObjectId | string;

export function postById(id: Id): Promise<PostLean | null> {
  return PostModel.findById(id).lean<PostLean>().exec();
}

export function postsByIds(ids: Iterable<Id>): Promise<PostLean[]> {
  return findIn('_id', ids, (match) => PostModel.find(match).lean<PostLean[]>().exec());
}

export function threadById(id: Id): Promise<ThreadLean | null> {
  return ThreadModel.findById(id).lean<ThreadLean>().exec();
}

export function threadsByIds(ids: Iterable<Id>): Promise<ThreadLean[]> {
  return findIn('_id', ids, (match) => ThreadModel.find(match).lean<ThreadLean[]>().exec());
}

/** Each post's moderation state, by id (missing ids are absent). */
export type PostState = Pick<PostLean, '_id' | 'threadId' | 'authorId' | 'status' | 'deleted' | 'seq'>;

export function postStates(ids: Iterable<Id>): Promise<PostState[]> {
  return findIn('_id', ids, (match) =>
    PostModel.find(match, { threadId: 1, authorId: 1, status: 1, deleted: 1, seq: 1 }).lean<PostState[]>().exec(),
  );
}

/** The member's posts written since `since`, newest first, at most `limit` (deleted ones included). */
export function postsOfAuthorSince(authorId: Types.ObjectId, since: Date, limit: number): Promise<PostLean[]> {
  return PostModel.find({ authorId, createdAt: trusted({ $gte: since }) })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<PostLean[]>()
    .exec();
}

/** The member's posts that are not deleted, with their reactions (trust levels count the likes). */
export function liveReactionsOfAuthor(authorId: Types.ObjectId): Promise<Pick<PostLean, '_id' | 'reactions'>[]> {
  return PostModel.find({ authorId, deleted: false }, { reactions: 1 })
    .lean<Pick<PostLean, '_id' | 'reactions'>[]>()
    .exec();
}

export function countLivePostsOf(authorId: Types.ObjectId): Promise<number> {
  return PostModel.countDocuments({ authorId, deleted: false }).exec();
}

/** What lists of news need of a thread: its title, and what the read rule decides on. */
export type ThreadFacts = Pick<ThreadLean, '_id' | 'title' | 'categoryId' | 'hidden' | 'authorId'>;

export function threadFacts(ids: Iterable<Id>): Promise<ThreadFacts[]> {
  return findIn('_id', ids, (match) =>
    ThreadModel.find(match, { title: 1, categoryId: 1, hidden: 1, authorId: 1 }).lean<ThreadFacts[]>().exec(),
  );
}

export interface CategoryFacts {
  _id: Types.ObjectId;
  name: string;
  archived: boolean;
  /** Open to visitors without an account (site-wide categories only). */
  public: boolean;
  coalitionId: Types.ObjectId | null;
}

/** Every category (a few dozen), with what the read rule decides on. */
export async function allCategoryFacts(): Promise<CategoryFacts[]> {
  const rows = await CategoryModel.find({}, { name: 1, archived: 1, public: 1, coalitionId: 1 }).lean().exec();
  return rows.map((c) => ({
    _id: c._id,
    name: c.name,
    archived: Boolean(c.archived),
    public: Boolean(c.public),
    coalitionId: c.coalitionId ?? null,
  }));
}

export async function categoryFacts(ids: Iterable<Id>): Promise<CategoryFacts[]> {
  const rows = await findIn('_id', ids, (match) =>
    CategoryModel.find(match, { name: 1, archived: 1, public: 1, coalitionId: 1 }).lean().exec(),
  );
  return rows.map((c) => ({
    _id: c._id,
    name: c.name,
    archived: Boolean(c.archived),
    public: Boolean(c.public),
    coalitionId: c.coalitionId ?? null,
  }));
}

/** The states of a thread's posts written after `since` (digests share one such read per thread). */
export function postStatesOfThreadSince(threadId: Types.ObjectId, since: Date): Promise<PostState[]> {
  return PostModel.find(
    { threadId, createdAt: trusted({ $gt: since }) },
    { threadId: 1, authorId: 1, status: 1, deleted: 1, seq: 1 },
  )
    .lean<PostState[]>()
    .exec();
}

/** Bodies of these posts, by id (for excerpts of posts that passed the read rule). */
export async function postBodies(ids: Iterable<Id>): Promise<Map<string, string>> {
  const rows = await findIn('_id', ids, (match) => PostModel.find(match, { body: 1 }).lean().exec());
  return new Map(rows.map((p) => [p._id.toHexString(), p.body]));
}

/** Of these members, those who muted the thread. */
export async function mutedAmong(threadId: Types.ObjectId, memberIds: string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await ThreadStateModel.find(
    { threadId, memberId: trusted({ $in: memberIds }), level: 'muted' },
    { memberId: 1 },
  )
    .lean()
    .exec();
  return new Set(rows.map((r) => r.memberId.toHexString()));
}
