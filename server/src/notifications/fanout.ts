import type { NotificationChannel, PostNotificationKind, Role } from '@commons/shared';
import { Types } from 'mongoose';
import type { AnnouncedFacts } from '@commons/shared';
import { announcedPostState } from '../forums/announced.js';
import {
  categoryFacts,
  mutedAmong,
  postById,
  postStatesOfThreadSince,
  threadFacts,
  type CategoryFacts,
  type PostState,
  type ThreadFacts,
} from '../forums/reads.js';
import { readableKey, readablePairs } from '../forums/read-rule.js';
import { localSerialLock, type SerialLock } from '../infra/mutex.js';
import { staffMembers } from '../members/reads.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import type { PendingDigests } from './digest-pending.js';
import { addToGroups, type GroupPost } from './groups.js';
import { CHECKED_POSTS, excerptOf, presentRows, type GroupLookups } from './present.js';
import { channelsOf, toPreferences } from './settings.js';
import { unreadAdded, unreadChanged, unreadCounts } from './unread.js';

export interface FanoutDeps {
  emitter: RoomEmitter;
  /** Who watches a thread (the forums decide: thread level, else category level; muted left out). */
  watcherIds(threadId: string): Promise<string[]>;
  /** Of `recipientIds`, those who blocked `senderId` (the moderation domain decides). */
  blockedBy(senderId: string, recipientIds: string[]): Promise<Set<string>>;
  /** Of `targetIds`, those who let `senderId` mention them (the members domain's privacy settings). */
  mentionable(senderId: string, targetIds: string[]): Promise<Set<string>>;
  /** Members' pending digests: what the fan-out and notices tell, digests send later. */
  pending: Pick<PendingDigests, 'append'>;
  /** Opens the instant-mail batches of members told by email (instant.ts). */
  openBatches(memberIds: string[]): Promise<void>;
  /**
   * Runs the fan-outs of one thread one after another, across worker processes: they add to the
   * same members' groups of that thread. Without it, 24 replies from 8 members fanned out by two
   * worker processes left watchers missing 33 and 158 of 1,416 notifications (with and without a
   * worker killed; npm run faults -- worker-kill), most likely FerretDB 1.24 applying concurrent
   * updates of one document non-atomically; with it, none. In-process when not given.
   */
  groupLock?: SerialLock;
}

export interface FanoutInput {
  threadId: string;
  postId: string;
  actorId: string;
  replyToAuthorId: string | null;
  mentionIds: string[];
  mentionsOnly?: boolean | undefined;
  /** The post's, thread's and category's facts as written (absent in jobs queued before: read). */
  facts?: AnnouncedFacts | undefined;
}

/** What the fan-out knows of the post, its thread and category. */
interface Known {
  post: PostState & { body: string; createdAt: Date };
  thread: ThreadFacts;
  category: CategoryFacts | undefined;
}

/**
 * From the job when it carries them (one read: the post's and its opening post's states now, so a
 * post held, hidden or deleted since, or a thread hidden since, tells no one), else from the store
 * (jobs queued before they were carried, and edits' mentions).
 */
async function announcedOrRead(input: FanoutInput): Promise<Known | null> {
  const f = input.facts;
  if (f) {
    const { post, threadHidden, gate } = await announcedPostState(input.threadId, input.postId, f);
    if (!post || post.deleted) return null;
    const categoryId = new Types.ObjectId(f.categoryId);
    return {
      post: { ...post, body: f.body, createdAt: new Date(f.createdAt) },
      thread: {
        _id: post.threadId,
        title: f.title,
        categoryId,
        hidden: threadHidden,
        authorId: new Types.ObjectId(f.threadAuthorId),
      },
      category: {
        _id: categoryId,
        // Only the read rule's gate is asked of it here (the category's name is not shown).
        name: '',
        archived: gate.archived,
        public: gate.public,
        coalitionId: gate.coalitionId ? new Types.ObjectId(gate.coalitionId) : null,
      },
    };
  }
  const post = await postById(input.postId);
  if (!post || post.deleted) return null;
  const [thread] = await threadFacts([post.threadId]);
  if (!thread) return null;
  const [category] = await categoryFacts([thread.categoryId]);
  return { post, thread, category };
}

/** Kinds by precedence: a member mentioned in a reply to their own post hears of it once, as a mention. */
const precedence: PostNotificationKind[] = ['mention', 'reply', 'thread_post'];

/**
 * The groups' earlier posts are read by their thread from this long before the oldest one's id
 * time (an id carries the second it was made in; the margin covers other processes' clocks).
 */
const ID_CLOCK_MARGIN_MS = 60_000;

/**
 * The fan-out of one new post: each member hears of it once, by the kind that matters most. Its
 * store commands do not grow with the number of members told: the post's state (its body, thread
 * and category come with the job; announced.ts), the watchers (the forums' read), who blocked the author, the groups of the thread before and
 * one write of each kind (groups joined, groups opened), and the states of the groups' earlier
 * posts; roles only when the read rule depends on them. Channels, unread counts and instant-mail
 * batches are kept in Redis.
 */
