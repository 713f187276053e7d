import type { Redis } from 'ioredis';
import type { Logger } from './log.js';

/*
 * Read models in Redis that hot paths read instead of the store, shared by every process on the
 * same Redis: the process's Redis is set once (runtime.ts); a process without it (a one-off tool
 * before anything is served) builds every value from the store and keeps nothing.
 */
let current: { redis: Redis; prefix: string; log?: Logger } | null = null;

export function useReadModels(redis: Redis, prefix: string, log?: Logger): void {
  current = { redis, prefix, ...(log ? { log } : {}) };
}

export function readModels(): { redis: Redis; prefix: string; log?: Logger } | null {
  return current;
}

/** A version counter outlives every value built under it by far (no build takes a day); none piles up forever. */
const VERSION_TTL_SECONDS = 86_400;

/** Stores KEYS[1] only while its version KEYS[2] is the one read before the build began. */
const STORE = `if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * One value kept in Redis under `key`, built from the store on a miss and dropped by `dropKept`
 * after every write that changes it. A version counter makes a build that raced a change store
 * nothing, so no process reads a value older than a change made by any process.
 */
export async function kept<T>(key: string, ttlSeconds: number, build: () => Promise<T>): Promise<T> {
  if (!current) return build();
  const { redis, prefix } = current;
  const full = `${prefix}:${key}`;
  const cached = await redis.get(full);
  if (cached !== null) return JSON.parse(cached) as T;
  // Keeping is best effort: a Redis that refuses writes still gets the value built, unkept.
  const rows = (await redis
    .multi()
    .set(`${full}:v`, '0', 'EX', VERSION_TTL_SECONDS, 'NX')
    .get(`${full}:v`)
    .exec()
    .catch(() => null)) as Array<[unknown, string | null]> | null;
  const value = await build();
  if (rows)
    await redis
      .eval(STORE, 2, full, `${full}:v`, rows[1]?.[1] ?? '0', JSON.stringify(value), ttlSeconds)
      .catch(() => undefined);
  return value;
}

/** After a write that changed the value under `key` (in any process). */
export async function dropKept(key: string): Promise<void> {
  if (!current) return;
  const { redis, prefix } = current;
  const full = `${prefix}:${key}`;
  await redis.multi().incr(`${full}:v`).expire(`${full}:v`, VERSION_TTL_SECONDS).del(full).exec();
}

/** Adds to each kept count that exists and moves its version, so a build under way stores nothing. */
const ADD = `for i, key in ipairs(KEYS) do
  redis.call('INCR', key .. ':v')
  redis.call('EXPIRE', key .. ':v', ARGV[2])
  if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[1]) end
end
return 1`;

/**
 * Counts kept in Redis like `kept` values, for many keys in one round trip: the missing ones are
 * built from the store together (`build(keys)`, absent keys count 0) and kept, each only if no
 * writer moved it meanwhile. Writers move them by `addToKept` instead of dropping them, so a
 * count that changes often stays kept.
 */
export async function keptCounts(
  keys: string[],
  ttlSeconds: number,
  build: (keys: string[]) => Promise<Map<string, number>>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (keys.length === 0) return out;
  if (!current) {
    const built = await build(keys);
    return new Map(keys.map((k) => [k, built.get(k) ?? 0]));
  }
  const { redis, prefix } = current;
  const full = (key: string) => `${prefix}:${key}`;
  const found = await redis.mget(keys.map(full));
  const missing: string[] = [];
  keys.forEach((key, i) => {
    const raw = found[i];
    if (raw === null || raw === undefined) missing.push(key);
    else out.set(key, Number(raw));
  });
  if (missing.length === 0) return out;
  // Keeping is best effort: a Redis that refuses writes still gets the counts built, unkept.
  const multi = redis.multi();
  for (const key of missing) multi.set(`${full(key)}:v`, '0', 'EX', VERSION_TTL_SECONDS, 'NX').get(`${full(key)}:v`);
  const rows = (await multi.exec().catch(() => null)) as Array<[unknown, string | null]> | null;
  const built = await build(missing);
  const store = redis.multi();
  missing.forEach((key, i) => {
    const n = built.get(key) ?? 0;
    out.set(key, n);
    if (rows)
      store.eval(STORE, 2, full(key), `${full(key)}:v`, rows[i * 2 + 1]?.[1] ?? '0', JSON.stringify(n), ttlSeconds);
  });
  if (rows) await store.exec().catch(() => undefined);
  return out;
}

/**
 * After a write that added `by` to the counts under `keys`: kept ones move with it, missing ones
 * stay missing (the next read builds them), and a build that raced the write stores nothing.
 */
export async function addToKept(keys: string[], by = 1): Promise<void> {
  if (!current || keys.length === 0) return;
  const { redis, prefix } = current;
  await redis.eval(ADD, keys.length, ...keys.map((k) => `${prefix}:${k}`), by, VERSION_TTL_SECONDS);
}

/** `dropKept` for many keys in one round trip. */
export async function dropKeptMany(keys: string[]): Promise<void> {
  if (!current || keys.length === 0) return;
  const { redis, prefix } = current;
  const multi = redis.multi();
  for (const key of keys) {
    const full = `${prefix}:${key}`;
    multi.incr(`${full}:v`).expire(`${full}:v`, VERSION_TTL_SECONDS).del(full);
  }
  await multi.exec();
}
