import { z } from 'zod';
import { emailSchema, passwordSchema } from '../auth/schemas.js';
import { selfSchema } from './schemas.js';

/** `POST /api/auth/verify-email`: the token from the mailed link. */
export const verifyEmailBodySchema = z.object({ token: z.string().min(20).max(400) }).strict();
export type VerifyEmailBody = z.infer<typeof verifyEmailBodySchema>;

/** `POST /api/members/me/email`: a new address, confirmed with the current password. */
export const emailChangeBodySchema = z.object({ email: emailSchema, password: passwordSchema }).strict();
export type EmailChangeBody = z.infer<typeof emailChangeBodySchema>;

/**
 * `DELETE /api/members/me`: confirmed with the password. `deleteContent` also deletes what the
 * member wrote in public threads; otherwise it stays, shown under "former member".
 */
export const accountDeleteBodySchema = z
  .object({ password: passwordSchema, deleteContent: z.boolean().default(false) })
  .strict();
export type AccountDeleteBody = z.infer<typeof accountDeleteBodySchema>;

/**
 * `GET /api/members/me/export`: the member's data as one JSON file. `data` has one part per
 * domain (forums, labs, events, library, directory, coalitions, moderation, notifications), each
 * a set of named lists of records.
 */
export const memberExportSchema = z.object({
  exportedAt: z.string(),
  profile: selfSchema.extend({ lastSeenAt: z.string().nullable() }),
  data: z.record(z.string(), z.record(z.string(), z.array(z.unknown()))),
});
export type MemberExport = z.infer<typeof memberExportSchema>;
