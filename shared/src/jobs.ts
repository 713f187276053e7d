import { z } from 'zod';
import type { EventJob } from './hub/events.js';
import { labReminderMailSchema, labSummaryMailSchema, type LabJob } from './labs/jobs.js';
import { localeSchema, roleSchema } from './members/schemas.js';
import { screeningResultSchema } from './moderation/schemas.js';
import { noticeKindSchema, noticeSubjectSchema, postNotificationKinds } from './notifications/schemas.js';
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
  /** The reset request's id: the worker derives the link (no secret in job data). */
  resetId: z.string().regex(/^[0-9a-f]{24}$/),
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
  /** The account comes from a sign-up an administrator approved: the mail says so. */
  approved: z.boolean().optional(),
});

/**
 * Joining is by approval: the sign-up was received and waits for an administrator. No member
 * exists yet. Job id `sign-up-received-<id>`.
 */
export const signUpReceivedMailSchema = z.object({
  kind: z.literal('sign_up_received'),
  signUpId: z.string().regex(/^[0-9a-f]{24}$/),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
});

/** The link that confirms an address: at sign-up, on request and after a change of address. */
export const verifyEmailMailSchema = z.object({
  kind: z.literal('verify_email'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  verifyUrl: z.string(),
  expiresAt: z.string(),
  timeZone: z.string(),
});

/** Sent to the previous address when a member changes theirs (in case it was not them). */
export const emailChangedMailSchema = z.object({
  kind: z.literal('email_changed'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  newEmail: z.string(),
  resetUrl: z.string(),
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

/**
 * An invitation to join, in the invited person's language. No member exists yet; the worker
 * derives the link from the invitation's id (no secret in job data). Job id `invitation-<id>`.
 */
export const invitationMailSchema = z.object({
  kind: z.literal('invitation'),
  invitationId: z.string().regex(/^[0-9a-f]{24}$/),
  to: z.string(),
  locale: localeSchema,
  name: z.string(),
  inviterName: z.string(),
  expiresAt: z.string(),
});

export const mailJobSchema = z.discriminatedUnion('kind', [
  invitationMailSchema,
  passwordResetMailSchema,
  welcomeMailSchema,
  signUpReceivedMailSchema,
  verifyEmailMailSchema,
  emailChangedMailSchema,
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
/** What a new post's fan-out needs, carried by its screening job (post.published follows the verdict). */
/**
 * What the fan-out would otherwise read of the post, its thread and its category, known when the
 * post was written (absent from jobs queued before it was carried: those read them).
 */
export const announcedFactsSchema = z.object({
  body: z.string(),
  /** ISO time the post was written. */
  createdAt: z.string(),
  title: z.string(),
  categoryId: z.string(),
  threadAuthorId: z.string(),
  /** The thread's opening post: its state now tells whether the thread is hidden now. */
  firstPostId: z.string(),
  gate: z.object({ archived: z.boolean(), public: z.boolean(), coalitionId: z.string().nullable() }),
});
export type AnnouncedFacts = z.infer<typeof announcedFactsSchema>;
export const postAnnouncementSchema = z.object({
  threadId: z.string(),
  opening: z.boolean(),
  actorId: z.string(),
  replyToAuthorId: z.string().nullable(),
  mentionIds: z.array(z.string()),
  facts: announcedFactsSchema.optional(),
});
export type PostAnnouncement = z.infer<typeof postAnnouncementSchema>;
/**
 * What screening needs of a new post and its author, known when it was written and carried by its
 * job so that screening reads nothing back (an opening post carries its thread's title).
 */
export const screenedPostSchema = z.object({
  authorId: z.string(),
  authorRole: roleSchema,
  /** ISO time the author's account was made. */
  authorSince: z.string(),
  body: z.string(),
  title: z.string().optional(),
  /** ISO time the post was written. */
  createdAt: z.string(),
});
export type ScreenedPost = z.infer<typeof screenedPostSchema>;
export const moderationJobSchema = z.discriminatedUnion('kind', [
  /** Job id `screen-<postId>` for a new post (with its announcement), `screen-<postId>-<editedAt>` for an edit. */
  z.object({
    kind: z.literal('screen'),
    postId: z.string(),
    edited: z.boolean(),
    announce: postAnnouncementSchema.optional(),
    /** A new post as written (absent: an edit or a rename, read from the store). */
    post: screenedPostSchema.optional(),
    /**
     * The verdict the write judged and applied (a post to hold or hide was saved so): the job
     * applies it rather than judging again. Absent in jobs queued before writes judged.
     */
    verdict: screeningResultSchema.optional(),
    /**
     * Set when the outbox's sweep handed this job over instead of the post's writer: the writer
     * died or Redis refused it, perhaps before the post's live push, so screening pushes it again.
     */
    sweptAt: z.string().optional(),
    /** An edit of the thread's title (screened with its opening post), not of the post. */
    retitled: z.boolean().optional(),
  }),
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
  /** The post's, thread's and category's facts as written (absent: read from the store). */
  facts: announcedFactsSchema.optional(),
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
    /** A few words of what it is about (a moderator's note, a sanction's reason), shown under the line. */
    excerpt: z.string().max(300).optional(),
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

/**
 * Digests: the hourly tick (a job scheduler) and batches of members due for one period (job id
 * `digests-<periodKey>-<first member>-<hash of the members>`). A batch carries what the tick read
 * of each member (address, language, settings), so sending reads no member from the store;
 * a batch older than its `readAt` by more than a few minutes reads them again.
 */
export const digestTickJobSchema = z.object({ kind: z.literal('tick'), at: z.string().optional() });
export const digestRecipientSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  locale: localeSchema,
  /** The forums' read rule decides what the digest may show by it (batches queued before it: member). */
  role: roleSchema.default('member'),
  timeZone: z.string(),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
  /** Notification kinds the member routes to the digest, and those kept in the app only. */
  digestKinds: z.array(z.string()),
  inAppKinds: z.array(z.string()),
  frequency: z.enum(['daily', 'weekly', 'off']),
  bounced: z.boolean(),
});
export type DigestRecipient = z.infer<typeof digestRecipientSchema>;
export const digestBatchJobSchema = z.object({
  kind: z.literal('digest_batch'),
  periodKey: z.string(),
  frequency: z.enum(['daily', 'weekly']),
  at: z.string(),
  /** When the tick read the recipients. */
  readAt: z.string(),
  recipients: z.array(digestRecipientSchema).min(1).max(1000),
});
export type DigestBatchJob = z.infer<typeof digestBatchJobSchema>;
export const digestJobSchema = z.discriminatedUnion('kind', [digestTickJobSchema, digestBatchJobSchema]);
/**
 * One entry of a member's pending digest (Redis, see server/src/notifications/digest-pending.ts),
 * appended by the fan-out (a post: kind, thread, post, seq, actor) or a notice (its key and the
 * subject as told). `c`: when the thing happened (ms), compared with the member's last visit.
 * Short keys: there is one entry per recipient of everything.
 */
const oid = z.string().regex(/^[0-9a-f]{24}$/);
export const pendingPostEntrySchema = z.object({
  k: z.enum(postNotificationKinds),
  t: oid,
  p: oid,
  s: z.number().int(),
  a: oid,
  c: z.number(),
  /** A few words of the post as written (the digest mail quotes them). */
  x: z.string().max(400).optional(),
});
export const pendingNoticeEntrySchema = z.object({
  k: noticeKindSchema,
  n: z.string(),
  ti: z.string(),
  pa: z.string(),
  d: z.string().nullable(),
  a: oid.nullable(),
  c: z.number(),
});
export const pendingDigestEntrySchema = z.union([pendingPostEntrySchema, pendingNoticeEntrySchema]);
export type PendingPostEntry = z.infer<typeof pendingPostEntrySchema>;
export type PendingNoticeEntry = z.infer<typeof pendingNoticeEntrySchema>;
export type PendingDigestEntry = z.infer<typeof pendingDigestEntrySchema>;
export type DigestJob = z.infer<typeof digestJobSchema>;
