import { z } from 'zod';
import { objectIdSchema } from '../ids.js';

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

const timeZoneSchema = z.string().refine(
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
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

/** The signed-in member's own view: adds what only they (and admins) see. */
export const selfSchema = memberSchema.extend({
  email: z.string(),
  locale: localeSchema,
  timeZone: z.string(),
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
