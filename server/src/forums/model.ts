import {
  postStatuses,
  reactionKinds,
  subscriptionLevels,
  type PostStatus,
  type ReactionKind,
  type SubscriptionLevel,
} from '@commons/shared';
import mongoose, { Schema, type HydratedDocument, type Types } from 'mongoose';

/*
 * The forums' collections. The store may be FerretDB 1.24, so: no $lookup (related documents
 * are loaded with separate `$in` queries), no transactions (each write is one atomic
 * single-document update; counters use $inc), no text index (see search/terms.ts).
 */

// ---------------------------------------------------------------- categories

export interface CategoryFields {
  slug: string;
  name: string;
  description: string;
  position: number;
  archived: boolean;
  /**
   * Readable by visitors without an account while the site's public face is open (site-wide
   * categories only: a coalition's category never is; forums/read-rule.ts).
   */
  public: boolean;
  /** A coalition's own category (see coalitions/access.ts for who sees it); null: site-wide. */
  coalitionId: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const categorySchema = new Schema<CategoryFields>(
  {
    slug: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    position: { type: Number, default: 0 },
    archived: { type: Boolean, default: false },
    public: { type: Boolean, default: false },
    coalitionId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
categorySchema.index({ slug: 1 }, { unique: true });
categorySchema.index({ coalitionId: 1 });
categorySchema.index({ archived: 1, position: 1 });

export const CategoryModel = mongoose.model<CategoryFields>('ForumCategory', categorySchema, 'forum_categories');
export type CategoryDoc = HydratedDocument<CategoryFields> & { _id: Types.ObjectId };

// ---------------------------------------------------------------- threads

export interface ThreadFields {
  categoryId: Types.ObjectId;
  title: string;
  tags: string[];
  authorId: Types.ObjectId;
  pinned: boolean;
  locked: boolean;
  /** Posts not deleted, opening post included. */
  postCount: number;
  /** The last sequence number handed out; the next post takes lastSeq + 1 (atomic $inc). */
  lastSeq: number;
  firstPostId: Types.ObjectId | null;
  lastPosterId: Types.ObjectId | null;
  lastActivityAt: Date;
  /** Search terms of the title alone (ranking: title hits first). */
  titleTerms: string[];
  /** Search terms of the title and the opening post. */
  terms: string[];
  /**
   * Moderation, kept by `thread-visibility.ts`: the opening post is held or hidden (the thread is
   * listed only for its author and moderators), and the sequence numbers of every held or hidden
   * post (left out of other members' unread counts).
   */
  hidden: boolean;
  restrictedSeqs: number[];
  /** The last write of the counts from the thread's tally (tallies.ts): tells a writer that died whether it landed. */
  tallyMark?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const threadSchema = new Schema<ThreadFields>(
  {
    categoryId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    tags: { type: [String], default: [] },
    authorId: { type: Schema.Types.ObjectId, required: true },
    pinned: { type: Boolean, default: false },
    locked: { type: Boolean, default: false },
    postCount: { type: Number, default: 0 },
    lastSeq: { type: Number, default: 0 },
    tallyMark: { type: String, default: null },
    firstPostId: { type: Schema.Types.ObjectId, default: null },
    lastPosterId: { type: Schema.Types.ObjectId, default: null },
    lastActivityAt: { type: Date, required: true },
    titleTerms: { type: [String], default: [] },
    terms: { type: [String], default: [] },
    hidden: { type: Boolean, default: false },
    restrictedSeqs: { type: [Number], default: [] },
    createdAt: { type: Date, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
// Lists: pinned first, then latest activity; _id breaks ties for the cursor.
threadSchema.index({ categoryId: 1, pinned: -1, lastActivityAt: -1, _id: -1 });
threadSchema.index({ pinned: -1, lastActivityAt: -1, _id: -1 });
threadSchema.index({ terms: 1 });

export const ThreadModel = mongoose.model<ThreadFields>('ForumThread', threadSchema, 'forum_threads');
export type ThreadDoc = HydratedDocument<ThreadFields> & { _id: Types.ObjectId };

// ---------------------------------------------------------------- posts

export interface RevisionFields {
  body: string;
  editedAt: Date;
  editorId: Types.ObjectId;
}

export interface QuoteFields {
  postId: Types.ObjectId;
  seq: number;
  authorId: Types.ObjectId;
  authorName: string;
  /** The quoted post's own HTML (sanitized) when the quote was made. */
  html: string;
  /** The quoted post is held or hidden now: the quote is not shown (forums/quotes.ts). */
  withheld?: boolean;
}

export type ReactionCountFields = Record<ReactionKind, number>;

export interface PostFields {
  threadId: Types.ObjectId;
  /** Denormalized from the thread (updated on a move) so search can skip archived categories. */
  categoryId: Types.ObjectId;
  seq: number;
  parentId: Types.ObjectId | null;
  replyToId: Types.ObjectId | null;
  depth: number;
  /** Zero-padded sequence numbers from the root down, joined by '.'; string order = tree order. */
  path: string;
  authorId: Types.ObjectId;
  body: string;
  /** The post's own rendered HTML (sanitized), without the quote. */
  html: string;
  quote: QuoteFields | null;
  mentionIds: Types.ObjectId[];
  deleted: boolean;
  /** Moderation: held and hidden posts are seen only by their author and moderators. */
  status: PostStatus;
  deletedAt: Date | null;
  deletedById: Types.ObjectId | null;
  editedAt: Date | null;
  revisions: RevisionFields[];
  reactions: ReactionCountFields;
  terms: string[];
  createdAt: Date;
  updatedAt: Date;
}

const revisionSchema = new Schema<RevisionFields>(
  {
    body: { type: String, required: true },
    editedAt: { type: Date, required: true },
    editorId: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
);
const quoteSchema = new Schema<QuoteFields>(
  {
    postId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    html: { type: String, required: true },
    withheld: { type: Boolean, default: false },
  },
  { _id: false },
);
const reactionCountSchema = new Schema<ReactionCountFields>(
  Object.fromEntries(reactionKinds.map((k) => [k, { type: Number, default: 0 }])) as Record<
    ReactionKind,
    { type: NumberConstructor; default: number }
  >,
  { _id: false },
);

const postSchema = new Schema<PostFields>(
  {
    threadId: { type: Schema.Types.ObjectId, required: true },
    categoryId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    replyToId: { type: Schema.Types.ObjectId, default: null },
    depth: { type: Number, required: true },
    path: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, default: '' },
    html: { type: String, default: '' },
    quote: { type: quoteSchema, default: null },
    mentionIds: { type: [Schema.Types.ObjectId], default: [] },
    deleted: { type: Boolean, default: false },
    status: { type: String, enum: postStatuses, default: 'visible' },
    deletedAt: { type: Date, default: null },
    deletedById: { type: Schema.Types.ObjectId, default: null },
    editedAt: { type: Date, default: null },
    revisions: { type: [revisionSchema], default: [] },
    reactions: { type: reactionCountSchema, default: () => ({}) },
    terms: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
postSchema.index({ threadId: 1, seq: 1 }, { unique: true });
postSchema.index({ threadId: 1, path: 1 });
postSchema.index({ terms: 1 });
postSchema.index({ authorId: 1, createdAt: -1 });

export const PostModel = mongoose.model<PostFields>('ForumPost', postSchema, 'forum_posts');
export type PostDoc = HydratedDocument<PostFields> & { _id: Types.ObjectId };

// ---------------------------------------------------------------- reactions and bookmarks

export interface ReactionFields {
  postId: Types.ObjectId;
  threadId: Types.ObjectId;
  memberId: Types.ObjectId;
  kind: ReactionKind;
  createdAt: Date;
}
const reactionSchema = new Schema<ReactionFields>({
  postId: { type: Schema.Types.ObjectId, required: true },
  threadId: { type: Schema.Types.ObjectId, required: true },
  memberId: { type: Schema.Types.ObjectId, required: true },
  kind: { type: String, enum: reactionKinds, required: true },
  createdAt: { type: Date, required: true },
});
reactionSchema.index({ postId: 1, memberId: 1, kind: 1 }, { unique: true });
reactionSchema.index({ memberId: 1, postId: 1 });
// A member's reactions in one thread (their overlay of its page, thread-page.ts).
reactionSchema.index({ memberId: 1, threadId: 1 });
export const ReactionModel = mongoose.model<ReactionFields>('ForumReaction', reactionSchema, 'forum_reactions');

export interface BookmarkFields {
  memberId: Types.ObjectId;
  postId: Types.ObjectId;
  threadId: Types.ObjectId;
  createdAt: Date;
}
const bookmarkSchema = new Schema<BookmarkFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  postId: { type: Schema.Types.ObjectId, required: true },
  threadId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
});
bookmarkSchema.index({ memberId: 1, postId: 1 }, { unique: true });
bookmarkSchema.index({ memberId: 1, createdAt: -1, _id: -1 });
bookmarkSchema.index({ memberId: 1, threadId: 1 });
export const BookmarkModel = mongoose.model<BookmarkFields>('ForumBookmark', bookmarkSchema, 'forum_bookmarks');

// ---------------------------------------------------------------- following and unread

/** One member's state in one thread: how closely they follow it and how far they have read. */
export interface ThreadStateFields {
  memberId: Types.ObjectId;
  threadId: Types.ObjectId;
  /** null: follow the category's level. */
  level: SubscriptionLevel | null;
  lastReadSeq: number;
  updatedAt: Date;
}
const threadStateSchema = new Schema<ThreadStateFields>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    threadId: { type: Schema.Types.ObjectId, required: true },
    level: { type: String, enum: [...subscriptionLevels, null], default: null },
    lastReadSeq: { type: Number, default: 0 },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
threadStateSchema.index({ memberId: 1, threadId: 1 }, { unique: true });
threadStateSchema.index({ threadId: 1, level: 1 });
export const ThreadStateModel = mongoose.model<ThreadStateFields>(
  'ForumThreadState',
  threadStateSchema,
  'forum_thread_states',
);

export interface CategorySubscriptionFields {
  memberId: Types.ObjectId;
  categoryId: Types.ObjectId;
  level: SubscriptionLevel;
  updatedAt: Date;
}
const categorySubscriptionSchema = new Schema<CategorySubscriptionFields>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    categoryId: { type: Schema.Types.ObjectId, required: true },
    level: { type: String, enum: subscriptionLevels, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
categorySubscriptionSchema.index({ memberId: 1, categoryId: 1 }, { unique: true });
categorySubscriptionSchema.index({ categoryId: 1, level: 1 });
export const CategorySubscriptionModel = mongoose.model<CategorySubscriptionFields>(
  'ForumCategorySubscription',
  categorySubscriptionSchema,
  'forum_category_subscriptions',
);

// ---------------------------------------------------------------- mention handles

/**
 * `@handle` of each member for mentions: a slug of the display name ("Ana López" -> "ana-lopez",
 * "-2", "-3"... on a clash). Kept by the forums (listeners on member.registered/updated and a
 * backfill at start-up), so the members collection stays as it is.
 */
export interface MemberHandleFields {
  memberId: Types.ObjectId;
  handle: string;
  displayName: string;
}
const memberHandleSchema = new Schema<MemberHandleFields>({
  memberId: { type: Schema.Types.ObjectId, required: true },
  handle: { type: String, required: true },
  displayName: { type: String, required: true },
});
memberHandleSchema.index({ memberId: 1 }, { unique: true });
memberHandleSchema.index({ handle: 1 }, { unique: true });
export const MemberHandleModel = mongoose.model<MemberHandleFields>(
  'ForumMemberHandle',
  memberHandleSchema,
  'forum_member_handles',
);
