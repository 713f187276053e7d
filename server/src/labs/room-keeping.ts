import { AppError } from '../http/errors.js';
import { refreshLab } from './room.js';
import type { LabRoomModel } from './room-model.js';

type Service = Record<string, unknown>;
/**
 * How each call that changes a lab keeps the room's model (room-model.ts), and where it finds the
 * lab's id in its arguments:
 * - `drop`: rare changes kept by no part (an edit of the lab, cancelling, RSVPs and invitations,
 *   which move seats and counts): the model and seats go, the next entry builds them again;
 * - `lab`: changes of the lab document (phases, the timer, the board's switches, chat, the floor,
 *   hand-offs, mutes, removals): its part of the model is read again in place (room.ts `refreshLab`);
 *   a mute or removal also forgets the member's cached seat (the third argument);
 * - `own`: the call keeps the parts it changed itself (chat, hands, ideas, dots, answers, checks,
 *   outcomes, action items), right after its write.
 */
type Keeping = 'drop' | 'lab' | 'own';
const labIdArg = (args: unknown[]) => args[1];
const labIdInBody = (args: unknown[]) => (args[1] as { labId?: unknown } | undefined)?.labId;
const changes: Record<string, { keep: Keeping; labId: (args: unknown[]) => unknown; seat?: true }> = {
  ...Object.fromEntries(
    (['update', 'cancel', 'rsvp', 'invite'] as const).map((name) => [name, { keep: 'drop', labId: labIdArg }]),
  ),
  ...Object.fromEntries(
    (['start', 'advance', 'spotlight', 'extend', 'setChat', 'end', 'callNext', 'handOff'] as const).map((name) => [
      name,
      { keep: 'lab', labId: labIdArg },
    ]),
  ),
  mute: { keep: 'lab', labId: labIdArg, seat: true },
  remove: { keep: 'lab', labId: labIdArg, seat: true },
  setBoard: { keep: 'lab', labId: labIdInBody },
  advanceIfDue: { keep: 'lab', labId: (args) => args[0] },
  ...Object.fromEntries(
    (['createAction', 'updateAction', 'createOutcome', 'raiseHand', 'lowerHand', 'dot'] as const).map((name) => [
      name,
      { keep: 'own', labId: labIdArg },
    ]),
  ),
  ...Object.fromEntries(
    (['addIdea', 'mergeIdeas', 'groupIdea', 'vote', 'setConsensus'] as const).map((name) => [
      name,
      { keep: 'own', labId: labIdInBody },
    ]),
  ),
};

/**
 * Each call that changes a lab keeps the lab's room model once its writes are done (see
 * `changes`). A call that failed midway drops it (an error of ours is refused input and wrote
 * nothing), so a half-kept model is never served.
 */
export function keepRoomModel<T extends Service>(service: T, room: LabRoomModel | undefined): T {
  if (!room) return service;
  const wrapped: Service = { ...service };
  for (const [name, how] of Object.entries(changes)) {
    const fn = service[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      const labId = how.labId(args);
      try {
        const result = await fn(...args);
        if (typeof labId !== 'string') return result;
        if (how.seat && typeof args[2] === 'string') await room.forgetSeats(labId, [args[2]]);
        if (how.keep === 'drop') await room.changed(labId);
        else if (how.keep === 'lab') await refreshLab(room, labId);
        return result;
      } catch (err) {
        if (typeof labId === 'string' && !(err instanceof AppError)) await room.changed(labId);
        throw err;
      }
    };
  }
  return wrapped as T;
}
