import { Types } from 'mongoose';
import { exportValue, type ExportSection } from '../members/member-data.js';
import { EventAttendeeModel, EventReminderModel, EventSeatModel } from './model.js';
import { eventSeating } from './seating.js';

/**
 * A deleted account's RSVPs, seats and reminder markers; the seats they held go to the oldest
 * waitlisted members. Events they organised stay.
 */
export async function forgetEventMember(memberId: string, now: () => Date): Promise<void> {
  const id = new Types.ObjectId(memberId);
  const held = await EventSeatModel.find({ memberId: id }, { eventId: 1 }).lean();
  await Promise.all([
    EventAttendeeModel.deleteMany({ memberId: id }),
    EventSeatModel.deleteMany({ memberId: id }),
    EventReminderModel.deleteMany({ memberId: id }),
  ]);
  for (const { eventId } of held) await eventSeating(eventId, now).promote();
}

/** The member's event RSVPs. */
export async function exportEventMember(memberId: string): Promise<ExportSection> {
  const rows = await EventAttendeeModel.find({ memberId: new Types.ObjectId(memberId) }).lean();
  return {
    rsvps: rows.map((r) => ({ eventId: r.eventId.toHexString(), rsvp: r.rsvp, at: exportValue.iso(r.updatedAt) })),
  };
}
