import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { roomsOfCoalition } from '../forums/coalition-visibility.js';
import type { ForumService } from '../forums/service.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import type { LabPresence } from '../labs/presence.js';
import { labRoomsOfCoalition } from '../labs/reads.js';
import type { LabService } from '../labs/service.js';
import type { Role } from '@commons/shared';
import { recheckRooms, stayIfReadable } from './recheck-rooms.js';
import type { IoServer } from './types.js';

const prefixed = (room: string, prefix: string) => (room.startsWith(prefix) ? room.slice(prefix.length) : null);

/**
 * When fewer members may read a coalition's content, the sockets in the rooms of its categories,
 * threads and labs are checked again by each domain's own read rule; a member who may no longer
 * read one leaves it (and, in a lab, its presence).
 */
export function registerCoalitionRoomChecks(
  events: DomainEvents,
  deps: { io: IoServer; log: Logger; forums: ForumService; labs: LabService; presence: LabPresence },
): void {
  const { io, log, forums, labs, presence } = deps;
  events.on('coalition.readersShrank', async ({ coalitionId, memberId }) => {
    const [forumRooms, labRooms] = await Promise.all([
      roomsOfCoalition(new Types.ObjectId(coalitionId)),
      labRoomsOfCoalition(coalitionId),
    ]);
    const removed = await recheckRooms(io, log, {
      rooms: [...forumRooms, ...labRooms],
      memberId,
      mayStay: async ({ memberId: id, role }, room) => {
        const actor = { id, role: role as Role, displayName: '' };
        const thread = prefixed(room, 'thread:');
        if (thread) return stayIfReadable(() => forums.joinThread(id, thread));
        const category = prefixed(room, 'category:');
        if (category)
          return stayIfReadable(async () => {
            const member = await forums.actorById(id);
            if (!member) return Promise.reject(new AppError('unauthenticated', 'No such member.'));
            return forums.joinCategory(member, category);
          });
        const lab = prefixed(room, 'lab:');
        if (lab) return stayIfReadable(() => labs.get(actor, lab));
        return false;
      },
      left: async (id, room) => {
        const lab = prefixed(room, 'lab:');
        if (lab) await presence.evict(lab, id);
      },
    });
    if (removed) log.info({ coalitionId, memberId, removed }, 'sockets left rooms their members may no longer read');
  });
}
