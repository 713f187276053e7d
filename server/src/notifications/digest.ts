import {
  defaultNotificationPreferences,
  type DigestBatchJob,
  type DigestRecipient,
  type Locale,
} from '@commons/shared';
import type { JobsOptions } from 'bullmq';
import { Types } from 'mongoose';
import { isDuplicateKey } from '../infra/store/index.js';
import type { Logger } from '../infra/log.js';
import type { Mailer, OutgoingMail } from '../infra/mail.js';
import type { Queues } from '../infra/queues.js';
import type { Site } from '../mail/templates.js';
import { eachMember } from '../members/reads.js';
import { suspendedAmong } from '../moderation/standing.js';
import { recordSentMails, type SentMail } from '../mail/deliveries.js';
import { sendMail } from './delivery.js';
import { composeDigests } from './digest-compose.js';
import { DIGEST_WINDOW_MS, type PendingDigests, type PendingItem } from './digest-pending.js';
import {
  digestBatchJobId,
  digestMailKey,
  digestPeriod,
  memberFieldsForDigest,
  readRecipients,
  toRecipient,
} from './digest-schedule.js';
import { collectHubSections, isEmptyHub } from './digest-sections.js';
import { createDigestSharedReads } from './digest-shared-reads.js';
import { renderDigestMail } from './mails.js';
import { DigestMarkerModel, NotificationSettingsModel } from './model.js';
import type { SettingsLean } from './settings.js';
import type { UnsubscribeTokens } from './tokens.js';

export { digestPeriod, localClock, type DigestFrequencyOn } from './digest-schedule.js';

/** Members per digest job: their markers and mail records are written in one command each. */
export const DIGEST_BATCH_SIZE = 100;
/** A batch that waited longer than this since the tick read its members reads them again. */
export const STALE_BATCH_MS = 10 * 60_000;

export interface DigestServiceDeps {
  queues: Pick<Queues, 'digests'>;
  mailer: Mailer;
  site: Site;
  log: Logger;
  tokens: UnsubscribeTokens;
  pending: PendingDigests;
  /** Members not seen for this long get one last digest saying so, then none until they return. */
  inactiveAfterMs: number;
  batchSize?: number;
  /** Mails of one batch sent at once (default 8). */
  sendsInFlight?: number;
  /** Fault injection for the crash test: called as each digest is about to go out (none is in flight then). */
  beforeSend?: () => void;
}

export type DigestOutcome = 'sent' | 'skipped' | 'duplicate' | 'uncertain' | 'bounced';
export type DigestBatchResult = Record<DigestOutcome, number> & { members: number };

type Plan = {
  recipient: DigestRecipient;
  consumed: string[];
  itemCount: number;
  lastForInactive: boolean;
} & ({ skip: string; mail?: undefined } | { skip?: undefined; mail: OutgoingMail });

/**
 * Digests of what members missed. The hourly tick enqueues the due members of each period in
 * batches (deterministic job ids); a batch job reads its members' pending entries (Redis, filled
 * by the fan-out), composes and renders each digest, claims the batch's markers in one insert
 * (unique memberId+period: two workers, a re-run or a second tick never send a period's digest
 * twice), sends, and marks the batch sent in one update. A crash while sending is covered by a
 * per-member `sending`/`sent` mark in Redis: the retried job sends only to members never begun,
 * and marks one caught mid-send `uncertain` rather than risk sending twice.
 */
