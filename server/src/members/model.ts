import {
  communityRoles,
  locales,
  roles,
  type CommunityRole,
  type Locale,
  type PrivacySettings,
  type Role,
} from '@commons/shared';
import mongoose, { Schema, type HydratedDocument, type Types } from 'mongoose';
import { dropKeptOnWrite } from './kept.js';

export interface MemberFields {
  email: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  bio: string;
  communityRole: CommunityRole | null;
  organisation: string;
  community: string;
  interests: string[];
  locale: Locale;
  timeZone: string;
  /** Bumped when the password changes, so other sessions of the member end. */
  sessionVersion: number;
  lastSeenAt: Date | null;
  /**
   * When the member opened the verification link; null until then. Members created before
   * verification existed have no such field and count as verified.
   */
  emailVerifiedAt?: Date | null;
  /** Set when the member deleted their account: the row stays as "former member", without personal data. */
  deletedAt?: Date | null;
  /** The version of the member's uploaded picture (members/avatar.ts); null or absent: initials. */
  avatarVersion?: string | null;
  /** The member's privacy choices as saved; read through `privacyOf` (members/privacy.ts), which adds defaults. */
  privacy?: Partial<Omit<PrivacySettings, 'fields'>> & { fields?: Partial<PrivacySettings['fields']> };
  createdAt: Date;
  updatedAt: Date;
}

const memberSchema = new Schema<MemberFields>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true, trim: true },
    role: { type: String, enum: roles, default: 'member' },
    bio: { type: String, default: '' },
    communityRole: { type: String, enum: [...communityRoles, null], default: null },
    organisation: { type: String, default: '' },
    community: { type: String, default: '' },
    interests: { type: [String], default: [] },
    locale: { type: String, enum: locales, default: 'en' },
    timeZone: { type: String, default: 'America/New_York' },
    sessionVersion: { type: Number, default: 0 },
    lastSeenAt: { type: Date, default: null },
    // No defaults: a missing field (older rows) must stay distinguishable from null.
    emailVerifiedAt: { type: Date },
    deletedAt: { type: Date },
    // One validated object (privacySettingsSchema), written whole; absent on older rows.
    privacy: { type: Schema.Types.Mixed },
    avatarVersion: { type: String },
  },
  { timestamps: true },
);
memberSchema.index({ email: 1 }, { unique: true });
memberSchema.index({ role: 1 });
dropKeptOnWrite(memberSchema);

export const MemberModel = mongoose.model<MemberFields>('Member', memberSchema);
export type MemberDoc = HydratedDocument<MemberFields> & { _id: Types.ObjectId };

/** Members from before verification have no `emailVerifiedAt` at all: they count as verified. */
export function isEmailVerified(member: Pick<MemberFields, 'emailVerifiedAt'>): boolean {
  return member.emailVerifiedAt !== null;
}
