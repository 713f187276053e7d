import {
  labBoardPayloadSchema,
  labMemberPayloadSchema,
  labMutePayloadSchema,
  labSpotlightSchema,
  labChatPayloadSchema,
  labConsensusSetSchema,
  labIdeaGroupSchema,
  labIdeaMergeSchema,
  labConsensusVoteSchema,
  labDotPayloadSchema,
  labExtendPayloadSchema,
  labIdeaAddSchema,
  labMessageSendSchema,
  labRoomPayloadSchema,
  labSincePayloadSchema,
} from '@commons/shared';
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
      labRoomPayloadSchema,
      async ({ labId }) => {
        const lab = await labs.enterRoom(actor(), labId);
        await socket.join(labRoom(labId));
        joined.add(labId);
        await presence.join(labId, { id: actor().id, displayName: actor().displayName }, socket.id);
        return labs.roomState(actor(), lab, await presence.members(labId));
      },
      budget,
    );

    handle(socket, log, 'lab:leave', labRoomPayloadSchema, async ({ labId }) => {
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

    handle(
      socket,
      log,
      'lab:message:send',
      labMessageSendSchema,
      async (p) => (inRoom(p.labId), labs.sendMessage(actor(), p)),
      budget,
    );
    handle(socket, log, 'lab:messages:since', labSincePayloadSchema, async ({ labId, seq }) =>
      labs.messagesSince(actor(), labId, seq),
    );
    handle(socket, log, 'lab:start', labRoomPayloadSchema, ({ labId }) => labs.start(actor(), labId), budget);
    handle(socket, log, 'lab:phase:advance', labRoomPayloadSchema, ({ labId }) => labs.advance(actor(), labId), budget);
    handle(
      socket,
      log,
      'lab:phase:extend',
      labExtendPayloadSchema,
      ({ labId, minutes }) => labs.extend(actor(), labId, minutes),
      budget,
    );
    handle(
      socket,
      log,
      'lab:chat:set',
      labChatPayloadSchema,
      ({ labId, open }) => labs.setChat(actor(), labId, open),
      budget,
    );
    handle(socket, log, 'lab:end', labRoomPayloadSchema, ({ labId }) => labs.end(actor(), labId), budget);
    handle(
      socket,
      log,
      'lab:hand:raise',
      labRoomPayloadSchema,
      async ({ labId }) => (inRoom(labId), labs.raiseHand(actor(), labId)),
      budget,
    );
    handle(socket, log, 'lab:hand:lower', labRoomPayloadSchema, ({ labId }) => labs.lowerHand(actor(), labId), budget);
    handle(socket, log, 'lab:hand:next', labRoomPayloadSchema, ({ labId }) => labs.callNext(actor(), labId), budget);
    handle(
      socket,
      log,
      'lab:quiet',
      labRoomPayloadSchema,
      async ({ labId }) => ({ members: await labs.quietMembers(actor(), labId, await presence.members(labId)) }),
      budget,
    );
    handle(
      socket,
      log,
      'lab:idea:add',
      labIdeaAddSchema,
      async (p) => (inRoom(p.labId), labs.addIdea(actor(), p)),
      budget,
    );
    handle(
      socket,
      log,
      'lab:idea:dot',
      labDotPayloadSchema,
      async (p) => (inRoom(p.labId), labs.dot(actor(), p.labId, p.ideaId, p.on)),
      budget,
    );
    handle(
      socket,
      log,
      'lab:consensus:vote',
      labConsensusVoteSchema,
      async (p) => (inRoom(p.labId), labs.vote(actor(), p)),
      budget,
    );
    handle(
      socket,
      log,
      'lab:spotlight',
      labSpotlightSchema,
      ({ labId, seq }) => labs.spotlight(actor(), labId, seq),
      budget,
    );
    handle(socket, log, 'lab:board:set', labBoardPayloadSchema, (p) => labs.setBoard(actor(), p), budget);
    handle(
      socket,
      log,
      'lab:mute',
      labMutePayloadSchema,
      ({ labId, memberId, muted }) => labs.mute(actor(), labId, memberId, muted),
      budget,
    );
    handle(
      socket,
      log,
      'lab:remove',
      labMemberPayloadSchema,
      async ({ labId, memberId }) => {
        const removed = await labs.remove(actor(), labId, memberId);
        // Their sockets leave the room on every process, and they no longer count as present.
        socket.nsp.in(rooms.member(memberId)).socketsLeave(labRoom(labId));
        await presence.evict(labId, memberId);
        return removed;
      },
      budget,
    );
    handle(socket, log, 'lab:idea:merge', labIdeaMergeSchema, (p) => labs.mergeIdeas(actor(), p), budget);
    handle(socket, log, 'lab:idea:group', labIdeaGroupSchema, (p) => labs.groupIdea(actor(), p), budget);
    handle(socket, log, 'lab:consensus:set', labConsensusSetSchema, (p) => labs.setConsensus(actor(), p), budget);
    handle(
      socket,
      log,
      'lab:handoff',
      labMemberPayloadSchema,
      ({ labId, memberId }) => labs.handOff(actor(), labId, memberId),
      budget,
    );
  };
}
