import { locales, type Locale } from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A sign-up waiting for an administrator (registration by approval). It is not a member: no
 * directory, mention, search or listing reads this collection, and nobody can sign in with it.
 * Approval turns it into a member row with the same id (the audit log's target then resolves);
 * declining deletes it.
 */
export interface PendingSignUpFields {
  _id: Types.ObjectId;
  email: string;
  passwordHash: string;
  displayName: string;
  locale: Locale;
  timeZone: string | null;
  createdAt: Date;
}

const pendingSignUpSchema = new Schema<PendingSignUpFields>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true, trim: true },
    locale: { type: String, enum: locales, default: 'en' },
    timeZone: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
pendingSignUpSchema.index({ email: 1 }, { unique: true });
pendingSignUpSchema.index({ createdAt: -1 });

export const PendingSignUpModel = mongoose.model<PendingSignUpFields>(
  'PendingSignUp',
  pendingSignUpSchema,
  'pending_sign_ups',
);
