import type { Redis } from 'ioredis';
import { AppError } from '../http/errors.js';
import { Limiter } from '../http/rate-limit.js';
import type { SocketRegistrar } from '../io.js';
import type { Logger } from '../infra/log.js';
import { handle } from '../realtime/handle.js';
import { rooms, type IoSocket } from '../realtime/types.js';
import type { LabActor } from './policy.js';
import { labRoom, type LabPresence } from './presence.js';
import type { LabService } from './service.js';

/** Lab commands per member and minute (chat, dots, votes, controls), across processes. */
export function labSocketLimiter(redis: Redis, prefix: string): Limiter {
  return new Limiter(redis, prefix, { name: 'lab-socket', points: 240, durationSeconds: 60 });
}

/**
 * Lab commands over the socket. Joining checks the lab and its entry window, then joins the
 * room and counts the member present; everything else needs the room joined. Authorization
 * lives in the service, so a member who is not a facilitator gets an error ack and nothing changes.
 */
export function labSocket(deps: {
  labs: LabService;
  presence: LabPresence;
  redis: Redis;
  prefix: string;
  log: Logger;
}): SocketRegistrar {
  const { labs, presence, log } = deps;
  const limiter = labSocketLimiter(deps.redis, deps.prefix);
  return (socket: IoSocket) => {
    const actor = (): LabActor => ({
      id: socket.data.memberId,
      role: socket.data.role as LabActor['role'],
      displayName: socket.data.displayName,
    });
    const budget = () => limiter.consume(socket.data.memberId);
    const joined = new Set<string>();
    const inRoom = (labId: string) => {
      if (!socket.rooms.has(labRoom(labId))) throw new AppError('forbidden', 'Join the lab room first.');
    };

    handle(
      socket,
      log,
      'lab:join',
      async ({ labId }) => {
        const entered = await labs.enterRoom(actor(), labId);
        await socket.join(labRoom(labId));
        joined.add(labId);
        // Others see the newcomer with the name and picture their session was opened with (no store read).
        const { id, displayName } = actor();
        const avatar = socket.data.avatar;
        await presence.join(labId, { id, displayName, ...(avatar ? { avatar } : {}) }, socket.id);
        return labs.roomState(actor(), entered, await presence.present(labId));
      },
      budget,
    );

    handle(socket, log, 'lab:leave', async ({ labId }) => {
      await socket.leave(labRoom(labId));
      if (joined.delete(labId)) await presence.leave(labId, socket.data.memberId, socket.id);
      return { labId };
    });

    socket.on('disconnect', () => {
      for (const labId of joined) {
        presence
          .leave(labId, socket.data.memberId, socket.id)
          .catch((err: unknown) => log.warn({ err, labId }, 'lab presence leave failed'));
      }
      joined.clear();
    });

    handle(socket, log, 'lab:message:send', async (p) => (inRoom(p.labId), labs.sendMessage(actor(), p)), budget);
    handle(socket, log, 'lab:messages:since', async ({ labId, seq }) => labs.messagesSince(actor(), labId, seq));
    handle(socket, log, 'lab:start', ({ labId }) => labs.start(actor(), labId), budget);
    handle(socket, log, 'lab:phase:advance', ({ labId }) => labs.advance(actor(), labId), budget);
    handle(socket, log, 'lab:phase:extend', ({ labId, minutes }) => labs.extend(actor(), labId, minutes), budget);
    handle(socket, log, 'lab:chat:set', ({ labId, open }) => labs.setChat(actor(), labId, open), budget);
    handle(socket, log, 'lab:end', ({ labId }) => labs.end(actor(), labId), budget);
    handle(socket, log, 'lab:hand:raise', async ({ labId }) => (inRoom(labId), labs.raiseHand(actor(), labId)), budget);
    handle(socket, log, 'lab:hand:lower', ({ labId }) => labs.lowerHand(actor(), labId), budget);
    handle(socket, log, 'lab:hand:next', ({ labId }) => labs.callNext(actor(), labId), budget);
    handle(
      socket,
      log,
      'lab:quiet',
      async ({ labId }) => ({ members: await labs.quietMembers(actor(), labId, await presence.present(labId)) }),
      budget,
    );
    handle(socket, log, 'lab:idea:add', async (p) => (inRoom(p.labId), labs.addIdea(actor(), p)), budget);
    handle(
      socket,
      log,
      'lab:idea:dot',
      async (p) => (inRoom(p.labId), labs.dot(actor(), p.labId, p.ideaId, p.on)),
      budget,
    );
    handle(socket, log, 'lab:consensus:vote', async (p) => (inRoom(p.labId), labs.vote(actor(), p)), budget);
    handle(socket, log, 'lab:spotlight', ({ labId, seq }) => labs.spotlight(actor(), labId, seq), budget);
    handle(socket, log, 'lab:board:set', (p) => labs.setBoard(actor(), p), budget);
    handle(socket, log, 'lab:mute', ({ labId, memberId, muted }) => labs.mute(actor(), labId, memberId, muted), budget);
    handle(
      socket,
      log,
      'lab:remove',
      async ({ labId, memberId }) => {
        const removed = await labs.remove(actor(), labId, memberId);
        // Their sockets leave the room on every process, and they no longer count as present.
        socket.nsp.in(rooms.member(memberId)).socketsLeave(labRoom(labId));
        await presence.evict(labId, memberId);
        return removed;
      },
      budget,
    );
    handle(socket, log, 'lab:idea:merge', (p) => labs.mergeIdeas(actor(), p), budget);
    handle(socket, log, 'lab:idea:group', (p) => labs.groupIdea(actor(), p), budget);
    handle(socket, log, 'lab:consensus:set', (p) => labs.setConsensus(actor(), p), budget);
    handle(socket, log, 'lab:handoff', ({ labId, memberId }) => labs.handOff(actor(), labId, memberId), budget);
  };
}
