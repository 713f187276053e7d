import mongoose, { Schema, type Types } from 'mongoose';

export interface ResetTokenFields {
  /** sha256 of the token: a leaked database does not yield usable links. */
  tokenHash: string;
  memberId: Types.ObjectId;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

const resetTokenSchema = new Schema<ResetTokenFields>(
  {
    tokenHash: { type: String, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true, ref: 'Member' },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
resetTokenSchema.index({ tokenHash: 1 }, { unique: true });
resetTokenSchema.index({ expiresAt: 1 });

export const ResetTokenModel = mongoose.model<ResetTokenFields>('PasswordResetToken', resetTokenSchema);
