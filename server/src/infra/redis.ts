import { Redis } from 'ioredis';

/**
 * One Redis client. BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on;
 * request-path clients keep a bounded retry so a Redis outage fails fast with 503 instead of hanging.
 */
export function createRedis(url: string, opts: { blocking?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.blocking ? null : 2,
    enableOfflineQueue: opts.blocking ? true : false,
    lazyConnect: false,
  });
}

export async function waitForRedis(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
