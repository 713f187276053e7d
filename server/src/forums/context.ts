import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Budget, Limiter } from '../http/rate-limit.js';
import type { Effect, Outbox, Release } from '../infra/outbox.js';
import type { AnnouncedFacts, PostAnnouncement, Role, ScreenedPost } from '@commons/shared';
import type { ScreeningResult } from '../moderation/rules.js';
import type { CategoryGate } from './read-rule.js';

/** What every part of the forum service shares. */
export interface ForumContext {
  events: DomainEvents;
  /**
   * Screening is a step of posting: each post write stores its screening job with it (null: the
   * demo seeder, whose posts are not screened).
   */
  outbox: Outbox | null;
  /** Spent once per thread or post written (null: no limit, e.g. the demo seeder). */
  postLimiter: Budget | null;
  editLimiter: Limiter | null;
  previewLimiter: Limiter | null;
  /**
   * Runs a write of the thread document with no other writer of it: FerretDB rewrites the whole
   * document on any update, so an unlocked write of one field can undo a concurrent `$inc` of
   * another (lastSeq, postCount). Every writer of threads takes it (key: threadLockKey).
   */
  threadLock<T>(threadId: Types.ObjectId, fn: () => Promise<T>): Promise<T>;
  /** Resolves once default categories and mention handles exist (started at app build). */
  ready(): Promise<void>;
}

/** The key of a thread's writer lock, shared with moderation (which rewrites a thread's marks). */
export const threadLockKey = (threadId: { toHexString(): string }) => `thread:${threadId.toHexString()}`;

/** Options only in-process callers (the seeder) use; routes never pass them. */
export interface WriteOptions {
  /** Backdates the write (demo content). */
  at?: Date;
  /**
   * A moderator approved this text already (a library submission's discussion thread): screening
   * lets it stand instead of holding what was just reviewed.
   */
  approved?: boolean;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A path parameter as an ObjectId; anything else is simply not found. */
export function idOr404(id: string, what: 'category' | 'thread' | 'post'): Types.ObjectId {
  if (!OBJECT_ID.test(id)) throw notFound(what);
  return new Types.ObjectId(id);
}

export function notFound(what: 'category' | 'thread' | 'post'): AppError {
  return new AppError('not_found', `No ${what} with this id.`);
}

/** A new post as its screening job carries it (shared/src/jobs.ts). */
export function screenedPost(
  author: { id: string; role: Role; createdAt: Date },
  body: string,
  createdAt: Date,
  title?: string,
): ScreenedPost {
  return {
    authorId: author.id,
    authorRole: author.role,
    authorSince: author.createdAt.toISOString(),
    body,
    ...(title !== undefined ? { title } : {}),
    createdAt: createdAt.toISOString(),
  };
}

/** What a new post's fan-out needs of it, its thread and category, carried by its announcement. */
export function announcedFacts(
  body: string,
  createdAt: Date,
  thread: { title: string; categoryId: Types.ObjectId; authorId: Types.ObjectId },
  firstPostId: Types.ObjectId,
  gate: CategoryGate,
): AnnouncedFacts {
  return {
    body,
    createdAt: createdAt.toISOString(),
    title: thread.title,
    categoryId: thread.categoryId.toHexString(),
    threadAuthorId: thread.authorId.toHexString(),
    firstPostId: firstPostId.toHexString(),
    gate: { archived: gate.archived, public: gate.public, coalitionId: gate.coalitionId?.toHexString() ?? null },
  };
}

/**
 * Screening of a post write. A new post carries its announcement: screening publishes
 * `post.published` with it, and the post's fan-out follows. An edit is screened once per edit.
 */
export function screeningOf(
  postId: string,
  change: ({ announce: PostAnnouncement; post: ScreenedPost } | { editedAt: Date } | { retitledAt: Date }) & {
    /** The verdict the write judged and applied (moderation/prescreen.ts). */
    verdict?: ScreeningResult;
  },
): Effect {
  const judged = change.verdict ? { verdict: change.verdict } : {};
  if ('announce' in change)
    return {
      queue: 'moderation',
      key: `screen-${postId}`,
      job: { kind: 'screen', postId, edited: false, announce: change.announce, post: change.post, ...judged },
      tellSwept: true,
    };
  // A new title is screened with the opening post (the job reads both).
  const key =
    'editedAt' in change
      ? `screen-${postId}-${change.editedAt.getTime()}`
      : `screen-${postId}-title-${change.retitledAt.getTime()}`;
  const retitled = 'retitledAt' in change ? { retitled: true } : {};
  return {
    queue: 'moderation',
    key,
    job: { kind: 'screen', postId, edited: true, ...retitled, ...judged },
    tellSwept: true,
  };
}

/**
 * Runs a post write with its screening stored alongside (infra/outbox.ts). The caller releases the
 * screening with its live push (`release(ctx.events.published(…))`) and with `false` in a `finally`,
 * which leaves it to the sweep should the request fail before pushing: a screening the sweep hands
 * over pushes the post again.
 */
export async function withScreening<T>(
  ctx: ForumContext,
  effects: Effect[],
  write: () => Promise<T>,
): Promise<{ result: T; release: Release }> {
  return ctx.outbox ? ctx.outbox.writeHeld(effects, write) : { result: await write(), release: () => undefined };
}
