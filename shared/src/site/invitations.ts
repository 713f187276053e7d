import { z } from 'zod';
import { emailSchema, passwordSchema } from '../auth/schemas.js';
import { objectIdSchema } from '../ids.js';
import { displayNameSchema, localeSchema, timeZoneSchema } from '../members/schemas.js';

/** `POST /api/admin/invitations`: invite one person; the welcome mail goes out in `locale`. */
export const invitationCreateBodySchema = z
  .object({ name: displayNameSchema, email: emailSchema, locale: localeSchema })
  .strict();
export type InvitationCreateBody = z.infer<typeof invitationCreateBodySchema>;

/**
 * `POST /api/admin/invitations/csv`: the text of a CSV file, one person a line: `name,email` and
 * optionally `,language` (en or es; else `locale`). A header line naming the columns is allowed.
 * Any bad line refuses the whole file, so a corrected file can be sent again as it is.
 */
export const invitationCsvBodySchema = z.object({ csv: z.string().min(1).max(200_000), locale: localeSchema }).strict();
export type InvitationCsvBody = z.infer<typeof invitationCsvBodySchema>;

/** Why a CSV line cannot be used: `details.lines` of the 400 lists `{ line, problem }` (line 0: the whole file). */
export const csvProblems = [
  'unreadable',
  'invalid_name',
  'invalid_email',
  'invalid_language',
  'duplicate',
  'already_member',
] as const;
export type CsvProblem = (typeof csvProblems)[number];

/** `withdrawn`: an administrator withdrew it; its link answers `invitation_withdrawn`. */
export const invitationStatuses = ['pending', 'accepted', 'expired', 'withdrawn'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

export const invitationSchema = z
  .object({
    id: objectIdSchema,
    name: z.string(),
    email: z.string(),
    locale: localeSchema,
    status: z.enum(invitationStatuses),
    invitedBy: z.object({ id: objectIdSchema, displayName: z.string() }).strict().nullable(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .strict();
export type Invitation = z.infer<typeof invitationSchema>;

export const invitationResponseSchema = z.object({ invitation: invitationSchema }).strict();
export const invitationListResponseSchema = z.object({ invitations: z.array(invitationSchema) }).strict();

/** `GET /api/invitations/:token`: what the invitation page shows before the person accepts. */
export const invitationPreviewSchema = z
  .object({ name: z.string(), email: z.string(), locale: localeSchema, expiresAt: z.string() })
  .strict();
export const invitationPreviewResponseSchema = z.object({ invitation: invitationPreviewSchema }).strict();
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

/** `POST /api/invitations/accept`: creates the account for the invited address (already confirmed). */
export const invitationAcceptBodySchema = z
  .object({
    token: z.string().min(20).max(200),
    displayName: displayNameSchema,
    password: passwordSchema,
    timeZone: timeZoneSchema.optional(),
  })
  .strict();
export type InvitationAcceptBody = z.infer<typeof invitationAcceptBodySchema>;
