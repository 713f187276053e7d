import { AppError } from '../http/errors.js';
import type { Logger } from '../infra/log.js';
import { rooms, type IoServer } from './types.js';

/** Whether a socket's member may stay in one content room: false when its read rule now refuses them. */
export type MayStay = (member: { memberId: string; role: string }, room: string) => Promise<boolean>;

/** A check that passes when `read` succeeds and fails when it is refused with an error of ours (404/403). */
export function stayIfReadable(read: () => Promise<unknown>): Promise<boolean> {
  return read().then(
    () => true,
    (err: unknown) => {
      if (err instanceof AppError) return false;
      throw err;
    },
  );
}

/**
 * Who may read some content shrank (a member left a private coalition, a coalition turned private
 * or was deleted): the sockets in its rooms are checked again, on every process, and leave the
 * rooms their member may no longer read, so no live push of it reaches them. Joining was checked;
 * without this a socket would keep hearing a room until it reconnected.
 */
export async function recheckRooms(
  io: IoServer,
  log: Logger,
  input: {
    rooms: string[];
    memberId: string | null;
    mayStay: MayStay;
    left?: (memberId: string, room: string) => Promise<void>;
  },
): Promise<number> {
  if (input.rooms.length === 0) return 0;
  const watched = new Set(input.rooms);
  const sockets = await io.in(input.memberId ? rooms.member(input.memberId) : input.rooms).fetchSockets();
  // One decision per member and room, whatever the number of their tabs.
  const decisions = new Map<string, Promise<boolean>>();
  let removed = 0;
  for (const socket of sockets) {
    const { memberId, role } = socket.data;
    for (const room of socket.rooms) {
      if (!watched.has(room)) continue;
      const key = `${memberId} ${room}`;
      if (!decisions.has(key)) decisions.set(key, input.mayStay({ memberId, role }, room));
      let stays: boolean;
      try {
        stays = await decisions.get(key)!;
      } catch (err) {
        // Unknown is not allowed: the member joins again (and is checked) if they still may.
        log.warn({ err, memberId, room }, 'room check failed; the socket leaves the room');
        stays = false;
      }
      if (stays) continue;
      socket.leave(room);
      removed++;
      await input.left?.(memberId, room);
    }
  }
  return removed;
}
