import type { ModerationItem, PostStatus } from '@commons/shared';
import { Types } from 'mongoose';
import { countLivePostsOf, postsByIds, threadsByIds } from '../forums/reads.js';
import { findIn } from '../infra/store/index.js';
import type { ItemLean } from './items.js';
import { FlagModel, ProfileModel, type FlagFields, type Lean } from './model.js';
import { activeSanctions } from './publishing.js';
import { presentSanction } from './sanctions.js';
import { memberRefs } from './support.js';

/** Review items as moderators see them: the post in its thread, who reported it and why, the author's record. */
export async function presentItems(items: ItemLean[], at: Date): Promise<ModerationItem[]> {
  if (items.length === 0) return [];
  const postIds = items.map((i) => i.postId);
  const authorIds = items.map((i) => i.authorId);
  const threadIds = [...new Set(items.map((i) => i.threadId.toHexString()))].map((id) => new Types.ObjectId(id));
  const [posts, threads, flags, profiles, sanctions] = await Promise.all([
    postsByIds(postIds),
    threadsByIds(threadIds),
    findIn('postId', postIds, (match) => FlagModel.find(match).lean<Lean<FlagFields>[]>()).then((rows) =>
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
    ),
    findIn('memberId', authorIds, (match) => ProfileModel.find(match).lean()),
    activeSanctions(authorIds, at),
  ]);
  const postCounts = new Map<string, number>();
  await Promise.all(
    [...new Set(authorIds.map((a) => a.toHexString()))].map(async (a) => {
      postCounts.set(a, await countLivePostsOf(new Types.ObjectId(a)));
    }),
  );
  const refs = await memberRefs([
    ...authorIds,
    ...flags.map((f) => f.flaggerId),
    ...items.map((i) => i.claimedById),
    ...items.map((i) => i.resolution?.byId),
    ...sanctions.map((s) => s.createdById),
  ]);
  const postById = new Map(posts.map((p) => [p._id.toHexString(), p]));
  const titleById = new Map(threads.map((t) => [t._id.toHexString(), t.title]));
  const profileById = new Map(profiles.map((p) => [p.memberId.toHexString(), p]));
  return items.map((item) => {
    const postId = item.postId.toHexString();
    const authorId = item.authorId.toHexString();
    const post = postById.get(postId);
    const itemFlags = flags.filter((f) => f.postId.toHexString() === postId);
    const open = itemFlags.filter((f) => f.outcome === 'open');
    const reasons: Record<string, number> = {};
    for (const f of itemFlags) reasons[f.reason] = (reasons[f.reason] ?? 0) + 1;
    const profile = profileById.get(authorId);
    // A deleted post keeps what it said in its last revision, for moderators.
    const body = post ? (post.deleted ? (post.revisions.at(-1)?.body ?? '') : post.body) : '';
    return {
      id: item._id.toHexString(),
      postId,
      threadId: item.threadId.toHexString(),
      threadTitle: titleById.get(item.threadId.toHexString()) ?? '',
      postSeq: post?.seq ?? null,
      state: item.state,
      priority: item.priority,
      openReports: open.length,
      postStatus: (post?.status ?? 'visible') as PostStatus,
      postBody: body,
      postDeleted: post?.deleted ?? true,
      openWeight: Math.round(open.reduce((sum, f) => sum + f.weight, 0) * 100) / 100,
      reasons,
      flags: itemFlags.map((f) => ({
        reason: f.reason,
        note: f.note,
        weight: f.weight,
        flagger: refs.get(f.flaggerId.toHexString()) ?? null,
        createdAt: f.createdAt.toISOString(),
      })),
      screening: item.screening ?? [],
      appeal: item.appeal ? { reason: item.appeal.reason, at: item.appeal.at.toISOString() } : null,
      author: refs.get(authorId) ?? null,
      authorHistory: {
        trustLevel: profile?.trustLevel ?? 0,
        posts: postCounts.get(authorId) ?? 0,
        upheldAgainst: profile?.upheldAgainst ?? 0,
        activeSanctions: sanctions
          .filter((s) => s.memberId.toHexString() === authorId)
          .map((s) => presentSanction(s, refs, at)),
      },
      claimedBy: (item.claimedById && refs.get(item.claimedById.toHexString())) || null,
      resolution: item.resolution
        ? {
            action: item.resolution.action,
            note: item.resolution.note,
            by: refs.get(item.resolution.byId.toHexString()) ?? null,
            at: item.resolution.at.toISOString(),
          }
        : null,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    };
  });
}
