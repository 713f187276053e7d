import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/log.js';
import type { IoServer } from './types.js';

/**
 * Redis pub/sub keeps nothing for a subscriber that is away: while this process's adapter
 * subscriber reconnects (a Redis restart or failover, a cut connection), whatever other processes
 * publish never reaches its sockets, whichever feature it was for. So once the subscriber is back
 * and subscribed again, every socket of this process is told to catch up, as after a reconnect of
 * its own (threads by post number, labs from the room state, notifications from the count).
 */
export function resyncAfterResubscribe(sub: Redis, io: IoServer, log: Logger): void {
  let away = false;
  let awaySince = 0;
  sub.on('close', () => {
    if (!away) awaySince = Date.now();
    away = true;
  });
  sub.on('ready', () => {
    if (!away) return;
    // ioredis sends the subscriptions again just before 'ready'; a PING answered after them on the
    // same connection means Redis has applied them, so nothing published from here on is missed.
    void nextTurn()
      .then(() => sub.ping())
      .then(() => {
        if (sub.status !== 'ready') return; // gone again: the next 'ready' resyncs
        away = false;
        const sockets = io.of('/').sockets.size;
        log.warn(
          { awayMs: Date.now() - awaySince, sockets },
          'socket adapter subscribed again; sockets told to catch up',
        );
        io.local.emit('session:resync', { reason: 'missed_live_events' });
      })
      .catch((err: unknown) =>
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'resync check failed'),
      );
  });
}

const publishWatch = new WeakMap<Redis, { failed: number; resync: () => void }>();

/**
 * The other half: a push this process published while its own connection was away reached no
 * other process (the adapter and the emitter do not retry). When the connection is ready again
 * after such a failure, every socket on every process is told to catch up, once per connection.
 */
export function resyncAfterLostPublishes(client: Redis, resync: () => void, log: Logger): void {
  if (publishWatch.has(client)) return; // one watch per connection, whatever emits through it
  const watch = { failed: 0, resync };
  publishWatch.set(client, watch);
  const publish = client.publish.bind(client) as (channel: string, message: string | Buffer) => Promise<number>;
  const counted = (channel: string, message: string | Buffer): Promise<number> => {
    const sent = publish(channel, message);
    sent.catch(() => void (watch.failed += 1));
    return sent;
  };
  Object.assign(client, { publish: counted });
  client.on('ready', () => {
    if (!watch.failed) return;
    const lost = watch.failed;
    watch.failed = 0;
    log.warn({ lost }, 'live pushes were lost while Redis was away; every socket told to catch up');
    watch.resync();
  });
}
