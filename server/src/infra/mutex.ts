import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Keeps a held key's life at `ttlMs` while its holder works, renewed every third of it: a live
 * holder whose store calls are slow (a busy store is waited for up to STORE_BUSY_TIMEOUT_MS, a
 * worker's up to STORE_WORKER_TIMEOUT_MS, and some holders make several) keeps its key, and one
 * that died stops renewing, so its key lapses after ttlMs as before. Returns the stop.
 */
function keepHeld(redis: Redis, key: string, token: string, ttlMs: number): () => void {
  const timer = setInterval(
    () => void redis.eval(RENEW, 1, key, token, ttlMs).catch(() => undefined),
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

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
      const stop = keepHeld(redis, full, token, ttlMs);
      try {
        return await fn();
      } finally {
        stop();
        // A release Redis does not answer (timed out, connection lost) must not fail the work the
        // lock guarded, which is done: the key lapses after ttlMs.
        await redis.eval(RELEASE, 1, full, token).catch(() => undefined);
      }
    },
  };
}

/**
 * Runs writers of one key one after another (the others wait their turn), across processes.
 * Used where a document's counters must stay exact on FerretDB 1.24, which applies concurrent
 * `$inc`s to one document non-atomically: a thread's sequence numbers and post count.
 */
export interface SerialLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class LockTimeoutError extends Error {
  constructor(readonly key: string) {
    super(`waited too long for the lock on ${key}`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * A Redis lock taken with SET NX PX and waited for with short, jittered retries. `ttlMs` frees a
 * key whose holder died (a live holder renews it); `waitMs` bounds how long a writer waits before
 * giving up.
 */
export function redisSerialLock(
  redis: Redis,
  prefix: string,
  opts: { ttlMs?: number; waitMs?: number } = {},
): SerialLock {
  const ttlMs = opts.ttlMs ?? 10_000;
  const waitMs = opts.waitMs ?? 10_000;
  return {
    async run(key, fn) {
      const full = `${prefix}:serial:${key}`;
      const token = randomBytes(12).toString('hex');
      const giveUpAt = Date.now() + waitMs;
      for (let attempt = 0; (await redis.set(full, token, 'PX', ttlMs, 'NX')) !== 'OK'; attempt++) {
        if (Date.now() > giveUpAt) throw new LockTimeoutError(key);
        await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
      }
      const stop = keepHeld(redis, full, token, ttlMs);
      try {
        return await fn();
      } finally {
        stop();
        // A release Redis does not answer (timed out, connection lost) must not fail the work the
        // lock guarded, which is done: the key lapses after ttlMs.
        await redis.eval(RELEASE, 1, full, token).catch(() => undefined);
      }
    },
  };
}

/** The same within one process (the seeder and other single-process callers without Redis). */
export function localSerialLock(): SerialLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(key, fn) {
      const before = tails.get(key) ?? Promise.resolve();
      const mine = before.then(fn, fn);
      const tail = mine.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await mine;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
