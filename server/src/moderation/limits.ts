import type { Redis } from 'ioredis';
import { Limiter } from '../http/rate-limit.js';

/**
 * Flags per member: enough for a bad afternoon, not for a brigade. Child-safety reports that hide
 * a post at once: three a day per reporter; past that they still go to the top of the queue and
 * alert every moderator, but the post stays up until one of them decides.
 */
export function moderationLimiters(redis: Redis, prefix: string): { flagLimiter: Limiter; urgentHideLimiter: Limiter } {
  return {
    flagLimiter: new Limiter(redis, prefix, { name: 'moderation-flag', points: 20, durationSeconds: 3600 }),
    urgentHideLimiter: new Limiter(redis, prefix, {
      name: 'moderation-urgent-hide',
      points: 3,
      durationSeconds: 24 * 3600,
    }),
  };
}
