import mongoose, { Types } from 'mongoose';
import { dropKeptMany, kept } from '../infra/read-models.js';
import { readersOf } from './coalition-visibility.js';
import { CategorySubscriptionModel, ThreadModel, ThreadStateModel } from './model.js';

/*
 * Who watches a thread, kept in Redis for the fan-out of every new post (README "Store budgets"):
 * the thread's own levels and its category's watchers are two values, each built from the store
 * on a miss and dropped by every write that changes it (a level set on a thread or a category, a
 * thread moved, an account deleted, a private coalition's readers shrinking). `kept` stores a
 * build only when no such write came in between, so no process reads a list older than a change.
 */

const { trusted } = mongoose;

/** Long enough for a busy thread to stay kept between posts; a quiet one is built again later. */
const TTL_SECONDS = 6 * 3600;

const threadKey = (threadId: string) => `forums:thread-watch:${threadId}`;
const categoryKey = (categoryId: string) => `forums:category-watch:${categoryId}`;

/** A thread's category and the levels members set on the thread itself (null levels follow the category). */
interface ThreadWatch {
  /** The thread's category, so the category's watchers are found without reading the thread. */
  c: string;
  /** Members whose own level is `watching`. */
  w: string[];
  /** Members whose own level is anything else (muted or normal): the category's level does not apply. */
  q: string[];
}

async function threadWatch(threadId: string): Promise<ThreadWatch | null> {
  return kept<ThreadWatch | null>(threadKey(threadId), TTL_SECONDS, async () => {
    const id = new Types.ObjectId(threadId);
    const [thread, states] = await Promise.all([
      ThreadModel.findById(id, { categoryId: 1 }).lean(),
      ThreadStateModel.find({ threadId: id, level: trusted({ $ne: null }) }, { memberId: 1, level: 1 }).lean(),
    ]);
    if (!thread) return null;
    return {
      c: thread.categoryId.toHexString(),
      w: states.filter((s) => s.level === 'watching').map((s) => s.memberId.toHexString()),
      q: states.filter((s) => s.level !== 'watching').map((s) => s.memberId.toHexString()),
    };
  });
}

function categoryWatchers(categoryId: string): Promise<string[]> {
  return kept(categoryKey(categoryId), TTL_SECONDS, async () => {
    const rows = await CategorySubscriptionModel.find(
      { categoryId: new Types.ObjectId(categoryId), level: 'watching' },
      { memberId: 1 },
    ).lean();
    return rows.map((r) => r.memberId.toHexString());
  });
}

/**
 * Who watches a thread: its own level where a member set one, else the category's. Muted members
 * are never in the list; of a private coalition's thread, only those who may still read it. The
 * fan-out applies the read rule again when it sends.
 */
export async function threadWatcherIds(threadId: string): Promise<string[]> {
  if (!Types.ObjectId.isValid(threadId)) return [];
  const own = await threadWatch(threadId);
  if (!own) return [];
  const decided = new Set([...own.w, ...own.q]);
  const watchers = new Set(own.w);
  for (const id of await categoryWatchers(own.c)) if (!decided.has(id)) watchers.add(id);
  return readersOf(new Types.ObjectId(own.c), [...watchers]);
}

type Id = string | Types.ObjectId;

/** After a member's level on these threads changed, or the threads moved to another category. */
export function threadWatchChanged(threadIds: Id[]): Promise<void> {
  return dropKeptMany(threadIds.map((id) => threadKey(String(id))));
}

/** After members' levels on these categories changed. */
export function categoryWatchChanged(categoryIds: Id[]): Promise<void> {
  return dropKeptMany(categoryIds.map((id) => categoryKey(String(id))));
}

/**
 * Before a member's thread states and category levels are deleted: which kept lists they are in.
 * Returns what to drop once the rows are gone.
 */
export async function watchesOfMember(memberId: Types.ObjectId): Promise<() => Promise<void>> {
  const [threads, categories] = await Promise.all([
    ThreadStateModel.find({ memberId, level: trusted({ $ne: null }) }, { threadId: 1 }).lean(),
    CategorySubscriptionModel.find({ memberId }, { categoryId: 1 }).lean(),
  ]);
  return async () => {
    await Promise.all([
      threadWatchChanged(threads.map((t) => t.threadId)),
      categoryWatchChanged(categories.map((c) => c.categoryId)),
    ]);
  };
}
