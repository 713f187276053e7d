import type { WebhookEventType } from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface WebhookFields {
  _id: Types.ObjectId;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  /** The HMAC key: shown to the admin once, at creation; toWebhook() never presents it. */
  secret: string;
  active: boolean;
  /** Final delivery failures in a row (reset by a success). */
  consecutiveFailures: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdById: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const webhookSchema = new Schema<WebhookFields>(
  {
    url: { type: String, required: true },
    events: { type: [String], required: true },
    description: { type: String, default: null },
    secret: { type: String, required: true },
    active: { type: Boolean, default: true },
    consecutiveFailures: { type: Number, default: 0 },
    disabledAt: { type: Date, default: null },
    disabledReason: { type: String, default: null },
    createdById: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
webhookSchema.index({ active: 1, events: 1 });

export const WebhookModel = mongoose.model<WebhookFields>('Webhook', webhookSchema);

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

/** One event sent (or being sent) to one webhook; `deliveryId` is also the BullMQ job id. */
export interface WebhookDeliveryFields {
  _id: Types.ObjectId;
  deliveryId: string;
  webhookId: Types.ObjectId;
  eventId: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const deliverySchema = new Schema<WebhookDeliveryFields>(
  {
    deliveryId: { type: String, required: true },
    webhookId: { type: Schema.Types.ObjectId, required: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    status: { type: String, enum: ['pending', 'retrying', 'succeeded', 'failed', 'skipped'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    responseCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    lastAttemptAt: { type: Date, default: null },
    deliveredAt: { type: Date, default: null },
  },
  { timestamps: true },
);
deliverySchema.index({ deliveryId: 1 }, { unique: true });
deliverySchema.index({ webhookId: 1, createdAt: -1 });

export const WebhookDeliveryModel = mongoose.model<WebhookDeliveryFields>('WebhookDelivery', deliverySchema);
