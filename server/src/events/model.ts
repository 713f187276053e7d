import {
  eventKinds,
  eventStatuses,
  rsvpStatuses,
  type EventKind,
  type EventStatus,
  type RsvpStatus,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface EventFields {
  title: string;
  /** Markdown as written, and its sanitized HTML. */
  description: string;
  html: string;
  kind: EventKind;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  onlineUrl: string | null;
  place: string | null;
  /** null: no limit. */
  capacity: number | null;
  organiserId: Types.ObjectId;
  status: EventStatus;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const eventSchema = new Schema<EventFields>(
  {
    title: { type: String, required: true },
    description: { type: String, required: true },
    html: { type: String, required: true },
    kind: { type: String, enum: eventKinds, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    timeZone: { type: String, required: true },
    onlineUrl: { type: String, default: null },
    place: { type: String, default: null },
    capacity: { type: Number, default: null },
    organiserId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: eventStatuses, default: 'scheduled' },
    cancelledAt: { type: Date, default: null },
  },
  { timestamps: true },
);
eventSchema.index({ status: 1, endsAt: 1 });
eventSchema.index({ startsAt: 1 });

/** One row per member and event: their RSVP and, when waitlisted, since when (served in that order). */
export interface AttendeeFields {
  eventId: Types.ObjectId;
  memberId: Types.ObjectId;
  rsvp: RsvpStatus;
  waitlistedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
const attendeeSchema = new Schema<AttendeeFields>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    rsvp: { type: String, enum: rsvpStatuses, required: true },
    waitlistedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
attendeeSchema.index({ eventId: 1, memberId: 1 }, { unique: true });
attendeeSchema.index({ eventId: 1, rsvp: 1, waitlistedAt: 1 });
attendeeSchema.index({ memberId: 1 });

/**
 * One row per seat taken (RSVP going), numbered 1..capacity, unique per event and per member:
 * the unique indexes, not a counter, keep an event within its capacity (as lab seats do; FerretDB
 * 1.24 does not isolate concurrent conditional updates, unique indexes hold).
 */
export interface EventSeatFields {
  eventId: Types.ObjectId;
  seat: number;
  memberId: Types.ObjectId;
  createdAt: Date;
}
const seatSchema = new Schema<EventSeatFields>({
  eventId: { type: Schema.Types.ObjectId, required: true },
  seat: { type: Number, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
seatSchema.index({ eventId: 1, seat: 1 }, { unique: true });
seatSchema.index({ eventId: 1, memberId: 1 }, { unique: true });

/**
 * A reminder handed to the notification system: one row per event, member and reminder
 * (`<lead>-<start ms>`). Inserted before the domain event is published; the unique index makes
 * a retried or concurrent job skip members already reminded.
 */
export interface EventReminderFields {
  eventId: Types.ObjectId;
  memberId: Types.ObjectId;
  marker: string;
  createdAt: Date;
}
const reminderSchema = new Schema<EventReminderFields>({
  eventId: { type: Schema.Types.ObjectId, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  marker: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
reminderSchema.index({ eventId: 1, marker: 1, memberId: 1 }, { unique: true });

export const EventModel = mongoose.model<EventFields>('HubEvent', eventSchema, 'events');
export const EventAttendeeModel = mongoose.model<AttendeeFields>('EventAttendee', attendeeSchema);
export const EventSeatModel = mongoose.model<EventSeatFields>('EventSeat', seatSchema);
export const EventReminderModel = mongoose.model<EventReminderFields>('EventReminder', reminderSchema);

export type EventLean = EventFields & { _id: Types.ObjectId };
export type AttendeeLean = AttendeeFields & { _id: Types.ObjectId };
