import { z } from 'zod';
import { memberRefSchema } from '../forums/schemas.js';
import { objectIdSchema } from '../ids.js';

/** Limits of the resource library, shared so the client can check before sending. */
export const libraryLimits = {
  titleMin: 3,
  titleMax: 200,
  summaryMax: 2000,
  organisationMax: 120,
  /** Uploaded PDFs and images, in bytes. */
  uploadMaxBytes: 20 * 1024 * 1024,
  /** CSV imports, in bytes, and rows per import. */
  importMaxBytes: 2 * 1024 * 1024,
  importMaxRows: 1000,
  pageMax: 50,
} as const;

/** The managed list of topics (the forums' category slugs where one exists). */
export const resourceTopics = [
  'equity-tools',
  'coalition-structure-governance',
  'community-engagement-leadership',
  'data-storytelling',
  'sustainability',
  'trauma-informed-practice',
  'early-childhood',
  'health',
  'education',
] as const;
export const resourceTopicSchema = z.enum(resourceTopics);
export type ResourceTopic = z.infer<typeof resourceTopicSchema>;

export const resourceAudiences = [
  'residents',
  'parents',
  'providers',
  'educators',
  'advocates',
  'coalition_leaders',
  'funders',
  'policymakers',
  'researchers',
] as const;
export const resourceAudienceSchema = z.enum(resourceAudiences);
export type ResourceAudience = z.infer<typeof resourceAudienceSchema>;

export const resourceLanguages = ['en', 'es', 'fr', 'pt', 'zh', 'vi', 'ht', 'ar', 'other'] as const;
export const resourceLanguageSchema = z.enum(resourceLanguages);
export type ResourceLanguage = z.infer<typeof resourceLanguageSchema>;

/** What a resource is, by its content: a web link, an uploaded PDF or an uploaded image. */
export const resourceTypes = ['link', 'pdf', 'image'] as const;
export const resourceTypeSchema = z.enum(resourceTypes);
export type ResourceType = z.infer<typeof resourceTypeSchema>;

export const resourceStatuses = ['pending', 'approved', 'rejected'] as const;
export const resourceStatusSchema = z.enum(resourceStatuses);
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;

export const resourceSorts = ['newest', 'saved', 'useful'] as const;
export const resourceSortSchema = z.enum(resourceSorts);
export type ResourceSort = z.infer<typeof resourceSortSchema>;

/** Whose resources a list shows: the public library, my saved ones, my submissions, or the review queue. */
export const resourceScopes = ['library', 'saved', 'mine', 'review'] as const;
export const resourceScopeSchema = z.enum(resourceScopes);
export type ResourceScope = z.infer<typeof resourceScopeSchema>;

// ---------------------------------------------------------------- uploads

export const uploadKinds = ['pdf', 'image'] as const;
export const uploadKindSchema = z.enum(uploadKinds);
export type UploadKind = z.infer<typeof uploadKindSchema>;

export const uploadSchema = z
  .object({
    id: objectIdSchema,
    name: z.string(),
    mime: z.string(),
    kind: uploadKindSchema,
    size: z.number().int(),
    /** Where the file is served (members only). */
    url: z.string(),
  })
  .strict();
export type Upload = z.infer<typeof uploadSchema>;
export const uploadResponseSchema = z.object({ upload: uploadSchema }).strict();

// ---------------------------------------------------------------- resources

const httpUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { message: 'must be a web address starting with https:// or http://' },
  );

const uniqueList = <T extends z.ZodType>(item: T, min: number, max: number) =>
  z
    .array(item)
    .min(min)
    .max(max)
    .transform((xs) => [...new Set(xs)] as Array<z.infer<T>>);

const resourceFields = {
  title: z.string().trim().min(libraryLimits.titleMin).max(libraryLimits.titleMax),
  summary: z.string().trim().min(1).max(libraryLimits.summaryMax),
  url: httpUrlSchema.optional(),
  topics: uniqueList(resourceTopicSchema, 1, resourceTopics.length),
  audiences: uniqueList(resourceAudienceSchema, 1, resourceAudiences.length),
  language: resourceLanguageSchema,
  organisation: z.string().trim().max(libraryLimits.organisationMax).default(''),
};

const linkOrFile = (b: { url?: string | undefined; fileId?: string | undefined }) =>
  b.url !== undefined || b.fileId !== undefined;
const linkOrFileIssue = { message: 'give a link, a file, or both', path: ['url'] };

