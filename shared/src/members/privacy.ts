import { z } from 'zod';

/**
 * Who a privacy choice lets in: every signed-in member, members who share an active coalition
 * with me, or nobody (for profile fields: only me).
 */
export const audiences = ['everyone', 'coalitions', 'nobody'] as const;
export const audienceSchema = z.enum(audiences);
export type Audience = z.infer<typeof audienceSchema>;

/** The profile fields a member may hide; the display name and role are always shown. */
export const privateProfileFields = ['bio', 'communityRole', 'organisation', 'community', 'interests'] as const;
export type PrivateProfileField = (typeof privateProfileFields)[number];

/**
 * What else a member may keep from others: the coalitions they belong to, shown as badges beside
 * their name (a private coalition's badge shows only to its own members whatever this says).
 */
export const privateMemberFacts = ['coalitions'] as const;
/** Every entry of the privacy form's "who sees" list, in its order. */
export const privacyFields = [...privateProfileFields, ...privateMemberFacts] as const;
export type PrivacyField = (typeof privacyFields)[number];

export const fieldAudiencesSchema = z
  .object({
    bio: audienceSchema,
    communityRole: audienceSchema,
    organisation: audienceSchema,
    community: audienceSchema,
    interests: audienceSchema,
    // Optional in what clients send (older forms did not have it); stored settings read as "everyone" without it.
    coalitions: audienceSchema.default('everyone'),
  })
  .strict();

/** A member's privacy settings (`PUT /api/members/me/privacy`), enforced by the server everywhere. */
export const privacySettingsSchema = z
  .object({
    /** Listed in the member directory (the profile stays reachable from what they wrote). */
    listedInDirectory: z.boolean(),
    /** Who sees each profile field, in the profile, the directory and its filters. */
    fields: fieldAudiencesSchema,
    /** Who may mention me: autocomplete offers me, and a mention notifies me, only for them. */
    mentions: audienceSchema,
    /** Who may invite me to an invitation-only lab. */
    invitations: audienceSchema,
  })
  .strict();
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;

export const defaultPrivacy: PrivacySettings = {
  listedInDirectory: true,
  fields: {
    bio: 'everyone',
    communityRole: 'everyone',
    organisation: 'everyone',
    community: 'everyone',
    interests: 'everyone',
    coalitions: 'everyone',
  },
  mentions: 'everyone',
  invitations: 'everyone',
};

export const privacyResponseSchema = z.object({ privacy: privacySettingsSchema }).strict();
