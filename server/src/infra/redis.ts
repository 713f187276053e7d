import { Redis, type Command } from 'ioredis';

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
  const client = new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.blocking ? null : 2,
    enableOfflineQueue: opts.blocking ? true : false,
    lazyConnect: false,
    // A request-path client: the commands of one turn of the event loop (many requests' at once,
    // under load) go out in one write. Each write to a socket costs a system call, which on a
    // loaded 2-core machine took a tenth of the API's CPU (profile of `npm run bench:moderation`).
    // ioredis sends one such batch at a time: a command issued while one is out waits for its
    // answers before it is sent, and its deadline (below) starts then, so a Redis that stops
    // answering fails it within about twice `commandTimeoutMs`.
    enableAutoPipelining: !opts.blocking,
  });
  if (opts.commandTimeoutMs && !opts.blocking) boundCommands(client, opts.commandTimeoutMs);
  return client;
}

export const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * Bounds each command of `client` by `ms` of waiting the process could do. A deadline that comes
 * due while the event loop was busy elsewhere (a loaded server lags a second and more) lets the
 * loop read what arrived meanwhile before it decides, as the MongoDB driver does with its socket
 * timeouts. ioredis' own `commandTimeout` decides at once, in the timers phase that runs before
 * the socket's data is read: a reply already there was reported as a timeout, and its request
 * answered 503 (the soak's 503s came with lags of 1.4–3 s).
 */
function boundCommands(client: Redis, ms: number): void {
  const send = client.sendCommand.bind(client);
  // A command queued and sent again (a reconnect) keeps its first deadline.
  const bounded = new WeakSet<Command>();
  const sendBounded = (command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown => {
    if (!bounded.has(command)) {
      bounded.add(command);
      let settled = false;
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (!settled) command.reject(new Error(COMMAND_TIMED_OUT));
          }),
        ms,
      );
      const done = () => {
        settled = true;
        clearTimeout(timer);
      };
      command.promise.then(done, done);
    }
    return send(command, stream);
  };
  Object.assign(client, { sendCommand: sendBounded });
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