export function createFanout(deps: FanoutDeps) {
  const groupLock = deps.groupLock ?? localSerialLock();

  return async function fanout(input: FanoutInput): Promise<{ notified: number }> {
    const [facts, watchers] = await Promise.all([
      announcedOrRead(input),
      input.mentionsOnly ? Promise.resolve([]) : deps.watcherIds(input.threadId),
    ]);
    if (!facts) return { notified: 0 };
    const { post, thread, category } = facts;

    const kindOf = new Map<string, PostNotificationKind>();
    const offer = (id: string | null | undefined, kind: PostNotificationKind) => {
      if (!id || id === input.actorId) return;
      const current = kindOf.get(id);
      if (!current || precedence.indexOf(kind) < precedence.indexOf(current)) kindOf.set(id, kind);
    };
    for (const id of watchers) offer(id, 'thread_post');
    if (!input.mentionsOnly) offer(input.replyToAuthorId, 'reply');
    // A mention of a member who does not let the author mention them tells them nothing.
    const mentionable = input.mentionIds.length
      ? await deps.mentionable(input.actorId, input.mentionIds)
      : new Set<string>();
    for (const id of input.mentionIds) if (mentionable.has(id)) offer(id, 'mention');
    for (const id of await deps.blockedBy(input.actorId, [...kindOf.keys()])) kindOf.delete(id);
    if (kindOf.size === 0) return { notified: 0 };

    const ids = [...kindOf.keys()];
    // Watchers never muted the thread (the forums leave them out): only the others are asked.
    const watching = new Set(watchers);
    const [channels, muted] = await Promise.all([
      channelsOf(ids),
      mutedAmong(
        post.threadId,
        ids.filter((id) => !watching.has(id)),
      ),
    ]);
    // A role changes what the read rule lets through only for staff, and only where something is
    // closed to members: the few staff rows are read then, not every member's.
    let staff: Map<string, Role> | null = null;
    const roles = async () => {
      staff ??= new Map((await staffMembers(['role'])).map((m) => [m._id.toHexString(), m.role]));
      return staff;
    };
    const restricted = (state: { status?: string | undefined }) => Boolean(state.status && state.status !== 'visible');
    if (restricted(post) || thread.hidden || !category || category.archived || category.coalitionId) await roles();
    const roleOf = (id: string): Role => staff?.get(id) ?? 'member';

    // Only those the forums' read rule lets read the post hear of it.
    const postId = post._id.toHexString();
    const readers = await readablePairs(
      ids.map((id) => ({ reader: { id, role: roleOf(id) }, postId })),
      () => ({ post, thread, category }),
    );
    const told: { memberId: string; kind: PostNotificationKind; channel: NotificationChannel }[] = [];
    for (const [memberId, kind] of kindOf) {
      if (!readers.has(readableKey(memberId, postId))) continue;
      // A muted thread stays quiet except for mentions.
      if (muted.has(memberId) && kind !== 'mention') continue;
      const channel: NotificationChannel = (channels.get(memberId) ?? toPreferences(null).kinds)[kind];
      if (channel !== 'off') told.push({ memberId, kind, channel });
    }
    if (told.length === 0) return { notified: 0 };
    // The digest's part of the work, done now: one entry per recipient in their pending digest
    // (before the in-app groups, so a retried job that finds its groups done still appends;
    // appending the same entry twice keeps one). Which section it lands in is decided when the
    // digest is made, by the member's settings then.
    const entryOf = (kind: PostNotificationKind) => ({
      k: kind,
      t: post.threadId.toHexString(),
      p: postId,
      s: post.seq,
      a: input.actorId,
      c: post.createdAt.getTime(),
      x: excerptOf(post.body),
    });
    await deps.pending.append(told.map(({ memberId, kind }) => ({ memberId, entry: entryOf(kind) })));

    const groupPost: GroupPost = { _id: post._id, threadId: post.threadId, seq: post.seq };
    const { rows, added, retried } = await groupLock.run(`notification-groups:${post.threadId.toHexString()}`, () =>
      addToGroups(told, groupPost, input.actorId),
    );
    // Members who held the post already (a retried job) may or may not have been counted: their
    // counts are counted again on their next read rather than twice.
    await Promise.all([unreadAdded(added), unreadChanged(retried)]);
    const byMail = new Set(told.filter((t) => t.channel === 'email').map((t) => t.memberId));
    await deps.openBatches(rows.map((r) => r.memberId.toHexString()).filter((id) => byMail.has(id)));
    if (rows.length === 0) return { notified: 0 };

    // The pushes, presented together: the thread and category are in hand, the groups' posts are
    // read once for all (the new post as read above), and the post's body gives its excerpt.
    const states = new Map<string, PostState>([[postId, post]]);
    const wanted = new Set(rows.flatMap((r) => r.postIds.slice(-CHECKED_POSTS).map((id) => id.toHexString())));
    const others = [...wanted].filter((id) => !states.has(id));
    if (others.length > 0) {
      const oldest = Math.min(...others.map((id) => new Types.ObjectId(id).getTimestamp().getTime()));
      for (const s of await postStatesOfThreadSince(post.threadId, new Date(oldest - ID_CLOCK_MARGIN_MS)))
        if (wanted.has(s._id.toHexString())) states.set(s._id.toHexString(), s);
    }
    if ([...states.values()].some(restricted)) await roles();
    const lookups: GroupLookups = {
      threads: async () => [thread],
      categories: async () => (category ? [category] : []),
      posts: async (_threadId, postIds) =>
        postIds.flatMap((id) => {
          const s = states.get(id.toHexString());
          return s ? [s] : [];
        }),
    };
    const memberIds = rows.map((r) => r.memberId.toHexString());
    const [notifications, counts] = await Promise.all([
      presentRows(
        rows.map((row) => ({
          row,
          reader: { id: row.memberId.toHexString(), role: roleOf(row.memberId.toHexString()) },
        })),
        lookups,
        new Map([[postId, post.body]]),
      ),
      unreadCounts(memberIds),
    ]);
    const memberOf = new Map(rows.map((r) => [r._id.toHexString(), r.memberId.toHexString()]));
    for (const notification of notifications) {
      const memberId = memberOf.get(notification.id)!;
      deps.emitter
        .to(rooms.member(memberId))
        .emit('notification:new', { notification, unreadCount: counts.get(memberId) ?? 0 });
    }
    return { notified: rows.length };
  };
}
