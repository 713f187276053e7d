import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@commons/shared';
import type { Server, Socket } from 'socket.io';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Where listeners push live events: the Socket.IO server in a server process, the Redis
 * emitter in a worker process. Both reach every process through the Redis adapter.
 */
export interface RoomEmitter {
  to(room: string | string[]): {
    emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean;
  };
}

export const rooms = {
  member: (id: string) => `member:${id}`,
  /** Every socket of one signed-in browser session (ended together at sign-out). */
  session: (id: string) => `session:${id}`,
  moderators: 'moderators',
  thread: (id: string) => `thread:${id}`,
  category: (id: string) => `category:${id}`,
  /** Everyone looking at forum lists (all categories). */
  forum: 'forum',
} as const;
