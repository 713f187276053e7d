import type { SocketRegistrar } from '../io.js';
import { rooms } from '../realtime/types.js';

/** Moderators' and admins' sockets join the moderators room on connect, for the live queue. */
export function moderationSocket(): SocketRegistrar {
  return (socket) => {
    if (socket.data.role === 'moderator' || socket.data.role === 'admin') void socket.join(rooms.moderators);
  };
}