export function createDigestService(deps: DigestServiceDeps) {
  const batchSize = deps.batchSize ?? DIGEST_BATCH_SIZE;
  const shared = createDigestSharedReads();

  /** Inactive members' last digests (sent), by member: one equality look-up each, only for them. */
  async function lastDigestsForInactive(ids: string[]): Promise<Map<string, Date>> {
    const rows = await Promise.all(
      ids.map((id) =>
        DigestMarkerModel.find(
          { memberId: id, reason: 'last_for_inactive', status: 'sent' },
          { memberId: 1, sentAt: 1 },
        )
          .lean()
          .exec(),
      ),
    );
    const out = new Map<string, Date>();
    for (const r of rows.flat())
      if (r.sentAt && (out.get(r.memberId.toHexString())?.getTime() ?? 0) < r.sentAt.getTime())
        out.set(r.memberId.toHexString(), r.sentAt);
    return out;
  }

  /** What each member of the batch gets: a rendered mail, or the reason for none. */
  async function plan(job: DigestBatchJob, recipients: DigestRecipient[]): Promise<Plan[]> {
    const at = new Date(job.at);
    const floor = at.getTime() - DIGEST_WINDOW_MS;
    const [{ entries, windowEnds }, suspended] = await Promise.all([
      deps.pending.read(recipients.map((r) => r.id)),
      suspendedAmong(
        recipients.map((r) => r.id),
        at,
      ),
    ]);
    const lastSeenOf = (r: DigestRecipient) => Date.parse(r.lastSeenAt ?? r.createdAt);
    const inactive = new Set(
      recipients.filter((r) => at.getTime() - lastSeenOf(r) > deps.inactiveAfterMs).map((r) => r.id),
    );
    const toldInactive = inactive.size ? await lastDigestsForInactive([...inactive]) : new Map<string, Date>();

    const plans: Plan[] = [];
    const toCompose: { recipient: DigestRecipient; items: PendingItem[]; entriesSince: number }[] = [];
    for (const recipient of recipients) {
      const items = entries.get(recipient.id) ?? [];
      const all = items.map((i) => i.raw);
      const base = { recipient, consumed: all, itemCount: 0, lastForInactive: false };
      if (recipient.frequency === 'off') plans.push({ ...base, skip: 'off' });
      else if (recipient.bounced) plans.push({ ...base, skip: 'bounced' });
      // Nothing is consumed: what a suspended member missed waits for their first digest after it.
      else if (suspended.has(recipient.id)) plans.push({ ...base, consumed: [], skip: 'suspended' });
      else if (inactive.has(recipient.id) && (toldInactive.get(recipient.id)?.getTime() ?? 0) > lastSeenOf(recipient))
        // Long-absent members got one last digest saying so: none until they are seen again.
        plans.push({ ...base, skip: 'inactive' });
      else {
        // The window: what happened after the member's last visit, at most DIGEST_WINDOW_MS back.
        // What earlier digests told is no longer pending (each digest consumes what it read).
        const seen = recipient.lastSeenAt ? Date.parse(recipient.lastSeenAt) : 0;
        toCompose.push({ recipient, items, entriesSince: Math.max(seen, floor) });
      }
    }
    const composed = await composeDigests(toCompose, at, shared);
    const built = await Promise.all(
      toCompose.map(async ({ recipient }): Promise<Plan> => {
        const digest = composed.get(recipient.id)!;
        // Hub sections (resources, lab outcomes) since the later of the last visit and the last
        // digest's window, within the bound; the window ends at `at`, where the next begins.
        const since = new Date(Math.max(lastSeenOf(recipient), windowEnds.get(recipient.id) ?? 0, floor));
        const hub = await collectHubSections({ id: recipient.id, role: recipient.role }, since, at, shared);
        const lastForInactive = inactive.has(recipient.id);
        const itemCount = digest.notifications.length + digest.threads.length;
        const base = { recipient, consumed: digest.consumed, itemCount, lastForInactive };
        // The last digest of an inactive member goes out even when empty: it is the one that says so.
        if (!lastForInactive && itemCount === 0 && isEmptyHub(hub)) return { ...base, skip: 'empty' };
        return { ...base, mail: render(job, recipient, digest.notifications, digest.threads, hub, lastForInactive) };
      }),
    );
    return [...plans, ...built];
  }

  function render(
    job: DigestBatchJob,
    r: DigestRecipient,
    notifications: Parameters<typeof renderDigestMail>[0]['notifications'],
    threads: Parameters<typeof renderDigestMail>[0]['threads'],
    hub: Parameters<typeof renderDigestMail>[0]['hub'],
    lastForInactive: boolean,
  ): OutgoingMail {
    const token = deps.tokens.create(r.id);
    return renderDigestMail({
      site: deps.site,
      to: r.email,
      displayName: r.displayName,
      locale: r.locale as Locale,
      timeZone: r.timeZone,
      frequency: job.frequency,
      notifications,
      threads,
      hub,
      ...(lastForInactive ? { lastForInactive: { days: Math.floor(deps.inactiveAfterMs / 86_400_000) } } : {}),
      unsubscribeUrl: `${deps.site.url}/unsubscribe?token=${encodeURIComponent(token)}`,
      oneClickUrl: `${deps.site.url}/api/notifications/unsubscribe/one-click?token=${encodeURIComponent(token)}`,
      settingsUrl: `${deps.site.url}/settings/notifications`,
      messageId: `<${digestMailKey(r.id, job.periodKey)}@${new URL(deps.site.url).hostname}>`,
    });
  }

  /**
   * Claims the batch's markers in one insert: skipped members get their final marker at once,
   * the others `claimed`. Returns the status of each marker this job owns (a retry of the same
   * job finds its own from before; members claimed by another job are not in it).
   */
  async function claim(period: string, owner: string, plans: Plan[]): Promise<Map<string, string>> {
    const claimedAt = new Date();
    const docs = plans.map((p) => ({
      memberId: new Types.ObjectId(p.recipient.id),
      period,
      owner,
      status: p.skip ? 'skipped' : 'claimed',
      reason: p.skip ?? (p.lastForInactive ? 'last_for_inactive' : null),
      itemCount: p.itemCount,
      claimedAt,
      sentAt: null,
    }));
    try {
      await DigestMarkerModel.collection.insertMany(docs, { ordered: false });
      return new Map(docs.map((d) => [d.memberId.toHexString(), d.status]));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const rows = await DigestMarkerModel.find({ period, owner }, { memberId: 1, status: 1 }).lean();
      return new Map(rows.map((r) => [r.memberId.toHexString(), r.status]));
    }
  }

  return {
    /** Enqueues, in batches, the digest of every member whose send time of the current period has come. */
    async enqueueDue(at: Date): Promise<{ jobIds: string[]; members: number }> {
      const readAt = new Date().toISOString();
      // One read of each collection, streamed: on FerretDB 1.24 ranges, sorts and long `$in`
      // lists are evaluated over the whole collection for every query (see infra/store).
      const settingsOf = new Map<string, SettingsLean>();
      for await (const row of NotificationSettingsModel.find({}).lean<SettingsLean>().cursor())
        settingsOf.set(row.memberId.toHexString(), row);
      const claimedByPeriod = new Map<string, Promise<Set<string>>>();
      const claimed = (period: string) => {
        let found = claimedByPeriod.get(period);
        if (!found) {
          found = DigestMarkerModel.find({ period }, { memberId: 1 })
            .lean()
            .then((rows) => new Set(rows.map((r) => r.memberId.toHexString())));
          claimedByPeriod.set(period, found);
        }
        return found;
      };
      const jobIds: string[] = [];
      let members = 0;
      let jobs: { name: string; data: DigestBatchJob; opts: JobsOptions }[] = [];
      const open = new Map<string, { frequency: 'daily' | 'weekly'; recipients: DigestRecipient[] }>();
      const close = (periodKey: string) => {
        const batch = open.get(periodKey);
        if (!batch) return;
        open.delete(periodKey);
        const jobId = digestBatchJobId(
          periodKey,
          batch.recipients.map((r) => r.id),
        );
        jobs.push({
          name: 'digest_batch',
          data: {
            kind: 'digest_batch',
            periodKey,
            frequency: batch.frequency,
            at: at.toISOString(),
            readAt,
            recipients: batch.recipients,
          },
          opts: { jobId, attempts: 3, backoff: { type: 'exponential', delay: 30_000 } },
        });
        jobIds.push(jobId);
        members += batch.recipients.length;
      };
      const flush = async () => {
        // Not through the outbox: the batches come from the tick job, not from a write, and a
        // retried tick adds them again under the same ids.
        // eslint-disable-next-line no-restricted-syntax
        if (jobs.length) await deps.queues.digests.addBulk(jobs);
        jobs = [];
      };
      for await (const m of eachMember(memberFieldsForDigest)) {
        // Deleted accounts are skipped here rather than filtered in the store: a plain read stays linear on FerretDB.
        if (m.deletedAt) continue;
        const id = m._id.toHexString();
        const row = settingsOf.get(id) ?? null;
        const digest = row
          ? { frequency: row.digestFrequency, hour: row.digestHour }
          : defaultNotificationPreferences.digest;
        if (digest.frequency === 'off') continue;
        const period = digestPeriod(at, m.timeZone, digest.frequency, digest.hour);
        if (!period.due || (await claimed(period.key)).has(id)) continue;
        const batch = open.get(period.key) ?? { frequency: digest.frequency, recipients: [] };
        batch.recipients.push(toRecipient(m, row));
        open.set(period.key, batch);
        if (batch.recipients.length >= batchSize) close(period.key);
        if (jobs.length >= 20) await flush();
      }
      for (const key of [...open.keys()]) close(key);
      await flush();
      return { jobIds, members };
    },

    /** Sends one batch's digests, each member's at most once per period (see the markers). */
    async sendBatch(job: DigestBatchJob, owner: string): Promise<DigestBatchResult> {
      const period = job.periodKey;
      const at = new Date(job.at);
      const result: DigestBatchResult = {
        members: job.recipients.length,
        sent: 0,
        skipped: 0,
        duplicate: 0,
        uncertain: 0,
        bounced: 0,
      };
      const stale = Date.now() - Date.parse(job.readAt) > STALE_BATCH_MS;
      const recipients = stale ? await readRecipients(job.recipients.map((r) => r.id)) : job.recipients;
      const plans = await plan(job, recipients);
      const mine = await claim(period, owner, plans);
      result.duplicate += job.recipients.length - plans.filter((p) => mine.has(p.recipient.id)).length;

      const skipped = plans.filter((p) => mine.get(p.recipient.id) === 'skipped');
      result.skipped += skipped.length;
      await deps.pending.settle(
        skipped
          // A suspended member's window does not move on: the digest after the suspension covers it.
          .filter((p) => p.skip !== 'suspended')
          .map((p) => ({ memberId: p.recipient.id, consumed: p.consumed, windowEnd: at.getTime() })),
      );
      result.sent += plans.filter((p) => mine.get(p.recipient.id) === 'sent').length;
      result.uncertain += plans.filter((p) => mine.get(p.recipient.id) === 'uncertain').length;

      const claimedHere = plans.filter((p) => mine.get(p.recipient.id) === 'claimed');
      const progress = await deps.pending.progress(
        period,
        claimedHere.map((p) => p.recipient.id),
      );
      const delivered: SentMail[] = [];
      const updates: { memberId: string; set: Record<string, unknown> }[] = [];
      const retryLater: string[] = [];
      const toSend: (Plan & { mail: OutgoingMail })[] = [];
      for (const p of claimedHere) {
        const memberId = p.recipient.id;
        const state = progress.get(memberId);
        if (state === 'sent') {
          result.sent++;
        } else if (state === 'sending') {
          updates.push({ memberId, set: { status: 'uncertain', reason: 'crashed while sending' } });
          deps.log.warn({ memberId, period }, 'digest may or may not have gone out; not sending again');
          result.uncertain++;
        } else if (!p.mail) {
          // Claimed by an earlier attempt of this job, and nothing to say now.
          updates.push({ memberId, set: { status: 'skipped', reason: p.skip } });
          await deps.pending.settle([{ memberId, consumed: p.consumed, windowEnd: at.getTime() }]);
          result.skipped++;
        } else toSend.push(p);
      }
      const sendOne = async (p: Plan & { mail: OutgoingMail }) => {
        const memberId = p.recipient.id;
        await deps.pending.markSending(period, memberId);
        let sent: SentMail | 'bounced';
        try {
          sent = await sendMail(deps, digestMailKey(memberId, period), 'digest', memberId, p.mail);
        } catch (err) {
          // The SMTP server refused for now (nothing went out): the job's retry sends it.
          await deps.pending.clearSending(period, memberId);
          const message = err instanceof Error ? err.message : String(err);
          deps.log.warn({ memberId, period, err: message }, 'digest not sent for now');
          retryLater.push(memberId);
          return;
        }
        if (sent === 'bounced') {
          await deps.pending.clearSending(period, memberId);
          updates.push({ memberId, set: { status: 'skipped', reason: 'bounced' } });
          result.bounced++;
          return;
        }
        await deps.pending.markSent(period, memberId, p.consumed, at.getTime());
        delivered.push(sent);
        result.sent++;
      };
      // A few at a time; between groups nothing is in flight (where the crash test strikes).
      const inFlight = deps.sendsInFlight ?? 8;
      for (let i = 0; i < toSend.length; i += inFlight) {
        const group = toSend.slice(i, i + inFlight);
        for (const _ of group) deps.beforeSend?.();
        await Promise.all(group.map(sendOne));
      }
      await recordSentMails(delivered);
      const sentAt = new Date();
      if (retryLater.length)
        for (const m of delivered) updates.push({ memberId: m.memberId, set: { status: 'sent', sentAt } });
      if (updates.length)
        await DigestMarkerModel.bulkWrite(
          updates.map((u) => ({
            updateOne: { filter: { memberId: new Types.ObjectId(u.memberId), period, owner }, update: { $set: u.set } },
          })),
          { ordered: false },
        );
      if (retryLater.length)
        throw new Error(`${retryLater.length} digests of this batch could not be sent for now; the job retries them`);
      // Every marker this job still holds as claimed went out (now or in an attempt before a crash).
      await DigestMarkerModel.updateMany({ period, owner, status: 'claimed' }, { $set: { status: 'sent', sentAt } });
      return result;
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
