import {
  digestFrequencies,
  notificationChannels,
  notificationKinds,
  type DigestFrequency,
  type NotificationChannel,
  type NotificationKind,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

/*
 * The store may be FerretDB 1.24: no $lookup, no transactions, no TTL indexes. Grouping relies on
 * a unique index on (memberId, openKey): an unread group holds `<kind>:<threadId>`, a read one its
 * own id, so at most one unread group per kind and thread exists per member.
 */

// ---------------------------------------------------------------- notifications

export interface NotificationFields {
  memberId: Types.ObjectId;
  kind: NotificationKind;
  /** Forum kinds: the thread of the group. Notices: null. */
  threadId: Types.ObjectId | null;
  openKey: string;
  /** Every post in the group (a retried fan-out finds its post here and adds nothing). */
  postIds: Types.ObjectId[];
  /** The latest post of the group (forum kinds). */
  postId: Types.ObjectId | null;
  seq: number | null;
  /** Notices: the fact's key (a retried notice job finds it here and adds nothing). */
  noticeKey: string | null;
  /** Notices: what it is about, as it was when told. */
  subjectType: string | null;
  subjectId: string | null;
  title: string | null;
  path: string | null;
  detail: string | null;
  /** Notices: a few words of why (a moderator's note, a sanction's reason). */
  excerpt: string | null;
  actorId: Types.ObjectId | null;
  count: number;
  read: boolean;
  readAt: Date | null;
  /** Waiting for the member's next instant email (channel `email`). */
  emailPending: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const notificationSchema = new Schema<NotificationFields>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: notificationKinds, required: true },
    threadId: { type: Schema.Types.ObjectId, default: null },
    openKey: { type: String, required: true },
    postIds: { type: [Schema.Types.ObjectId], default: [] },
    postId: { type: Schema.Types.ObjectId, default: null },
    seq: { type: Number, default: null },
    noticeKey: { type: String, default: null },
    subjectType: { type: String, default: null },
    subjectId: { type: String, default: null },
    title: { type: String, default: null },
    path: { type: String, default: null },
    detail: { type: String, default: null },
    excerpt: { type: String, default: null },
    actorId: { type: Schema.Types.ObjectId, default: null },
    count: { type: Number, default: 1 },
    read: { type: Boolean, default: false },
    readAt: { type: Date, default: null },
    emailPending: { type: Boolean, default: false },
  },
  { timestamps: true },
);
notificationSchema.index({ memberId: 1, openKey: 1 }, { unique: true });
notificationSchema.index({ memberId: 1, updatedAt: -1, _id: -1 });
notificationSchema.index({ memberId: 1, read: 1 });
notificationSchema.index({ memberId: 1, emailPending: 1 });
notificationSchema.index({ memberId: 1, noticeKey: 1 });
// Who holds a post in a group already: the fan-out asks once for everyone it tells.
notificationSchema.index({ threadId: 1, postIds: 1 });

export const NotificationModel = mongoose.model<NotificationFields>(
  'Notification',
  notificationSchema,
  'notifications',
);

// ---------------------------------------------------------------- settings

/** A member's notification preferences; members without a row use the defaults. */
export interface NotificationSettingsFields {
  memberId: Types.ObjectId;
  kinds: Record<NotificationKind, NotificationChannel>;
  digestFrequency: DigestFrequency;
  digestHour: number;
  /** A permanent SMTP failure to the member's address: no email until the address changes. */
  bouncedAt: Date | null;
  bouncedAddress: string | null;
  bounceReason: string | null;
  /** When the member's open instant-mail batch began (null: none open; the next item opens one). */
  instantBatchAt: Date | null;
  updatedAt: Date;
}

// Kinds added later are absent from older rows: reading fills them with the defaults (settings.ts).
const kindsSchema = new Schema<Record<NotificationKind, NotificationChannel>>(
  Object.fromEntries(notificationKinds.map((k) => [k, { type: String, enum: notificationChannels }])),
  { _id: false },
);

const settingsSchema = new Schema<NotificationSettingsFields>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    kinds: { type: kindsSchema, required: true },
    digestFrequency: { type: String, enum: digestFrequencies, required: true },
    digestHour: { type: Number, required: true, min: 0, max: 23 },
    bouncedAt: { type: Date, default: null },
    bouncedAddress: { type: String, default: null },
    bounceReason: { type: String, default: null },
    instantBatchAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
settingsSchema.index({ memberId: 1 }, { unique: true });

export const NotificationSettingsModel = mongoose.model<NotificationSettingsFields>(
  'NotificationSettings',
  settingsSchema,
  'notification_settings',
);

// ---------------------------------------------------------------- digest markers

/**
 * One row per member and digest period, inserted (claimed) before sending: the unique index
 * makes a second worker, a re-run or a duplicate job find it and send nothing.
 * claimed -> sending -> sent; or skipped (nothing to say, seen recently, bounced).
 */
export interface DigestMarkerFields {
  memberId: Types.ObjectId;
  period: string;
  /** The BullMQ job that claimed it: a retry of that same job (after a crash) may continue. */
  owner: string;
  status: 'claimed' | 'sending' | 'sent' | 'skipped' | 'uncertain';
  reason: string | null;
  itemCount: number;
  claimedAt: Date;
  sentAt: Date | null;
}

const markerSchema = new Schema<DigestMarkerFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  period: { type: String, required: true },
  owner: { type: String, required: true },
  status: { type: String, enum: ['claimed', 'sending', 'sent', 'skipped', 'uncertain'], required: true },
  reason: { type: String, default: null },
  itemCount: { type: Number, default: 0 },
  claimedAt: { type: Date, required: true },
  sentAt: { type: Date, default: null },
});
markerSchema.index({ memberId: 1, period: 1 }, { unique: true });
markerSchema.index({ memberId: 1, sentAt: -1 });

export const DigestMarkerModel = mongoose.model<DigestMarkerFields>('DigestMarker', markerSchema, 'digest_markers');
