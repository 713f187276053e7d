import { z } from 'zod';
import { avatarRefField } from '../members/avatar.js';
import { objectIdSchema } from '../ids.js';

/** Limits of the forums, shared so the client can validate before sending. */
export const forumLimits = {
  titleMin: 3,
  titleMax: 200,
  bodyMax: 20_000,
  tagsMax: 5,
  /** Replies deeper than this attach to their ancestor at this depth (see DESIGN notes in forums/service). */
  maxDepth: 5,
  /** Posts in the first page of `GET /api/threads/:id`. */
  threadPageSize: 50,
  postsPageMax: 100,
  threadsPageMax: 50,
} as const;

export const reactionKinds = ['like', 'heart', 'insightful', 'thanks'] as const;
export const reactionKindSchema = z.enum(reactionKinds);
export type ReactionKind = z.infer<typeof reactionKindSchema>;

export const subscriptionLevels = ['watching', 'normal', 'muted'] as const;
export const subscriptionLevelSchema = z.enum(subscriptionLevels);
export type SubscriptionLevel = z.infer<typeof subscriptionLevelSchema>;

/** An opaque pagination cursor handed back by the server. */
export const cursorSchema = z.string().min(1).max(400);

const nonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim().length > 0, { message: 'must not be empty' });

const pageLimit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * Who wrote something, as lists show them. `handle` is what `@handle` mentions use; `avatar` the
 * base path of their picture when they uploaded one (members/avatar.ts).
 */
export const memberRefSchema = z
  .object({ id: objectIdSchema, displayName: z.string(), handle: z.string(), ...avatarRefField })
  .strict();
export type MemberRef = z.infer<typeof memberRefSchema>;

// ---------------------------------------------------------------- categories

export const categorySlugSchema = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');

export const categorySchema = z
  .object({
    id: objectIdSchema,
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    position: z.number().int(),
    archived: z.boolean(),
    /** Readable without an account while the site's public face is open (site-wide categories only). */
    public: z.boolean(),
    /** The coalition that owns it (its admins manage it); null: a site-wide category. */
    coalitionId: objectIdSchema.nullable(),
    threadCount: z.number().int(),
    /** Threads of this category with posts the signed-in member has not read. */
    unreadThreadCount: z.number().int(),
    /** The signed-in member's level for this category. */
    subscription: subscriptionLevelSchema,
  })
  .strict();
export type Category = z.infer<typeof categorySchema>;

export const categoryListQuerySchema = z
  .object({
    /** Admins only: also list archived categories. */
    includeArchived: z.enum(['true', 'false']).optional(),
    /** Only this coalition's categories (without it: site-wide ones and those of my coalitions). */
    coalitionId: objectIdSchema.optional(),
  })
  .strict();
export type CategoryListQuery = z.infer<typeof categoryListQuerySchema>;

export const categoryCreateBodySchema = z
  .object({
    name: z.string().trim().min(2).max(80),
    slug: categorySlugSchema.optional(),
    description: z.string().trim().max(500).default(''),
    position: z.number().int().min(0).max(10_000).optional(),
    /** Readable without an account (site-wide categories only). */
    public: z.boolean().optional(),
    /** A coalition's own category: created by that coalition's admins. */
    coalitionId: objectIdSchema.optional(),
  })
  .strict();
export type CategoryCreateBody = z.infer<typeof categoryCreateBodySchema>;

