import { trusted } from 'mongoose';
import { readModels } from '../infra/read-models.js';
import type { Logger } from '../infra/log.js';
import type { Mailer } from '../infra/mail.js';
import type { Outbox } from '../infra/outbox.js';
import type { Site } from '../mail/templates.js';
import { memberById } from '../members/reads.js';
import { isSuspended } from '../moderation/standing.js';
import { deliverMail } from './delivery.js';
import { renderInstantMail } from './mails.js';
import { NotificationModel, NotificationSettingsModel } from './model.js';
import { presentNotifications, type NotificationLean } from './present.js';
import { isBounced, toPreferences } from './settings.js';

/*
 * Instant mails: what a member is told by email is collected for `windowMs`, then one mail goes
 * out with everything pending. Which members have a batch open is kept in Redis, so a fan-out to
 * many members opens their batches in one round trip and no store command.
 */

export interface InstantMailDeps {
  outbox: Outbox;
  /** null in API processes, which never send mail (the workers do). */
  mailer: Mailer | null;
  site: Site;
  log: Logger;
  windowMs: number;
}

const batchKey = (memberId: string) => `notif:instant:${memberId}`;

export function createInstantMail(deps: InstantMailDeps) {
  /**
   * Opens the instant-mail batch of each member who has none open: one delayed job per batch
   * (its id carries the batch's start), which mails everything pending when the window closes.
   * A batch open for far longer than its window lost its job (Redis was flushed): it lapses.
   */
  async function openBatches(memberIds: string[]): Promise<void> {
    if (memberIds.length === 0) return;
    const now = Date.now();
    const windowKey = String(now);
    const models = readModels();
    let opened = memberIds;
    if (models) {
      const multi = models.redis.multi();
      for (const id of memberIds)
        multi.set(`${models.prefix}:${batchKey(id)}`, windowKey, 'PX', 10 * deps.windowMs, 'NX');
      const rows = (await multi.exec()) ?? [];
      opened = memberIds.filter((_, i) => rows[i]?.[1] === 'OK');
    }
    if (opened.length === 0) return;
    await deps.outbox.schedule(
      opened.map((memberId) => ({
        queue: 'notifications' as const,
        key: `instant-${memberId}-${windowKey}`,
        job: { kind: 'instant_email' as const, memberId, windowKey },
        delayMs: deps.windowMs,
      })),
    );
  }

  /** One mail with everything pending for the member since their last instant mail. */
  async function sendInstantEmail(
    memberId: string,
    windowKey: string,
  ): Promise<'sent' | 'nothing' | 'bounced' | 'already_sent' | 'suspended'> {
    // Close the batch first: items arriving from now on open the next one.
    const models = readModels();
    if (models) await models.redis.del(`${models.prefix}:${batchKey(memberId)}`);
    const member = await memberById(memberId, ['email', 'displayName', 'locale', 'role']);
    if (!member) return 'nothing';
    const pending = await NotificationModel.find({ memberId, emailPending: true }).lean<NotificationLean[]>();
    if (pending.length === 0) return 'nothing';
    const clear = () =>
      NotificationModel.updateMany(
        { _id: trusted({ $in: pending.map((p) => p._id) }) },
        { $set: { emailPending: false } },
      );
    // No mail while suspended (as no sign-in): the notifications stay unread in the app.
    if (await isSuspended(memberId)) {
      await clear();
      return 'suspended';
    }
    const settings = await NotificationSettingsModel.findOne({ memberId }).lean();
    const prefs = toPreferences(settings);
    // Read ones, deleted posts and kinds switched away from email since are left out.
    const refs = (
      await presentNotifications(
        pending.filter((p) => !p.read),
        { id: memberId, role: member.role },
      )
    ).filter((n) => prefs.kinds[n.kind] === 'email');
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
  }

  return { openBatches, sendInstantEmail };
}
