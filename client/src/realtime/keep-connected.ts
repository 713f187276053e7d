import { socketRefusalSchema, type SocketRefusal } from '@commons/shared';
import type { Socket } from 'socket.io-client';
import { isPassingRefusal, retryDelay } from './retry.js';

export interface KeepConnectedOptions {
  /** The first wait before trying again; doubled on each refusal in a row, up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface KeptConnection {
  /** True while a retry is waiting: the connection is coming back, not gone. */
  retrying(): boolean;
  /** Cancels a waiting retry (sign-out); the next `connect()` is kept connected again. */
  cancel(): void;
}

/** The server's reason, when the error is a refusal by its handshake middleware. */
function refusalOf(err: unknown): SocketRefusal | null {
  const parsed = socketRefusalSchema.safeParse((err as { data?: unknown } | null)?.data);
  return parsed.success ? parsed.data : null;
}

/**
 * Socket.IO reconnects by itself after a lost connection, but not after its handshake was
 * refused by the server's middleware: that socket would stay offline until the page is loaded
 * again. This tries again after such a refusal, unless the refusal says the session has ended,
 * after the server's Retry-After or a doubling wait, spread at random so that sockets refused
 * together do not all come back in the same instant.
 */
export function keepConnected(socket: Socket, options: KeepConnectedOptions = {}): KeptConnection {
  const minDelay = options.minDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let refusals = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  socket.on('connect', () => {
    refusals = 0;
  });
  socket.on('connect_error', (err: unknown) => {
    // `active`: the manager tries again by itself (a network error, a process that went away).
    if (socket.active || timer) return;
    // A refusal that is not passing ('unauthenticated': the session has ended) is final; an
    // error without the server's reason (a proxy's, say) is tried again.
    const refusal = refusalOf(err);
    if (refusal && !isPassingRefusal(refusal.code)) return;
    const wait = retryDelay(refusals, { minMs: minDelay, maxMs: maxDelay, retryAfterS: refusal?.retryAfter });
    refusals += 1;
    timer = setTimeout(() => {
      timer = null;
      if (!socket.connected && !socket.active) socket.connect();
    }, wait);
  });

  return {
    retrying: () => timer !== null,
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      refusals = 0;
    },
  };
}
