import type { ClientToServerEvents, NotificationNewEvent, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import type { TestPlatform } from '../support/platform.js';
import type { Someone } from '../forums/support.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A live connection of the member (session cookie), resolved once the server confirmed it. */
export async function connectAs(p: TestPlatform, who: Someone, sockets: ClientSocket[]): Promise<ClientSocket> {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie: who.c.cookieHeader() },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The next `notification:new` pushes that satisfy `predicate`. */
export function nextNotification(
  socket: ClientSocket,
  predicate: (e: NotificationNewEvent) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<NotificationNewEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('notification:new', on);
      reject(new Error('no notification:new in time'));
    }, timeoutMs);
    const on = (e: NotificationNewEvent) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      socket.off('notification:new', on);
      resolve(e);
    };
    socket.on('notification:new', on);
  });
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
