import mongoose, { Schema } from 'mongoose';

/** One row per mail job: a retried or re-run job finds it and does not send twice. */
export interface MailDeliveryFields {
  key: string;
  kind: string;
  to: string;
  status: 'sent' | 'failed';
  messageId: string | null;
  error: string | null;
  attempts: number;
  sentAt: Date | null;
}

const schema = new Schema<MailDeliveryFields>(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    status: { type: String, enum: ['sent', 'failed'], required: true },
    messageId: { type: String, default: null },
    error: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    sentAt: { type: Date, default: null },
  },
  { timestamps: true },
);
schema.index({ key: 1 }, { unique: true });
schema.index({ status: 1, updatedAt: -1 });

export const MailDeliveryModel = mongoose.model<MailDeliveryFields>('MailDelivery', schema);
