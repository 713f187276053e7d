import { queueNames, type EventJob } from '@commons/shared';
import type { DomainEvents } from '../infra/domain-events.js';
import { EventAttendeeModel, EventModel, EventReminderModel, type EventLean } from './model.js';
import { isDuplicateKey } from '../infra/store/index.js';

type Reminder = Extract<EventJob, { kind: 'reminder' }>;

/**
 * The work of the `events` queue: a reminder before an event. It records each member reminded
 * (an `EventReminder` row under a unique key) before publishing `event.reminderDue`, so a retried,
 * re-run or concurrent job never reminds anyone twice; the notification system delivers it.
 */
export function createEventJobs(deps: { events: DomainEvents }) {
  async function reminder(job: Reminder): Promise<{ reminded: number } | { skipped: string }> {
    const doc = await EventModel.findById(job.eventId).lean<EventLean>();
    if (!doc) return { skipped: 'no such event' };
    if (doc.status !== 'scheduled') return { skipped: `event is ${doc.status}` };
    if (doc.startsAt.toISOString() !== new Date(job.startsAt).toISOString()) return { skipped: 'event was moved' };
    const marker = `${job.lead}-${doc.startsAt.getTime()}`;
    const going = await EventAttendeeModel.find({ eventId: doc._id, rsvp: 'going' }, { memberId: 1 }).lean();
    const memberIds: string[] = [];
    for (const row of going) {
      try {
        await EventReminderModel.create({ eventId: doc._id, memberId: row.memberId, marker });
        memberIds.push(row.memberId.toHexString());
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // already reminded
      }
    }
    if (memberIds.length > 0)
      deps.events.publish('event.reminderDue', {
        eventId: job.eventId,
        title: doc.title,
        startsAt: doc.startsAt,
        memberIds,
        lead: job.lead,
      });
    return { reminded: memberIds.length };
  }

  return { queue: queueNames.events, handlers: { reminder } };
}
