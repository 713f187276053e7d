import type { Redis } from 'ioredis';
import { Limiter } from '../http/rate-limit.js';

/** Posting budgets per member: threads and replies share one; edits have their own. */
export function forumLimiters(redis: Redis, prefix: string): { postLimiter: Limiter; editLimiter: Limiter } {
  return {
    postLimiter: new Limiter(redis, prefix, { name: 'forum-post', points: 10, durationSeconds: 60 }),
    editLimiter: new Limiter(redis, prefix, { name: 'forum-edit', points: 30, durationSeconds: 60 }),
  };
}

/** Socket commands that touch the store (joins) per member. */
export function forumSocketLimiter(redis: Redis, prefix: string): Limiter {
  return new Limiter(redis, prefix, { name: 'forum-socket', points: 120, durationSeconds: 60 });
}
