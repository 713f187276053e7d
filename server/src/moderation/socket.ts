import type { Redis } from 'ioredis';
import type { SocketRegistrar } from '../io.js';
import { rooms } from '../realtime/types.js';
import { keepMarkWhile, markModeratorsWatching } from './watching.js';

/**
 * Moderators' and admins' sockets join the moderators room on connect, for the live queue, and
 * mark that someone watches it (watching.ts) before the socket is told it is ready.
 */
export function moderationSocket(deps: { redis: Redis; prefix: string }): SocketRegistrar {
  return async (socket) => {
    if (socket.data.role !== 'moderator' && socket.data.role !== 'admin') return;
    void socket.join(rooms.moderators);
    await markModeratorsWatching(deps.redis, deps.prefix).catch(() => undefined);
    keepMarkWhile(deps.redis, deps.prefix, () => (socket.nsp.adapter.rooms.get(rooms.moderators)?.size ?? 0) > 0);
  };
}
