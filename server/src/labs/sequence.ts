import type { Redis } from 'ioredis';

/** Raises the counter to at least ARGV[1] (after a lost key or a restore). */
const RAISE = `local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/**
 * Per-lab chat sequence numbers from Redis INCR: atomic across processes on any store
 * (FerretDB 1.24 loses concurrent `$inc`s). The unique (labId, seq) index on messages is the
 * backstop: on a duplicate the caller raises the counter to the stored maximum and retries.
 */
export interface LabSequence {
  next(labId: string, storedMax: () => Promise<number>): Promise<number>;
  raise(labId: string, atLeast: number): Promise<void>;
}

export function redisLabSequence(redis: Redis, prefix: string): LabSequence {
  const key = (labId: string) => `${prefix}:lab:${labId}:seq`;
  return {
    async next(labId, storedMax) {
      if (!(await redis.exists(key(labId)))) await redis.eval(RAISE, 1, key(labId), String(await storedMax()));
      return redis.incr(key(labId));
    },
    async raise(labId, atLeast) {
      await redis.eval(RAISE, 1, key(labId), String(atLeast));
    },
  };
}
