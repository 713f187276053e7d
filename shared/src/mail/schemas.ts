import { z } from 'zod';
import { cursorSchema, memberRefSchema } from '../forums/schemas.js';

/** `GET /api/admin/mail-failures?cursor=`: one page of failed mail deliveries, newest first. */
export const mailFailureListQuerySchema = z.strictObject({ cursor: cursorSchema.optional() });
export type MailFailureListQuery = z.infer<typeof mailFailureListQuerySchema>;

export const mailFailureSchema = z.object({
  id: z.string(),
  /** The member the mail was for (by the recorded member, else by the address); null when none is known. */
  member: memberRefSchema.nullable(),
  to: z.string(),
  /** What kind of mail: `digest`, `notification`, `password_reset`, `welcome`, … */
  kind: z.string(),
  error: z.string(),
  /** A 5xx refusal: it will not succeed on retry (notification mail to that address stops). */
  permanent: z.boolean(),
  attempts: z.number().int(),
  /** When the last attempt failed. */
  failedAt: z.string(),
});
export type MailFailure = z.infer<typeof mailFailureSchema>;

export const mailFailureListResponseSchema = z.object({
  failures: z.array(mailFailureSchema),
  nextCursor: z.string().nullable(),
});
export type MailFailureListResponse = z.infer<typeof mailFailureListResponseSchema>;
