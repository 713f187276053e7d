import { z } from 'zod';
import { objectIdSchema } from '../ids.js';
import { avatarRefField } from '../members/avatar.js';

/** Why a member flags a post. `child_safety` hides the post at once and alerts moderators. */
export const flagReasons = [
  'spam',
  'harassment',
  'off_topic',
  'misinformation',
  'privacy',
  'child_safety',
  'other',
] as const;
export const flagReasonSchema = z.enum(flagReasons);
export type FlagReason = z.infer<typeof flagReasonSchema>;

/** Open flag weight at which a post is hidden pending review. */
export const FLAG_HIDE_THRESHOLD = 3;

/** What others may see of a post: held posts wait for approval, hidden ones were taken down. */
export const postStatuses = ['visible', 'held', 'hidden'] as const;
export const postStatusSchema = z.enum(postStatuses);
export type PostStatus = z.infer<typeof postStatusSchema>;

export const trustLevels = [0, 1, 2, 3] as const;
export type TrustLevel = (typeof trustLevels)[number];

export const screeningReasons = ['profanity', 'link_spam', 'links_untrusted', 'duplicate', 'burst'] as const;
export type ScreeningReason = (typeof screeningReasons)[number];
export const screeningVerdicts = ['allow', 'hold', 'hide'] as const;
export type ScreeningVerdict = (typeof screeningVerdicts)[number];
/** Screening's answer for one post write: judged where the post is written, applied by its job. */
export const screeningResultSchema = z.object({
  verdict: z.enum(screeningVerdicts),
  reasons: z.array(z.enum(screeningReasons)),
});

export const resolveActions = ['keep', 'hide', 'delete'] as const;
export const resolveActionSchema = z.enum(resolveActions);
export type ResolveAction = z.infer<typeof resolveActionSchema>;

export const sanctionKinds = ['warn', 'silence', 'suspend'] as const;
export const sanctionKindSchema = z.enum(sanctionKinds);
export type SanctionKind = z.infer<typeof sanctionKindSchema>;

export const auditActions = [
  'item.claim',
  'item.resolve',
  'sanction.create',
  'sanction.lift',
  'flag.create_moderator',
  // administrators' console and members' own account actions (server/src/site, members)
  'site.settings',
  'member.role',
  'member.verification_resent',
  'member.deleted',
  'member.approved',
  'member.declined',
  'invitation.create',
  'invitation.withdraw',
  'invitation.resend',
  'category.create',
  'category.update',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.test',
] as const;
export const auditActionSchema = z.enum(auditActions);
export const auditTargetTypes = [
  'item',
  'member',
  'sign_up',
  'post',
  'sanction',
  'site',
  'invitation',
  'category',
  'webhook',
] as const;
export type AuditTargetType = (typeof auditTargetTypes)[number];
export type AuditAction = z.infer<typeof auditActionSchema>;

const note = z.string().trim().max(1000);

// ---------------------------------------------------------------- requests

export const flagBodySchema = z.object({ reason: flagReasonSchema, note: note.optional() }).strict();
export type FlagBody = z.infer<typeof flagBodySchema>;

export const resolveBodySchema = z
  .object({ action: resolveActionSchema, note: note.min(1), notifyAuthor: z.boolean() })
  .strict();
export type ResolveBody = z.infer<typeof resolveBodySchema>;

export const bulkResolveBodySchema = resolveBodySchema
  .extend({ itemIds: z.array(objectIdSchema).min(1).max(50) })
  .strict();
export type BulkResolveBody = z.infer<typeof bulkResolveBodySchema>;

export const sanctionBodySchema = z
  .object({
    memberId: objectIdSchema,
    kind: sanctionKindSchema,
    reason: note.min(1),
    /** Silence and suspend need one; a warning has none. */
    durationHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .optional(),
  })
  .strict()
  .refine((b) => b.kind === 'warn' || b.durationHours !== undefined, {
    message: 'silence and suspend need a duration',
    path: ['durationHours'],
  });
export type SanctionBody = z.infer<typeof sanctionBodySchema>;

export const appealBodySchema = z.object({ reason: note.min(1) }).strict();
export type AppealBody = z.infer<typeof appealBodySchema>;

