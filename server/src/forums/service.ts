import type { Role } from '@commons/shared';
import type { Budget, Limiter } from '../http/rate-limit.js';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { LockTimeoutError, localSerialLock, type SerialLock } from '../infra/mutex.js';
import type { Logger } from '../infra/log.js';
import type { Outbox } from '../infra/outbox.js';
import { accountFactsOf } from '../members/publishing-gate.js';
import { memberById } from '../members/reads.js';
import { categoryOps } from './categories.js';
import { threadLockKey, type ForumContext } from './context.js';
import { ensureDefaultCategories } from './defaults.js';
import { engagementOps } from './engagement.js';
import { backfillHandles, syncHandle } from './mentions.js';
import type { Actor } from '../members/actor.js';
import { postOps } from './posts.js';
import { threadOps } from './threads.js';
import { exportForumMember, forgetForumMember } from './member-data.js';
import type { ForgetOptions } from '../members/member-data.js';

export type { Actor } from '../members/actor.js';

/** The forum rules for a member document (routes) or socket data (sockets). */
export function actorOf(member: { _id: { toHexString(): string }; role: Role; createdAt: Date }): Actor {
  const account = accountFactsOf(member);
  return {
    id: member._id.toHexString(),
    role: member.role,
    createdAt: member.createdAt,
    ...(account ? { account } : {}),
  };
}

export interface ForumServiceDeps {
  events: DomainEvents;
  /** Where post writes store their screening; omitted: not screened (the demo seeder). */
  outbox?: Outbox;
  log?: Logger;
  /** Posting budget per member (threads and replies); omitted: unlimited (seeding). */
  postLimiter?: Budget;
  editLimiter?: Limiter;
  previewLimiter?: Limiter;
  /**
   * One writer of a thread's counters at a time, across processes (redisSerialLock); omitted:
   * within this process only (the seeder, single-process tools).
   */
  threadLock?: SerialLock;
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
    outbox: deps.outbox ?? null,
    postLimiter: deps.postLimiter ?? null,
    editLimiter: deps.editLimiter ?? null,
    previewLimiter: deps.previewLimiter ?? null,
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

  const posts = postOps(ctx);
  async function actorById(memberId: string): Promise<Actor | null> {
    const member = await memberById(memberId, ['role', 'createdAt']);
    return member ? { id: member._id.toHexString(), role: member.role, createdAt: member.createdAt } : null;
  }

  return {
    prepare,
    ...categoryOps(ctx),
    ...threadOps(ctx),
    ...posts,
    ...engagementOps(ctx),

    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportForumMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    async forgetMember(memberId: string, opts: ForgetOptions): Promise<void> {
      const self = await actorById(memberId);
      await forgetForumMember(memberId, opts, async (postId) => {
        if (self) await posts.deletePost(self, postId);
      });
    },

    /** Keeps a member's `@handle` in step with their display name (member listeners). */
    async syncMemberHandle(memberId: string): Promise<void> {
      const member = await memberById(memberId, ['displayName', 'deletedAt']);
      if (member && !member.deletedAt) await syncHandle(member._id, member.displayName);
    },

    /** The actor for a member id (sockets and jobs, which hold an id, not a document). */
    actorById,
  };
}

export type ForumService = ReturnType<typeof createForumService>;
