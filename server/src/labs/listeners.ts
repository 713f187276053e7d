import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';
import type { Outbox } from '../infra/outbox.js';
import type { RoomEmitter } from '../realtime/types.js';
import { labRoom } from './presence.js';

export const reminderLeads = { '24h': 24 * 3600_000, '15m': 15 * 60_000 } as const;
export type ReminderLead = keyof typeof reminderLeads;

/** BullMQ custom ids may not contain ':'; the start is part of the id so a moved lab gets fresh jobs. */
export const reminderJobId = (labId: string, lead: ReminderLead, startsAt: Date) =>
  `lab-${labId}-reminder-${lead}-${startsAt.getTime()}`;
export const summaryJobId = (labId: string) => `lab-${labId}-summary`;
/** One per lab, phase and countdown end: an extended phase gets a new job, the stale one does nothing. */
export const phaseEndJobId = (labId: string, phaseIndex: number, endsAt: Date) =>
  `lab-${labId}-phase-${phaseIndex}-${endsAt.getTime()}`;
export const outcomeReviewJobId = (labId: string, outcomeId: string, reviewAt: Date) =>
  `lab-${labId}-outcome-${outcomeId}-review-${reviewAt.getTime()}`;

/**
 * After lab writes: reminder jobs follow the schedule (added as delayed jobs, moved by removing
 * and re-adding, removed on cancel), the end enqueues the summary, and live changes go to the
 * lab room through the adapter (every process).
 */
export function registerLabListeners(
  events: DomainEvents,
  deps: { queues: Pick<Queues, 'labs'>; outbox: Outbox; emitter: RoomEmitter; now?: () => number },
): void {
  const { queues, outbox, emitter } = deps;
  const now = deps.now ?? (() => Date.now());

  async function addReminders(labId: string, startsAt: Date): Promise<void> {
    for (const lead of Object.keys(reminderLeads) as ReminderLead[]) {
      const delay = startsAt.getTime() - reminderLeads[lead] - now();
      if (delay <= 0) continue; // too late for this one
      await outbox.schedule([
        {
          queue: 'labs',
          key: reminderJobId(labId, lead, startsAt),
          job: { kind: 'reminder', labId, lead, startsAt: startsAt.toISOString() },
          delayMs: delay,
        },
      ]);
    }
  }

  async function removeReminders(labId: string, startsAt: Date): Promise<void> {
    for (const lead of Object.keys(reminderLeads) as ReminderLead[]) {
      await queues.labs.remove(reminderJobId(labId, lead, startsAt));
    }
  }

  events.on('lab.scheduled', ({ labId, startsAt }) => addReminders(labId, startsAt));
  events.on('lab.rescheduled', async ({ labId, previousStartsAt, startsAt }) => {
    await removeReminders(labId, previousStartsAt);
    await addReminders(labId, startsAt);
  });
  events.on('lab.cancelled', ({ labId, startsAt }) => removeReminders(labId, startsAt));
  events.on('lab.ended', async ({ labId }) => {
    // More patient retries than the default: a retry may wait for a stale claim (see jobs.ts).
    await outbox.schedule([
      {
        queue: 'labs',
        key: summaryJobId(labId),
        job: { kind: 'summary', labId },
        attempts: 10,
        backoff: { type: 'exponential', delay: 5_000 },
      },
    ]);
  });

  events.on('lab.message', ({ message }) => {
    emitter.to(labRoom(message.labId)).emit('lab:message', message);
  });
  events.on('lab.phase', async ({ phase }) => {
    emitter.to(labRoom(phase.labId)).emit('lab:phase', phase);
    // The countdown advances the phase by itself when it ends (unless it changed meanwhile).
    if (phase.status === 'live' && phase.endsAt && phase.index >= 0) {
      const endsAt = new Date(phase.endsAt);
      await outbox.schedule([
        {
          queue: 'labs',
          key: phaseEndJobId(phase.labId, phase.index, endsAt),
          job: { kind: 'phase_end', labId: phase.labId, phaseIndex: phase.index, endsAt: endsAt.toISOString() },
          delayMs: Math.max(0, endsAt.getTime() - now()),
        },
      ]);
    }
  });
  events.on('lab.removed', ({ labId, memberId }) => {
    emitter.to(labRoom(labId)).emit('lab:removed', { labId, memberId });
  });
  events.on('lab.outcome', async ({ labId, outcome }) => {
    emitter.to(labRoom(labId)).emit('lab:outcome', { labId, outcome });
    if (!outcome.reviewAt) return;
    const reviewAt = new Date(outcome.reviewAt);
    await outbox.schedule([
      {
        queue: 'labs',
        key: outcomeReviewJobId(labId, outcome.id, reviewAt),
        job: { kind: 'outcome_review', labId, outcomeId: outcome.id, reviewAt: reviewAt.toISOString() },
        delayMs: Math.max(0, reviewAt.getTime() - now()),
      },
    ]);
  });
  events.on('lab.queue', ({ queue }) => {
    emitter.to(labRoom(queue.labId)).emit('lab:queue', queue);
  });
  events.on('lab.idea', ({ idea }) => {
    emitter.to(labRoom(idea.labId)).emit('lab:idea', idea);
  });
  events.on('lab.seated', ({ labId, memberIds }) => {
    emitter.to(labRoom(labId)).emit('lab:seated', { labId, memberIds });
  });
  events.on('lab.consensus', ({ labId, tally }) => {
    emitter.to(labRoom(labId)).emit('lab:consensus', { labId, tally });
  });
  events.on('lab.action', ({ labId, action }) => {
    emitter.to(labRoom(labId)).emit('lab:action', { labId, action });
  });
}
