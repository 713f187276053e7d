import mongoose, { Schema, type Types } from 'mongoose';

/** One row per mail job: a retried or re-run job finds it and does not send twice. */
export interface MailDeliveryFields {
  _id: Types.ObjectId;
  key: string;
  kind: string;
  to: string;
  /** The member the mail was for, when the sender knew it (notification and digest mails). */
  memberId: Types.ObjectId | null;
  status: 'sent' | 'failed';
  /** A failed delivery the SMTP server refused for good (5xx): it is not retried. */
  permanent: boolean;
  messageId: string | null;
  error: string | null;
  attempts: number;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<MailDeliveryFields>(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    memberId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: ['sent', 'failed'], required: true },
    permanent: { type: Boolean, default: false },
    messageId: { type: String, default: null },
    error: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    sentAt: { type: Date, default: null },
  },
  { timestamps: true },
);
schema.index({ key: 1 }, { unique: true });
// The admins' list of failures, newest first (`GET /api/admin/mail-failures`).
schema.index({ status: 1, updatedAt: -1, _id: -1 });

export const MailDeliveryModel = mongoose.model<MailDeliveryFields>('MailDelivery', schema);
