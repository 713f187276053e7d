import { Redis } from 'ioredis';

/**
 * One Redis client. BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on;
 * request-path clients keep a bounded retry so a Redis outage fails fast with 503 instead of hanging.
 * `commandTimeoutMs` bounds each command too: a Redis that accepts connections but does not answer
 * (paused, swapping, a half-open connection) otherwise holds the request forever. Never on
 * BullMQ's blocking connections, whose commands wait by design.
 */
export function createRedis(
  url: string,
  opts: { blocking?: boolean; name?: string; commandTimeoutMs?: number } = {},
): Redis {
  return new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.blocking ? null : 2,
    enableOfflineQueue: opts.blocking ? true : false,
    lazyConnect: false,
    ...(opts.commandTimeoutMs && !opts.blocking ? { commandTimeout: opts.commandTimeoutMs } : {}),
  });
}

/**
 * Socket.IO's Redis adapter and emitter call `publish` without awaiting it. While Redis restarts
 * that promise rejects ("Stream isn't writeable"), and an unhandled rejection ends a Node process
 * (Node's default): a server or worker that pushed anything during a Redis restart would die with
 * it. Each publish gets its own handler here, which reports it; the push is lost for the sockets
 * of other processes, whose clients catch up by sequence number when they next join.
 */
export function reportPublishFailures(client: Redis, report: (err: Error) => void): Redis {
  const publish = client.publish.bind(client) as (channel: string, message: string | Buffer) => Promise<number>;
  const guarded = (channel: string, message: string | Buffer): Promise<number> => {
    const sent = publish(channel, message);
    sent.catch(report);
    return sent;
  };
  Object.assign(client, { publish: guarded });
  return client;
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
