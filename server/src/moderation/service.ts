import {
  FLAG_HIDE_THRESHOLD,
  type AppealBody,
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  type BulkResolveBody,
  type FlagBody,
  type ModerationItem,
  type ModerationMemberRef,
  type PostModeration,
  type PostStatus,
  type QueueQuery,
  type ResolveBody,
  type Sanction,
  type SanctionBody,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { findEach } from '../infra/each.js';
import { localSerialLock, type Mutex, type SerialLock } from '../infra/mutex.js';
import { threadLockKey } from '../forums/context.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { PostModel, ThreadModel } from '../forums/model.js';
import { isModerator, type Actor } from '../forums/policy.js';
import { refreshThreadModeration } from '../forums/thread-visibility.js';
import { MemberModel } from '../members/model.js';
import {
  AuditModel,
  BlockModel,
  FlagModel,
  ItemModel,
  ProfileModel,
  SanctionModel,
  type AuditFields,
  type FlagFields,
  type ItemFields,
  type Lean,
  type SanctionFields,
} from './model.js';
import { flagWeight, priorityOf, screenPost, trustLevelFor, type ScreeningResult } from './rules.js';

const { trusted } = mongoose;
const OBJECT_ID = /^[0-9a-f]{24}$/;

type ItemLean = Lean<ItemFields>;
type SanctionLean = Lean<SanctionFields>;

export interface ModerationServiceDeps {
  events: DomainEvents;
  /** Spent once per flag (null: unlimited). */
  flagLimiter?: Limiter | null;
  /** The forums' soft delete, for `delete` resolutions (absent in processes that never resolve). */
  deletePost?: (actor: Actor, postId: string) => Promise<void>;
  /** Serializes decisions on one item across processes (FerretDB does not isolate them). */
  mutex?: Mutex;
  /** The forums' thread writer lock (see forums/context.ts): moderation rewrites a thread's marks. */
  threadLock?: SerialLock;
  now?: () => Date;
}

function oid(id: string, what: string): Types.ObjectId {
  if (!OBJECT_ID.test(id)) throw new AppError('not_found', `No ${what} with this id.`);
  return new Types.ObjectId(id);
}

function requireModerator(actor: Actor): void {
  if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators and administrators can do this.');
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
}

async function memberRefs(ids: Array<Types.ObjectId | null | undefined>): Promise<Map<string, ModerationMemberRef>> {
  const unique = [...new Set(ids.filter((i): i is Types.ObjectId => Boolean(i)).map((i) => i.toHexString()))];
  if (unique.length === 0) return new Map();
  const rows = await findEach(unique, (id) => MemberModel.find({ _id: id }, { displayName: 1 }).lean());
  return new Map(rows.map((m) => [m._id.toHexString(), { id: m._id.toHexString(), displayName: m.displayName }]));
}

/** Of `recipientIds`, those who blocked `senderId` (mentions and notifications skip them). */
export async function recipientsBlocking(senderId: string, recipientIds: string[]): Promise<Set<string>> {
  if (recipientIds.length === 0) return new Set();
  const rows = await BlockModel.find(
    {
      blockedId: oid(senderId, 'member'),
      memberId: trusted({ $in: recipientIds.filter((r) => OBJECT_ID.test(r)) }),
    },
    { memberId: 1 },
  ).lean();
  return new Set(rows.map((r) => r.memberId.toHexString()));
}

export function createModerationService(deps: ModerationServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { events } = deps;
  const threadLock = deps.threadLock ?? localSerialLock();

  function isActive(s: Pick<SanctionFields, 'kind' | 'liftedAt' | 'expiresAt'>, at = now()): boolean {
    return s.kind !== 'warn' && s.liftedAt === null && (s.expiresAt === null || s.expiresAt > at);
  }

  function presentSanction(s: SanctionLean, refs: Map<string, ModerationMemberRef>): Sanction {
    return {
      id: s._id.toHexString(),
      memberId: s.memberId.toHexString(),
      kind: s.kind,
      reason: s.reason,
      expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null,
      liftedAt: s.liftedAt ? s.liftedAt.toISOString() : null,
      createdBy: refs.get(s.createdById.toHexString()) ?? null,
      createdAt: s.createdAt.toISOString(),
      active: isActive(s),
    };
  }

  /** Sanctions still in force, checked against the clock at use (the expiry job only tidies up). */
  async function activeSanctions(memberIds: Types.ObjectId[]): Promise<SanctionLean[]> {
    if (memberIds.length === 0) return [];
    // Per member, by equality (pushed down on FerretDB); isActive drops warnings and lifted ones.
    const rows = await findEach(memberIds, (memberId) => SanctionModel.find({ memberId }).lean<SanctionLean[]>());
    return rows.filter((s) => isActive(s));
  }

  async function profileOf(memberId: Types.ObjectId | string) {
    return ProfileModel.findOne({ memberId }).lean();
  }

  async function audit(
    actor: Actor | null,
    action: AuditAction,
    target: { type: AuditFields['targetType']; id: string },
    reason: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await AuditModel.create({
      actorId: actor ? new Types.ObjectId(actor.id) : null,
      action,
      targetType: target.type,
      targetId: target.id,
      reason,
      details,
      at: now(),
    });
  }

  async function presentItems(items: ItemLean[]): Promise<ModerationItem[]> {
    if (items.length === 0) return [];
    const postIds = items.map((i) => i.postId);
    const authorIds = items.map((i) => i.authorId);
    // Equality queries per id (findEach): FerretDB would read whole collections for `$in`.
    const [posts, flags, profiles, sanctions] = await Promise.all([
      findEach(postIds, (_id) => PostModel.find({ _id }, { body: 1, status: 1, deleted: 1, revisions: 1 }).lean()),
      findEach(postIds, (postId) => FlagModel.find({ postId }).lean<Lean<FlagFields>[]>()).then((rows) =>
        rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
      ),
      findEach(authorIds, (memberId) => ProfileModel.find({ memberId }).lean()),
      activeSanctions(authorIds),
    ]);
    const postCounts = new Map<string, number>();
    await Promise.all(
      [...new Set(authorIds.map((a) => a.toHexString()))].map(async (a) => {
        postCounts.set(a, await PostModel.countDocuments({ authorId: new Types.ObjectId(a), deleted: false }));
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
        state: item.state,
        priority: item.priority,
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
            .map((s) => presentSanction(s, refs)),
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

  async function presentItem(item: ItemLean): Promise<ModerationItem> {
    const [out] = await presentItems([item]);
    return out!;
  }

  /** Recomputes the thread's marks; when its opening post's fate moved it in or out of lists, says so. */
  async function refreshThreadAndTell(threadId: Types.ObjectId): Promise<void> {
    const { hidden, changed, categoryId } = await threadLock.run(threadLockKey(threadId), () =>
      refreshThreadModeration(threadId),
    );
    if (changed && categoryId)
      events.publish('thread.moderated', { threadId: threadId.toHexString(), categoryId, hidden });
  }

  /** Hides (or holds) a visible post; true when this call changed it. */
  async function restrictPost(
    post: { _id: Types.ObjectId; threadId: Types.ObjectId; authorId: Types.ObjectId },
    status: 'held' | 'hidden',
    reasons: string[],
  ): Promise<boolean> {
    const from: PostStatus[] = status === 'hidden' ? ['visible', 'held'] : ['visible'];
    const res = await PostModel.updateOne({ _id: post._id, status: trusted({ $in: from }) }, { $set: { status } });
    if (res.modifiedCount === 0) return false;
    await refreshThreadAndTell(post.threadId);
    events.publish('moderation.postHidden', {
      postId: post._id.toHexString(),
      threadId: post.threadId.toHexString(),
      authorId: post.authorId.toHexString(),
      status,
      reasons,
    });
    return true;
  }

  /** The post's review item, created on first need; a resolved item reopens. */
  async function openItem(
    post: { _id: Types.ObjectId; threadId: Types.ObjectId; authorId: Types.ObjectId },
    screening: string[] = [],
  ): Promise<ItemLean> {
    try {
      await ItemModel.updateOne(
        { postId: post._id },
        {
          $setOnInsert: {
            threadId: post.threadId,
            authorId: post.authorId,
            state: 'open',
            priority: 0,
            screening: [],
            claimedById: null,
            claimedAt: null,
            resolution: null,
            appeal: null,
          },
        },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent first flag created it
    }
    const update: Record<string, unknown> = { $inc: { version: 1 } };
    if (screening.length > 0) update.$addToSet = { screening: trusted({ $each: screening }) };
    await ItemModel.updateOne(
      { postId: post._id, state: 'resolved' },
      { $set: { state: 'open', claimedById: null, claimedAt: null } },
    );
    const item = await ItemModel.findOneAndUpdate({ postId: post._id }, update, {
      returnDocument: 'after',
    }).lean<ItemLean>();
    return item!;
  }

  async function refreshPriority(item: ItemLean): Promise<ItemLean> {
    const [flags, post] = await Promise.all([
      FlagModel.find({ postId: item.postId, outcome: 'open' }, { reason: 1, weight: 1 }).lean(),
      PostModel.findById(item.postId, { status: 1 }).lean(),
    ]);
    const priority = priorityOf({
      reasons: flags.map((f) => f.reason),
      weight: flags.reduce((s, f) => s + f.weight, 0),
      hidden: post?.status !== 'visible',
      appeal: Boolean(item.appeal),
    });
    const updated = await ItemModel.findOneAndUpdate(
      { _id: item._id },
      { $set: { priority } },
      { returnDocument: 'after' },
    ).lean<ItemLean>();
    return updated ?? item;
  }

  async function findItem(id: string): Promise<ItemLean> {
    const item = await ItemModel.findById(oid(id, 'moderation item')).lean<ItemLean>();
    if (!item) throw new AppError('not_found', 'No moderation item with this id.');
    return item;
  }

  async function bumpProfiles(ids: Types.ObjectId[], inc: Record<string, number>): Promise<void> {
    await Promise.all(ids.map((memberId) => ProfileModel.updateOne({ memberId }, { $inc: inc }, { upsert: true })));
  }

  /** One decision at a time per item: a moderator arriving while another acts gets 409 at once. */
  function oneAtATime<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (!deps.mutex) return fn();
    return deps.mutex.exclusive(`moderation-item:${id}`, fn, () => {
      throw new AppError('conflict', 'Another moderator is acting on this item right now.');
    });
  }

  function resolveOne(actor: Actor, id: string, body: ResolveBody): Promise<ModerationItem> {
    requireModerator(actor);
    return oneAtATime(id, () => resolveUnlocked(actor, id, body));
  }

  async function resolveUnlocked(actor: Actor, id: string, body: ResolveBody): Promise<ModerationItem> {
    const item = await findItem(id);
    const at = now();
    const me = new Types.ObjectId(actor.id);
    // One conditional update decides: the first moderator to resolve wins, the second gets 409.
    const resolved = await ItemModel.findOneAndUpdate(
      {
        _id: item._id,
        state: trusted({ $in: ['open', 'claimed'] }),
        $or: [{ claimedById: null }, { claimedById: me }],
      },
      {
        $set: { state: 'resolved', resolution: { action: body.action, note: body.note, byId: me, at } },
        $inc: { version: 1 },
      },
      { returnDocument: 'after' },
    ).lean<ItemLean>();
    if (!resolved) {
      const current = await ItemModel.findById(item._id, { state: 1, claimedById: 1 }).lean();
      const message =
        current?.state === 'resolved'
          ? 'Another moderator already resolved this item.'
          : 'Another moderator has claimed this item.';
      throw new AppError('conflict', message, { state: current?.state ?? null });
    }
    const postId = resolved.postId.toHexString();
    const post = await PostModel.findById(resolved.postId, { threadId: 1, authorId: 1, status: 1, deleted: 1 }).lean();
    const openFlags = await FlagModel.find({ postId: resolved.postId, outcome: 'open' }, { flaggerId: 1 }).lean();
    const upheld = body.action !== 'keep';
    await FlagModel.updateMany(
      { postId: resolved.postId, outcome: 'open' },
      { $set: { outcome: upheld ? 'upheld' : 'rejected' } },
    );
    await bumpProfiles(
      openFlags.map((f) => f.flaggerId),
      upheld ? { flagsUpheld: 1 } : { flagsRejected: 1 },
    );
    if (upheld && openFlags.length > 0) await bumpProfiles([resolved.authorId], { upheldAgainst: 1 });
    if (post) {
      if (body.action === 'keep') {
        const res = await PostModel.updateOne(
          { _id: post._id, status: trusted({ $ne: 'visible' }) },
          { $set: { status: 'visible' } },
        );
        if (res.modifiedCount > 0) {
          await refreshThreadAndTell(post.threadId);
          events.publish('moderation.postRestored', { postId });
        }
      } else {
        await restrictPost(post, 'hidden', [body.note]);
        if (body.action === 'delete' && !post.deleted) await deps.deletePost?.(actor, postId);
      }
    }
    if (body.notifyAuthor) {
      events.publish('moderation.notice', {
        memberId: resolved.authorId.toHexString(),
        notice: {
          kind: body.action === 'keep' ? 'post_kept' : body.action === 'hide' ? 'post_hidden' : 'post_deleted',
          reason: body.note,
          postId,
        },
      });
    }
    await audit(actor, 'item.resolve', { type: 'item', id: resolved._id.toHexString() }, body.note, {
      action: body.action,
      postId,
      notifyAuthor: body.notifyAuthor,
    });
    events.publish('moderation.itemChanged', { itemId: resolved._id.toHexString() });
    return presentItem(resolved);
  }

  return {
    isActive,

    // ------------------------------------------------------------ gates other domains call

    /** Silenced or suspended members cannot post or edit (forums call this). */
    async assertCanPost(memberId: string): Promise<void> {
      const [active] = await activeSanctions([new Types.ObjectId(memberId)]);
      if (!active) return;
      const until = active.expiresAt?.toISOString() ?? null;
      if (active.kind === 'suspend') throw new AppError('member_suspended', 'Your account is suspended.', { until });
      throw new AppError('member_silenced', 'You cannot post until your silence ends.', { until });
    },

    /** Suspended members cannot sign in (auth calls this after checking the password). */
    async assertCanSignIn(memberId: string): Promise<void> {
      const active = (await activeSanctions([new Types.ObjectId(memberId)])).find((s) => s.kind === 'suspend');
      if (active)
        throw new AppError('member_suspended', 'Your account is suspended.', {
          until: active.expiresAt?.toISOString() ?? null,
          reason: active.reason,
        });
    },

    /** Records a day of use (for trust levels); callers de-duplicate per day. */
    async touchVisit(memberId: string, at = now()): Promise<void> {
      await ProfileModel.updateOne(
        { memberId: new Types.ObjectId(memberId) },
        { $addToSet: { visitDays: at.toISOString().slice(0, 10) } },
        { upsert: true },
      );
    },

    /** Members `memberId` blocked: their posts collapse for them, they cannot mention or notify them. */
    async blockedIds(memberId: string): Promise<string[]> {
      const rows = await BlockModel.find({ memberId: oid(memberId, 'member') }, { blockedId: 1 }).lean();
      return rows.map((r) => r.blockedId.toHexString());
    },

    /** Of `recipientIds`, those who blocked `senderId` (mentions and notifications skip them). */
    recipientsBlocking,

    // ------------------------------------------------------------ flags

    async flag(actor: Actor, postId: string, body: FlagBody): Promise<{ flagged: true; postStatus: PostStatus }> {
      const post = await PostModel.findById(oid(postId, 'post'), {
        threadId: 1,
        authorId: 1,
        status: 1,
        deleted: 1,
      }).lean();
      if (!post || post.deleted) throw new AppError('not_found', 'No post with this id.');
      if (post.authorId.toHexString() === actor.id) throw new AppError('forbidden', 'You cannot flag your own post.');
      if (post.status !== 'visible' && !isModerator(actor) && post.status !== undefined)
        throw new AppError('not_found', 'No post with this id.');
      await deps.flagLimiter?.consume(actor.id);
      if (await FlagModel.exists({ postId: post._id, flaggerId: actor.id }))
        throw new AppError('conflict', 'You have already flagged this post.');
      const profile = await profileOf(actor.id);
      const weight = flagWeight({
        role: actor.role,
        trustLevel: profile?.trustLevel ?? 0,
        flagsUpheld: profile?.flagsUpheld ?? 0,
        flagsRejected: profile?.flagsRejected ?? 0,
      });
      try {
        await FlagModel.create({
          postId: post._id,
          flaggerId: new Types.ObjectId(actor.id),
          reason: body.reason,
          note: body.note ?? '',
          weight,
          createdAt: now(),
        });
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('conflict', 'You have already flagged this post.');
        throw err;
      }
      let item = await openItem(post);
      const open = await FlagModel.find({ postId: post._id, outcome: 'open' }, { weight: 1, reason: 1 }).lean();
      const total = open.reduce((s, f) => s + f.weight, 0);
      const reasons = [...new Set(open.map((f) => f.reason))];
      if (body.reason === 'child_safety' || total >= FLAG_HIDE_THRESHOLD) await restrictPost(post, 'hidden', reasons);
      item = await refreshPriority(item);
      if (isModerator(actor))
        await audit(actor, 'flag.create_moderator', { type: 'post', id: postId }, body.note ?? body.reason, {
          reason: body.reason,
        });
      if (body.reason === 'child_safety')
        events.publish('moderation.urgent', { itemId: item._id.toHexString(), postId, reason: body.note ?? '' });
      events.publish('moderation.itemChanged', { itemId: item._id.toHexString() });
      const after = await PostModel.findById(post._id, { status: 1 }).lean();
      return { flagged: true, postStatus: after?.status ?? 'visible' };
    },

    // ------------------------------------------------------------ review queue

    async queue(actor: Actor, query: QueueQuery): Promise<ModerationItem[]> {
      requireModerator(actor);
      const rows =
        query.state === 'open'
          ? await ItemModel.find({ state: trusted({ $in: ['open', 'claimed'] }) })
              .sort({ priority: -1, createdAt: 1 })
              .limit(query.limit)
              .lean<ItemLean[]>()
          : await ItemModel.find({ state: 'resolved' }).sort({ updatedAt: -1 }).limit(query.limit).lean<ItemLean[]>();
      return presentItems(rows);
    },

    async getItem(actor: Actor, id: string): Promise<ModerationItem> {
      requireModerator(actor);
      return presentItem(await findItem(id));
    },

    /** For live pushes (no actor: the listener sends it to the moderators room only). */
    async itemForBroadcast(id: string): Promise<ModerationItem | null> {
      const item = await ItemModel.findById(id).lean<ItemLean>();
      return item ? presentItem(item) : null;
    },

    async claim(actor: Actor, id: string): Promise<ModerationItem> {
      requireModerator(actor);
      return oneAtATime(id, async () => {
        const item = await findItem(id);
        const me = new Types.ObjectId(actor.id);
        const claimed = await ItemModel.findOneAndUpdate(
          { _id: item._id, $or: [{ state: 'open' }, { state: 'claimed', claimedById: me }] },
          { $set: { state: 'claimed', claimedById: me, claimedAt: now() }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ).lean<ItemLean>();
        if (!claimed) throw new AppError('conflict', 'This item is already claimed or resolved.');
        await audit(actor, 'item.claim', { type: 'item', id }, '', { postId: claimed.postId.toHexString() });
        events.publish('moderation.itemChanged', { itemId: id });
        return presentItem(claimed);
      });
    },

    resolve: resolveOne,

    async bulkResolve(
      actor: Actor,
      body: BulkResolveBody,
    ): Promise<Array<{ id: string; ok: boolean; code?: string; item?: ModerationItem }>> {
      requireModerator(actor);
      const out: Array<{ id: string; ok: boolean; code?: string; item?: ModerationItem }> = [];
      for (const id of [...new Set(body.itemIds)]) {
        try {
          const item = await resolveOne(actor, id, {
            action: body.action,
            note: body.note,
            notifyAuthor: body.notifyAuthor,
          });
          out.push({ id, ok: true, item });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          out.push({ id, ok: false, code: err.code });
        }
      }
      return out;
    },

    // ------------------------------------------------------------ the author's side

    async postModeration(actor: Actor, postId: string): Promise<PostModeration> {
      const post = await PostModel.findById(oid(postId, 'post'), { authorId: 1, status: 1 }).lean();
      if (!post || (post.authorId.toHexString() !== actor.id && !isModerator(actor)))
        throw new AppError('not_found', 'No post with this id.');
      const item = await ItemModel.findOne({ postId: post._id }).lean<ItemLean>();
      const flags = item ? await FlagModel.find({ postId: post._id }, { reason: 1 }).lean() : [];
      const status = post.status ?? 'visible';
      return {
        postId,
        status,
        reasons: [...new Set<string>([...flags.map((f) => f.reason), ...(item?.screening ?? [])])],
        note: item?.resolution && item.resolution.action !== 'keep' ? item.resolution.note : null,
        canAppeal: status !== 'visible' && item !== null && !item.appeal,
        appeal: item?.appeal ? { reason: item.appeal.reason, at: item.appeal.at.toISOString() } : null,
      };
    },

    /** The author asks once for a second look; the item returns to the queue. */
    async appeal(actor: Actor, postId: string, body: AppealBody): Promise<PostModeration> {
      const post = await PostModel.findById(oid(postId, 'post'), { authorId: 1, status: 1 }).lean();
      if (!post || post.authorId.toHexString() !== actor.id) throw new AppError('not_found', 'No post with this id.');
      if ((post.status ?? 'visible') === 'visible')
        throw new AppError('conflict', 'This post is not held or hidden; there is nothing to appeal.');
      const item = await ItemModel.findOneAndUpdate(
        { postId: post._id, appeal: null },
        {
          $set: { appeal: { reason: body.reason, at: now() }, state: 'open', claimedById: null, claimedAt: null },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      ).lean<ItemLean>();
      if (!item) throw new AppError('conflict', 'You have already appealed this decision.');
      await refreshPriority(item);
      events.publish('moderation.itemChanged', { itemId: item._id.toHexString() });
      return this.postModeration(actor, postId);
    },

    // ------------------------------------------------------------ sanctions

    async sanction(actor: Actor, body: SanctionBody): Promise<Sanction> {
      requireModerator(actor);
      const target = await MemberModel.findById(oid(body.memberId, 'member'), { role: 1 }).lean();
      if (!target) throw new AppError('not_found', 'No member with this id.');
      if (body.memberId === actor.id) throw new AppError('forbidden', 'You cannot sanction yourself.');
      if (target.role !== 'member' && actor.role !== 'admin')
        throw new AppError('forbidden', 'Only administrators can sanction moderators and administrators.');
      const at = now();
      const expiresAt = body.kind === 'warn' ? null : new Date(at.getTime() + (body.durationHours ?? 0) * 3600_000);
      const doc = await SanctionModel.create({
        memberId: target._id,
        kind: body.kind,
        reason: body.reason,
        expiresAt,
        createdById: new Types.ObjectId(actor.id),
        createdAt: at,
      });
      // A suspension ends every session at once: the session epoch moves on.
      if (body.kind === 'suspend') await MemberModel.updateOne({ _id: target._id }, { $inc: { sessionVersion: 1 } });
      await audit(actor, 'sanction.create', { type: 'member', id: body.memberId }, body.reason, {
        kind: body.kind,
        sanctionId: doc._id.toHexString(),
        expiresAt: expiresAt?.toISOString() ?? null,
      });
      events.publish('moderation.sanctioned', {
        memberId: body.memberId,
        kind: body.kind,
        reason: body.reason,
        expiresAt,
      });
      const lean = doc.toObject<SanctionLean>();
      return presentSanction(lean, await memberRefs([lean.createdById]));
    },

    async liftSanction(actor: Actor, id: string, reason: string): Promise<Sanction> {
      requireModerator(actor);
      const lifted = await SanctionModel.findOneAndUpdate(
        { _id: oid(id, 'sanction'), liftedAt: null },
        { $set: { liftedAt: now() } },
        { returnDocument: 'after' },
      ).lean<SanctionLean>();
      if (!lifted) {
        if (await SanctionModel.exists({ _id: id }))
          throw new AppError('conflict', 'This sanction was already lifted.');
        throw new AppError('not_found', 'No sanction with this id.');
      }
      await audit(actor, 'sanction.lift', { type: 'sanction', id }, reason, {
        memberId: lifted.memberId.toHexString(),
      });
      return presentSanction(lifted, await memberRefs([lifted.createdById]));
    },

    async memberModeration(actor: Actor, memberId: string) {
      if (memberId !== actor.id) requireModerator(actor);
      const id = oid(memberId, 'member');
      if (!(await MemberModel.exists({ _id: id }))) throw new AppError('not_found', 'No member with this id.');
      const [profile, rows] = await Promise.all([
        profileOf(id),
        SanctionModel.find({ memberId: id }).sort({ createdAt: -1 }).limit(100).lean<SanctionLean[]>(),
      ]);
      const refs = await memberRefs(rows.map((r) => r.createdById));
      return { memberId, trustLevel: profile?.trustLevel ?? 0, sanctions: rows.map((r) => presentSanction(r, refs)) };
    },

    /** The expiry job: marks sanctions whose time is up as lifted (use-time checks already ignore them). */
    async expireSanctions(): Promise<number> {
      const at = now();
      const due = await SanctionModel.find({ liftedAt: null, expiresAt: trusted({ $ne: null, $lte: at }) }).lean<
        SanctionLean[]
      >();
      let count = 0;
      for (const s of due) {
        const res = await SanctionModel.updateOne({ _id: s._id, liftedAt: null }, { $set: { liftedAt: s.expiresAt } });
        if (res.modifiedCount === 0) continue;
        count += 1;
        await audit(null, 'sanction.lift', { type: 'sanction', id: s._id.toHexString() }, 'expired', {
          memberId: s.memberId.toHexString(),
        });
      }
      return count;
    },

    // ------------------------------------------------------------ audit

    async auditLog(actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
      requireModerator(actor);
      const filter: Record<string, unknown> = {};
      if (query.actorId) filter.actorId = new Types.ObjectId(query.actorId);
      if (query.action) filter.action = query.action;
      const rows = await AuditModel.find(filter)
        .sort({ at: -1, _id: -1 })
        .limit(query.limit)
        .lean<Lean<AuditFields>[]>();
      const refs = await memberRefs(rows.map((r) => r.actorId));
      return rows.map((r) => ({
        id: r._id.toHexString(),
        actor: (r.actorId && refs.get(r.actorId.toHexString())) || null,
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        reason: r.reason,
        details: r.details ?? {},
        at: r.at.toISOString(),
      }));
    },

    // ------------------------------------------------------------ blocks

    async setBlock(actor: Actor, memberId: string, blocked: boolean): Promise<{ memberId: string; blocked: boolean }> {
      const target = oid(memberId, 'member');
      if (memberId === actor.id) throw new AppError('bad_request', 'You cannot block yourself.');
      if (!(await MemberModel.exists({ _id: target }))) throw new AppError('not_found', 'No member with this id.');
      const me = new Types.ObjectId(actor.id);
      if (blocked)
        await BlockModel.updateOne(
          { memberId: me, blockedId: target },
          { $setOnInsert: { createdAt: now() } },
          { upsert: true },
        ).catch((err: unknown) => {
          if (!isDuplicateKey(err)) throw err;
        });
      else await BlockModel.deleteOne({ memberId: me, blockedId: target });
      return { memberId, blocked };
    },

    // ------------------------------------------------------------ jobs

    /** Automatic screening of a new or edited post (the moderation worker calls this). */
    async screen(postId: string): Promise<ScreeningResult | null> {
      if (!OBJECT_ID.test(postId)) return null;
      const post = await PostModel.findById(postId, {
        threadId: 1,
        authorId: 1,
        seq: 1,
        body: 1,
        deleted: 1,
        status: 1,
        createdAt: 1,
      }).lean();
      if (!post || post.deleted) return null;
      const author = await MemberModel.findById(post.authorId, { role: 1, createdAt: 1 }).lean();
      if (!author || author.role !== 'member') return { verdict: 'allow', reasons: [] };
      const at = now();
      const dayAgo = at.getTime() - 24 * 3600_000;
      const burstFrom = post.createdAt.getTime() - 5 * 60_000;
      const [thread, profile, lately] = await Promise.all([
        // An opening post (always seq 1) is screened with its thread's title.
        post.seq === 1 ? ThreadModel.findById(post.threadId, { title: 1, firstPostId: 1 }).lean() : null,
        profileOf(post.authorId),
        // The author's posts of the last day (or since the burst window opened, if earlier), in one
        // read: the repeats and the burst are both cut from it. Posting limits keep it short.
        PostModel.find(
          {
            authorId: post.authorId,
            createdAt: trusted({ $gte: new Date(Math.min(dayAgo, burstFrom)) }),
          },
          { body: 1, deleted: 1, createdAt: 1 },
        )
          .sort({ createdAt: -1 })
          .limit(1000)
          .lean(),
      ]);
      const recent = lately
        .filter((r) => !r._id.equals(post._id) && !r.deleted && r.createdAt.getTime() >= dayAgo)
        .slice(0, 200);
      const burst = lately.filter((r) => {
        const t = r.createdAt.getTime();
        return t >= burstFrom && t <= post.createdAt.getTime();
      }).length;
      const result = screenPost({
        body: post.body,
        title: thread?.firstPostId?.equals(post._id) ? thread.title : undefined,
        trustLevel: profile?.trustLevel ?? 0,
        accountAgeHours: (at.getTime() - author.createdAt.getTime()) / 3600_000,
        recentBodies: recent.map((r) => r.body),
        postsLast5Minutes: burst,
      });
      if (result.verdict === 'allow') return result;
      await restrictPost(post, result.verdict === 'hide' ? 'hidden' : 'held', result.reasons);
      const item = await refreshPriority(await openItem(post, result.reasons));
      events.publish('moderation.itemChanged', { itemId: item._id.toHexString() });
      return result;
    },

    /** Trust levels from activity: one member, or everyone (the periodic job). */
    async recomputeTrust(memberId?: string): Promise<number> {
      const members = await MemberModel.find(memberId ? { _id: oid(memberId, 'member') } : {}, { role: 1 }).lean();
      for (const m of members) {
        const [profile, posts] = await Promise.all([
          profileOf(m._id),
          PostModel.find({ authorId: m._id, deleted: false }, { reactions: 1 }).lean(),
        ]);
        const level = trustLevelFor(
          {
            daysVisited: profile?.visitDays.length ?? 0,
            posts: posts.length,
            likesReceived: posts.reduce((s, p) => s + (p.reactions?.like ?? 0), 0),
            upheldAgainst: profile?.upheldAgainst ?? 0,
          },
          m.role,
        );
        await ProfileModel.updateOne(
          { memberId: m._id },
          { $set: { trustLevel: level, computedAt: now() } },
          { upsert: true },
        );
      }
      return members.length;
    },

    async trustLevel(memberId: string): Promise<number> {
      return (await profileOf(oid(memberId, 'member')))?.trustLevel ?? 0;
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
