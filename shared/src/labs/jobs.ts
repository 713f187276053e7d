import { z } from 'zod';
import { localeSchema } from '../members/schemas.js';

export const reminderLeadSchema = z.enum(['24h', '15m']);
export type ReminderLeadName = z.infer<typeof reminderLeadSchema>;

/** A lab reminder to one member who RSVP'd going. */
export const labReminderMailSchema = z.object({
  kind: z.literal('lab_reminder'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  timeZone: z.string(),
  labTitle: z.string(),
  startsAt: z.string(),
  /** How long before the start. */
  lead: reminderLeadSchema,
  labUrl: z.string(),
});

/** The summary of an ended lab, to each member who took part. */
export const labSummaryMailSchema = z.object({
  kind: z.literal('lab_summary'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  labTitle: z.string(),
  topIdeas: z.array(z.object({ text: z.string(), dots: z.number() })),
  actions: z.array(z.object({ title: z.string(), owner: z.string().nullable(), dueDate: z.string().nullable() })),
  /** Decisions recorded in the lab (absent in jobs queued before they were mailed). */
  decisions: z.array(z.object({ title: z.string(), text: z.string() })).default([]),
  attendance: z.number(),
  summaryUrl: z.string(),
});

/** Lab lifecycle jobs: reminders (delayed, one per lab and lead time) and the summary after the end. */
export const labReminderJobSchema = z.object({
  kind: z.literal('reminder'),
  labId: z.string(),
  lead: reminderLeadSchema,
  /** The start this reminder was scheduled for; a moved lab's stale reminder does nothing. */
  startsAt: z.string(),
});
export const labSummaryJobSchema = z.object({ kind: z.literal('summary'), labId: z.string() });
/** When a phase's countdown ends: advances the lab if it is still in that phase with that end. */
export const labPhaseEndJobSchema = z.object({
  kind: z.literal('phase_end'),
  labId: z.string(),
  phaseIndex: z.number().int(),
  endsAt: z.string(),
});
/** On an outcome's review date: members are reminded (once; a moved date's stale job does nothing). */
export const labOutcomeReviewJobSchema = z.object({
  kind: z.literal('outcome_review'),
  labId: z.string(),
  outcomeId: z.string(),
  reviewAt: z.string(),
});
export const labJobSchema = z.discriminatedUnion('kind', [
  labReminderJobSchema,
  labSummaryJobSchema,
  labPhaseEndJobSchema,
  labOutcomeReviewJobSchema,
]);
export type LabJob = z.infer<typeof labJobSchema>;
