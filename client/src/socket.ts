import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';

export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting';

interface ConnectionStore {
  state: ConnectionState;
  /** Set once the server has confirmed the session on this connection ('session:ready'). */
  ready: boolean;
}

/** The live connection's state, for the header and for features that pause while offline. */
export const useConnection = create<ConnectionStore>(() => ({ state: 'offline', ready: false }));

function setState(state: ConnectionState, ready = false): void {
  useConnection.setState({ state, ready });
}

/**
 * The one Socket.IO client of the app: same origin, session cookie, connected only while signed in.
 * Features register their listeners on it (`socket.on('post:created', ...)`) and emit commands with acks.
 */
export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
  withCredentials: true,
  autoConnect: false,
});

socket.on('connect', () => setState('online'));
socket.on('session:ready', () => setState('online', true));
socket.on('disconnect', () => {
  // `active` is true when socket.io will reconnect by itself (server restart, network loss).
  setState(socket.active ? 'reconnecting' : 'offline');
});
socket.on('connect_error', () => {
  // Refused by the server's middleware (e.g. the session expired): no automatic retry.
  setState(socket.active ? 'reconnecting' : 'offline');
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
  socket.disconnect();
  setState('offline');
}
