import { z } from 'zod';
import { cursorSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';
import { communityRoleSchema, memberSchema } from '../members/schemas.js';
import { resourceSchema } from './library.js';
import { storySummarySchema } from './stories.js';

export const directoryQuerySchema = z
  .object({
    communityRole: communityRoleSchema.optional(),
    /** Exact matches, letter case aside. */
    community: z.string().trim().min(1).max(120).optional(),
    organisation: z.string().trim().min(1).max(120).optional(),
    interest: z.string().trim().min(1).max(40).optional(),
    /** Words at the start of the name, organisation or community. */
    q: z.string().trim().max(100).optional(),
    cursor: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(24),
  })
  .strict();
export type DirectoryQuery = z.infer<typeof directoryQuerySchema>;

export const directoryMemberSchema = memberSchema.extend({ following: z.boolean() }).strict();
export type DirectoryMember = z.infer<typeof directoryMemberSchema>;

export const directoryResponseSchema = z
  .object({ members: z.array(directoryMemberSchema), nextCursor: z.string().nullable() })
  .strict();
export type DirectoryResponse = z.infer<typeof directoryResponseSchema>;

export const followStateSchema = z
  .object({ following: z.boolean(), followerCount: z.number().int(), followingCount: z.number().int() })
  .strict();
export type FollowState = z.infer<typeof followStateSchema>;
export const followResponseSchema = z.object({ follow: followStateSchema }).strict();

export const activityThreadSchema = z
  .object({ id: objectIdSchema, title: z.string(), postCount: z.number().int(), createdAt: z.string() })
  .strict();
export type ActivityThread = z.infer<typeof activityThreadSchema>;

/** What a profile page shows besides the member: their threads, resources and stories, and the follow state. */
export const memberActivityResponseSchema = z
  .object({
    threads: z.array(activityThreadSchema),
    resources: z.array(resourceSchema),
    stories: z.array(storySummarySchema),
    follow: followStateSchema,
  })
  .strict();
export type MemberActivityResponse = z.infer<typeof memberActivityResponseSchema>;

/** The signed-in home: featured stories and resources, and what members one follows shared lately. */
export const hubHomeResponseSchema = z
  .object({
    featuredStories: z.array(storySummarySchema),
    featured: z.array(resourceSchema),
    fromFollowed: z.array(resourceSchema),
    storiesFromFollowed: z.array(storySummarySchema),
  })
  .strict();
export type HubHomeResponse = z.infer<typeof hubHomeResponseSchema>;