export const resourceCreateBodySchema = z
  .object({ ...resourceFields, fileId: objectIdSchema.optional() })
  .strict()
  .refine(linkOrFile, linkOrFileIssue);
export type ResourceCreateBody = z.infer<typeof resourceCreateBodySchema>;

/**
 * The submitter (or a moderator) edits a resource; its file stays. `url: null` removes the link
 * (allowed when the resource has a file). A submitter's edit of an approved or rejected resource
 * sends it back to review; a moderator's edit does not.
 */
export const resourcePatchBodySchema = z
  .object({
    ...resourceFields,
    organisation: z.string().trim().max(libraryLimits.organisationMax),
    url: httpUrlSchema.nullable(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type ResourcePatchBody = z.infer<typeof resourcePatchBodySchema>;

/** One row of a CSV import (no files: links only). */
export const resourceImportRowSchema = z.object({ ...resourceFields, url: httpUrlSchema }).strict();
export type ResourceImportRow = z.infer<typeof resourceImportRowSchema>;

export const resourceReviewBodySchema = z
  .object({ decision: z.enum(['approve', 'reject']), note: z.string().trim().max(1000).default('') })
  .strict();
export type ResourceReviewBody = z.infer<typeof resourceReviewBodySchema>;

const csvList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(item).max(20));

export const resourceListQuerySchema = z
  .object({
    q: z.string().trim().max(200).default(''),
    scope: resourceScopeSchema.default('library'),
    /** Comma-separated values; a resource matches when it has any of them. */
    topic: csvList(resourceTopicSchema).optional(),
    audience: csvList(resourceAudienceSchema).optional(),
    language: csvList(resourceLanguageSchema).optional(),
    type: csvList(resourceTypeSchema).optional(),
    submittedBy: objectIdSchema.optional(),
    sort: resourceSortSchema.default('newest'),
    cursor: z.string().min(1).max(400).optional(),
    limit: z.coerce.number().int().min(1).max(libraryLimits.pageMax).default(20),
  })
  .strict();
export type ResourceListQuery = z.infer<typeof resourceListQuerySchema>;

export const resourceFileSchema = z
  .object({ id: objectIdSchema, name: z.string(), mime: z.string(), size: z.number().int(), url: z.string() })
  .strict();

export const resourceSchema = z
  .object({
    id: objectIdSchema,
    title: z.string(),
    summary: z.string(),
    url: z.string().nullable(),
    file: resourceFileSchema.nullable(),
    type: resourceTypeSchema,
    topics: z.array(resourceTopicSchema),
    audiences: z.array(resourceAudienceSchema),
    language: resourceLanguageSchema,
    organisation: z.string(),
    status: resourceStatusSchema,
    submittedBy: memberRefSchema.nullable(),
    /** The moderator's note on a decision (only the submitter and moderators see it). */
    reviewNote: z.string().nullable(),
    threadId: objectIdSchema.nullable(),
    featured: z.boolean(),
    saveCount: z.number().int(),
    usefulCount: z.number().int(),
    /** The signed-in member's own marks. */
    saved: z.boolean(),
    markedUseful: z.boolean(),
    createdAt: z.string(),
    approvedAt: z.string().nullable(),
  })
  .strict();
export type Resource = z.infer<typeof resourceSchema>;

export const facetCountSchema = z.object({ value: z.string(), count: z.number().int() }).strict();
export type FacetCount = z.infer<typeof facetCountSchema>;

export const resourceFacetsSchema = z
  .object({
    topic: z.array(facetCountSchema),
    audience: z.array(facetCountSchema),
    language: z.array(facetCountSchema),
    type: z.array(facetCountSchema),
  })
  .strict();
export type ResourceFacets = z.infer<typeof resourceFacetsSchema>;

export const resourceListResponseSchema = z
  .object({
    resources: z.array(resourceSchema),
    /** Per facet, how many resources match the other filters and each value. */
    facets: resourceFacetsSchema,
    total: z.number().int(),
    nextCursor: z.string().nullable(),
  })
  .strict();
export type ResourceListResponse = z.infer<typeof resourceListResponseSchema>;

export const resourceResponseSchema = z.object({ resource: resourceSchema }).strict();

export const resourceFeatureBodySchema = z.object({ featured: z.boolean() }).strict();

export const importRowErrorSchema = z
  .object({ row: z.number().int(), fieldErrors: z.record(z.string(), z.array(z.string())) })
  .strict();
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

export const resourceImportResponseSchema = z.object({ batchId: z.string(), imported: z.number().int() }).strict();
export type ResourceImportResponse = z.infer<typeof resourceImportResponseSchema>;
