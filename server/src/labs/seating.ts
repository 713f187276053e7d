import type { RsvpStatus } from '@commons/shared';
import type { Types } from 'mongoose';
import { seating, type SeatingStore } from '../infra/seating.js';
import { LabModel, LabParticipantModel, LabSeatModel } from './model.js';

/** The reads and writes of one lab's seats and waitlist (infra/seating.ts holds the rules). */
export function labSeatingStore(labId: Types.ObjectId, now: () => Date): SeatingStore {
  return {
    capacity: async () => {
      const lab = await LabModel.findById(labId, { capacity: 1 }).lean();
      return lab ? lab.capacity : undefined;
    },
    seats: () => LabSeatModel.find({ labId }, { seat: 1, memberId: 1 }).lean(),
    insertSeat: async (seat, memberId) => {
      await LabSeatModel.create({ labId, seat, memberId, createdAt: now() });
    },
    deleteSeat: async (memberId) => {
      await LabSeatModel.deleteOne({ labId, memberId });
    },
    nextWaitlisted: async () => {
      const row = await LabParticipantModel.findOne({ labId, rsvp: 'waitlisted' }, { memberId: 1 })
        .sort({ waitlistedAt: 1, _id: 1 })
        .lean();
      return row ? { rowId: row._id, memberId: row.memberId } : null;
    },
    moveToGoing: async (rowId) =>
      (
        await LabParticipantModel.updateOne(
          { _id: rowId, rsvp: 'waitlisted' },
          { $set: { rsvp: 'going', waitlistedAt: null } },
        )
      ).modifiedCount === 1,
    rsvpOf: async (rowId) =>
      ((await LabParticipantModel.findById(rowId, { rsvp: 1 }).lean())?.rsvp ?? null) as RsvpStatus | null,
    setRsvp: async (rowId, rsvp, waitlistedAt) => {
      await LabParticipantModel.updateOne({ _id: rowId }, { $set: { rsvp, waitlistedAt } });
    },
    now,
  };
}

export const labSeating = (labId: Types.ObjectId, now: () => Date) => seating(labSeatingStore(labId, now));
