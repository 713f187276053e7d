import { z } from 'zod';
import { cursorSchema, memberRefSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';
import { resourceTopicSchema, resourceTopics } from './library.js';

export const storyLimits = { titleMin: 3, titleMax: 200, bodyMax: 20_000, communityMax: 120, pageMax: 50 } as const;

const storyFields = {
  title: z.string().trim().min(storyLimits.titleMin).max(storyLimits.titleMax),
  /** Markdown; images as `![description](/api/uploads/<id>)` of the member's own uploads. */
  body: z
    .string()
    .max(storyLimits.bodyMax)
    .refine((s) => s.trim().length > 0, { message: 'must not be empty' }),
  /** The community or place the story comes from. */
  community: z.string().trim().min(2).max(storyLimits.communityMax),
  topics: z
    .array(resourceTopicSchema)
    .min(1)
    .max(resourceTopics.length)
    .transform((xs) => [...new Set(xs)]),
};

export const storyCreateBodySchema = z.object(storyFields).strict();
export type StoryCreateBody = z.infer<typeof storyCreateBodySchema>;

/** Its author (or an administrator) edits a story. */
export const storyPatchBodySchema = z
  .object(storyFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type StoryPatchBody = z.infer<typeof storyPatchBodySchema>;

export const storyListQuerySchema = z
  .object({
    /** Words of the title or text (all of them; the last as a prefix). */
    q: z.string().trim().min(1).max(200).optional(),
    topic: resourceTopicSchema.optional(),
    /** Exact match, letter case aside. */
    community: z.string().trim().min(1).max(storyLimits.communityMax).optional(),
    featured: z.enum(['true', 'false']).optional(),
    authorId: objectIdSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(storyLimits.pageMax).default(20),
  })
  .strict();
export type StoryListQuery = z.infer<typeof storyListQuerySchema>;

export const storySummarySchema = z
  .object({
    id: objectIdSchema,
    title: z.string(),
    /** The first words of the story, as plain text. */
    excerpt: z.string(),
    community: z.string(),
    topics: z.array(resourceTopicSchema),
    author: memberRefSchema.nullable(),
    featured: z.boolean(),
    threadId: objectIdSchema.nullable(),
    createdAt: z.string(),
  })
  .strict();
export type StorySummary = z.infer<typeof storySummarySchema>;

export const storySchema = storySummarySchema
  .extend({
    body: z.string(),
    /** Sanitized HTML rendered on the server; images only from our own uploads. Safe to insert. */
    bodyHtml: z.string(),
  })
  .strict();
export type Story = z.infer<typeof storySchema>;

export const storyResponseSchema = z.object({ story: storySchema }).strict();
export const storyListResponseSchema = z
  .object({ stories: z.array(storySummarySchema), nextCursor: z.string().nullable() })
  .strict();
export const storyFeatureBodySchema = z.object({ featured: z.boolean() }).strict();
