import { z } from 'zod';
import { localeSchema } from './members/schemas.js';

/** Queue names: one BullMQ queue per kind of work, each with its own worker file. */
export const queueNames = { mail: 'mail' } as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const passwordResetMailSchema = z.object({
  kind: z.literal('password_reset'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  resetUrl: z.string(),
  expiresAt: z.string(),
  timeZone: z.string(),
});

export const welcomeMailSchema = z.object({
  kind: z.literal('welcome'),
  memberId: z.string(),
  to: z.string(),
  locale: localeSchema,
  displayName: z.string(),
  siteUrl: z.string(),
});

export const mailJobSchema = z.discriminatedUnion('kind', [passwordResetMailSchema, welcomeMailSchema]);
export type MailJob = z.infer<typeof mailJobSchema>;

/** Job payloads by queue, so producers and workers share one definition. */
export interface JobPayloads {
  mail: MailJob;
}
