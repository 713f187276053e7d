import {
  type MarkReadBody,
  type NoticeInput,
  type Notification,
  type NotificationChannel,
  type NotificationPreferences,
  type NotificationPreferencesBody,
  type PostNotificationKind,
} from '@commons/shared';
import { Types } from 'mongoose';
import { z } from 'zod';
import { CategoryModel, PostModel, ThreadModel, ThreadStateModel } from '../forums/model.js';
import { AppError } from '../http/errors.js';
import { findAmong } from '../infra/each.js';
import type { Logger } from '../infra/log.js';
import type { Mailer } from '../infra/mail.js';
import type { Queues } from '../infra/queues.js';
import type { Site } from '../mail/templates.js';
import { MemberModel } from '../members/model.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import { deliverMail } from './delivery.js';
import { renderInstantMail } from './mails.js';
import { NotificationModel, NotificationSettingsModel, DigestMarkerModel } from './model.js';
import { memoizedLookups, presentNotifications, type GroupLookups, type NotificationLean } from './present.js';
import { channelsFor, defaultSettingsRow, isBounced, loadSettings, toPreferences } from './settings.js';
import type { UnsubscribeTokens } from './tokens.js';

/** How long live notification pushes reuse a thread title or a post's state (see memoizedLookups). */
export const LIVE_PUSH_READS_TTL_MS = 5_000;

export interface NotificationServiceDeps {
  emitter: RoomEmitter;
  queues: Pick<Queues, 'notifications'>;
  /** null in API processes, which never send mail (the workers do). */
  mailer: Mailer | null;
  site: Site;
  log: Logger;
  tokens: UnsubscribeTokens;
  /** Who watches a thread (the forums decide: thread level, else category level; muted left out). */
  watcherIds(threadId: string): Promise<string[]>;
  /** How long instant mails of one member are collected before one mail goes out. */
  instantWindowMs: number;
  /** Of `recipientIds`, those who blocked `senderId` (the moderation domain decides). */
  blockedBy(senderId: string, recipientIds: string[]): Promise<Set<string>>;
}

export interface FanoutInput {
  threadId: string;
  postId: string;
  actorId: string;
  replyToAuthorId: string | null;
  mentionIds: string[];
  mentionsOnly?: boolean | undefined;
}

const cursorSchema = z.object({ t: z.number().int(), i: z.string().regex(/^[0-9a-f]{24}$/) }).strict();
const PAGE = 30;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
}

function encodeCursor(c: z.infer<typeof cursorSchema>): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
function decodeCursor(raw: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation_failed', 'The cursor is not valid.');
  }
}

/** Kinds by precedence: a member mentioned in a reply to their own post hears of it once, as a mention. */
const precedence: PostNotificationKind[] = ['mention', 'reply', 'thread_post'];

