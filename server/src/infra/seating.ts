import type { RsvpChoice, RsvpStatus } from '@commons/shared';
import type { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isDuplicateKey } from './store/index.js';

/**
 * Capacity and waitlist of one gathering (a lab, an event), the same rules for every domain that
 * has seats. Seats are rows numbered 1..capacity with unique (gathering, seat) and (gathering,
 * member) indexes: the indexes, not a counter, keep a gathering within its capacity, because
 * FerretDB 1.24 does not isolate concurrent conditional updates while unique indexes hold.
 *
 * The domain owns its collections and hands this module the few reads and writes it needs, bound
 * to one gathering (see labs/seating.ts, events/seating.ts).
 */
export interface SeatingStore {
  /** The gathering's capacity (null: no limit), or undefined when it no longer exists. */
  capacity(): Promise<number | null | undefined>;
  seats(): Promise<Array<{ seat: number; memberId: Types.ObjectId }>>;
  /** Inserts a seat row; rejects with a duplicate-key error when the number or the member is taken. */
  insertSeat(seat: number, memberId: Types.ObjectId): Promise<void>;
  deleteSeat(memberId: Types.ObjectId): Promise<void>;
  /** The member waiting longest (by `waitlistedAt`, then id), if any. */
  nextWaitlisted(): Promise<{ rowId: Types.ObjectId; memberId: Types.ObjectId } | null>;
  /** Moves a row from `waitlisted` to `going`, only if it is still waitlisted; true if it moved. */
  moveToGoing(rowId: Types.ObjectId): Promise<boolean>;
  /** The RSVP a row holds now. */
  rsvpOf(rowId: Types.ObjectId): Promise<RsvpStatus | null>;
  setRsvp(rowId: Types.ObjectId, rsvp: RsvpStatus, waitlistedAt: Date | null): Promise<void>;
  now(): Date;
}

export function seating(store: SeatingStore) {
  /**
   * Gives the member a seat if one is free: the lowest free number, while fewer than `capacity`
   * seats are taken. A taken number (a race) makes it look again. False when full.
   */
  async function takeSeat(memberId: Types.ObjectId): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const capacity = await store.capacity();
      if (capacity === undefined) return false;
      const taken = await store.seats();
      if (taken.some((s) => s.memberId.equals(memberId))) return true;
      const used = new Set(taken.map((s) => s.seat));
      let seat = 1;
      while (used.has(seat)) seat++;
      if (capacity !== null && (seat > capacity || taken.length >= capacity)) return false;
      try {
        await store.insertSeat(seat, memberId);
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Someone took this number (or this member got a seat meanwhile): look again.
      }
    }
    throw new AppError('conflict', 'Too many people are answering at once; try again.');
  }

  /**
   * Fills free seats from the waitlist, oldest first; returns the members promoted. Safe to run
   * concurrently. A member who left the waitlist between being picked and being moved gives the
   * seat taken for them back, so no seat is ever lost to someone who is not going.
   */
  async function promote(): Promise<string[]> {
    const promoted: string[] = [];
    for (;;) {
      const next = await store.nextWaitlisted();
      if (!next) break;
      if (!(await takeSeat(next.memberId))) break;
      if (await store.moveToGoing(next.rowId)) {
        promoted.push(next.memberId.toHexString());
        continue;
      }
      if ((await store.rsvpOf(next.rowId)) !== 'going') await store.deleteSeat(next.memberId);
    }
    return promoted;
  }

  return {
    takeSeat,
    promote,

    /**
     * A member's answer: going takes a seat if one is free, else joins the waitlist; leaving a
     * seat gives it to the oldest waitlisted member. Returns the members promoted.
     */
    async answer(
      row: { rowId: Types.ObjectId; memberId: Types.ObjectId; rsvp: RsvpStatus | null },
      choice: RsvpChoice,
    ): Promise<string[]> {
      const prev = row.rsvp;
      if (choice === 'going') {
        if (prev === 'going' || prev === 'waitlisted') return [];
        const seated = await takeSeat(row.memberId);
        await store.setRsvp(row.rowId, seated ? 'going' : 'waitlisted', seated ? null : store.now());
        return [];
      }
      if (prev === choice) return [];
      await store.setRsvp(row.rowId, choice, null);
      if (prev !== 'going') return [];
      await store.deleteSeat(row.memberId);
      return promote();
    },
  };
}
