// The thread pages' read model held parsed in each process (server/src/forums/page-model.ts): a
// warm read parses nothing and fetches no page, yet a change made by any process shows at once.
import { randomBytes } from 'node:crypto';
import { ThreadPageStore } from '@commons/server/forums/page-model';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = `t:held:${randomBytes(4).toString('hex')}`;
afterAll(() => redis.disconnect());

/** Two server processes on one Redis: each has its own store. */
const one = new ThreadPageStore(redis, prefix);
const two = new ThreadPageStore(redis, prefix);
const thread = 'a'.repeat(24);

/** The page values Redis sent back while `run` ran (GET replies of the page's key). */
async function pageFetches(run: () => Promise<unknown>): Promise<number> {
  const monitor = await redis.monitor();
  let gets = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'get' && args[1] === `${prefix}:forum:page:${thread}`) gets++;
  });
  await run();
  // MONITOR reports a command as Redis runs it: a PING after the work comes after it.
  await redis.ping();
  await new Promise((r) => setTimeout(r, 50));
  await monitor.disconnect();
  return gets;
}

describe('pages held parsed per process', () => {
  it('serves a warm page without fetching it, and every change of any process at once', async () => {
    const built = await one.page(thread, async () => ({ title: 'first' }));
    expect(built).toEqual({ title: 'first' });

    // The other process reads it once from Redis, then holds it: the same value, not fetched again.
    const first = await two.read<{ title: string }, never>(thread, null);
    expect(first.page).toEqual({ title: 'first' });
    let again: { page: { title: string } | null } = { page: null };
    expect(await pageFetches(async () => (again = await two.read(thread, null)))).toBe(0);
    expect(again.page).toBe(first.page);

    // A change in place by the first process shows in the second at its next read.
    await one.threadChanged<{ title: string }>(thread, [], (page) => ({ ...page, title: 'second' }));
    expect((await two.read<{ title: string }, never>(thread, null)).page).toEqual({ title: 'second' });

    // A drop, then a build with new content by the first process: the second never serves the old one.
    await one.threadChanged(thread, []);
    expect((await two.read<{ title: string }, never>(thread, null)).page).toBeNull();
    await one.page(thread, async () => ({ title: 'third' }));
    expect((await two.read<{ title: string }, never>(thread, null)).page).toEqual({ title: 'third' });

    // Everything dropped at once (the epoch): nothing held is served.
    await one.allChanged();
    expect((await two.read<{ title: string }, never>(thread, null)).page).toBeNull();
    expect((await one.read<{ title: string }, never>(thread, null)).page).toBeNull();
  });
});
