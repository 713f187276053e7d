import { Types } from 'mongoose';
import { exportValue, type ExportSection, type ForgetOptions } from '../members/member-data.js';
import { forgetMemberRef } from './mentions.js';
import {
  BookmarkModel,
  CategorySubscriptionModel,
  MemberHandleModel,
  PostModel,
  ReactionModel,
  ThreadStateModel,
} from './model.js';
import { forumPagesChanged } from './page-model.js';
import { quotesForgetAuthor } from './quotes.js';
import { watchesOfMember } from './watchers.js';

/**
 * A deleted account's forum data: bookmarks, reading marks, follows, reactions and the
 * `@handle` go. Posts stay under "former member" unless the member asked to delete them too;
 * `deletePost` (the same path as a member deleting one post) then removes each from threads,
 * counts and search, and earlier versions are dropped.
 */
export async function forgetForumMember(
  memberId: string,
  opts: ForgetOptions,
  deletePost: (postId: string) => Promise<void>,
): Promise<void> {
  const id = new Types.ObjectId(memberId);
  if (opts.deleteContent) {
    const posts = await PostModel.find({ authorId: id, deleted: false }, { _id: 1 }).lean();
    for (const p of posts) await deletePost(p._id.toHexString());
    await PostModel.updateMany({ authorId: id }, { $set: { revisions: [] } });
  }
  const watchesGone = await watchesOfMember(id);
  await Promise.all([
    BookmarkModel.deleteMany({ memberId: id }),
    ThreadStateModel.deleteMany({ memberId: id }),
    CategorySubscriptionModel.deleteMany({ memberId: id }),
    ReactionModel.deleteMany({ memberId: id }),
    MemberHandleModel.deleteMany({ memberId: id }),
  ]);
  await Promise.all([quotesForgetAuthor(memberId), watchesGone()]);
  // Their reactions, marks and name in quotes are gone from every page.
  await forumPagesChanged({ required: true });
  forgetMemberRef(memberId);
}

/** The member's posts (with their text), reactions, bookmarks and what they follow. */
export async function exportForumMember(memberId: string): Promise<ExportSection> {
  const id = new Types.ObjectId(memberId);
  const [posts, reactions, bookmarks, threads, categories] = await Promise.all([
    PostModel.find(
      { authorId: id },
      { threadId: 1, parentId: 1, body: 1, createdAt: 1, editedAt: 1, deleted: 1 },
    ).lean(),
    ReactionModel.find({ memberId: id }).lean(),
    BookmarkModel.find({ memberId: id }).lean(),
    ThreadStateModel.find({ memberId: id }).lean(),
    CategorySubscriptionModel.find({ memberId: id }).lean(),
  ]);
  return {
    posts: posts.map((p) => ({
      id: p._id.toHexString(),
      threadId: p.threadId.toHexString(),
      body: p.body,
      deleted: p.deleted,
      createdAt: exportValue.iso(p.createdAt),
    })),
    reactions: reactions.map((r) => ({
      postId: r.postId.toHexString(),
      kind: r.kind,
      at: exportValue.iso(r.createdAt),
    })),
    bookmarks: bookmarks.map((b) => ({ postId: b.postId.toHexString(), at: exportValue.iso(b.createdAt) })),
    threadSettings: threads.map((t) => ({
      threadId: t.threadId.toHexString(),
      level: t.level,
      lastReadSeq: t.lastReadSeq,
    })),
    categorySettings: categories.map((c) => ({ categoryId: c.categoryId.toHexString(), level: c.level })),
  };
}
