import { z } from 'zod';
import type { EventJob } from './hub/events.js';
import { labReminderMailSchema, labSummaryMailSchema, type LabJob } from './labs/jobs.js';
import { localeSchema } from './members/schemas.js';
import { noticeKindSchema, noticeSubjectSchema } from './notifications/schemas.js';
import { webhookDisabledMailSchema, type WebhookJob } from './webhooks/schemas.js';

/** Queue names: one BullMQ queue per kind of work, each with its own worker file. */
export const queueNames = {
  mail: 'mail',
  moderation: 'moderation',
  labs: 'labs',
  notifications: 'notifications',
  digests: 'digests',
  webhooks: 'webhooks',
  events: 'events',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const passwordResetMailSchema = z.object({
  kind: z.literal('password_reset'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  resetUrl: z.string(),
  expiresAt: z.string(),
  timeZone: z.string(),
});

export const welcomeMailSchema = z.object({
  kind: z.literal('welcome'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  siteUrl: z.string(),
});

/** A post flagged for child safety: every moderator is told at once. */
export const moderationAlertMailSchema = z.object({
  kind: z.literal('moderation_alert'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  reviewUrl: z.string(),
  reason: z.string(),
});

export const mailJobSchema = z.discriminatedUnion('kind', [
  passwordResetMailSchema,
  welcomeMailSchema,
  moderationAlertMailSchema,
  labReminderMailSchema,
  labSummaryMailSchema,
  webhookDisabledMailSchema,
]);
export type MailJob = z.infer<typeof mailJobSchema>;

/** Job payloads by queue, so producers and workers share one definition. */
export interface JobPayloads {
  mail: MailJob;
  moderation: ModerationJob;
  labs: LabJob;
  notifications: NotificationJob;
  digests: DigestJob;
  webhooks: WebhookJob;
  events: EventJob;
}

/** Moderation work: screening a new or edited post, recomputing trust levels, lifting expired sanctions. */
export const moderationJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('screen'), postId: z.string(), edited: z.boolean() }),
  z.object({ kind: z.literal('trust'), memberId: z.string().optional() }),
  z.object({ kind: z.literal('expire_sanctions') }),
]);
export type ModerationJob = z.infer<typeof moderationJobSchema>;

/** Notifications: fan-out of one new post (job id `fanout-<postId>`) and a member's batched instant mail. */
export const notificationFanoutJobSchema = z.object({
  kind: z.literal('fanout'),
  threadId: z.string(),
  postId: z.string(),
  actorId: z.string(),
  replyToAuthorId: z.string().nullable(),
  mentionIds: z.array(z.string()),
  /** An edit that added mentions: only the newly mentioned hear of it. */
  mentionsOnly: z.boolean().optional(),
});
export const instantEmailJobSchema = z.object({
  kind: z.literal('instant_email'),
  memberId: z.string(),
  /** The batching window (job id `instant-<memberId>-<windowKey>`). */
  windowKey: z.string(),
});
/** One fact of another domain told to some members (job id `notice-<key>`). */
export const noticeJobSchema = z.object({
  kind: z.literal('notice'),
  notice: z.object({
    kind: noticeKindSchema,
    /** Unique per fact: a retried job, or the same fact published twice, notifies nobody twice. */
    key: z.string().min(1).max(200),
    memberIds: z.array(z.string()),
    subject: noticeSubjectSchema,
    detail: z.string().nullable(),
    actorId: z.string().nullable(),
    /** The domain mails this fact itself (a lab reminder, a summary): no instant mail from here. */
    mailedSeparately: z.boolean().optional(),
  }),
});
export type NoticeInput = z.infer<typeof noticeJobSchema>['notice'];
export const notificationJobSchema = z.discriminatedUnion('kind', [
  notificationFanoutJobSchema,
  instantEmailJobSchema,
  noticeJobSchema,
]);
export type NotificationJob = z.infer<typeof notificationJobSchema>;

/** Digests: the hourly tick (a job scheduler) and one member's digest (job id `digest-<memberId>-<periodKey>`). */
export const digestTickJobSchema = z.object({ kind: z.literal('tick'), at: z.string().optional() });
export const digestSendJobSchema = z.object({
  kind: z.literal('digest'),
  memberId: z.string(),
  periodKey: z.string(),
  frequency: z.enum(['daily', 'weekly']),
  at: z.string(),
});
export const digestJobSchema = z.discriminatedUnion('kind', [digestTickJobSchema, digestSendJobSchema]);
export type DigestJob = z.infer<typeof digestJobSchema>;
