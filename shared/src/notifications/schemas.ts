import { z } from 'zod';
import { memberRefSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';

/** What a member is told about: a reply to their post, an @mention, a new post in a thread they watch. */
export const notificationKinds = ['reply', 'mention', 'thread_post'] as const;
export const notificationKindSchema = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

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

export const notificationPreferencesSchema = z
  .object({
    kinds: z
      .object({
        reply: notificationChannelSchema,
        mention: notificationChannelSchema,
        thread_post: notificationChannelSchema,
      })
      .strict(),
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

export const defaultNotificationPreferences: NotificationPreferences = {
  kinds: { reply: 'digest', mention: 'email', thread_post: 'digest' },
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

/** One (possibly grouped) notification: `count` posts of one kind in one thread. */
export const notificationSchema = z
  .object({
    id: objectIdSchema,
    kind: notificationKindSchema,
    threadId: objectIdSchema,
    threadTitle: z.string(),
    /** The latest post of the group. */
    postId: objectIdSchema,
    seq: z.number().int(),
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
