import {
  postNotificationKinds,
  postPath,
  type DigestRecipient,
  type Notification,
  type PendingDigestEntry,
  type PendingNoticeEntry,
  type PendingPostEntry,
} from '@commons/shared';
import { Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import { readableKey, readablePairs } from '../forums/read-rule.js';
import type { PostState, ThreadFacts } from '../forums/reads.js';
import type { DigestSharedReads } from './digest-shared-reads.js';
import type { PendingItem } from './digest-pending.js';
import type { DigestThreadItem } from './mails.js';

const NOTIFICATION_LINES = 50;
const THREAD_LINES = 10;

export interface ComposedDigest {
  notifications: Notification[];
  threads: DigestThreadItem[];
  /** The pending entries this digest accounts for (shown, or left out as seen, old or unreadable). */
  consumed: string[];
}

const isPostEntry = (e: PendingDigestEntry): e is PendingPostEntry =>
  (postNotificationKinds as readonly string[]).includes(e.k);

/**
 * Turns the pending entries of a batch of members into their digests' notification lines and
 * active threads, keeping only what each member may still read: checked together for the whole
 * batch against the forums' rules (the thread exists in a category that is not archived, a private
 * coalition's category only for its members, the post neither deleted nor held nor hidden), from
 * the run's shared reads. Entries the member saw (older than their last visit) or older than the
 * window are consumed without being shown.
 */
export async function composeDigests(
  members: { recipient: DigestRecipient; items: PendingItem[]; entriesSince: number }[],
  at: Date,
  shared: Pick<DigestSharedReads, 'groupLookups' | 'categories'>,
): Promise<Map<string, ComposedDigest>> {
  const lookups = shared.groupLookups(at);
  type Kept = { memberId: string; entry: PendingDigestEntry; channel: 'digest' | 'in_app' };
  const kept: Kept[] = [];
  const out = new Map<string, ComposedDigest>();
  for (const { recipient, items, entriesSince } of members) {
    out.set(recipient.id, { notifications: [], threads: [], consumed: items.map((i) => i.raw) });
    const digestKinds = new Set(recipient.digestKinds);
    const inAppKinds = new Set(recipient.inAppKinds);
    for (const { entry } of items) {
      if (!entry || entry.c <= entriesSince) continue;
      // Kinds routed to the digest are its lines; new posts in watched threads kept in the app
      // show as active threads; what was mailed at once or turned off is not told here.
      if (digestKinds.has(entry.k)) kept.push({ memberId: recipient.id, entry, channel: 'digest' });
      else if (entry.k === 'thread_post' && inAppKinds.has(entry.k))
        kept.push({ memberId: recipient.id, entry, channel: 'in_app' });
    }
  }

  // What the forums say about every thread and post of the batch, read once.
  const posts = kept.filter((k): k is Kept & { entry: PendingPostEntry } => isPostEntry(k.entry));
  const threadIds = [...new Set(posts.map((k) => k.entry.t))];
  const threads = new Map<string, ThreadFacts>((await lookups.threads(threadIds)).map((t) => [t._id.toHexString(), t]));
  const categoryIds = [...new Set([...threads.values()].map((t) => t.categoryId.toHexString()))].map(
    (id) => new Types.ObjectId(id),
  );
  const categoryNames = new Map((await shared.categories(categoryIds, at)).map((c) => [c._id.toHexString(), c.name]));
  const postIdsByThread = new Map<string, Set<string>>();
  for (const k of posts) {
    const set = postIdsByThread.get(k.entry.t) ?? new Set<string>();
    set.add(k.entry.p);
    postIdsByThread.set(k.entry.t, set);
  }
  const states = new Map<string, PostState>();
  await Promise.all(
    [...postIdsByThread].map(async ([threadId, ids]) => {
      if (!threads.has(threadId)) return;
      const found = await lookups.posts(
        new Types.ObjectId(threadId),
        [...ids].map((id) => new Types.ObjectId(id)),
      );
      for (const p of found) states.set(p._id.toHexString(), p);
    }),
  );
  // The forums' read rule judges every (member, post) pair of the batch at once.
  const gates = new Map((await lookups.categories(categoryIds)).map((c) => [c._id.toHexString(), c]));
  const roleOf = new Map(members.map(({ recipient }) => [recipient.id, recipient.role]));
  const allowed = await readablePairs(
    posts.map((k) => ({ reader: { id: k.memberId, role: roleOf.get(k.memberId) ?? 'member' }, postId: k.entry.p })),
    (postId) => {
      const post = states.get(postId);
      const thread = post && threads.get(post.threadId.toHexString());
      if (!post || !thread) return undefined;
      return { post, thread, category: gates.get(thread.categoryId.toHexString()) };
    },
  );
  const readable = (memberId: string, e: PendingPostEntry) =>
    // Named categories only: categories() leaves archived ones out of digests, for everyone.
    categoryNames.has(threads.get(e.t)?.categoryId.toHexString() ?? '') && allowed.has(readableKey(memberId, e.p));

  const actors = await loadMemberRefs(kept.map((k) => k.entry.a));
  const byMember = new Map<string, Kept[]>();
  for (const k of kept) byMember.set(k.memberId, [...(byMember.get(k.memberId) ?? []), k]);
  for (const [memberId, list] of byMember) {
    const digest = out.get(memberId)!;
    // Lines: a group per kind and thread ("3 new replies in …"), one per notice.
    const groups = new Map<string, PendingPostEntry[]>();
    const notices: PendingNoticeEntry[] = [];
    // Per active thread: its new posts, and the newest of them (all readable: filtered below).
    const active = new Map<string, { posts: Set<string>; latest: PendingPostEntry }>();
    for (const { entry, channel } of list) {
      if (!isPostEntry(entry)) {
        notices.push(entry);
        continue;
      }
      if (!readable(memberId, entry)) continue;
      if (channel === 'digest') {
        const key = `${entry.k}:${entry.t}`;
        groups.set(key, [...(groups.get(key) ?? []), entry]);
      } else {
        const seen = active.get(entry.t);
        if (!seen) active.set(entry.t, { posts: new Set([entry.p]), latest: entry });
        else {
          seen.posts.add(entry.p);
          if (entry.s > seen.latest.s) seen.latest = entry;
        }
      }
    }
    const lines: Notification[] = [];
    for (const group of groups.values()) {
      const latest = group.reduce((a, b) => (b.s > a.s ? b : a));
      const thread = threads.get(latest.t)!;
      const when = new Date(latest.c).toISOString();
      lines.push({
        id: latest.p,
        kind: latest.k,
        path: postPath(latest.t, latest.s),
        title: thread.title,
        detail: null,
        excerpt: latest.x ?? null,
        threadId: latest.t,
        threadTitle: thread.title,
        postId: latest.p,
        seq: latest.s,
        actor: actors.get(latest.a) ?? null,
        count: new Set(group.map((g) => g.p)).size,
        read: false,
        createdAt: when,
        updatedAt: when,
      });
    }
    for (const n of notices) {
      const when = new Date(n.c).toISOString();
      lines.push({
        id: Types.ObjectId.createFromTime(Math.floor(n.c / 1000)).toHexString(),
        kind: n.k,
        path: n.pa,
        title: n.ti,
        detail: n.d,
        excerpt: null,
        threadId: null,
        threadTitle: null,
        postId: null,
        seq: null,
        actor: (n.a && actors.get(n.a)) || null,
        count: 1,
        read: false,
        createdAt: when,
        updatedAt: when,
      });
    }
    digest.notifications = lines.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, NOTIFICATION_LINES);
    const covered = new Set(digest.notifications.map((n) => n.threadId));
    digest.threads = [...active]
      .filter(([threadId]) => !covered.has(threadId))
      .map(([threadId, { posts: postIds, latest }]) => {
        const thread = threads.get(threadId)!;
        const author = actors.get(latest.a);
        return {
          threadId,
          title: thread.title,
          newPosts: postIds.size,
          categoryName: categoryNames.get(thread.categoryId.toHexString()) ?? '',
          latest: {
            seq: latest.s,
            excerpt: latest.x ?? null,
            author: author ? { id: author.id, name: author.displayName } : null,
          },
        };
      })
      .slice(0, THREAD_LINES);
  }
  return out;
}
