import type { Redis } from 'ioredis';

/** Raises the counter to at least ARGV[1] (after a lost key or a restore), making it if missing. */
const RAISE = `local current = redis.call('GET', KEYS[1])
if not current or tonumber(current) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/**
 * The next number (-1: the counter is not there, raise it first), owed to the room from now (by
 * Redis's clock, which every process shares) as `<labId>:<seq>` (ARGV[1]) until its push is
 * confirmed.
 */
const NEXT = `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('INCR', KEYS[1])
local t = redis.call('TIME')
redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1] .. ':' .. n)
return n`;

/** Numbers taken and not yet confirmed pushed to their lab's room, scored by when they were taken. */
export const labUnpushedKey = (prefix: string) => `${prefix}:lab:unpushed`;
export const unpushedEntry = (labId: string, seq: number) => `${labId}:${seq}`;

/** A number taken whose message was not confirmed pushed to its room in time. */
export interface Unpushed {
  labId: string;
  seq: number;
  takenAt: number;
}

/**
 * Per-lab chat sequence numbers from Redis INCR: atomic across processes on any store
 * (FerretDB 1.24 loses concurrent `$inc`s). The unique (labId, seq) index on messages is the
 * backstop: on a duplicate the caller raises the counter to the stored maximum and retries.
 *
 * Each number taken is owed to the lab's room until its push is confirmed (the room model's
 * append takes it off, room-model.ts): a sender that died between its save and its push leaves
 * its number here, and the workers' sweep pushes the saved message (unpushed.ts).
 */
export interface LabSequence {
  next(labId: string, storedMax: () => Promise<number>): Promise<number>;
  raise(labId: string, atLeast: number): Promise<void>;
  /**
   * Numbers taken over `olderThanMs` ago and still owed, oldest first from `after` (ms), with
   * Redis's time now.
   */
  overdue(olderThanMs: number, page: { after: number; limit: number }): Promise<{ now: number; owed: Unpushed[] }>;
  /** Takes a number off the owed list; false: someone confirmed or took it first. */
  settle(labId: string, seq: number): Promise<boolean>;
}

export function redisLabSequence(redis: Redis, prefix: string): LabSequence {
  const key = (labId: string) => `${prefix}:lab:${labId}:seq`;
  const unpushed = labUnpushedKey(prefix);
  return {
    async next(labId, storedMax) {
      for (let round = 0; round < 2; round++) {
        const n = Number(await redis.eval(NEXT, 2, key(labId), unpushed, labId));
        if (n > 0) return n;
        await redis.eval(RAISE, 1, key(labId), String(await storedMax()));
      }
      throw new Error(`the chat sequence of lab ${labId} could not be raised`);
    },
    async raise(labId, atLeast) {
      await redis.eval(RAISE, 1, key(labId), String(atLeast));
    },
    async overdue(olderThanMs, { after, limit }) {
      const [seconds, micros] = await redis.time();
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const flat = await redis.zrangebyscore(unpushed, after, now - olderThanMs, 'WITHSCORES', 'LIMIT', 0, limit);
      const out: Unpushed[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [labId, seq] = flat[i]!.split(':');
        out.push({ labId: labId!, seq: Number(seq), takenAt: Number(flat[i + 1]) });
      }
      return { now, owed: out };
    },
    async settle(labId, seq) {
      return (await redis.zrem(unpushed, unpushedEntry(labId, seq))) === 1;
    },
  };
}
