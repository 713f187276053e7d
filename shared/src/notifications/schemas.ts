import { z } from 'zod';
import { memberRefSchema } from '../forums/schemas.js';
import { shownName } from '../members/names.js';
import { objectIdSchema } from '../ids.js';

/** Forum kinds: a reply to my post, an @mention, a new post in a thread I watch (grouped per thread). */
export const postNotificationKinds = ['reply', 'mention', 'thread_post'] as const;
/**
 * Notice kinds: one notification per fact of another domain: an invitation to a lab, a lab's
 * reminders, its rescheduling or cancellation, its summary, an action item given to me (or a
 * decision's review date come), an event's reminders or cancellation, a moderation outcome on my
 * content or account, the review of a resource I submitted.
 */
export const noticeKinds = [
  'lab_invitation',
  'lab_reminder',
  'lab_update',
  'lab_summary',
  'action_item',
  'event_reminder',
  'moderation',
  'resource_reviewed',
] as const;
export const notificationKinds = [...postNotificationKinds, ...noticeKinds] as const;
export const notificationKindSchema = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof notificationKindSchema>;
export type PostNotificationKind = (typeof postNotificationKinds)[number];
export type NoticeKind = (typeof noticeKinds)[number];
export const noticeKindSchema = z.enum(noticeKinds);

/** How the settings page groups the kinds (every kind in exactly one group). */
export const notificationKindGroups: Record<'discussions' | 'labsEvents' | 'myContent', NotificationKind[]> = {
  discussions: ['reply', 'mention', 'thread_post'],
  labsEvents: ['lab_invitation', 'lab_reminder', 'lab_update', 'lab_summary', 'action_item', 'event_reminder'],
  myContent: ['moderation', 'resource_reviewed'],
};

/** What a notice is about, and where it leads (a path on the site). */
export const noticeSubjectTypes = ['lab', 'event', 'resource', 'post', 'thread', 'account', 'action_item'] as const;
export const noticeSubjectSchema = z
  .object({
    type: z.enum(noticeSubjectTypes),
    id: z.string().min(1).max(64),
    title: z.string().max(300),
    path: z.string().startsWith('/').max(300),
  })
  .strict();
export type NoticeSubject = z.infer<typeof noticeSubjectSchema>;

/**
 * Per kind: `in_app` only, `email` (in-app plus an instant email, batched over a short window),
 * `digest` (in-app plus the next digest), `off` (nothing).
 */
export const notificationChannels = ['in_app', 'email', 'digest', 'off'] as const;
export const notificationChannelSchema = z.enum(notificationChannels);
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

export const digestFrequencies = ['daily', 'weekly', 'off'] as const;
export const digestFrequencySchema = z.enum(digestFrequencies);
export type DigestFrequency = z.infer<typeof digestFrequencySchema>;

export const notificationLimits = { pageSize: 30, readIdsMax: 100 } as const;

const kindChannels = Object.fromEntries(notificationKinds.map((k) => [k, notificationChannelSchema])) as Record<
  NotificationKind,
  typeof notificationChannelSchema
>;

export const notificationPreferencesSchema = z
  .object({
    kinds: z.object(kindChannels).strict(),
    digest: z
      .object({
        frequency: digestFrequencySchema,
        /** Hour of the day (0–23) in the member's own time zone; weekly digests go on Mondays. */
        hour: z.number().int().min(0).max(23),
      })
      .strict(),
  })
  .strict();
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

/** What a member sends to PUT preferences: kinds left out keep their current channel. */
export const notificationPreferencesBodySchema = z
  .object({
    kinds: z.object(kindChannels).partial().strict(),
    digest: notificationPreferencesSchema.shape.digest,
  })
  .strict();
export type NotificationPreferencesBody = z.infer<typeof notificationPreferencesBodySchema>;

export const defaultNotificationPreferences: NotificationPreferences = {
  kinds: {
    reply: 'digest',
    mention: 'email',
    thread_post: 'digest',
    lab_invitation: 'email',
    lab_reminder: 'email',
    lab_update: 'email',
    lab_summary: 'in_app',
    action_item: 'email',
    event_reminder: 'email',
    moderation: 'email',
    resource_reviewed: 'email',
  },
  digest: { frequency: 'daily', hour: 8 },
};

export const preferencesResponseSchema = z
  .object({
    preferences: notificationPreferencesSchema,
    /** Set when mail to the member's address bounced permanently: no email is sent until they change it. */
    emailBounced: z.boolean(),
    timeZone: z.string(),
  })
  .strict();

/**
 * One notification. Forum kinds are groups: `count` posts of one kind in one thread (thread and
 * post fields set). Notice kinds stand alone (`count` 1, thread fields null).
 */
export const notificationSchema = z
  .object({
    id: objectIdSchema,
    kind: notificationKindSchema,
    /** Where it leads on the site (a post, a lab, an event, a resource…). */
    path: z.string(),
    /** The title of what it is about (the thread's, the lab's…). */
    title: z.string(),
    /** A notice's variant: a reminder's lead, a review's outcome, a moderation notice's kind. */
    detail: z.string().nullable(),
    /** A few words of the latest post (forum kinds) or of the notice's reason; null when there are none. */
    excerpt: z.string().nullable(),
    threadId: objectIdSchema.nullable(),
    threadTitle: z.string().nullable(),
    /** The latest post of the group. */
    postId: objectIdSchema.nullable(),
    seq: z.number().int().nullable(),
    actor: memberRefSchema.nullable(),
    count: z.number().int().min(1),
    read: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type Notification = z.infer<typeof notificationSchema>;

export const notificationListQuerySchema = z.object({ cursor: z.string().min(1).max(200).optional() }).strict();
export const notificationListResponseSchema = z
  .object({
    notifications: z.array(notificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int(),
  })
  .strict();
export const unreadCountResponseSchema = z.object({ unreadCount: z.number().int() }).strict();

export const markReadBodySchema = z
  .object({
    ids: z.array(objectIdSchema).min(1).max(notificationLimits.readIdsMax).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => (b.ids ? 1 : 0) + (b.all ? 1 : 0) === 1, { message: 'give either ids or all: true' });
export type MarkReadBody = z.infer<typeof markReadBodySchema>;

export const unsubscribeBodySchema = z.object({ token: z.string().min(10).max(400) }).strict();
export const unsubscribeResponseSchema = z.object({ digest: digestFrequencySchema }).strict();

/** Pushed to `member:<id>` when a notification is created or grows. */
export interface NotificationNewEvent {
  notification: Notification;
  unreadCount: number;
}

/** Pushed to `member:<id>` when notifications were marked read (in another tab, say). */
export interface NotificationReadEvent {
  /** The ids marked read, or `all` when every notification was. */
  ids: string[] | 'all';
  unreadCount: number;
}

/**
 * The catalogue key and values of a notification's one-line text, for the client and the mails
 * alike: `notifications.line.<kind>` (pluralised by count) for forum groups,
 * `notifications.notice.<kind>[_<detail>]` for notices.
 */
export function notificationMessage(
  n: Pick<Notification, 'kind' | 'count' | 'title' | 'detail' | 'actor'>,
  words: { someone: string; formerMember: string },
): { key: string; values: { count: number; name: string; title: string } } {
  const name = n.actor ? shownName(n.actor, words.formerMember) : words.someone;
  const values = { count: n.count, name, title: n.title };
  if ((postNotificationKinds as readonly string[]).includes(n.kind))
    return { key: `notifications.line.${n.kind}`, values };
  return { key: `notifications.notice.${n.kind}${n.detail ? `_${n.detail}` : ''}`, values };
}
