import type { DirectoryQuery, DirectoryResponse, FollowState, MemberActivityResponse } from '@commons/shared';
import mongoose, { isValidObjectId, Types } from 'mongoose';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../forums/cursor.js';
import { hiddenCategoryIds } from '../forums/coalition-visibility.js';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import type { Actor } from '../forums/policy.js';
import { canSeePost } from '../forums/visibility.js';
import { AppError } from '../http/errors.js';
import type { LibraryService } from '../library/service.js';
import type { StoryService } from '../stories/service.js';
import { MemberModel, type MemberDoc } from '../members/model.js';
import { toMember } from '../members/present.js';
import { escapeRegex, fold } from '../search/terms.js';
import { FollowModel } from './model.js';

const { trusted } = mongoose;

const cursorSchema = z.object({ n: z.string(), i: z.string().regex(/^[0-9a-f]{24}$/) }).strict();

const exactly = (value: string) => new RegExp(`^${escapeRegex(value.trim())}$`, 'i');

/** The member directory and following. */
export function createDirectoryService({ library, stories }: { library: LibraryService; stories: StoryService }) {
  async function findMember(id: string): Promise<MemberDoc> {
    const member = isValidObjectId(id) ? ((await MemberModel.findById(id)) as MemberDoc | null) : null;
    if (!member) throw new AppError('not_found', 'No member with this id.');
    return member;
  }

  async function followState(actor: Actor, memberId: string): Promise<FollowState> {
    const id = new Types.ObjectId(memberId);
    const [following, followerCount, followingCount] = await Promise.all([
      FollowModel.exists({ followerId: new Types.ObjectId(actor.id), followeeId: id }),
      FollowModel.countDocuments({ followeeId: id }),
      FollowModel.countDocuments({ followerId: id }),
    ]);
    return { following: Boolean(following), followerCount, followingCount };
  }

  return {
    async list(actor: Actor, query: DirectoryQuery): Promise<DirectoryResponse> {
      const and: Array<Record<string, unknown>> = [];
      if (query.communityRole) and.push({ communityRole: query.communityRole });
      if (query.community) and.push({ community: exactly(query.community) });
      if (query.organisation) and.push({ organisation: exactly(query.organisation) });
      if (query.interest) and.push({ interests: exactly(query.interest) });
      for (const word of fold(query.q ?? '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .slice(0, 5)) {
        const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(word)}`, 'iu');
        and.push({ $or: [{ displayName: re }, { organisation: re }, { community: re }] });
      }
      if (query.cursor) {
        const c = decodeCursor(cursorSchema, query.cursor);
        and.push({
          $or: [
            { displayName: trusted({ $gt: c.n }) },
            { displayName: c.n, _id: trusted({ $gt: new Types.ObjectId(c.i) }) },
          ],
        });
      }
      const docs = (await MemberModel.find(and.length ? { $and: and } : {})
        .sort({ displayName: 1, _id: 1 })
        .limit(query.limit + 1)) as MemberDoc[];
      const page = docs.slice(0, query.limit);
      const follows = await FollowModel.find({
        followerId: new Types.ObjectId(actor.id),
        followeeId: trusted({ $in: page.map((m) => m._id) }),
      }).lean();
      const followed = new Set(follows.map((f) => f.followeeId.toHexString()));
      const last = page.at(-1);
      return {
        members: page.map((m) => ({ ...toMember(m), following: followed.has(m._id.toHexString()) })),
        nextCursor:
          docs.length > query.limit && last ? encodeCursor({ n: last.displayName, i: last._id.toHexString() }) : null,
      };
    },

    followState,

    async follow(actor: Actor, memberId: string, on: boolean): Promise<FollowState> {
      const member = await findMember(memberId);
      if (member._id.toHexString() === actor.id) throw new AppError('conflict', 'You cannot follow yourself.');
      const key = { followerId: new Types.ObjectId(actor.id), followeeId: member._id };
      if (on) await FollowModel.updateOne(key, { $setOnInsert: key }, { upsert: true });
      else await FollowModel.deleteOne(key);
      return followState(actor, memberId);
    },

    /** Ids of the members the actor follows. */
    async followeeIds(actor: Actor): Promise<string[]> {
      const rows = await FollowModel.find({ followerId: new Types.ObjectId(actor.id) }, { followeeId: 1 })
        .limit(500)
        .lean();
      return rows.map((r) => r.followeeId.toHexString());
    },

    /** A profile's threads (visible ones, outside archived categories), resources and follow state. */
    async activity(actor: Actor, memberId: string): Promise<MemberActivityResponse> {
      const member = await findMember(memberId);
      const archived = [
        ...(await CategoryModel.find({ archived: true }, { _id: 1 }).lean()).map((c) => c._id),
        ...(await hiddenCategoryIds(actor)),
      ];
      const threads = await ThreadModel.find({
        authorId: member._id,
        ...(archived.length ? { categoryId: trusted({ $nin: archived }) } : {}),
      })
        .sort({ createdAt: -1 })
        .limit(20)
        .lean();
      const firstPosts = await PostModel.find(
        { _id: trusted({ $in: threads.flatMap((t) => (t.firstPostId ? [t.firstPostId] : [])) }) },
        { status: 1, authorId: 1, deleted: 1 },
      ).lean();
      const visible = new Set(
        firstPosts.filter((p) => !p.deleted && canSeePost(actor, p)).map((p) => p._id.toHexString()),
      );
      const { resources } = await library.list(actor, {
        q: '',
        scope: 'library',
        submittedBy: memberId,
        sort: 'newest',
        limit: 10,
      });
      return {
        threads: threads
          .filter((t) => t.firstPostId && visible.has(t.firstPostId.toHexString()))
          .slice(0, 10)
          .map((t) => ({
            id: t._id.toHexString(),
            title: t.title,
            postCount: t.postCount,
            createdAt: t.createdAt.toISOString(),
          })),
        resources,
        stories: await stories.byAuthors([memberId], 10),
        follow: await followState(actor, memberId),
      };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
