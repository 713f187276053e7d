import {
  type MarkReadBody,
  type NoticeInput,
  type Notification,
  type NotificationPreferences,
  type NotificationPreferencesBody,
} from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { z } from 'zod';
import { isDuplicateKey } from '../infra/store/index.js';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import type { Logger } from '../infra/log.js';
import type { Mailer } from '../infra/mail.js';
import type { SerialLock } from '../infra/mutex.js';
import type { Outbox } from '../infra/outbox.js';
import type { Site } from '../mail/templates.js';
import { memberById, memberExists, membersAmong } from '../members/reads.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import type { PendingDigests } from './digest-pending.js';
import { createFanout, type FanoutDeps, type FanoutInput } from './fanout.js';
import { createInstantMail } from './instant.js';
import { NotificationModel, NotificationSettingsModel } from './model.js';
import { presentNotifications, type NotificationLean, type Reader } from './present.js';
import { channelsChanged, channelsFor, defaultSettingsRow, isBounced, toPreferences } from './settings.js';
import type { UnsubscribeTokens } from './tokens.js';
import { exportNotificationMember, forgetNotificationMember } from './member-data.js';
import { unreadAdded, unreadChanged, unreadCount } from './unread.js';

export type { FanoutInput };

export interface NotificationServiceDeps {
  emitter: RoomEmitter;
  outbox: Outbox;
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
  /** Of `targetIds`, those who let `senderId` mention them (the members domain's privacy settings). */
  mentionable(senderId: string, targetIds: string[]): Promise<Set<string>>;
  /** Members' pending digests: what the fan-out and notices tell, digests send later. */
  pending: Pick<PendingDigests, 'append'>;
  /** Runs the fan-outs of one thread one after another, across worker processes (fanout.ts). */
  groupLock?: SerialLock;
}

const cursorSchema = z.object({ t: cursorField.time(), i: cursorField.id() }).strict();
const PAGE = 30;

