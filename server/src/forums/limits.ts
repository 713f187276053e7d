import type { Redis } from 'ioredis';
import { Limiter, SettableLimiter } from '../http/rate-limit.js';
import { siteLimits } from '../site/settings.js';

/**
 * Budgets per member: threads and replies share one (a site limit administrators set:
 * `postsPerMinute`); edits have their own; previews (which render Markdown and so cost CPU without
 * writing anything) theirs.
 */
export function forumLimiters(
  redis: Redis,
  prefix: string,
): { postLimiter: SettableLimiter; editLimiter: Limiter; previewLimiter: Limiter } {
  return {
    postLimiter: new SettableLimiter(
      redis,
      prefix,
      { name: 'forum-post', durationSeconds: 60 },
      async () => (await siteLimits()).postsPerMinute,
    ),
    editLimiter: new Limiter(redis, prefix, { name: 'forum-edit', points: 30, durationSeconds: 60 }),
    previewLimiter: new Limiter(redis, prefix, { name: 'forum-preview', points: 60, durationSeconds: 60 }),
  };
}

/** Socket commands that touch the store (joins) per member. */
export function forumSocketLimiter(redis: Redis, prefix: string): Limiter {
  return new Limiter(redis, prefix, { name: 'forum-socket', points: 120, durationSeconds: 60 });
}
