// The lock that keeps one writer of a thread's counters at a time, on the test run's Redis.
import { randomBytes } from 'node:crypto';
import {
  LockTimeoutError,
  localSerialLock,
  redisMutex,
  redisSerialLock,
  type SerialLock,
} from '@commons/server/infra/mutex';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = `t:serial:${randomBytes(4).toString('hex')}`;
afterAll(() => redis.disconnect());

/** Runs `n` writers of one key at once; each records when it started and ended. */
async function contend(lock: SerialLock, n: number) {
  const spans: { start: number; end: number }[] = [];
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: n }, () =>
      lock.run('thread:1', async () => {
        inside++;
        most = Math.max(most, inside);
        const start = performance.now();
        await new Promise((r) => setTimeout(r, 5));
        spans.push({ start, end: performance.now() });
        inside--;
      }),
    ),
  );
  return { spans, most };
}

describe.each([
  ['Redis', () => redisSerialLock(redis, prefix)],
  ['in-process', () => localSerialLock()],
])('%s serial lock', (_name, make) => {
  it('lets every writer run, one at a time', async () => {
    const { spans, most } = await contend(make(), 12);
    expect(spans).toHaveLength(12);
    expect(most).toBe(1);
  });

  it('passes a writer’s failure to it alone and frees the key', async () => {
    const lock = make();
    await expect(lock.run('thread:2', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('thread:2', () => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('Redis serial lock across holders', () => {
  it('waits for another process’s holder and gives up after waitMs with LockTimeoutError', async () => {
    const key = `${prefix}:serial:thread:3`;
    await redis.set(key, 'someone-else', 'PX', 300);
    const patient = redisSerialLock(redis, prefix, { waitMs: 2000 });
    const t0 = performance.now();
    await expect(patient.run('thread:3', () => Promise.resolve('ran'))).resolves.toBe('ran');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);

    await redis.set(key, 'someone-else', 'PX', 5000);
    const hasty = redisSerialLock(redis, prefix, { waitMs: 100 });
    await expect(hasty.run('thread:3', () => Promise.resolve('ran'))).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await redis.get(key)).toBe('someone-else');
  });

  it('answers the guarded work even when Redis cannot take the release; the key lapses after its ttl', async () => {
    // The holder's connection goes while it works: its release is refused ("Connection is closed").
    const holder = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await new Promise((ready) => holder.once('ready', ready));
    const lock = redisSerialLock(holder, prefix, { ttlMs: 400 });
    const done = await lock.run('thread:4', async () => {
      holder.disconnect();
      return 'written';
    });
    expect(done).toBe('written');
    expect(await redis.pttl(`${prefix}:serial:thread:4`)).toBeGreaterThan(0);
    await expect(
      redisSerialLock(redis, prefix, { waitMs: 2000 }).run('thread:4', () => Promise.resolve(1)),
    ).resolves.toBe(1);
  });
});

describe('a live holder whose work outlasts the lock’s life', () => {
  it('keeps its key (renewed while it works), and a holder that stops renewing lets it lapse', async () => {
    // Slow store calls under the lock (a busy store is waited for): 1.2 s of work on a 300 ms life.
    const lock = redisSerialLock(redis, prefix, { ttlMs: 300 });
    const rival = redisSerialLock(redis, prefix, { waitMs: 800 });
    let rivalRan = false;
    const work = lock.run('thread:5', async () => {
      await new Promise((r) => setTimeout(r, 1200));
      return rivalRan;
    });
    await new Promise((r) => setTimeout(r, 100));
    await expect(
      rival.run('thread:5', async () => {
        rivalRan = true;
      }),
    ).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await work).toBe(false);
    expect(await redis.exists(`${prefix}:serial:thread:5`)).toBe(0);

    // A holder that died: nobody renews its key, which lapses after its life.
    await redis.set(`${prefix}:serial:thread:6`, 'gone', 'PX', 300);
    await expect(
      redisSerialLock(redis, prefix, { waitMs: 2000 }).run('thread:6', () => Promise.resolve(1)),
    ).resolves.toBe(1);
  });

  it('holds the first-wins mutex the same way', async () => {
    const mutex = redisMutex(redis, prefix, 300);
    const work = mutex.exclusive(
      'item:1',
      async () => {
        await new Promise((r) => setTimeout(r, 1000));
        return 'first';
      },
      () => 'busy',
    );
    await new Promise((r) => setTimeout(r, 700));
    await expect(
      mutex.exclusive(
        'item:1',
        async () => 'second',
        () => 'busy',
      ),
    ).resolves.toBe('busy');
    await expect(work).resolves.toBe('first');
  });
});
