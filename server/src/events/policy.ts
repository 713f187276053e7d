import type { Role } from '@commons/shared';
import { AppError } from '../http/errors.js';
import type { EventLean } from './model.js';

/** Who is acting (the same shape as a lab actor, so the calendar can ask the labs service). */
export interface EventActor {
  id: string;
  role: Role;
  displayName: string;
}

export function actorOfMember(member: { _id: { toHexString(): string }; role: Role; displayName: string }): EventActor {
  return { id: member._id.toHexString(), role: member.role, displayName: member.displayName };
}

export const isPast = (event: Pick<EventLean, 'endsAt'>, now: Date) => event.endsAt.getTime() <= now.getTime();

export function canManage(actor: EventActor, event: Pick<EventLean, 'organiserId'>): boolean {
  return actor.role === 'admin' || actor.role === 'moderator' || event.organiserId.toHexString() === actor.id;
}

/**
 * The rules of events in one place (the service calls these, so routes and jobs cannot skip
 * them). Every signed-in member may organise an event (the service also refuses silenced and
 * suspended members, and limits how many an hour); the organiser, moderators and admins
 * manage it; nobody changes or answers a cancelled or finished event.
 */
export const eventPolicy = {
  manage(actor: EventActor, event: Pick<EventLean, 'organiserId'>): void {
    if (!canManage(actor, event))
      throw new AppError('forbidden', 'Only the organiser, moderators and administrators can change this event.');
  },

  change(event: Pick<EventLean, 'status' | 'endsAt'>, now: Date): void {
    if (event.status === 'cancelled') throw new AppError('event_closed', 'This event is cancelled; it cannot change.');
    if (isPast(event, now)) throw new AppError('event_closed', 'This event is over; it cannot change.');
  },

  rsvp(event: Pick<EventLean, 'status' | 'endsAt'>, now: Date): void {
    if (event.status === 'cancelled') throw new AppError('event_closed', 'This event is cancelled; RSVPs are closed.');
    if (isPast(event, now)) throw new AppError('event_closed', 'This event is over; RSVPs are closed.');
  },
};
