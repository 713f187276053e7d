import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';

/** The typed client socket every test speaks through. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/**
 * A live connection to `url`, signed in as `who` (their session cookie) or anonymous, resolved once
 * the server confirmed the session. Kept in `opened` so the test file closes it.
 */
export async function connectSocket(
  url: string,
  who: { c: { cookieHeader(): string } } | null,
  opened: ClientSocket[],
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(who ? { extraHeaders: { cookie: who.c.cookieHeader() } } : {}),
  });
  opened.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

// socket.io-client types each listener by its event; a listener built for a generic event is
// added and removed through this one untyped view.
const untyped = (socket: ClientSocket) =>
  socket as unknown as { on(e: string, fn: unknown): void; off(e: string, fn: unknown): void };

/** The next `event` on `socket` that satisfies `match`, or a timeout error. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Payload<E>> {
  const next = new Promise<Payload<E>>((resolve, reject) => {
    const listener = (payload: Payload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      untyped(socket).off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      untyped(socket).off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    untyped(socket).on(event, listener);
  });
  // A test often starts listening, then does the slow thing that should cause the event. A timeout
  // during that wait must fail the test where it awaits the event, not surface as a stray
  // unhandled rejection that fails the whole run.
  next.catch(() => undefined);
  return next;
}

/** Collects every `event` until stopped (to show something did NOT arrive, or arrived once). */
export function collectEvents<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E) {
  const seen: Payload<E>[] = [];
  const listener = (payload: Payload<E>) => void seen.push(payload);
  untyped(socket).on(event, listener);
  return { seen, stop: () => untyped(socket).off(event, listener) };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
