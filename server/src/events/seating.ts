import type { RsvpStatus } from '@commons/shared';
import type { Types } from 'mongoose';
import { seating, type SeatingStore } from '../infra/seating.js';
import { EventAttendeeModel, EventModel, EventSeatModel } from './model.js';

/** The reads and writes of one event's seats and waitlist (infra/seating.ts holds the rules). */
export function eventSeatingStore(eventId: Types.ObjectId, now: () => Date): SeatingStore {
  return {
    capacity: async () => {
      const doc = await EventModel.findById(eventId, { capacity: 1 }).lean();
      return doc ? doc.capacity : undefined;
    },
    seats: () => EventSeatModel.find({ eventId }, { seat: 1, memberId: 1 }).lean(),
    insertSeat: async (seat, memberId) => {
      await EventSeatModel.create({ eventId, seat, memberId, createdAt: now() });
    },
    deleteSeat: async (memberId) => {
      await EventSeatModel.deleteOne({ eventId, memberId });
    },
    nextWaitlisted: async () => {
      const row = await EventAttendeeModel.findOne({ eventId, rsvp: 'waitlisted' }, { memberId: 1 })
        .sort({ waitlistedAt: 1, _id: 1 })
        .lean();
      return row ? { rowId: row._id, memberId: row.memberId } : null;
    },
    moveToGoing: async (rowId) =>
      (
        await EventAttendeeModel.updateOne(
          { _id: rowId, rsvp: 'waitlisted' },
          { $set: { rsvp: 'going', waitlistedAt: null } },
        )
      ).modifiedCount === 1,
    rsvpOf: async (rowId) =>
      ((await EventAttendeeModel.findById(rowId, { rsvp: 1 }).lean())?.rsvp ?? null) as RsvpStatus | null,
    setRsvp: async (rowId, rsvp, waitlistedAt) => {
      await EventAttendeeModel.updateOne({ _id: rowId }, { $set: { rsvp, waitlistedAt } });
    },
    now,
  };
}

export const eventSeating = (eventId: Types.ObjectId, now: () => Date) => seating(eventSeatingStore(eventId, now));
