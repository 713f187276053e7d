import type {
  PostAnnouncement,
  ScreenedPost,
  AppealBody,
  AuditAction,
  AuditEntry,
  AuditQuery,
  BlockList,
  BlockedMember,
  BulkResolveBody,
  ModerationItem,
  PostModeration,
  QueueQuery,
  ResolveBody,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { localSerialLock, type Mutex, type SerialLock } from '../infra/mutex.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { liveReactionsOfAuthor, postById, threadById } from '../forums/reads.js';
import { settleThreadCounts } from '../forums/tallies.js';
import { readablePostOr404 } from '../forums/read-rule.js';
import { isModerator, type Actor } from '../members/actor.js';
import { eachMember, memberById, type MemberRow } from '../members/reads.js';
import { blockPair, recipientsBlocking, removeBlock, upsertBlock } from './blocks.js';
import { createFlags } from './flags.js';
import { createItemOps, type ItemLean } from './items.js';
import { AuditModel, BlockModel, FlagModel, ItemModel, ProfileModel, type AuditFields, type Lean } from './model.js';
import { assertMayPublish, isActiveSanction } from './publishing.js';
import { presentItems } from './queue.js';
import { factsOfScreened, windowStart, verdictFrom, type ScreeningFacts } from './prescreen.js';
import { trustLevelFor, type ScreeningResult } from './rules.js';
import { createSanctions } from './sanctions.js';
import { recentPostsOf } from './recent-posts.js';
import { trustChanged, trustLevelOf } from './trust.js';
import { exportModerationMember, forgetModerationMember } from './member-data.js';
import { OBJECT_ID, memberRefs, oid, requireModerator, writeAudit } from './support.js';

const { trusted } = mongoose;

export interface ModerationServiceDeps {
  events: DomainEvents;
  /** Spent once per flag (null: unlimited). */
  flagLimiter?: Limiter | null;
  /** Spent when a child-safety report hides a post before review (null: unlimited). */
  urgentHideLimiter?: Limiter | null;
  /** The forums' soft delete, for `delete` resolutions (absent in processes that never resolve). */
  deletePost?: (actor: Actor, postId: string) => Promise<void>;
  /** Serializes decisions on one item across processes (FerretDB does not isolate them). */
  mutex?: Mutex;
  /** The forums' thread writer lock (see forums/context.ts): moderation rewrites a thread's marks. */
  threadLock?: SerialLock;
  now?: () => Date;
}

export { recipientsBlocking };

/** What screening decides on, from the post's job or the store. */
/**
 * The moderation service: the review queue and its decisions, appeals, blocks, screening and trust
 * here; flags (flags.ts), sanctions (sanctions.ts), the publishing gate (publishing.ts) and what
 * happens to a post and its item (items.ts) in their own modules.
 */
export function createModerationService(deps: ModerationServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { events } = deps;
  const items = createItemOps({ events, threadLock: deps.threadLock ?? localSerialLock() });
  const { restrictPost, restorePost, openItem, createScreeningItem, refreshPriority } = items;
  const sanctions = createSanctions({ events, now });
  const flag = createFlags({
    events,
    items,
    now,
    flagLimiter: deps.flagLimiter,
    urgentHideLimiter: deps.urgentHideLimiter,
  });
  const audit = (...args: Parameters<typeof writeAudit> extends [Date, ...infer R] ? R : never) =>
    writeAudit(now(), ...args);
  const profileOf = (memberId: Types.ObjectId | string) => ProfileModel.findOne({ memberId }).lean();
  const presentItem = async (item: ItemLean): Promise<ModerationItem> => (await presentItems([item], now()))[0]!;

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
    const post = await postById(resolved.postId);
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
    // Every reporter hears what came of their report (in the app), whatever the author is told.
    if (openFlags.length > 0)
      events.publish('moderation.reportsResolved', {
        postId: resolved.postId.toHexString(),
        threadId: resolved.threadId.toHexString(),
        flaggerIds: [...new Set(openFlags.map((f) => f.flaggerId.toHexString()))],
        upheld,
        at,
      });
    if (post) {
      if (body.action === 'keep') {
        // The forums tell the thread's room (post.statusChanged).
        if (await restorePost(post)) {
          // A new post screening held is published now; its fan-out is stored before the answer.
          if (resolved.announce) await events.deliver('post.published', { postId, ...resolved.announce });
        }
      } else {
        // The decision's own notice (below) is what the author hears, if the moderator chose to tell them.
        await restrictPost(post, 'hidden', [body.note], false);
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

  /**
   * The verdict on a post, applied (held or hidden posts open a queue item). The write judged it
   * already (prescreen.ts) and saved a post to hold or hide so: its verdict comes with the job
   * (`judged`) and is applied as it is. Without one (a job queued before writes judged), the same
   * rule judges here: the author's recent posts from their window (recent-posts.ts), trust from
   * Redis, the post as its job carries it; an edit or a rename is read from the store.
   */
  async function decide(
    postId: string,
    announce?: PostAnnouncement,
    written?: ScreenedPost,
    judged?: ScreeningResult,
  ): Promise<ScreeningResult | null> {
    if (!OBJECT_ID.test(postId)) return null;
    // Saved held or hidden by its write: the status is there already; what follows it is not.
    const born = judged !== undefined && judged.verdict !== 'allow' ? (announce ? 'new' : 'edited') : undefined;
    let result = judged;
    let inWindow = false;
    if (!result) {
      const facts = written ? factsOfScreened(written) : await factsFromStore(postId);
      if (!facts) return null;
      if (facts.authorRole !== 'member') return { verdict: 'allow', reasons: [] };
      const at = now();
      const [trustLevel, lately] = await Promise.all([
        trustLevelOf(facts.authorId),
        recentPostsOf(facts.authorId, windowStart(facts.createdAt, at)),
      ]);
      // Deleted before its screening (the window forgets deleted posts): nothing to publish. Not in
      // the window for another reason (Redis refused its write): the store says.
      inWindow = lately.some((r) => r.postId === postId);
      if (written && !inWindow) {
        const post = await postById(postId);
        if (!post || post.deleted) return null;
      }
      result = verdictFrom(facts, postId, lately, trustLevel, at);
    }
    if (result.verdict === 'allow') return result;
    // A judged new post: whether it is still in its author's window (Redis) says it was not
    // deleted meanwhile, without reading it.
    if (judged && written && announce)
      inWindow = (await recentPostsOf(written.authorId, new Date(written.createdAt).getTime())).some(
        (r) => r.postId === postId,
      );
    // A new post as written, in the window (so not deleted), needs no read: the job carries it.
    const post =
      written && announce && inWindow
        ? {
            _id: oid(postId, 'post'),
            threadId: oid(announce.threadId, 'thread'),
            authorId: oid(written.authorId, 'member'),
          }
        : await postById(postId);
    if (!post || ('deleted' in post && post.deleted)) return null;
    await restrictPost(post, result.verdict === 'hide' ? 'hidden' : 'held', result.reasons, true, born);
    // Kept for a moderator's approval: the post is published (and fanned out) then. A new post's
    // item is made whole in one write; an edit's, or one that exists already, the general way.
    let item = announce ? await createScreeningItem(post, result.reasons, announce) : null;
    if (!item) {
      const opened = await openItem(post, result.reasons);
      if (announce) await ItemModel.updateOne({ _id: opened._id }, { $set: { announce } });
      item = await refreshPriority(opened);
    }
    events.publish('moderation.itemChanged', { itemId: item._id.toHexString() });
    return result;
  }

  async function factsFromStore(postId: string): Promise<ScreeningFacts | null> {
    const post = await postById(postId);
    if (!post || post.deleted) return null;
    const [author, thread] = await Promise.all([
      memberById(post.authorId, ['role', 'createdAt']),
      // An opening post (always seq 1) is screened with its thread's title.
      post.seq === 1 ? threadById(post.threadId) : null,
    ]);
    return {
      authorId: post.authorId.toHexString(),
      // A former member's post is not screened, as before.
      authorRole: author?.role ?? 'admin',
      authorSince: author?.createdAt ?? post.createdAt,
      body: post.body,
      title: thread?.firstPostId?.equals(post._id) ? thread.title : undefined,
      createdAt: post.createdAt,
    };
  }

  return {
    isActive: (s: Parameters<typeof isActiveSanction>[0], at = now()) => isActiveSanction(s, at),
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportModerationMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: (memberId: string) => forgetModerationMember(memberId),

    // ------------------------------------------------------------ gates other domains call

    /** The one publishing gate (publishing.ts): unconfirmed, former, silenced or suspended members publish nothing. */
    assertCanPost: (memberId: string) => assertMayPublish({ id: memberId }, now()),

    assertCanSignIn: sanctions.assertCanSignIn,

    /** Records a day of use (for trust levels); callers de-duplicate per day. */
    async touchVisit(memberId: string, at = now()): Promise<void> {
      await ProfileModel.updateOne(
        { memberId: new Types.ObjectId(memberId) },
        { $addToSet: { visitDays: at.toISOString().slice(0, 10) } },
        { upsert: true },
      );
    },

    /**
     * Members `memberId` blocked (their posts collapse for them) and muted; neither can mention or
     * notify them. Newest first, with names, for the list in settings where they are undone.
     */
    async blockList(memberId: string): Promise<BlockList> {
      const rows = await BlockModel.find({ memberId: oid(memberId, 'member') }).lean();
      rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      const refs = await memberRefs(rows.map((r) => r.blockedId));
      const members: BlockedMember[] = [];
      for (const r of rows) {
        const member = refs.get(r.blockedId.toHexString());
        if (member) members.push({ member, kind: r.kind ?? 'block', since: r.createdAt.toISOString() });
      }
      return {
        memberIds: members.filter((m) => m.kind === 'block').map((m) => m.member.id),
        mutedIds: members.filter((m) => m.kind === 'mute').map((m) => m.member.id),
        members,
      };
    },

    /** Of `recipientIds`, those who blocked `senderId` (mentions and notifications skip them). */
    recipientsBlocking,

    // ------------------------------------------------------------ flags

    flag,

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
      return presentItems(rows, now());
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

    // The author's side goes through the forums' read rule first: an author who may no longer read
    // their post (its category archived) is told it does not exist, as everyone else is.
    async postModeration(actor: Actor, postId: string): Promise<PostModeration> {
      const post = await readablePostOr404(actor, postId);
      if (post.authorId.toHexString() !== actor.id && !isModerator(actor))
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
      const post = await readablePostOr404(actor, postId);
      if (post.authorId.toHexString() !== actor.id) throw new AppError('not_found', 'No post with this id.');
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

    sanction: sanctions.sanction,
    liftSanction: sanctions.liftSanction,
    memberModeration: sanctions.memberModeration,
    expireSanctions: sanctions.expireSanctions,
    standings: sanctions.standings,

    // ------------------------------------------------------------ audit

    /** Other domains' administrative acts (site settings, roles, deletions) go into the same log. */
    async recordAudit(
      actorId: string | null,
      action: AuditAction,
      target: { type: AuditFields['targetType']; id: string },
      details: Record<string, unknown> = {},
    ): Promise<void> {
      await audit(actorId ? { id: actorId } : null, action, target, '', details);
    },

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

    /** Blocking a muted member turns the mute into a block; unblocking leaves nothing. */
    async setBlock(actor: Actor, memberId: string, blocked: boolean): Promise<{ memberId: string; blocked: boolean }> {
      const { me, target } = await blockPair(actor, memberId, 'block');
      if (blocked) await upsertBlock(me, target, { $set: { kind: 'block' }, $setOnInsert: { createdAt: now() } });
      else await removeBlock(me, target, 'block');
      return { memberId, blocked };
    },

    /** Muting a blocked member changes nothing (a block already silences); unmuting keeps a block. */
    async setMute(actor: Actor, memberId: string, muted: boolean): Promise<{ memberId: string; muted: boolean }> {
      const { me, target } = await blockPair(actor, memberId, 'mute');
      if (muted) await upsertBlock(me, target, { $setOnInsert: { kind: 'mute', createdAt: now() } });
      else await removeBlock(me, target, 'mute');
      return { memberId, muted };
    },

    // ------------------------------------------------------------ jobs

    /**
     * Automatic screening of a new or edited post (the moderation worker calls this). A new post
     * that stands is published (`post.published`, with its announcement) and its fan-out follows
     * from that; the follow-ups are stored before this returns, so a retried job redoes them once.
     */
    async screen(
      postId: string,
      announce?: PostAnnouncement,
      written?: ScreenedPost,
      judged?: ScreeningResult,
      /** Handed over by the outbox's sweep: the writer may have died before its live push. */
      swept?: { sweptAt?: string | undefined; retitled?: boolean | undefined },
    ): Promise<ScreeningResult | null> {
      // The thread's counts, should the reply's own writer have died before writing them.
      if (announce) await settleThreadCounts(announce.threadId);
      const result = await decide(postId, announce, written, judged);
      if (result?.verdict !== 'allow') return result;
      if (announce) await events.deliver('post.published', { postId, ...announce });
      // A push that fails is logged, not retried: the post stands, and the next catch-up brings it.
      if (swept?.sweptAt)
        await events.published('post.pushAgain', {
          postId,
          change: announce ? 'created' : swept.retitled ? 'retitled' : 'edited',
        });
      return result;
    },

    /** Trust levels from activity: one member, or everyone (the periodic job). */
    async recomputeTrust(memberId?: string): Promise<number> {
      const one = memberId ? await memberById(oid(memberId, 'member'), ['role']) : null;
      const members: AsyncIterable<MemberRow<'role'>> | MemberRow<'role'>[] = memberId
        ? one
          ? [one]
          : []
        : eachMember(['role']);
      let count = 0;
      for await (const m of members) {
        count++;
        const [profile, posts] = await Promise.all([profileOf(m._id), liveReactionsOfAuthor(m._id)]);
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
        await trustChanged(m._id);
      }
      return count;
    },

    async trustLevel(memberId: string): Promise<number> {
      return (await profileOf(oid(memberId, 'member')))?.trustLevel ?? 0;
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
