import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { keepConnected } from './realtime/keep-connected';

export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting';

interface ConnectionStore {
  state: ConnectionState;
  /** Set once the server has confirmed the session on this connection ('session:ready'). */
  ready: boolean;
  /**
   * Counts the moments to catch up: each 'session:ready' (a new connection) and each
   * 'session:resync' (the server may have missed live events for this connection). Views that
   * hold live data join and fetch again when it moves.
   */
  syncs: number;
}

/** The live connection's state, for the header and for features that pause while offline. */
export const useConnection = create<ConnectionStore>(() => ({ state: 'offline', ready: false, syncs: 0 }));

function setState(state: ConnectionState, ready = false): void {
  useConnection.setState({ state, ready });
}

function caughtUpAgain(): void {
  useConnection.setState((s) => ({ syncs: s.syncs + 1 }));
}

/**
 * The one Socket.IO client of the app: same origin, session cookie, connected only while signed in.
 * Features register their listeners on it (`socket.on('post:created', ...)`) and emit commands with acks.
 */
export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
  withCredentials: true,
  autoConnect: false,
  // WebSocket first: one connection to one process, so several server processes behind a
  // proxy need no sticky sessions. Long-polling is kept as the fallback for networks that
  // block WebSocket; it needs affinity at the load balancer (README, "Running at scale").
  transports: ['websocket', 'polling'],
  tryAllTransports: true,
});
// A handshake the server refused for a passing reason (the store did not answer in time) is
// tried again; one refused because the session ended is not.
const kept = keepConnected(socket);

socket.on('connect', () => setState('online'));
// One update for both: views that join on `ready` and on `syncs` join once per connection.
socket.on('session:ready', () => useConnection.setState((s) => ({ state: 'online', ready: true, syncs: s.syncs + 1 })));
// After a Redis restart several processes say so at once (each server, each publisher): one
// catch-up, a moment later, at a moment of this client's own, so that thousands of members do not
// all fetch in the same instant.
let resyncPending: ReturnType<typeof setTimeout> | null = null;
socket.on('session:resync', () => {
  resyncPending ??= setTimeout(() => {
    resyncPending = null;
    caughtUpAgain();
  }, Math.random() * 2000);
});
socket.on('disconnect', () => {
  // `active` is true when socket.io will reconnect by itself (server restart, network loss).
  setState(socket.active ? 'reconnecting' : 'offline');
});
socket.on('connect_error', () => {
  // Refused by the server's middleware because the session ended: no retry, so offline.
  setState(socket.active || kept.retrying() ? 'reconnecting' : 'offline');
});
socket.io.on('reconnect_attempt', () => setState('reconnecting'));

/** Call after sign-in (or when /api/auth/me finds a session). */
export function connectSocket(): void {
  if (socket.connected || socket.active) return;
  setState('connecting');
  socket.connect();
}

/** Call on sign-out; the session cookie is gone, so the connection must not retry. */
export function disconnectSocket(): void {
  kept.cancel();
  socket.disconnect();
  setState('offline');
}
