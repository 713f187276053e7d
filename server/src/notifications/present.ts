import type { Notification } from '@commons/shared';
import type { Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import type { NotificationFields } from './model.js';

export type NotificationLean = NotificationFields & { _id: Types.ObjectId };

export interface VisibleGroup {
  row: NotificationLean;
  threadTitle: string;
  categoryId: string;
  /** Posts of the group that still exist (deleted ones are never shown or mailed). */
  livePostIds: string[];
  latestPostId: string;
  latestSeq: number;
}

/**
 * Keeps what the member may still see: the thread exists in a category that is not archived and
 * at least one post of the group is not deleted; counts and "latest" follow the live posts.
 */
export async function visibleGroups(rows: NotificationLean[]): Promise<VisibleGroup[]> {
  if (rows.length === 0) return [];
  const threadIds = [...new Set(rows.map((r) => r.threadId.toHexString()))];
  const postIds = rows.flatMap((r) => r.postIds);
  const [threads, posts] = await Promise.all([
    ThreadModel.find({ _id: { $in: threadIds } }, { title: 1, categoryId: 1 }).lean(),
    PostModel.find({ _id: { $in: postIds } }, { deleted: 1, seq: 1 }).lean(),
  ]);
  const categories = await CategoryModel.find(
    { _id: { $in: [...new Set(threads.map((t) => t.categoryId.toHexString()))] } },
    { archived: 1 },
  ).lean();
  const archived = new Set(categories.filter((c) => c.archived).map((c) => c._id.toHexString()));
  const threadById = new Map(threads.map((t) => [t._id.toHexString(), t]));
  const postById = new Map(posts.map((p) => [p._id.toHexString(), p]));
  const out: VisibleGroup[] = [];
  for (const row of rows) {
    const thread = threadById.get(row.threadId.toHexString());
    if (!thread || archived.has(thread.categoryId.toHexString())) continue;
    const live = row.postIds
      .map((id) => postById.get(id.toHexString()))
      .filter((p): p is NonNullable<typeof p> => Boolean(p && !p.deleted));
    if (live.length === 0) continue;
    const latest = live.reduce((a, b) => (b.seq > a.seq ? b : a));
    out.push({
      row,
      threadTitle: thread.title,
      categoryId: thread.categoryId.toHexString(),
      livePostIds: live.map((p) => p._id.toHexString()),
      latestPostId: latest._id.toHexString(),
      latestSeq: latest.seq,
    });
  }
  return out;
}

export async function presentNotifications(rows: NotificationLean[]): Promise<Notification[]> {
  const groups = await visibleGroups(rows);
  const refs = await loadMemberRefs(groups.map((g) => g.row.actorId));
  return groups.map(({ row, threadTitle, livePostIds, latestPostId, latestSeq }) => ({
    id: row._id.toHexString(),
    kind: row.kind,
    threadId: row.threadId.toHexString(),
    threadTitle,
    postId: latestPostId,
    seq: latestSeq,
    actor: (row.actorId && refs.get(row.actorId.toHexString())) ?? null,
    count: livePostIds.length,
    read: row.read,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}
