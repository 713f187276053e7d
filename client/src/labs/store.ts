import i18next from 'i18next';
import { useStore } from 'zustand';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { socket, useConnection } from '../socket';
import { createLabRoom, type LabRoom } from './room/live';

/**
 * The live room of the lab on screen: it owns the room's socket subscriptions and commands
 * (room/live.ts); pages and components read it and call its commands.
 */
export const labRoom = createLabRoom({
  socket,
  me: () => useAuth.getState().user?.id,
  ready: () => useConnection.getState().ready,
  say: (key, values) => announce(i18next.t(key, values)),
});

export function useLabRoom<T>(selector: (room: LabRoom) => T): T {
  return useStore(labRoom, selector);
}
