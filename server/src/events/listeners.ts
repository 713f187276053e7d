import type { EventReminderLead } from '@commons/shared';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';
import type { Outbox } from '../infra/outbox.js';

export const eventReminderLeads: Record<EventReminderLead, number> = { day: 24 * 3600_000, hour: 3600_000 };
const leads = Object.keys(eventReminderLeads) as EventReminderLead[];

/** BullMQ custom ids may not contain ':'; the start is part of the id, so a moved event gets fresh jobs. */
export const eventReminderJobId = (eventId: string, lead: EventReminderLead, startsAt: Date) =>
  `event-${eventId}-reminder-${lead}-${startsAt.getTime()}`;

/**
 * After event writes: reminder jobs follow the schedule. Each is a delayed job under a
 * deterministic id (adding it twice is a no-op), moved on reschedule by removing and re-adding,
 * removed on cancel. Reminders whose time has passed are not added.
 */
export function registerEventListeners(
  events: DomainEvents,
  deps: { queues: Pick<Queues, 'events'>; outbox: Outbox; now?: () => number },
): void {
  const { queues, outbox } = deps;
  const now = deps.now ?? (() => Date.now());

  async function addReminders(eventId: string, startsAt: Date): Promise<void> {
    for (const lead of leads) {
      const delay = startsAt.getTime() - eventReminderLeads[lead] - now();
      if (delay <= 0) continue;
      await outbox.schedule([
        {
          queue: 'events',
          key: eventReminderJobId(eventId, lead, startsAt),
          job: { kind: 'reminder', eventId, lead, startsAt: startsAt.toISOString() },
          delayMs: delay,
        },
      ]);
    }
  }

  async function removeReminders(eventId: string, startsAt: Date): Promise<void> {
    for (const lead of leads) await queues.events.remove(eventReminderJobId(eventId, lead, startsAt));
  }

  events.on('event.scheduled', ({ eventId, startsAt }) => addReminders(eventId, startsAt));
  events.on('event.rescheduled', async ({ eventId, previousStartsAt, startsAt }) => {
    await removeReminders(eventId, previousStartsAt);
    await addReminders(eventId, startsAt);
  });
  events.on('event.cancelled', ({ eventId, startsAt }) => removeReminders(eventId, startsAt));
}
