import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A short-lived lock in Redis around a read-modify-write of one document. FerretDB 1.24 does
 * not isolate concurrent conditional updates of a document, so where "the first one wins" must
 * hold, the contenders take this lock first; the losers are told at once instead of waiting.
 */
export interface Mutex {
  /** Runs `fn` holding `key`, or returns `busy()` when someone else holds it. */
  exclusive<T>(key: string, fn: () => Promise<T>, busy: () => T | Promise<T>): Promise<T>;
}

export function redisMutex(redis: Redis, prefix: string, ttlMs = 15_000): Mutex {
  return {
    async exclusive(key, fn, busy) {
      const full = `${prefix}:lock:${key}`;
      const token = randomBytes(12).toString('hex');
      if ((await redis.set(full, token, 'PX', ttlMs, 'NX')) !== 'OK') return busy();
      try {
        return await fn();
      } finally {
        await redis.eval(RELEASE, 1, full, token);
      }
    },
  };
}