export const categoryPatchBodySchema = z
  .object({
    name: z.string().trim().min(2).max(80),
    description: z.string().trim().max(500),
    position: z.number().int().min(0).max(10_000),
    archived: z.boolean(),
    public: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type CategoryPatchBody = z.infer<typeof categoryPatchBodySchema>;

export const categoryListResponseSchema = z.object({ categories: z.array(categorySchema) }).strict();
export const categoryResponseSchema = z.object({ category: categorySchema }).strict();

// ---------------------------------------------------------------- threads

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(30)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'use letters, digits, spaces, hyphens or underscores');

export const threadTitleSchema = z.string().trim().min(forumLimits.titleMin).max(forumLimits.titleMax);
export const postBodySchema = nonBlank(forumLimits.bodyMax);

export const threadCreateBodySchema = z
  .object({
    categoryId: objectIdSchema,
    title: threadTitleSchema,
    body: postBodySchema,
    tags: z
      .array(tagSchema)
      .max(forumLimits.tagsMax)
      .transform((tags) => [...new Set(tags)])
      .optional(),
  })
  .strict();
export type ThreadCreateBody = z.infer<typeof threadCreateBodySchema>;

export const threadListQuerySchema = z
  .object({
    categoryId: objectIdSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimit(forumLimits.threadsPageMax, 20),
  })
  .strict();
export type ThreadListQuery = z.infer<typeof threadListQuerySchema>;

/** `title`: the thread's author or a moderator; the rest: moderators. */
export const threadPatchBodySchema = z
  .object({ title: threadTitleSchema, pinned: z.boolean(), locked: z.boolean(), categoryId: objectIdSchema })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type ThreadPatchBody = z.infer<typeof threadPatchBodySchema>;

/** A thread as everyone sees it (what live events carry). */
export const publicThreadSchema = z
  .object({
    id: objectIdSchema,
    categoryId: objectIdSchema,
    title: z.string(),
    tags: z.array(z.string()),
    author: memberRefSchema.nullable(),
    pinned: z.boolean(),
    locked: z.boolean(),
    /** Posts that are not deleted, the opening post included. */
    postCount: z.number().int(),
    /** The highest post sequence number handed out in this thread. */
    lastSeq: z.number().int(),
    lastPoster: memberRefSchema.nullable(),
    createdAt: z.string(),
    lastActivityAt: z.string(),
  })
  .strict();
export type PublicThread = z.infer<typeof publicThreadSchema>;

/** A thread with the signed-in member's own state. */
export const threadSummarySchema = publicThreadSchema
  .extend({
    lastReadSeq: z.number().int(),
    /** Posts after `lastReadSeq` (by sequence number, so a deleted one still counts). */
    unreadCount: z.number().int(),
    subscription: subscriptionLevelSchema,
  })
  .strict();
export type ThreadSummary = z.infer<typeof threadSummarySchema>;

export const threadListResponseSchema = z
  .object({ threads: z.array(threadSummarySchema), nextCursor: z.string().nullable() })
  .strict();
export const threadResponseSchema = z.object({ thread: threadSummarySchema }).strict();

// ---------------------------------------------------------------- posts

export const reactionCountsSchema = z
  .object({ like: z.number().int(), heart: z.number().int(), insightful: z.number().int(), thanks: z.number().int() })
  .strict();
export type ReactionCounts = z.infer<typeof reactionCountsSchema>;

/** A post as everyone sees it (what live events carry). */
export const publicPostSchema = z
  .object({
    id: objectIdSchema,
    threadId: objectIdSchema,
    /** Increasing per thread: clients that reconnect ask for everything after the last one seen. */
    seq: z.number().int(),
    /** The post this one hangs under in the tree (null for a top-level post). */
    parentId: objectIdSchema.nullable(),
    /** The post this one answers; differs from parentId when the tree was capped at maxDepth. */
    replyToId: objectIdSchema.nullable(),
    depth: z.number().int().min(0).max(forumLimits.maxDepth),
    /** Sorting posts by `path` (plain string order) gives the tree order. */
    path: z.string(),
    author: memberRefSchema.nullable(),
    /** The Markdown source ('' once deleted). */
    body: z.string(),
    /** Sanitized HTML rendered on the server, quote included; safe to insert. */
    bodyHtml: z.string(),
    deleted: z.boolean(),
    quotePostId: objectIdSchema.nullable(),
    mentionIds: z.array(objectIdSchema),
    reactions: reactionCountsSchema,
    revisionCount: z.number().int(),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
  })
  .strict();
export type PublicPost = z.infer<typeof publicPostSchema>;

/** A post with the signed-in member's own reactions and bookmark. */
export const postSchema = publicPostSchema
  .extend({ myReactions: z.array(reactionKindSchema), bookmarked: z.boolean() })
  .strict();
export type Post = z.infer<typeof postSchema>;

export const postCreateBodySchema = z
  .object({ body: postBodySchema, parentId: objectIdSchema.optional(), quotePostId: objectIdSchema.optional() })
  .strict();
export type PostCreateBody = z.infer<typeof postCreateBodySchema>;

export const postPatchBodySchema = z.object({ body: postBodySchema }).strict();

/** The composer's preview: the Markdown rendered and sanitized exactly as a post would be. */
export const postPreviewBodySchema = z.object({ body: postBodySchema }).strict();
export const postPreviewResponseSchema = z.object({ html: z.string() }).strict();
export type PostPatchBody = z.infer<typeof postPatchBodySchema>;

/**
 * `after`: posts with a greater sequence number, in sequence order (catching up after a
 * reconnect). Otherwise: the tree order, continued with `cursor`.
 */
export const postListQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimit(forumLimits.postsPageMax, forumLimits.threadPageSize),
  })
  .strict()
  .refine((q) => q.after === undefined || q.cursor === undefined, { message: 'use either after or cursor' });
