import type { Role } from '@commons/shared';
import type { Limiter } from '../http/rate-limit.js';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { LockTimeoutError, localSerialLock, type SerialLock } from '../infra/mutex.js';
import type { Logger } from '../infra/log.js';
import { MemberModel } from '../members/model.js';
import { categoryOps } from './categories.js';
import { threadLockKey, type ForumContext } from './context.js';
import { ensureDefaultCategories } from './defaults.js';
import { engagementOps } from './engagement.js';
import { backfillHandles, syncHandle } from './mentions.js';
import type { Actor } from './policy.js';
import { postOps } from './posts.js';
import { threadOps } from './threads.js';

export type { Actor } from './policy.js';

/** The forum rules for a member document (routes) or socket data (sockets). */
export function actorOf(member: { _id: { toHexString(): string }; role: Role; createdAt: Date }): Actor {
  return { id: member._id.toHexString(), role: member.role, createdAt: member.createdAt };
}

export interface ForumServiceDeps {
  events: DomainEvents;
  log?: Logger;
  /** Posting budget per member (threads and replies); omitted: unlimited (seeding). */
  postLimiter?: Limiter;
  editLimiter?: Limiter;
  /**
   * One writer of a thread's counters at a time, across processes (redisSerialLock); omitted:
   * within this process only (the seeder, single-process tools).
   */
  threadLock?: SerialLock;
  /** Moderation's gate (silenced members cannot post); omitted: everyone may. */
  assertCanPost?: (actorId: string) => Promise<void>;
}

/**
 * Threaded forums: categories, threads, posts in a tree, reactions, bookmarks, following and
 * unread. Knows nothing of HTTP or sockets; publishes domain events after each write.
 */
export function createForumService(deps: ForumServiceDeps) {
  let preparing: Promise<void> | null = null;
  /** Default categories and mention handles; retried on the next call if it failed. */
  const prepare = (): Promise<void> => {
    preparing ??= (async () => {
      await ensureDefaultCategories(deps.log);
      const synced = await backfillHandles();
      if (synced > 0) deps.log?.debug({ synced }, 'mention handles backfilled');
    })().catch((err: unknown) => {
      preparing = null;
      throw err;
    });
    return preparing;
  };

  const threadLock = deps.threadLock ?? localSerialLock();
  const ctx: ForumContext = {
    events: deps.events,
    postLimiter: deps.postLimiter ?? null,
    editLimiter: deps.editLimiter ?? null,
    assertCanPost: deps.assertCanPost ?? (() => Promise.resolve()),
    async threadLock(threadId, fn) {
      try {
        return await threadLock.run(threadLockKey(threadId), fn);
      } catch (err) {
        if (err instanceof LockTimeoutError)
          throw new AppError(
            'service_unavailable',
            'This discussion is very busy right now; please try again.',
            undefined,
            2,
          );
        throw err;
      }
    },
    ready: prepare,
  };

  return {
    prepare,
    ...categoryOps(ctx),
    ...threadOps(ctx),
    ...postOps(ctx),
    ...engagementOps(ctx),

    /** Keeps a member's `@handle` in step with their display name (member listeners). */
    async syncMemberHandle(memberId: string): Promise<void> {
      const member = await MemberModel.findById(memberId, { displayName: 1 }).lean();
      if (member) await syncHandle(member._id, member.displayName);
    },

    /** The actor for a member id (sockets and jobs, which hold an id, not a document). */
    async actorById(memberId: string): Promise<Actor | null> {
      const member = await MemberModel.findById(memberId, { role: 1, createdAt: 1 }).lean();
      return member ? { id: member._id.toHexString(), role: member.role, createdAt: member.createdAt } : null;
    },
  };
}

export type ForumService = ReturnType<typeof createForumService>;