/**
 * In-app notifications, preferences, one-click unsubscribe and instant mails. Knows nothing of
 * HTTP; the fan-out and the mails run in BullMQ jobs (workers/src/notifications.worker.ts).
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const instant = createInstantMail({
    outbox: deps.outbox,
    mailer: deps.mailer,
    site: deps.site,
    log: deps.log,
    windowMs: deps.instantWindowMs,
  });
  const fanoutDeps: FanoutDeps = {
    emitter: deps.emitter,
    watcherIds: deps.watcherIds,
    blockedBy: deps.blockedBy,
    mentionable: deps.mentionable,
    pending: deps.pending,
    openBatches: instant.openBatches,
    ...(deps.groupLock ? { groupLock: deps.groupLock } : {}),
  };
  const fanout = createFanout(fanoutDeps);

  async function push(reader: Reader, row: NotificationLean): Promise<void> {
    const [notification] = await presentNotifications([row], reader);
    if (!notification) return;
    deps.emitter
      .to(rooms.member(reader.id))
      .emit('notification:new', { notification, unreadCount: await unreadCount(reader.id) });
  }

  return {
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportNotificationMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: async (memberId: string) => {
      await forgetNotificationMember(memberId);
      await unreadChanged([memberId]);
    },
    unreadCount,

    async list(
      reader: Reader,
      cursor: string | undefined,
    ): Promise<{ notifications: Notification[]; nextCursor: string | null; unreadCount: number }> {
      const memberId = reader.id;
      const filter: Record<string, unknown> = { memberId };
      if (cursor) {
        const c = decodeCursor(cursorSchema, cursor);
        const at = new Date(c.t);
        filter.$or = [
          { updatedAt: trusted({ $lt: at }) },
          { updatedAt: at, _id: trusted({ $lt: new Types.ObjectId(c.i) }) },
        ];
      }
      const rows = await NotificationModel.find(filter)
        .sort({ updatedAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .lean<NotificationLean[]>();
      const page = rows.slice(0, PAGE);
      const last = page.at(-1);
      return {
        notifications: await presentNotifications(page, reader),
        nextCursor:
          rows.length > PAGE && last ? encodeCursor({ t: last.updatedAt.getTime(), i: last._id.toHexString() }) : null,
        unreadCount: await unreadCount(memberId),
      };
    },

    /** Marks the given notifications (only the member's own) or all as read; the group closes. */
    async markRead(memberId: string, body: MarkReadBody): Promise<{ unreadCount: number }> {
      const filter: Record<string, unknown> = { memberId, read: false };
      if (body.ids) filter._id = trusted({ $in: body.ids });
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
      // Counted again from the store (the kept count moves only with new rows).
      if (rows.length > 0) await unreadChanged([memberId]);
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
        memberById(memberId, ['email', 'timeZone']),
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
      const save = () =>
        NotificationSettingsModel.updateOne(
          { memberId },
          { $set: { kinds, digestFrequency: body.digest.frequency, digestHour: body.digest.hour } },
          { upsert: true },
        );
      // A notice opening the member's mail batch may insert the row at the same moment (FerretDB
      // upserts are not atomic): the loser of that race finds the row on a second try.
      await save().catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
        return save();
      });
      await channelsChanged(memberId);
      return this.preferences(memberId);
    },

    /** One-click unsubscribe (signed out): turns off that member's digest and nothing else. */
    async unsubscribe(token: string): Promise<{ digest: 'off' }> {
      const memberId = deps.tokens.verify(token);
      if (!memberId || !(await memberExists(memberId)))
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

    /** The fan-out of one new post (fanout.ts). */
    async fanout(input: FanoutInput): Promise<{ notified: number }> {
      return fanout(input);
    },

    /**
     * Tells members one fact of another domain (a lab invitation, a reminder, a moderation outcome…),
     * each by their channel for its kind, once: a member who already holds the fact's key is skipped.
     */
    async notice(input: NoticeInput): Promise<{ notified: number }> {
      const ids = [...new Set(input.memberIds)].filter((id) => Types.ObjectId.isValid(id) && id !== input.actorId);
      if (ids.length === 0) return { notified: 0 };
      const blocked = input.actorId ? await deps.blockedBy(input.actorId, ids) : new Set<string>();
      const [channels, existing, members] = await Promise.all([
        channelsFor(input.kind, ids),
        NotificationModel.find(
          { memberId: trusted({ $in: ids }), noticeKey: input.key },
          { memberId: 1, createdAt: 1 },
        ).lean(),
        membersAmong(ids, []),
      ]);
      const toldAt = new Map(existing.map((r) => [r.memberId.toHexString(), r.createdAt]));
      const live = new Set(members.map((m) => m._id.toHexString()));
      const entryAt = (at: Date) => ({
        k: input.kind,
        n: input.key,
        ti: input.subject.title,
        pa: input.subject.path,
        d: input.detail,
        a: input.actorId,
        c: at.getTime(),
      });
      // A retry finds members told before: their entry is appended again as it was (a no-op when
      // the first run got that far).
      const entries: { memberId: string; entry: ReturnType<typeof entryAt> }[] = [];
      let notified = 0;
      for (const memberId of ids) {
        const channel = channels.get(memberId) ?? 'off';
        if (channel === 'off' || blocked.has(memberId) || !live.has(memberId)) continue;
        const before = toldAt.get(memberId);
        if (before) {
          entries.push({ memberId, entry: entryAt(before) });
          continue;
        }
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
            excerpt: input.excerpt ?? null,
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
        entries.push({ memberId, entry: entryAt(row.createdAt) });
        notified++;
        await unreadAdded([memberId]);
        if (emailPending) await instant.openBatches([memberId]);
        // A notice is shown as it was told: no forum read rule applies to it (the role goes unused).
        await push({ id: memberId, role: 'member' }, row);
      }
      await deps.pending.append(entries);
      // Members told before (a retried job) may or may not have been counted: counted again when next asked.
      await unreadChanged(ids.filter((id) => toldAt.has(id)));
      return { notified };
    },

    /** One mail with everything pending for the member since their last instant mail (instant.ts). */
    sendInstantEmail: instant.sendInstantEmail,
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
