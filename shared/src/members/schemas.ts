import { z } from 'zod';
import { objectIdSchema } from '../ids.js';
import { privacySettingsSchema } from './privacy.js';

export const roles = ['member', 'moderator', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const communityRoles = [
  'resident',
  'parent',
  'provider',
  'educator',
  'advocate',
  'organisation_staff',
  'researcher',
  'other',
] as const;
export const communityRoleSchema = z.enum(communityRoles);
export type CommunityRole = z.infer<typeof communityRoleSchema>;

export const locales = ['en', 'es'] as const;
export const localeSchema = z.enum(locales);
export type Locale = z.infer<typeof localeSchema>;

export const timeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as America/New_York' },
);

export const displayNameSchema = z.string().trim().min(2).max(60);

/**
 * The display name a deleted account keeps (its tombstone row), wherever its id still appears.
 * Clients show their own language's words for it instead (memberName in the client).
 */
export const FORMER_MEMBER_NAME = 'Former member';

/** A member as others see them. */
export const memberSchema = z.object({
  id: objectIdSchema,
  displayName: z.string(),
  role: roleSchema,
  bio: z.string(),
  communityRole: communityRoleSchema.nullable(),
  organisation: z.string(),
  community: z.string(),
  interests: z.array(z.string()),
  /** The base path of their picture (add /48, /96 or /192), or null: coloured initials then. */
  avatar: z.string().nullable(),
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

/** The signed-in member's own view: adds what only they (and admins) see. */
export const selfSchema = memberSchema.extend({
  email: z.string(),
  locale: localeSchema,
  timeZone: z.string(),
  /** The address was confirmed through the mailed link (members from before verification count as confirmed). */
  emailVerified: z.boolean(),
  /** Unconfirmed while the site requires confirmation: the member may read and edit their profile, not publish. */
  mustVerifyEmail: z.boolean(),
  /** Who sees what of the member, and who may mention or invite them (members/privacy.ts). */
  privacy: privacySettingsSchema,
});
export type Self = z.infer<typeof selfSchema>;

export const profilePatchSchema = z
  .object({
    displayName: displayNameSchema,
    bio: z.string().trim().max(2000),
    communityRole: communityRoleSchema.nullable(),
    organisation: z.string().trim().max(120),
    community: z.string().trim().max(120),
    interests: z.array(z.string().trim().min(1).max(40)).max(20),
    locale: localeSchema,
    timeZone: timeZoneSchema,
  })
  .partial()
  .strict();
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

export const memberResponseSchema = z.object({ member: memberSchema });
export const selfResponseSchema = z.object({ user: selfSchema });

/** A coalition badge beside a member's name (posts, profiles). */
export const coalitionBadgeSchema = z.object({ id: objectIdSchema, name: z.string() }).strict();
export type CoalitionBadge = z.infer<typeof coalitionBadgeSchema>;

export const badgesQuerySchema = z
  .object({
    /** Member ids, comma-separated (the authors on a page), at most 100. */
    ids: z
      .string()
      .max(2600)
      .transform((s) => [...new Set(s.split(',').filter(Boolean))])
      .pipe(z.array(objectIdSchema).min(1).max(100)),
  })
  .strict();

/**
 * Each asked member's coalitions as the caller may see them: the member's privacy choice for
 * "my coalitions" applies, and a private coalition shows only to its own members.
 */
export const badgesResponseSchema = z
  .object({
    members: z.array(z.object({ memberId: objectIdSchema, coalitions: z.array(coalitionBadgeSchema) }).strict()),
  })
  .strict();
export type BadgesResponse = z.infer<typeof badgesResponseSchema>;
