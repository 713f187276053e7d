import {
  type PostAnnouncement,
  auditActions,
  flagReasons,
  memberBlockKinds,
  resolveActions,
  sanctionKinds,
  type AuditAction,
  type AuditTargetType,
  type FlagReason,
  type MemberBlockKind,
  type ResolveAction,
  type SanctionKind,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

/*
 * Moderation's collections. FerretDB-safe: single-document conditional updates (no
 * transactions), unique indexes, no TTL (expiry is checked at use and by a job).
 */

export type Lean<T> = T & { _id: Types.ObjectId };

// ---------------------------------------------------------------- flags

export interface FlagFields {
  postId: Types.ObjectId;
  flaggerId: Types.ObjectId;
  reason: FlagReason;
  note: string;
  weight: number;
  /** open until the item is resolved: upheld (hide/delete) or rejected (keep). */
  outcome: 'open' | 'upheld' | 'rejected';
  createdAt: Date;
}
const flagSchema = new Schema<FlagFields>({
  postId: { type: Schema.Types.ObjectId, required: true },
  flaggerId: { type: Schema.Types.ObjectId, required: true },
  reason: { type: String, enum: flagReasons, required: true },
  note: { type: String, default: '' },
  weight: { type: Number, required: true },
  outcome: { type: String, enum: ['open', 'upheld', 'rejected'], default: 'open' },
  createdAt: { type: Date, required: true },
});
flagSchema.index({ postId: 1, flaggerId: 1 }, { unique: true });
flagSchema.index({ flaggerId: 1, outcome: 1 });
export const FlagModel = mongoose.model<FlagFields>('ModerationFlag', flagSchema, 'moderation_flags');

// ---------------------------------------------------------------- review items (one per post)

export interface ResolutionFields {
  action: ResolveAction;
  note: string;
  byId: Types.ObjectId;
  at: Date;
}
export interface ItemFields {
  postId: Types.ObjectId;
  threadId: Types.ObjectId;
  authorId: Types.ObjectId;
  state: 'open' | 'claimed' | 'resolved';
  priority: number;
  /** Why it is in the queue: reasons of automatic screening, if any. */
  screening: string[];
  /**
   * A new post held by screening keeps its announcement: a moderator who keeps it publishes it
   * (`post.published`), and its fan-out follows then.
   */
  announce: PostAnnouncement | null;
  claimedById: Types.ObjectId | null;
  claimedAt: Date | null;
  resolution: ResolutionFields | null;
  appeal: { reason: string; at: Date } | null;
  /** Bumped by every state change, so live clients can order updates. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
const itemSchema = new Schema<ItemFields>(
  {
    postId: { type: Schema.Types.ObjectId, required: true },
    threadId: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: ['open', 'claimed', 'resolved'], default: 'open' },
    priority: { type: Number, default: 0 },
    screening: { type: [String], default: [] },
    announce: { type: Schema.Types.Mixed, default: null },
    claimedById: { type: Schema.Types.ObjectId, default: null },
    claimedAt: { type: Date, default: null },
    resolution: {
      type: new Schema<ResolutionFields>(
        {
          action: { type: String, enum: resolveActions, required: true },
          note: { type: String, default: '' },
          byId: { type: Schema.Types.ObjectId, required: true },
          at: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    appeal: {
      type: new Schema(
        { reason: { type: String, required: true }, at: { type: Date, required: true } },
        { _id: false },
      ),
      default: null,
    },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
itemSchema.index({ postId: 1 }, { unique: true });
itemSchema.index({ state: 1, priority: -1, createdAt: 1 });
itemSchema.index({ authorId: 1 });
export const ItemModel = mongoose.model<ItemFields>('ModerationItem', itemSchema, 'moderation_items');

// ---------------------------------------------------------------- sanctions

export interface SanctionFields {
  memberId: Types.ObjectId;
  kind: SanctionKind;
  reason: string;
  expiresAt: Date | null;
  liftedAt: Date | null;
  createdById: Types.ObjectId;
  createdAt: Date;
}
const sanctionSchema = new Schema<SanctionFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  kind: { type: String, enum: sanctionKinds, required: true },
  reason: { type: String, required: true },
  expiresAt: { type: Date, default: null },
  liftedAt: { type: Date, default: null },
  createdById: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
});
sanctionSchema.index({ memberId: 1, kind: 1, liftedAt: 1 });
sanctionSchema.index({ liftedAt: 1, expiresAt: 1 });
export const SanctionModel = mongoose.model<SanctionFields>(
  'ModerationSanction',
  sanctionSchema,
  'moderation_sanctions',
);

// ---------------------------------------------------------------- audit log

export interface AuditFields {
  actorId: Types.ObjectId | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  reason: string;
  details: Record<string, unknown>;
  at: Date;
}
const auditSchema = new Schema<AuditFields>({
  actorId: { type: Schema.Types.ObjectId, default: null },
  action: { type: String, enum: auditActions, required: true },
  targetType: { type: String, required: true },
  targetId: { type: String, required: true },
  reason: { type: String, default: '' },
  details: { type: Schema.Types.Mixed, default: () => ({}) },
  at: { type: Date, required: true },
});
auditSchema.index({ at: -1 });
auditSchema.index({ actorId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });
export const AuditModel = mongoose.model<AuditFields>('ModerationAudit', auditSchema, 'moderation_audit');

// ---------------------------------------------------------------- member profiles (trust, flag accuracy)

export interface ProfileFields {
  memberId: Types.ObjectId;
  trustLevel: number;
  /** Distinct days (YYYY-MM-DD, UTC) the member used the site. */
  visitDays: string[];
  flagsUpheld: number;
  flagsRejected: number;
  /** Flags against the member's posts that moderators upheld. */
  upheldAgainst: number;
  computedAt: Date | null;
}
const profileSchema = new Schema<ProfileFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  trustLevel: { type: Number, default: 0 },
  visitDays: { type: [String], default: [] },
  flagsUpheld: { type: Number, default: 0 },
  flagsRejected: { type: Number, default: 0 },
  upheldAgainst: { type: Number, default: 0 },
  computedAt: { type: Date, default: null },
});
profileSchema.index({ memberId: 1 }, { unique: true });
export const ProfileModel = mongoose.model<ProfileFields>('ModerationProfile', profileSchema, 'moderation_profiles');

// ---------------------------------------------------------------- blocks

export interface BlockFields {
  memberId: Types.ObjectId;
  blockedId: Types.ObjectId;
  /** Rows written before mutes existed have none: they are blocks. */
  kind?: MemberBlockKind;
  createdAt: Date;
}
const blockSchema = new Schema<BlockFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  blockedId: { type: Schema.Types.ObjectId, required: true },
  kind: { type: String, enum: memberBlockKinds },
  createdAt: { type: Date, required: true },
});
blockSchema.index({ memberId: 1, blockedId: 1 }, { unique: true });
blockSchema.index({ blockedId: 1 });
export const BlockModel = mongoose.model<BlockFields>('ModerationBlock', blockSchema, 'moderation_blocks');
