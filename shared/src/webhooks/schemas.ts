import { z } from 'zod';
import { localeSchema } from '../members/schemas.js';

/** Events an outgoing webhook can subscribe to (`webhook.test` is only sent by the test button). */
export const webhookEventTypes = [
  'thread.created',
  'post.created',
  'member.joined',
  'lab.ended',
  'resource.approved',
] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => URL.canParse(value), 'must be an absolute URL');

const eventListSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(webhookEventTypes.length)
  .transform((events) => [...new Set(events)]);

export const webhookCreateBodySchema = z.strictObject({
  url: webhookUrlSchema,
  events: eventListSchema,
  description: z.string().trim().max(200).optional(),
});
export type WebhookCreateBody = z.infer<typeof webhookCreateBodySchema>;

export const webhookPatchBodySchema = z
  .strictObject({ events: eventListSchema.optional(), active: z.boolean().optional() })
  .refine((b) => b.events !== undefined || b.active !== undefined, 'change events or active');
export type WebhookPatchBody = z.infer<typeof webhookPatchBodySchema>;

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  active: z.boolean(),
  /** Final delivery failures in a row; reaching WEBHOOK_DISABLE_AFTER disables the webhook. */
  consecutiveFailures: z.number().int(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  createdById: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookResponseSchema = z.object({ webhook: webhookSchema });
/** The signing secret is shown once, in the answer to the creation. */
export const webhookCreatedResponseSchema = z.object({ webhook: webhookSchema, secret: z.string() });
export const webhookListResponseSchema = z.object({ webhooks: z.array(webhookSchema) });

export const webhookDeliveryStatusSchema = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'skipped']);
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: webhookDeliveryStatusSchema,
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export const webhookDeliveryListResponseSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
export const webhookDeliveryResponseSchema = z.object({ delivery: webhookDeliverySchema });

/** What the receiver gets as the JSON body. */
export const webhookEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** One job of the `webhooks` queue: one event to one webhook (job id = delivery id). */
export const webhookJobSchema = z.object({
  kind: z.literal('deliver'),
  webhookId: z.string(),
  deliveryId: z.string(),
  event: webhookEventSchema,
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

/** Told to the admin who created a webhook that failures disabled. */
export const webhookDisabledMailSchema = z.object({
  kind: z.literal('webhook_disabled'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  webhookUrl: z.string(),
  failures: z.number().int(),
  lastError: z.string(),
  settingsUrl: z.string(),
});
