import { z } from 'zod';
import { cursorSchema, memberRefSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';

export const joinPolicies = ['open', 'request'] as const;
export const joinPolicySchema = z.enum(joinPolicies);
export type JoinPolicy = z.infer<typeof joinPolicySchema>;

/**
 * Public: everything in it is for every member. Private: its categories, threads, posts and labs
 * are for its active members, moderators and administrators only (the coalition itself, its
 * name, description and members, stays listed so people can ask to join).
 */
export const coalitionVisibilities = ['public', 'private'] as const;
export const coalitionVisibilitySchema = z.enum(coalitionVisibilities);
export type CoalitionVisibility = z.infer<typeof coalitionVisibilitySchema>;

export const coalitionRoles = ['admin', 'member'] as const;
export type CoalitionRole = (typeof coalitionRoles)[number];
export const membershipStatuses = ['active', 'pending'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

const coalitionFields = {
  name: z.string().trim().min(3).max(120),
  description: z.string().trim().max(2000),
  /** The place it serves: a county, city, neighbourhood or tribal nation. */
  community: z.string().trim().max(120),
  joinPolicy: joinPolicySchema,
  visibility: coalitionVisibilitySchema,
};

export const coalitionCreateBodySchema = z
  .object({
    ...coalitionFields,
    description: coalitionFields.description.default(''),
    community: coalitionFields.community.default(''),
    visibility: coalitionFields.visibility.default('public'),
  })
  .strict();
export type CoalitionCreateBody = z.infer<typeof coalitionCreateBodySchema>;

/** Coalition admins (and site administrators) change any of these. */
export const coalitionPatchBodySchema = z
  .object(coalitionFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type CoalitionPatchBody = z.infer<typeof coalitionPatchBodySchema>;

export const coalitionListQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    /** Only coalitions I belong to (or asked to join). */
    mine: z.enum(['true', 'false']).optional(),
    cursor: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export type CoalitionListQuery = z.infer<typeof coalitionListQuerySchema>;

export const myMembershipSchema = z
  .object({ role: z.enum(coalitionRoles), status: z.enum(membershipStatuses) })
  .strict()
  .nullable();

export const coalitionSchema = z
  .object({
    id: objectIdSchema,
    name: z.string(),
    description: z.string(),
    community: z.string(),
    joinPolicy: joinPolicySchema,
    visibility: coalitionVisibilitySchema,
    memberCount: z.number().int(),
    createdAt: z.string(),
    /** The signed-in member's membership, if any. */
    myMembership: myMembershipSchema,
  })
  .strict();
export type Coalition = z.infer<typeof coalitionSchema>;

export const coalitionMemberSchema = z
  .object({ member: memberRefSchema, role: z.enum(coalitionRoles), since: z.string() })
  .strict();
export type CoalitionMember = z.infer<typeof coalitionMemberSchema>;

export const coalitionDetailResponseSchema = z
  .object({
    coalition: coalitionSchema,
    members: z.array(coalitionMemberSchema),
    /** Requests to join: only coalition admins see them (empty for everyone else). */
    requests: z.array(z.object({ member: memberRefSchema, requestedAt: z.string() }).strict()),
  })
  .strict();
export type CoalitionDetailResponse = z.infer<typeof coalitionDetailResponseSchema>;

export const coalitionResponseSchema = z.object({ coalition: coalitionSchema }).strict();
export const coalitionListResponseSchema = z
  .object({ coalitions: z.array(coalitionSchema), nextCursor: z.string().nullable() })
  .strict();

export const coalitionRequestDecisionSchema = z.object({ decision: z.enum(['approve', 'decline']) }).strict();
export type CoalitionRequestDecision = z.infer<typeof coalitionRequestDecisionSchema>;
