import type { NotificationChannel, PostNotificationKind } from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { isDuplicateKey } from '../infra/store/index.js';
import { NotificationModel } from './model.js';
import type { NotificationLean } from './present.js';

/*
 * Forum groups ("5 new replies in …"): one unread row per member, kind and thread, which each new
 * post of the thread joins. A fan-out writes the groups of everyone it tells at once,
 * from one read of the thread's groups before it; the caller holds the thread's group lock, so no
 * other fan-out changes them meanwhile (marking read may: it closes a group, and the post then
 * opens a new one).
 */

export interface GroupPost {
  _id: Types.ObjectId;
  threadId: Types.ObjectId;
  seq: number;
}

export interface Told {
  memberId: string;
  kind: PostNotificationKind;
  channel: NotificationChannel;
}

export interface GroupsWritten {
  /** The groups as they are now, of each member whose group took the post. */
  rows: NotificationLean[];
  /** Members for whom a new unread group was made. */
  added: string[];
  /** Members who held the post already: a retried job, which changed nothing for them. */
  retried: string[];
}

/** The post joining a group: counted once, the group's latest post and actor, mail pending if by email. */
const joining = (post: GroupPost, actorId: string, now: Date, emailPending: boolean) => ({
  $inc: { count: 1 },
  $push: { postIds: post._id },
  $max: { seq: post.seq },
  $set: {
    postId: post._id,
    actorId: new Types.ObjectId(actorId),
    updatedAt: now,
    ...(emailPending ? { emailPending: true } : {}),
  },
});

const openKeyOf = (kind: PostNotificationKind, threadId: Types.ObjectId) => `${kind}:${threadId.toHexString()}`;

/** The group with the post, from the group before it (none: a new one). */
function after(
  t: Told,
  post: GroupPost,
  actorId: string,
  now: Date,
  before: NotificationLean | undefined,
): NotificationLean {
  const emailPending = t.channel === 'email';
  const base: NotificationLean = before ?? {
    _id: new Types.ObjectId(),
    memberId: new Types.ObjectId(t.memberId),
    kind: t.kind,
    threadId: post.threadId,
    openKey: openKeyOf(t.kind, post.threadId),
    postIds: [],
    postId: null,
    seq: null,
    noticeKey: null,
    subjectType: null,
    subjectId: null,
    title: null,
    path: null,
    detail: null,
    excerpt: null,
    actorId: null,
    count: 0,
    read: false,
    readAt: null,
    emailPending: false,
    createdAt: now,
    updatedAt: now,
  };
  return {
    ...base,
    count: base.count + 1,
    postIds: [...base.postIds, post._id],
    seq: Math.max(base.seq ?? post.seq, post.seq),
    postId: post._id,
    actorId: new Types.ObjectId(actorId),
    emailPending: base.emailPending || emailPending,
    updatedAt: now,
  };
}

/**
 * Adds the post to each told member's group of its kind, once: a member who holds the post in any
 * group of the thread (a retried job; read since, or not) is left as is. Store commands: the
 * thread's groups before (one read), one update of the open groups per channel (in-app or
 * mail) and one insert of new groups, whatever the number of members.
 */
