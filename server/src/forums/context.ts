import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Limiter } from '../http/rate-limit.js';

/** What every part of the forum service shares. */
export interface ForumContext {
  events: DomainEvents;
  /** Spent once per thread or post written (null: no limit, e.g. the demo seeder). */
  postLimiter: Limiter | null;
  editLimiter: Limiter | null;
  /** Moderation's gate: throws when the member may not post now (silenced). */
  assertCanPost(actorId: string): Promise<void>;
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

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
}
