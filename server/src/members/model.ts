import { communityRoles, locales, roles, type CommunityRole, type Locale, type Role } from '@commons/shared';
import mongoose, { Schema, type HydratedDocument, type Types } from 'mongoose';

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
  },
  { timestamps: true },
);
memberSchema.index({ email: 1 }, { unique: true });
memberSchema.index({ role: 1 });

export const MemberModel = mongoose.model<MemberFields>('Member', memberSchema);
export type MemberDoc = HydratedDocument<MemberFields> & { _id: Types.ObjectId };