/**
 * In-app notifications, preferences, one-click unsubscribe and instant mails. Knows nothing of
 * HTTP; the fan-out and the mails run in BullMQ jobs (workers/src/notifications.worker.ts).
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  let indexes: Promise<unknown> | null = null;
  // Live pushes of the fan-out share their reads for a few seconds (see memoizedLookups).
  const pushLookups = memoizedLookups({ ttlMs: LIVE_PUSH_READS_TTL_MS });
  /** The grouping and exactly-once rules rest on unique indexes: make sure they exist first. */
  const ready = () => {
    indexes ??= Promise.all([NotificationModel.init(), NotificationSettingsModel.init(), DigestMarkerModel.init()]);
    return indexes;
  };

  async function unreadCount(memberId: string): Promise<number> {
    return NotificationModel.countDocuments({ memberId, read: false });
  }

  /**
   * Adds one post to the member's unread group of that kind in that thread (creating it), once:
   * a retried job finds the post already in a group and changes nothing. Returns the group when it changed.
   */
  async function addToGroup(
    memberId: string,
    kind: PostNotificationKind,
    post: { _id: Types.ObjectId; threadId: Types.ObjectId; seq: number },
    actorId: string,
    emailPending: boolean,
  ): Promise<NotificationLean | null> {
    if (await NotificationModel.exists({ memberId, threadId: post.threadId, postIds: post._id })) return null;
    const openKey = `${kind}:${post.threadId.toHexString()}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await NotificationModel.findOneAndUpdate(
          { memberId: new Types.ObjectId(memberId), openKey, postIds: { $ne: post._id } },
          {
            $inc: { count: 1 },
            $push: { postIds: post._id },
            $max: { seq: post.seq },
            $set: {
              postId: post._id,
              actorId: new Types.ObjectId(actorId),
              ...(emailPending ? { emailPending: true } : {}),
            },
            $setOnInsert: {
              kind,
              threadId: post.threadId,
              read: false,
              readAt: null,
              ...(emailPending ? {} : { emailPending: false }),
            },
          },
          { upsert: true, returnDocument: 'after' },
        ).lean<NotificationLean>();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Either the post is already in the open group (a retry), or another job opened the group first.
        if (await NotificationModel.exists({ memberId, openKey, postIds: post._id })) return null;
      }
    }
    throw new Error('could not add to the notification group');
  }

  async function push(memberId: string, row: NotificationLean, lookups?: GroupLookups): Promise<void> {
    const [notification] = await presentNotifications([row], lookups);
    if (!notification) return;
    deps.emitter
      .to(rooms.member(memberId))
      .emit('notification:new', { notification, unreadCount: await unreadCount(memberId) });
  }

  /**
   * Opens the member's instant-mail batch if none is open: one delayed job per batch (its id
   * carries the batch's start), which mails everything pending when the window closes.
   */
  async function openBatch(memberId: string): Promise<void> {
    const now = new Date();
    let opened = false;
    try {
      const res = await NotificationSettingsModel.updateOne(
        // A batch open for far longer than its window lost its job (e.g. Redis was flushed): reopen.
        {
          memberId,
          $or: [
            { instantBatchAt: null },
            { instantBatchAt: { $lt: new Date(now.getTime() - 10 * deps.instantWindowMs) } },
          ],
        },
        { $set: { instantBatchAt: now }, $setOnInsert: defaultSettingsRow() },
        { upsert: true },
      );
      opened = res.modifiedCount === 1 || res.upsertedCount === 1;
    } catch (err) {
      // The upsert met the member's row with a batch already open.
      if (!isDuplicateKey(err)) throw err;
    }
    if (!opened) return;
    const windowKey = String(now.getTime());
    await deps.queues.notifications.add(
      'instant_email',
      { kind: 'instant_email', memberId, windowKey },
      { jobId: `instant-${memberId}-${windowKey}`, delay: deps.instantWindowMs },
    );
  }

  return {
    ready,
    unreadCount,

    async list(
      memberId: string,
      cursor: string | undefined,
    ): Promise<{ notifications: Notification[]; nextCursor: string | null; unreadCount: number }> {
      const filter: Record<string, unknown> = { memberId };
      if (cursor) {
        const c = decodeCursor(cursor);
        const at = new Date(c.t);
        filter.$or = [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: new Types.ObjectId(c.i) } }];
      }
      const rows = await NotificationModel.find(filter)
        .sort({ updatedAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .lean<NotificationLean[]>();
      const page = rows.slice(0, PAGE);
      const last = page.at(-1);
      return {
        notifications: await presentNotifications(page),
        nextCursor:
          rows.length > PAGE && last ? encodeCursor({ t: last.updatedAt.getTime(), i: last._id.toHexString() }) : null,
        unreadCount: await unreadCount(memberId),
      };
    },

    /** Marks the given notifications (only the member's own) or all as read; the group closes. */
    async markRead(memberId: string, body: MarkReadBody): Promise<{ unreadCount: number }> {
      const filter: Record<string, unknown> = { memberId, read: false };
      if (body.ids) filter._id = { $in: body.ids };
      const rows = await NotificationModel.find(filter, { _id: 1 }).lean();
      const now = new Date();
      // Each read group gets its own id as openKey, so the next post opens a new group.
      await Promise.all(
        rows.map((r) =>
          NotificationModel.updateOne(
            { _id: r._id, read: false },
            { $set: { read: true, readAt: now, openKey: r._id.toHexString() } },
          ),
        ),
      );
      const count = await unreadCount(memberId);
      // The member's other tabs and devices clear the same items.
      deps.emitter.to(rooms.member(memberId)).emit('notification:read', {
        ids: body.all ? 'all' : rows.map((r) => r._id.toHexString()),
        unreadCount: count,
      });
      return { unreadCount: count };
    },

    async preferences(
      memberId: string,
    ): Promise<{ preferences: NotificationPreferences; emailBounced: boolean; timeZone: string }> {
      const [row, member] = await Promise.all([
        NotificationSettingsModel.findOne({ memberId }).lean(),
        MemberModel.findById(memberId, { email: 1, timeZone: 1 }).lean(),
      ]);
      if (!member) throw new AppError('not_found', 'No member with this id.');
      return {
        preferences: toPreferences(row),
        emailBounced: isBounced(row, member.email),
        timeZone: member.timeZone,
      };
    },

    async updatePreferences(memberId: string, body: NotificationPreferencesBody) {
      const current = toPreferences(await NotificationSettingsModel.findOne({ memberId }).lean());
      const kinds = { ...current.kinds, ...body.kinds };
      await NotificationSettingsModel.updateOne(
        { memberId },
        { $set: { kinds, digestFrequency: body.digest.frequency, digestHour: body.digest.hour } },
        { upsert: true },
      );
      return this.preferences(memberId);
    },

    /** One-click unsubscribe (signed out): turns off that member's digest and nothing else. */
    async unsubscribe(token: string): Promise<{ digest: 'off' }> {
      const memberId = deps.tokens.verify(token);
      if (!memberId || !(await MemberModel.exists({ _id: memberId })))
        throw new AppError('invalid_token', 'This unsubscribe link is not valid.');
      await NotificationSettingsModel.updateOne(
        { memberId },
        {
          $set: { digestFrequency: 'off' },
          $setOnInsert: { kinds: defaultSettingsRow().kinds, digestHour: defaultSettingsRow().digestHour },
        },
        { upsert: true },
      );
      deps.log.info({ memberId }, 'digest unsubscribed by link');
      return { digest: 'off' };
    },

    /** The fan-out of one new post: each member hears of it once, by the kind that matters most. */
    async fanout(input: FanoutInput): Promise<{ notified: number }> {
      await ready();
      const post = await PostModel.findById(input.postId, { threadId: 1, seq: 1, deleted: 1, authorId: 1 }).lean();
      if (!post || post.deleted) return { notified: 0 };
      const thread = await ThreadModel.findById(post.threadId, { categoryId: 1 }).lean();
      if (!thread) return { notified: 0 };
      const category = await CategoryModel.findById(thread.categoryId, { archived: 1 }).lean();

      const kindOf = new Map<string, PostNotificationKind>();
      const offer = (id: string | null | undefined, kind: PostNotificationKind) => {
        if (!id || id === input.actorId) return;
        const current = kindOf.get(id);
        if (!current || precedence.indexOf(kind) < precedence.indexOf(current)) kindOf.set(id, kind);
      };
      if (!input.mentionsOnly) {
        for (const id of await deps.watcherIds(input.threadId)) offer(id, 'thread_post');
        offer(input.replyToAuthorId, 'reply');
      }
      for (const id of input.mentionIds) offer(id, 'mention');
      for (const id of await deps.blockedBy(input.actorId, [...kindOf.keys()])) kindOf.delete(id);
      if (kindOf.size === 0) return { notified: 0 };

      const ids = [...kindOf.keys()];
      const [settings, members, muted] = await Promise.all([
        loadSettings(ids),
        findAmong(
          ids,
          (id) => MemberModel.find({ _id: id }, { role: 1 }).lean(),
          () => MemberModel.find({}, { role: 1 }).lean(),
          (m) => m._id.toHexString(),
        ),
        ThreadStateModel.find(
          { threadId: post.threadId, memberId: { $in: ids }, level: 'muted' },
          { memberId: 1 },
        ).lean(),
      ]);
      const mutedIds = new Set(muted.map((m) => m.memberId.toHexString()));
      const roleOf = new Map(members.map((m) => [m._id.toHexString(), m.role]));
      let notified = 0;
      for (const [memberId, kind] of kindOf) {
        const role = roleOf.get(memberId);
        if (!role) continue;
        // Archived categories are visible to admins only; a muted thread stays quiet except for mentions.
        if (category?.archived && role !== 'admin') continue;
        if (mutedIds.has(memberId) && kind !== 'mention') continue;
        const channel: NotificationChannel = toPreferences(settings.get(memberId) ?? null).kinds[kind];
        if (channel === 'off') continue;
        const row = await addToGroup(memberId, kind, post, input.actorId, channel === 'email');
        if (!row) continue;
        notified++;
        if (channel === 'email') await openBatch(memberId);
        await push(memberId, row, pushLookups);
      }
      return { notified };
    },

    /**
     * Tells members one fact of another domain (a lab invitation, a reminder, a moderation outcome…),
     * each by their channel for its kind, once: a member who already holds the fact's key is skipped.
     */
    async notice(input: NoticeInput): Promise<{ notified: number }> {
      await ready();
      const ids = [...new Set(input.memberIds)].filter((id) => Types.ObjectId.isValid(id) && id !== input.actorId);
      if (ids.length === 0) return { notified: 0 };
      const blocked = input.actorId ? await deps.blockedBy(input.actorId, ids) : new Set<string>();
      const [channels, existing, members] = await Promise.all([
        channelsFor(input.kind, ids),
        NotificationModel.find({ memberId: { $in: ids }, noticeKey: input.key }, { memberId: 1 }).lean(),
        findAmong(
          ids,
          (id) => MemberModel.find({ _id: id }, { _id: 1 }).lean(),
          () => MemberModel.find({}, { _id: 1 }).lean(),
          (m) => m._id.toHexString(),
        ),
      ]);
      const told = new Set(existing.map((r) => r.memberId.toHexString()));
      const live = new Set(members.map((m) => m._id.toHexString()));
      let notified = 0;
      for (const memberId of ids) {
        const channel = channels.get(memberId) ?? 'off';
        if (channel === 'off' || told.has(memberId) || blocked.has(memberId) || !live.has(memberId)) continue;
        const emailPending = channel === 'email' && !input.mailedSeparately;
        let row: NotificationLean;
        try {
          const doc = await NotificationModel.create({
            memberId: new Types.ObjectId(memberId),
            kind: input.kind,
            openKey: `${input.kind}:${input.key}`,
            noticeKey: input.key,
            subjectType: input.subject.type,
            subjectId: input.subject.id,
            title: input.subject.title,
            path: input.subject.path,
            detail: input.detail,
            actorId: input.actorId ? new Types.ObjectId(input.actorId) : null,
            count: 1,
            read: false,
            emailPending,
          });
          row = doc.toObject() as NotificationLean;
        } catch (err) {
          if (isDuplicateKey(err)) continue; // a concurrent run told this member first
          throw err;
        }
        notified++;
        if (emailPending) await openBatch(memberId);
        await push(memberId, row);
      }
      return { notified };
    },

    /** One mail with everything pending for the member since their last instant mail. */
    async sendInstantEmail(
      memberId: string,
      windowKey: string,
    ): Promise<'sent' | 'nothing' | 'bounced' | 'already_sent'> {
      // Close the batch first: items arriving from now on open the next one.
      await NotificationSettingsModel.updateOne({ memberId }, { $set: { instantBatchAt: null } });
      const member = await MemberModel.findById(memberId, { email: 1, displayName: 1, locale: 1 }).lean();
      if (!member) return 'nothing';
      const pending = await NotificationModel.find({ memberId, emailPending: true }).lean<NotificationLean[]>();
      if (pending.length === 0) return 'nothing';
      const clear = () =>
        NotificationModel.updateMany({ _id: { $in: pending.map((p) => p._id) } }, { $set: { emailPending: false } });
      const settings = await NotificationSettingsModel.findOne({ memberId }).lean();
      const prefs = toPreferences(settings);
      // Read ones, deleted posts and kinds switched away from email since are left out.
      const refs = (await presentNotifications(pending.filter((p) => !p.read))).filter(
        (n) => prefs.kinds[n.kind] === 'email',
      );
      if (refs.length === 0 || isBounced(settings, member.email)) {
        await clear();
        return isBounced(settings, member.email) ? 'bounced' : 'nothing';
      }
      const mail = renderInstantMail({
        site: deps.site,
        to: member.email,
        displayName: member.displayName,
        locale: member.locale,
        notifications: refs,
        settingsUrl: `${deps.site.url}/settings/notifications`,
      });
      if (!deps.mailer) throw new Error('this process has no mailer');
      const outcome = await deliverMail(
        { mailer: deps.mailer, log: deps.log },
        `instant-${memberId}-${windowKey}`,
        'notification',
        memberId,
        mail,
      );
      await clear();
      return outcome;
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