export const queueQuerySchema = z
  .object({
    state: z.enum(['open', 'resolved']).default('open'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export type QueueQuery = z.infer<typeof queueQuerySchema>;

export const auditQuerySchema = z
  .object({
    actorId: objectIdSchema.optional(),
    action: auditActionSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---------------------------------------------------------------- responses

const ref = z.object({ id: objectIdSchema, displayName: z.string(), ...avatarRefField }).strict();
export type ModerationMemberRef = z.infer<typeof ref>;

export const flagViewSchema = z
  .object({
    reason: flagReasonSchema,
    note: z.string(),
    weight: z.number(),
    flagger: ref.nullable(),
    createdAt: z.string(),
  })
  .strict();

export const sanctionSchema = z
  .object({
    id: objectIdSchema,
    memberId: objectIdSchema,
    kind: sanctionKindSchema,
    reason: z.string(),
    expiresAt: z.string().nullable(),
    liftedAt: z.string().nullable(),
    createdBy: ref.nullable(),
    createdAt: z.string(),
    active: z.boolean(),
  })
  .strict();
export type Sanction = z.infer<typeof sanctionSchema>;

export const moderationItemSchema = z
  .object({
    id: objectIdSchema,
    postId: objectIdSchema,
    threadId: objectIdSchema,
    /** The thread the post is in (what moderators recognise it by), and the post's number in it. */
    threadTitle: z.string(),
    postSeq: z.number().int().nullable(),
    state: z.enum(['open', 'claimed', 'resolved']),
    priority: z.number(),
    /** Reports not yet decided (what the queue says in words: "3 reports"). */
    openReports: z.number().int(),
    postStatus: postStatusSchema,
    postBody: z.string(),
    postDeleted: z.boolean(),
    openWeight: z.number(),
    reasons: z.record(z.string(), z.number()),
    flags: z.array(flagViewSchema),
    screening: z.array(z.string()),
    appeal: z.object({ reason: z.string(), at: z.string() }).strict().nullable(),
    author: ref.nullable(),
    authorHistory: z
      .object({
        trustLevel: z.number().int(),
        posts: z.number().int(),
        upheldAgainst: z.number().int(),
        activeSanctions: z.array(sanctionSchema),
      })
      .strict(),
    claimedBy: ref.nullable(),
    resolution: z
      .object({ action: resolveActionSchema, note: z.string(), by: ref.nullable(), at: z.string() })
      .strict()
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type ModerationItem = z.infer<typeof moderationItemSchema>;

export const queueResponseSchema = z.object({ items: z.array(moderationItemSchema) }).strict();
export const itemResponseSchema = z.object({ item: moderationItemSchema }).strict();
export const bulkResolveResponseSchema = z
  .object({
    results: z.array(
      z
        .object({
          id: objectIdSchema,
          ok: z.boolean(),
          code: z.string().optional(),
          item: moderationItemSchema.optional(),
        })
        .strict(),
    ),
  })
  .strict();
export const flagResponseSchema = z.object({ flagged: z.literal(true), postStatus: postStatusSchema }).strict();

export const postModerationSchema = z
  .object({
    postId: objectIdSchema,
    status: postStatusSchema,
    reasons: z.array(z.string()),
    note: z.string().nullable(),
    canAppeal: z.boolean(),
    appeal: z.object({ reason: z.string(), at: z.string() }).strict().nullable(),
  })
  .strict();
export type PostModeration = z.infer<typeof postModerationSchema>;
export const postModerationResponseSchema = z.object({ moderation: postModerationSchema }).strict();

export const sanctionResponseSchema = z.object({ sanction: sanctionSchema }).strict();
export const memberModerationResponseSchema = z
  .object({ memberId: objectIdSchema, trustLevel: z.number().int(), sanctions: z.array(sanctionSchema) })
  .strict();

export const auditEntrySchema = z
  .object({
    id: objectIdSchema,
    actor: ref.nullable(),
    action: auditActionSchema,
    targetType: z.enum(auditTargetTypes),
    targetId: z.string(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .strict();
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) }).strict();

/**
 * What a member chose about another: `mute` silences them (no notifications, mentions or
 * replies reach me); `block` also collapses their posts for me. One choice per pair.
 */
export const memberBlockKinds = ['block', 'mute'] as const;
export type MemberBlockKind = (typeof memberBlockKinds)[number];
export const blockResponseSchema = z.object({ memberId: objectIdSchema, blocked: z.boolean() }).strict();
export const muteResponseSchema = z.object({ memberId: objectIdSchema, muted: z.boolean() }).strict();
export const blockedMemberSchema = z
  .object({ member: ref, kind: z.enum(memberBlockKinds), since: z.string() })
  .strict();
export type BlockedMember = z.infer<typeof blockedMemberSchema>;
export const blockListResponseSchema = z
  .object({
    /** Blocked members (their posts collapse). */
    memberIds: z.array(objectIdSchema),
    /** Muted members (silenced only). */
    mutedIds: z.array(objectIdSchema),
    /** Both, newest first, with names: the list to undo them in settings. */
    members: z.array(blockedMemberSchema),
  })
  .strict();
export type BlockList = z.infer<typeof blockListResponseSchema>;

// ---------------------------------------------------------------- live events

export interface ModerationItemEvent {
  item: ModerationItem;
}
export interface PostHiddenEvent {
  threadId: string;
  postId: string;
  status: PostStatus;
  /** Only in the copy sent to the author's own room. */
  reasons?: string[];
}
export interface ModerationNoticeEvent {
  kind: 'warn' | 'silence' | 'suspend' | 'post_kept' | 'post_hidden' | 'post_deleted';
  reason: string;
  postId?: string;
  expiresAt?: string | null;
}
