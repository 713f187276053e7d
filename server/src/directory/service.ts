import type { DirectoryQuery, DirectoryResponse, FollowState, Member, MemberActivityResponse } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import type { Actor } from '../members/actor.js';
import { readableThreadsStartedBy } from '../forums/read-rule.js';
import { AppError } from '../http/errors.js';
import type { LibraryService } from '../library/service.js';
import type { StoryService } from '../stories/service.js';
import { listedMembersPage, memberById, type MemberRow } from '../members/reads.js';
import { profilesFor } from '../members/privacy.js';
import { escapeRegex, fold } from '../search/terms.js';
import { FollowModel } from './model.js';
import { exportDirectoryMember, forgetDirectoryMember } from './member-data.js';

const { trusted } = mongoose;

const cursorSchema = z.object({ n: cursorField.text(), i: cursorField.id() }).strict();

const exactly = (value: string) => new RegExp(`^${escapeRegex(value.trim())}$`, 'i');

/** Words at the start of a word of the name, organisation or community (up to five). */
function searchWords(q: string): RegExp[] {
  return fold(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 5)
    .map((word) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(word)}`, 'iu'));
}

/** The query again, on the profile as the viewer sees it (hidden fields are empty). */
function stillMatches(m: Member, query: DirectoryQuery, words: RegExp[]): boolean {
  if (query.communityRole && m.communityRole !== query.communityRole) return false;
  if (query.community && !exactly(query.community).test(m.community)) return false;
  if (query.organisation && !exactly(query.organisation).test(m.organisation)) return false;
  const interest = query.interest;
  if (interest && !m.interests.some((i) => exactly(interest).test(i))) return false;
  return words.every((re) => [m.displayName, m.organisation, m.community].some((v) => re.test(fold(v))));
}

/** The member directory and following. */
export function createDirectoryService({ library, stories }: { library: LibraryService; stories: StoryService }) {
  async function findMember(id: string): Promise<MemberRow<'deletedAt'>> {
    const member = await memberById(id, ['deletedAt']);
    if (!member || member.deletedAt) throw new AppError('not_found', 'No member with this id.');
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
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportDirectoryMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: (memberId: string) => forgetDirectoryMember(memberId),
    /**
     * Listed members (not those who opted out), as the actor may see them. A filter or search word
     * that matched only a field the member keeps from the actor does not count: the member is
     * left out, so filters cannot reveal hidden fields. Pages are refilled up to a few rounds.
     */
    async list(actor: Actor, query: DirectoryQuery): Promise<DirectoryResponse> {
      const words = searchWords(query.q ?? '');
      const filter = {
        ...(query.communityRole ? { communityRole: query.communityRole } : {}),
        ...(query.community ? { community: exactly(query.community) } : {}),
        ...(query.organisation ? { organisation: exactly(query.organisation) } : {}),
        ...(query.interest ? { interest: exactly(query.interest) } : {}),
        words,
      };
      const shown: Member[] = [];
      // Where the scan stands: after the last member read, shown or not.
      let scanned = query.cursor ? decodeCursor(cursorSchema, query.cursor) : null;
      let more = true;
      for (let round = 0; round < 4 && more && shown.length <= query.limit; round++) {
        const docs = await listedMembersPage(
          filter,
          scanned ? { name: scanned.n, id: scanned.i } : null,
          query.limit + 1,
        );
        more = docs.length > query.limit;
        for (const m of await profilesFor(actor.id, docs)) {
          if (shown.length > query.limit) break;
          if (stillMatches(m, query, words)) shown.push(m);
          scanned = { n: m.displayName, i: m.id };
        }
      }
      const page = shown.slice(0, query.limit);
      const follows = await FollowModel.find({
        followerId: new Types.ObjectId(actor.id),
        followeeId: trusted({ $in: page.map((m) => new Types.ObjectId(m.id)) }),
      }).lean();
      const followed = new Set(follows.map((f) => f.followeeId.toHexString()));
      const last = page.at(-1);
      const next = shown.length > query.limit && last ? { n: last.displayName, i: last.id } : more ? scanned : null;
      return {
        members: page.map((m) => ({ ...m, following: followed.has(m.id) })),
        nextCursor: next ? encodeCursor(next) : null,
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

    /**
     * A profile's activity, each kind through its own domain's read rule: threads the viewer may
     * read (forums/read-rule.ts: coalition, archive, held or hidden opening post), approved
     * resources (library) and stories (stories); nothing a viewer could not open by its link.
     */
    async activity(actor: Actor, memberId: string): Promise<MemberActivityResponse> {
      const member = await findMember(memberId);
      const threads = await readableThreadsStartedBy(actor, member._id, 10);
      const { resources } = await library.list(actor, {
        q: '',
        scope: 'library',
        submittedBy: memberId,
        sort: 'newest',
        limit: 10,
      });
      return {
        threads: threads.map((t) => ({
          id: t._id.toHexString(),
          title: t.title,
          postCount: t.postCount,
          createdAt: t.createdAt.toISOString(),
        })),
        resources,
        stories: await stories.byAuthors(actor, [memberId], 10),
        follow: await followState(actor, memberId),
      };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
