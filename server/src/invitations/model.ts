import { locales, type Locale } from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

/**
 * One invitation by email. The link's token is derived from the row's id (links.ts) and only its
 * hash is kept, so neither the store nor the mail queue holds a usable link.
 */
export interface InvitationFields {
  _id: Types.ObjectId;
  email: string;
  name: string;
  locale: Locale;
  tokenHash: string;
  invitedById: Types.ObjectId | null;
  expiresAt: Date;
  acceptedAt: Date | null;
  /** The account the invitation created. */
  memberId: Types.ObjectId | null;
  /** When an administrator withdrew it, or sent a new one in its place; its link then stops working. */
  withdrawnAt?: Date | null;
  /** The invitation sent again in its place (the console lists only the newest). */
  replacedById?: Types.ObjectId | null;
  createdAt: Date;
}

const invitationSchema = new Schema<InvitationFields>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    locale: { type: String, enum: locales, default: 'en' },
    tokenHash: { type: String, required: true },
    invitedById: { type: Schema.Types.ObjectId, default: null },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date, default: null },
    memberId: { type: Schema.Types.ObjectId, default: null },
    withdrawnAt: { type: Date, default: null },
    replacedById: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ email: 1 });
invitationSchema.index({ createdAt: -1 });

export const InvitationModel = mongoose.model<InvitationFields>('Invitation', invitationSchema, 'invitations');
