import { z } from 'zod';
import { localeSchema, roleSchema } from '../members/schemas.js';
import { sanctionKindSchema } from '../moderation/schemas.js';

/** Site-wide settings administrators change in the console (`/admin/settings`). */
/**
 * Who may join: anyone (open); anyone, once an administrator approved the sign-up (approval); only
 * people an administrator invited by email (invitation); or nobody new (closed: no sign-ups, no
 * invitations sent or accepted). Invitations work in every mode but closed.
 */
export const registrationModes = ['open', 'approval', 'invitation', 'closed'] as const;
export const registrationModeSchema = z.enum(registrationModes);
export type RegistrationMode = z.infer<typeof registrationModeSchema>;

/**
 * Limits the platform enforces that a coalition may tune. Each is read where it is enforced, from
 * the cached settings (site/settings.ts), so a change applies everywhere within seconds.
 */
export const siteLimitsSchema = z
  .object({
    /** Threads and replies one member may post per minute (the forums' posting budget). */
    postsPerMinute: z.number().int().min(1).max(120),
    /** The largest file a member may upload to the library, in megabytes. */
    libraryUploadMb: z.number().int().min(1).max(20),
  })
  .strict();
export type SiteLimits = z.infer<typeof siteLimitsSchema>;

export const siteSettingsSchema = z.object({
  /** New and re-addressed members must open the link mailed to them before they publish or message. */
  emailVerification: z.boolean(),
  /**
   * The public face: the library, stories, events and the forum categories marked public are
   * readable without an account (read-only; everything else stays for members).
   */
  publicFace: z.boolean(),
  registrationMode: registrationModeSchema,
  /** The language of new members and of visitors who have not chosen one. */
  defaultLocale: localeSchema,
  limits: siteLimitsSchema,
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

export const siteSettingsPatchSchema = siteSettingsSchema
  .extend({ limits: siteLimitsSchema.partial().strict() })
  .partial()
  .strict();
export type SiteSettingsPatch = z.infer<typeof siteSettingsPatchSchema>;

export const siteSettingsResponseSchema = z.object({ settings: siteSettingsSchema });

/**
 * `GET /api/site`: what the app needs before anyone signs in: whether visitors may read, who may
 * join (the sign-up page says so before its form), and the language for those who chose none.
 */
export const publicSiteSchema = z.object({
  publicFace: z.boolean(),
  registrationMode: registrationModeSchema,
  defaultLocale: localeSchema,
});
export type PublicSite = z.infer<typeof publicSiteSchema>;
export const publicSiteResponseSchema = z.object({ site: publicSiteSchema });

/** `GET /api/admin/members`: search by name or address, filter by role, trust level or sanction. */
export const adminMemberQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    role: roleSchema.optional(),
    trustLevel: z.coerce.number().int().min(0).max(4).optional(),
    sanctioned: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type AdminMemberQuery = z.infer<typeof adminMemberQuerySchema>;

export const adminMemberSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: roleSchema,
  emailVerified: z.boolean(),
  trustLevel: z.number().int(),
  /** The active silence or suspension, if any. */
  sanction: sanctionKindSchema.nullable(),
  /** When the active suspension ends, if the member is suspended. */
  suspendedUntil: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AdminMember = z.infer<typeof adminMemberSchema>;
export const adminMemberListResponseSchema = z.object({ members: z.array(adminMemberSchema) });
export const adminMemberResponseSchema = z.object({ member: adminMemberSchema });

export const adminRoleBodySchema = z.object({ role: roleSchema }).strict();
export type AdminRoleBody = z.infer<typeof adminRoleBodySchema>;

/** `POST /api/admin/members/:id/suspension`: suspends the member (moderation's sanction), ending their sessions. */
export const adminSuspendBodySchema = z
  .object({
    reason: z.string().trim().min(1).max(1000),
    durationHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
  })
  .strict();
export type AdminSuspendBody = z.infer<typeof adminSuspendBodySchema>;

/** `DELETE /api/admin/members/:id/suspension`: lifts the member's active suspensions, with a reason. */
export const adminUnsuspendBodySchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();
export type AdminUnsuspendBody = z.infer<typeof adminUnsuspendBodySchema>;

/** A sign-up waiting for an administrator (registration by approval); not a member yet. */
export const pendingSignUpSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    email: z.string(),
    locale: localeSchema,
    createdAt: z.string(),
  })
  .strict();
export type PendingSignUp = z.infer<typeof pendingSignUpSchema>;
export const pendingSignUpListResponseSchema = z.object({ signUps: z.array(pendingSignUpSchema) }).strict();

/** `POST /api/auth/register` while joining is by approval: no account yet, no session (202). */
export const registrationPendingResponseSchema = z.object({ pending: z.literal(true) }).strict();
export type RegistrationPendingResponse = z.infer<typeof registrationPendingResponseSchema>;
