import type { Redis } from 'ioredis';
import { Limiter } from '../http/rate-limit.js';

/** Flags per member: enough for a bad afternoon, not for a brigade. */
export function moderationLimiters(redis: Redis, prefix: string): { flagLimiter: Limiter } {
  return { flagLimiter: new Limiter(redis, prefix, { name: 'moderation-flag', points: 20, durationSeconds: 3600 }) };
}
