import { LRUCache } from 'lru-cache';
import { rooms } from '../realtime/types.js';
import mongoose, { type Types } from 'mongoose';
import {
  canSeeCoalitionContent,
  readersAmong,
  visibleCoalitionIds,
  type CoalitionViewer,
} from '../coalitions/access.js';
import { memberById } from '../members/reads.js';
import { isVisitor } from '../site/viewer.js';
import { notFound } from './context.js';
import { CategoryModel, CategorySubscriptionModel, ThreadModel } from './model.js';
import { categoryWatchChanged } from './watchers.js';
import { forumPagesChanged } from './page-model.js';

const { trusted } = mongoose;

/*
 * Coalition categories in the forums. A private coalition's categories, their threads and posts
 * are for its active members, moderators and administrators only; everywhere else they simply do
 * not exist (404, left out of lists, counts, search, bookmarks, live rooms and notifications).
 * The rule itself is in coalitions/access.ts.
 */

/** Categories the viewer may not read (those of private coalitions they are not in). */
export async function hiddenCategoryIds(viewer: CoalitionViewer): Promise<Types.ObjectId[]> {
  // A visitor reads the public site-wide categories only (forums/read-rule.ts).
  if (isVisitor(viewer)) {
    const closed = await CategoryModel.find(
      { $or: [{ public: trusted({ $ne: true }) }, { coalitionId: trusted({ $ne: null }) }] },
      { _id: 1 },
    ).lean();
    return closed.map((r) => r._id);
  }
  const visible = await visibleCoalitionIds(viewer);
  if (visible === null) return [];
  const rows = await CategoryModel.find({ coalitionId: trusted({ $ne: null, $nin: visible }) }, { _id: 1 }).lean();
  return rows.map((r) => r._id);
}

/** 404 unless the viewer may read the category. */
export async function assertCanReadCategory(
  viewer: CoalitionViewer,
  category: { coalitionId?: Types.ObjectId | null; public?: boolean },
  what: 'category' | 'thread' | 'post' = 'category',
): Promise<void> {
  if (isVisitor(viewer) && !(category.public === true && !category.coalitionId)) throw notFound(what);
  if (!(await canSeeCoalitionContent(viewer, category.coalitionId))) throw notFound(what);
}

/*
 * A category's coalition is fixed when the category is made (no route changes it, and categories
 * are archived, never deleted), so each process remembers it: every post asks several times
 * (who may read it, which rooms hear of it, whether a webhook may carry it). A miss is not kept:
 * a category made a moment ago in another process is read again.
 */
const coalitionOfCategory = new LRUCache<string, { coalitionId: Types.ObjectId | null }>({ max: 10_000 });

async function coalitionOf(categoryId: Types.ObjectId | string): Promise<Types.ObjectId | null> {
  const key = String(categoryId);
  const known = coalitionOfCategory.get(key);
  if (known) return known.coalitionId;
  const category = await CategoryModel.findById(categoryId, { coalitionId: 1 }).lean();
  if (!category) return null;
  coalitionOfCategory.set(key, { coalitionId: category.coalitionId ?? null });
  return category.coalitionId ?? null;
}

/** 404 unless the viewer may read threads and posts of this category (by id). */
export async function assertCanReadIn(
  viewer: CoalitionViewer,
  categoryId: Types.ObjectId,
  what: 'thread' | 'post',
): Promise<void> {
  const coalitionId = await coalitionOf(categoryId);
  if (coalitionId) await assertCanReadCategory(viewer, { coalitionId }, what);
}

/** Of these members, those who may read the category (watchers, mentions). */
export async function readersOf(categoryId: Types.ObjectId, memberIds: string[]): Promise<string[]> {
  if (memberIds.length === 0) return memberIds;
  const coalitionId = await coalitionOf(categoryId);
  return coalitionId ? readersAmong(coalitionId, memberIds) : memberIds;
}

/** Whether the category belongs to a coalition (live list updates then go to its own room only). */
export async function isCoalitionCategory(categoryId: Types.ObjectId | string): Promise<boolean> {
  return Boolean(await coalitionOf(categoryId));
}

/** The viewer for a member id (socket joins hold an id); an unknown id sees no coalition content. */
export async function viewerById(memberId: string): Promise<CoalitionViewer> {
  const member = await memberById(memberId, ['role']);
  return { id: memberId, role: member?.role ?? 'member' };
}

/** A private (or deleted) coalition's category: its threads and posts leave the platform through no webhook. */
export async function isPrivateCategory(categoryId: Types.ObjectId | string): Promise<boolean> {
  const coalitionId = await coalitionOf(categoryId);
  if (!coalitionId) return false;
  // What a member of no coalition may read is what the coalition shows everyone.
  return !(await canSeeCoalitionContent(OUTSIDER, coalitionId));
}

const OUTSIDER: CoalitionViewer = { id: '000000000000000000000000', role: 'member' };

/**
 * The rooms that hear a category's list updates: a coalition's category its own room only
 * (joining it is checked), any other the forum-wide room too, so no outsider sees a private title.
 */
export async function listRoomsOf(categoryId: string): Promise<string[]> {
  return (await isCoalitionCategory(categoryId))
    ? [rooms.category(categoryId)]
    : [rooms.forum, rooms.category(categoryId)];
}

/*
 * What the coalitions domain changes in the forums when a coalition's membership or existence
 * changes (it owns the rule, the forums own the rows).
 */

/**
 * A private coalition's category subscriptions are for its members: those of anyone not among
 * `memberIds` are dropped, so no digest lists its threads to them. With `only`, just that
 * member's (who left or was removed).
 */
export async function dropCoalitionSubscriptionsOutside(
  coalitionId: Types.ObjectId,
  memberIds: Types.ObjectId[],
  only?: Types.ObjectId,
): Promise<void> {
  const categories = await CategoryModel.find({ coalitionId }, { _id: 1 }).lean();
  if (categories.length === 0) return;
  await CategorySubscriptionModel.deleteMany({
    categoryId: trusted({ $in: categories.map((c) => c._id) }),
    memberId: only ?? trusted({ $nin: memberIds }),
  });
  await Promise.all([forumPagesChanged({ required: true }), categoryWatchChanged(categories.map((c) => c._id))]);
}

/** The live rooms of a coalition's categories and their threads (checked again when its readers shrink). */
export async function roomsOfCoalition(coalitionId: Types.ObjectId): Promise<string[]> {
  const categories = await CategoryModel.find({ coalitionId }, { _id: 1 }).lean();
  if (categories.length === 0) return [];
  const threads = await ThreadModel.find(
    { categoryId: trusted({ $in: categories.map((c) => c._id) }) },
    { _id: 1 },
  ).lean();
  return [
    ...categories.map((c) => rooms.category(c._id.toHexString())),
    ...threads.map((t) => rooms.thread(t._id.toHexString())),
  ];
}

/** A deleted coalition's categories are archived (their threads are then seen by staff only). */
export async function archiveCoalitionCategories(coalitionId: Types.ObjectId): Promise<void> {
  await CategoryModel.updateMany({ coalitionId }, { $set: { archived: true } });
  await forumPagesChanged({ required: true });
}
