import { z } from 'zod';
import { memberRefSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';
import { labStatusSchema, rsvpChoiceSchema, rsvpStatusSchema } from '../labs/schemas.js';

/** Limits of events (webinars and meetings), shared so the client can check before sending. */
export const eventLimits = {
  titleMin: 3,
  titleMax: 200,
  descriptionMax: 10_000,
  placeMax: 300,
  urlMax: 2000,
  durationMin: 15,
  /** Up to three days. */
  durationMax: 3 * 24 * 60,
  capacityMax: 5000,
  listMax: 100,
  listDefault: 50,
} as const;

export const eventKinds = ['webinar', 'meeting'] as const;
export const eventKindSchema = z.enum(eventKinds);
export type EventKind = z.infer<typeof eventKindSchema>;

/** Stored status; whether an event is past follows from its end. */
export const eventStatuses = ['scheduled', 'cancelled'] as const;
export const eventStatusSchema = z.enum(eventStatuses);
export type EventStatus = z.infer<typeof eventStatusSchema>;

/** Reminders go out a day and an hour before the start. */
export const eventReminderLeads = ['day', 'hour'] as const;
export const eventReminderLeadSchema = z.enum(eventReminderLeads);
export type EventReminderLead = z.infer<typeof eventReminderLeadSchema>;

const isoInstant = z.iso.datetime({ offset: true });

export const eventTimeZoneSchema = z
  .string()
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as America/New_York' },
  );

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) address' }).max(eventLimits.urlMax);

const eventFields = {
  title: z.string().trim().min(eventLimits.titleMin).max(eventLimits.titleMax),
  /** Markdown, rendered and sanitized on the server. */
  description: z
    .string()
    .max(eventLimits.descriptionMax)
    .refine((s) => s.trim().length > 0, { message: 'must not be empty' }),
  kind: eventKindSchema,
  startsAt: isoInstant,
  /** Give the end, or the length in minutes (not both). */
  endsAt: isoInstant,
  durationMinutes: z.number().int().min(eventLimits.durationMin).max(eventLimits.durationMax),
  /** The time zone the organiser plans in; the page shows times in it beside the member's own. */
  timeZone: eventTimeZoneSchema,
  /** Where to join online (null: not online). */
  onlineUrl: httpUrl.nullable(),
  /** Where to meet in person (null: online only). */
  place: z.string().trim().min(2).max(eventLimits.placeMax).nullable(),
  /** null: no limit; members past it join a waitlist. */
  capacity: z.number().int().min(1).max(eventLimits.capacityMax).nullable(),
};

function oneEnd(body: { endsAt?: string; durationMinutes?: number }, ctx: z.core.$RefinementCtx): void {
  if (body.endsAt !== undefined && body.durationMinutes !== undefined)
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'give endsAt or durationMinutes, not both' });
}

export const eventCreateBodySchema = z
  .object({
    ...eventFields,
    endsAt: eventFields.endsAt.optional(),
    durationMinutes: eventFields.durationMinutes.optional(),
    timeZone: eventFields.timeZone.optional(),
    onlineUrl: eventFields.onlineUrl.optional(),
    place: eventFields.place.optional(),
    capacity: eventFields.capacity.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    oneEnd(body, ctx);
    if (body.endsAt === undefined && body.durationMinutes === undefined)
      ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'give endsAt or durationMinutes' });
    if (!body.onlineUrl && !body.place)
      ctx.addIssue({ code: 'custom', path: ['place'], message: 'give an online link, a place, or both' });
  });
export type EventCreateBody = z.infer<typeof eventCreateBodySchema>;

/** Edit or reschedule: any of the fields; moving startsAt alone keeps the length. */
export const eventPatchBodySchema = z
  .object(eventFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' })
  .superRefine(oneEnd);
export type EventPatchBody = z.infer<typeof eventPatchBodySchema>;

export const eventListQuerySchema = z
  .object({
    when: z.enum(['upcoming', 'past']).default('upcoming'),
    /** Events only, labs only, or both merged (the default). */
    type: z.enum(['all', 'event', 'lab']).default('all'),
    limit: z.coerce.number().int().min(1).max(eventLimits.listMax).default(eventLimits.listDefault),
  })
  .strict();
export type EventListQuery = z.infer<typeof eventListQuerySchema>;

export const eventRsvpBodySchema = z.object({ status: rsvpChoiceSchema }).strict();
export type EventRsvpBody = z.infer<typeof eventRsvpBodySchema>;

export const eventSchema = z
  .object({
    id: objectIdSchema,
    title: z.string(),
    description: z.string(),
    /** Sanitized HTML rendered on the server. Safe to insert. */
    descriptionHtml: z.string(),
    kind: eventKindSchema,
    status: eventStatusSchema,
    /** The end has passed. */
    past: z.boolean(),
    startsAt: z.string(),
    endsAt: z.string(),
    durationMinutes: z.number().int(),
    timeZone: z.string(),
    onlineUrl: z.string().nullable(),
    place: z.string().nullable(),
    capacity: z.number().int().nullable(),
    organiser: memberRefSchema.nullable(),
    goingCount: z.number().int(),
    maybeCount: z.number().int(),
    waitlistCount: z.number().int(),
    /** The signed-in member's RSVP (null: none yet). */
    myRsvp: rsvpStatusSchema.nullable(),
    /** Position on the waitlist (1 = next), when waitlisted. */
    myWaitlistPosition: z.number().int().nullable(),
    /** The signed-in member may edit, reschedule and cancel it (organiser, moderators, admins). */
    canManage: z.boolean(),
    cancelledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type HubEvent = z.infer<typeof eventSchema>;

/** One row of the events calendar: an event or an Action Lab, told apart by `type`. */
export const calendarItemSchema = z
  .object({
    type: z.enum(['event', 'lab']),
    id: objectIdSchema,
    title: z.string(),
    /** webinar or meeting for events; null for labs. */
    kind: eventKindSchema.nullable(),
    /** An event's status, or a lab's (scheduled, live, ended, cancelled). */
    status: z.union([eventStatusSchema, labStatusSchema]),
    startsAt: z.string(),
    endsAt: z.string(),
    /** The organiser's time zone (events); null for labs. */
    timeZone: z.string().nullable(),
    online: z.boolean(),
    place: z.string().nullable(),
    capacity: z.number().int().nullable(),
    goingCount: z.number().int(),
    myRsvp: rsvpStatusSchema.nullable(),
    /** The client page: /events/:id or /labs/:id. */
    path: z.string(),
  })
  .strict();
export type CalendarItem = z.infer<typeof calendarItemSchema>;

export const eventResponseSchema = z.object({ event: eventSchema }).strict();
export const eventListResponseSchema = z.object({ items: z.array(calendarItemSchema) }).strict();

/** The `events` queue: one reminder before an event (job id `event-<id>-reminder-<lead>-<startMs>`). */
export const eventReminderJobSchema = z
  .object({
    kind: z.literal('reminder'),
    eventId: objectIdSchema,
    lead: eventReminderLeadSchema,
    startsAt: z.string(),
  })
  .strict();
export const eventJobSchema = z.discriminatedUnion('kind', [eventReminderJobSchema]);
export type EventJob = z.infer<typeof eventJobSchema>;