export type PostListQuery = z.infer<typeof postListQuerySchema>;

export const postListResponseSchema = z
  .object({ posts: z.array(postSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .strict();

export const threadDetailResponseSchema = z
  .object({
    thread: threadSummarySchema,
    /** The first page of posts in tree order. */
    posts: z.array(postSchema),
    nextCursor: z.string().nullable(),
    /** The first post not yet read (not deleted), for "jump to first unread"; null when all is read. */
    firstUnreadSeq: z.number().int().nullable(),
  })
  .strict();

export const threadCreateResponseSchema = z.object({ thread: threadSummarySchema, post: postSchema }).strict();
export const postResponseSchema = z.object({ post: postSchema }).strict();

export const revisionSchema = z
  .object({ body: z.string(), editedAt: z.string(), editor: memberRefSchema.nullable() })
  .strict();
export type Revision = z.infer<typeof revisionSchema>;
export const revisionListResponseSchema = z.object({ revisions: z.array(revisionSchema) }).strict();

export const reactionResponseSchema = z
  .object({ postId: objectIdSchema, reactions: reactionCountsSchema, myReactions: z.array(reactionKindSchema) })
  .strict();

// ---------------------------------------------------------------- bookmarks, following, unread

export const bookmarkResponseSchema = z.object({ postId: objectIdSchema, bookmarked: z.boolean() }).strict();

export const bookmarkListQuerySchema = z.object({ cursor: cursorSchema.optional(), limit: pageLimit(50, 20) }).strict();
export type BookmarkListQuery = z.infer<typeof bookmarkListQuerySchema>;

export const threadRefSchema = z.object({ id: objectIdSchema, title: z.string(), categoryId: objectIdSchema }).strict();
export type ThreadRef = z.infer<typeof threadRefSchema>;

export const bookmarkSchema = z
  .object({ bookmarkedAt: z.string(), post: postSchema, thread: threadRefSchema })
  .strict();
export type Bookmark = z.infer<typeof bookmarkSchema>;

export const bookmarkListResponseSchema = z
  .object({ bookmarks: z.array(bookmarkSchema), nextCursor: z.string().nullable() })
  .strict();

export const subscriptionBodySchema = z.object({ level: subscriptionLevelSchema }).strict();
export type SubscriptionBody = z.infer<typeof subscriptionBodySchema>;
export const subscriptionResponseSchema = z.object({ level: subscriptionLevelSchema }).strict();

export const readBodySchema = z.object({ seq: z.number().int().min(0) }).strict();
export type ReadBody = z.infer<typeof readBodySchema>;
export const readResponseSchema = z.object({ lastReadSeq: z.number().int(), unreadCount: z.number().int() }).strict();

export const mentionQuerySchema = z.object({ q: z.string().trim().min(1).max(60) }).strict();
export const mentionListResponseSchema = z.object({ members: z.array(memberRefSchema) }).strict();
export const memberHandleResponseSchema = z.object({ member: memberRefSchema }).strict();

// ---------------------------------------------------------------- live (socket payloads)

export const threadRoomPayloadSchema = z.object({ threadId: objectIdSchema }).strict();
export type ThreadRoomPayload = z.infer<typeof threadRoomPayloadSchema>;
export const categoryRoomPayloadSchema = z.object({ categoryId: objectIdSchema }).strict();
export type CategoryRoomPayload = z.infer<typeof categoryRoomPayloadSchema>;
export const forumRoomPayloadSchema = z.object({}).strict();

export interface ThreadJoined {
  threadId: string;
  /** Ask `GET /api/threads/:id/posts?after=` for anything newer than what you have. */
  lastSeq: number;
}

export interface PostEvent {
  threadId: string;
  post: PublicPost;
}
export interface ReactionUpdatedEvent {
  threadId: string;
  postId: string;
  reactions: ReactionCounts;
}
export interface ThreadActivityEvent {
  threadId: string;
  categoryId: string;
  lastSeq: number;
  postCount: number;
  lastActivityAt: string;
  lastPoster: MemberRef | null;
}
export interface ThreadTypingEvent {
  threadId: string;
  member: { id: string; displayName: string };
}
export interface ThreadReadEvent {
  threadId: string;
  lastReadSeq: number;
}

// ---------------------------------------------------------------- search

/**
 * What one search box covers. `all` (the default) gives the first matches of each kind, posts
 * included; a single type pages through that kind.
 */
export const searchTypes = ['all', 'posts', 'threads', 'resources', 'stories', 'events', 'members'] as const;
export type SearchType = (typeof searchTypes)[number];
export const searchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(200),
    type: z.enum(searchTypes).default('all'),
    cursor: cursorSchema.optional(),
    limit: pageLimit(50, 20),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchHitSchema = z
  .object({
    type: z.enum(['thread', 'post']),
    threadId: objectIdSchema,
    categoryId: objectIdSchema,
    threadTitle: z.string(),
    /** The title, escaped, with matched words in <mark>. */
    titleHtml: z.string(),
    /** For posts; null for threads. */
    postId: objectIdSchema.nullable(),
    seq: z.number().int().nullable(),
    author: memberRefSchema.nullable(),
    /** A short excerpt, escaped, with matched words in <mark>. */
    snippetHtml: z.string(),
    createdAt: z.string(),
    lastActivityAt: z.string(),
  })
  .strict();
export type SearchHit = z.infer<typeof searchHitSchema>;

/** A match outside the forums (a resource, story, event or member), linking to its page. */
export const searchItemSchema = z
  .object({
    type: z.enum(['resource', 'story', 'event', 'member']),
    id: objectIdSchema,
    title: z.string(),
    /** The client page it opens. */
    path: z.string(),
    /** A line of plain text about it (a summary, an excerpt, an organisation). */
    detail: z.string(),
    /** When it was published, or when the event starts. */
    at: z.string().nullable(),
  })
  .strict();
export type SearchItem = z.infer<typeof searchItemSchema>;

export const searchResponseSchema = z
  .object({
    /** Threads and posts (of the forums). */
    results: z.array(searchHitSchema),
    /** Resources, stories, events and members, each through its own domain's read rule. */
    items: z.array(searchItemSchema),
    nextCursor: z.string().nullable(),
    /** The normalized terms searched for (the last one as a prefix). */
    terms: z.array(z.string()),
  })
  .strict();