export async function addToGroups(told: Told[], post: GroupPost, actorId: string): Promise<GroupsWritten> {
  if (told.length === 0) return { rows: [], added: [], retried: [] };
  // The thread's open groups, and any group holding the post (read or not), in one read.
  const existing = await NotificationModel.find({
    threadId: post.threadId,
    $or: [{ read: false }, { postIds: post._id }],
  }).lean<NotificationLean[]>();
  const holding = new Set<string>();
  const open = new Map<string, NotificationLean>();
  for (const row of existing) {
    const memberId = row.memberId.toHexString();
    if (row.postIds.some((id) => id.equals(post._id))) holding.add(memberId);
    if (!row.read) open.set(`${memberId}|${row.openKey}`, row);
  }
  const todo = told.filter((t) => !holding.has(t.memberId));
  const retried = told.filter((t) => holding.has(t.memberId)).map((t) => t.memberId);
  if (todo.length === 0) return { rows: [], added: [], retried };

  const now = new Date();
  const rows: NotificationLean[] = [];
  const added: string[] = [];
  const grown: { t: Told; row: NotificationLean }[] = [];
  const opened: { t: Told; row: NotificationLean }[] = [];
  for (const t of todo) {
    const before = open.get(`${t.memberId}|${openKeyOf(t.kind, post.threadId)}`);
    if (before) grown.push({ t, row: after(t, post, actorId, now, before) });
    else opened.push({ t, row: after(t, post, actorId, now, undefined) });
  }
  // FerretDB 1.24 applies a bulk write's updates one by one, each slower than the last (51 took
  // over 20 s): the post joins the open groups by one update per channel, new groups are one insert.
  const [missed, refused] = await Promise.all([
    joinOpenGroups(grown, post, actorId, now),
    insertGroups(opened.map((o) => o.row)),
  ]);
  for (const { t, row } of grown) if (!missed.has(t.memberId)) rows.push(row);
  for (const { t, row } of opened)
    if (!refused.has(t.memberId)) {
      rows.push(row);
      added.push(t.memberId);
    }
  // Rare: a group closed (read) since the read before, or opened by another writer: one by one.
  for (const t of todo.filter((x) => missed.has(x.memberId) || refused.has(x.memberId))) {
    const row = await addOne(t, post, actorId, now);
    if (!row) continue;
    rows.push(row);
    if (row.count === 1) added.push(t.memberId);
  }
  return { rows, added, retried };
}

/**
 * Adds the post to the open groups read before (all kinds at once, one update per channel).
 * Returns the members whose group no longer took it (closed since, or holding it already).
 */
async function joinOpenGroups(
  grown: { t: Told; row: NotificationLean }[],
  post: GroupPost,
  actorId: string,
  now: Date,
): Promise<Set<string>> {
  if (grown.length === 0) return new Set();
  const byMail = [grown.filter((g) => g.t.channel === 'email'), grown.filter((g) => g.t.channel !== 'email')];
  const results = await Promise.all(
    byMail
      .filter((list) => list.length > 0)
      .map((list) =>
        NotificationModel.updateMany(
          // The thread's groups first: FerretDB narrows by equality on top-level fields only.
          {
            threadId: post.threadId,
            read: false,
            _id: trusted({ $in: list.map((g) => g.row._id) }),
            postIds: trusted({ $ne: post._id }),
          },
          joining(post, actorId, now, list[0]!.t.channel === 'email'),
          { timestamps: false },
        ),
      ),
  );
  if (results.reduce((n, r) => n + r.modifiedCount, 0) === grown.length) return new Set();
  // Some group was closed meanwhile: who holds the post now tells which.
  const holding = await NotificationModel.find({ threadId: post.threadId, postIds: post._id }, { memberId: 1 }).lean();
  const has = new Set(holding.map((h) => h.memberId.toHexString()));
  return new Set(grown.filter((g) => !has.has(g.t.memberId)).map((g) => g.t.memberId));
}

/** Inserts new groups; returns the members whose insert met the unique index (a group opened meanwhile). */
async function insertGroups(docs: NotificationLean[]): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  try {
    await NotificationModel.insertMany(docs, { ordered: false });
    return new Set();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const failed = (err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? [];
    return new Set(failed.map((e) => docs[e.index]!.memberId.toHexString()));
  }
}

/** One member's group, alone: the post joins the open group or opens one; null if it holds the post. */
async function addOne(t: Told, post: GroupPost, actorId: string, now: Date): Promise<NotificationLean | null> {
  const emailPending = t.channel === 'email';
  const openKey = openKeyOf(t.kind, post.threadId);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await NotificationModel.findOneAndUpdate(
        { memberId: new Types.ObjectId(t.memberId), openKey, postIds: trusted({ $ne: post._id }) },
        {
          ...joining(post, actorId, now, emailPending),
          $setOnInsert: {
            kind: t.kind,
            threadId: post.threadId,
            read: false,
            readAt: null,
            createdAt: now,
            ...(emailPending ? {} : { emailPending: false }),
          },
        },
        { upsert: true, returnDocument: 'after', timestamps: false },
      ).lean<NotificationLean>();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (await NotificationModel.exists({ memberId: t.memberId, openKey, postIds: post._id })) return null;
    }
  }
  throw new Error('could not add to the notification group');
}
