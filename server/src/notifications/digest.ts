import {
  defaultNotificationPreferences,
  type DigestFrequency,
  type JobPayloads,
  type NotificationPreferences,
} from '@commons/shared';
import type { JobsOptions } from 'bullmq';
import type { Types } from 'mongoose';
import { CategorySubscriptionModel, ThreadStateModel } from '../forums/model.js';
import type { Logger } from '../infra/log.js';
import type { Mailer } from '../infra/mail.js';
import type { Queues } from '../infra/queues.js';
import type { Site } from '../mail/templates.js';
import { MemberModel } from '../members/model.js';
import { deliverMail } from './delivery.js';
import { collectHubSections, isEmptyHub } from './digest-sections.js';
import { createDigestSharedReads } from './digest-shared-reads.js';
import { renderDigestMail, type DigestThreadItem } from './mails.js';
import { DigestMarkerModel, NotificationModel, NotificationSettingsModel } from './model.js';
import { presentNotifications, type NotificationLean } from './present.js';
import { isBounced, toPreferences } from './settings.js';
import type { UnsubscribeTokens } from './tokens.js';

type DigestSendJob = Extract<JobPayloads['digests'], { kind: 'digest' }>;
export type DigestFrequencyOn = 'daily' | 'weekly';

const DAY = 24 * 3600 * 1000;
const periodLength = { daily: DAY, weekly: 7 * DAY } as const;

/** The member's wall clock at `at`: date, hour and weekday (0 = Monday) in their time zone. */
export function localClock(at: Date, timeZone: string): { date: string; hour: number; weekday: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    }).formatToParts(at);
  } catch {
    return localClock(at, 'UTC');
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    hour: Number(get('hour')) % 24,
    weekday: Math.max(0, weekdays.indexOf(get('weekday'))),
  };
}

/**
 * The digest period that `at` falls in for a member, and whether its send time has come:
 * daily `d-YYYY-MM-DD` from the send hour on; weekly `w-<Monday's date>` from Monday's send hour on.
 */
export function digestPeriod(
  at: Date,
  timeZone: string,
  frequency: DigestFrequencyOn,
  hour: number,
): { key: string; due: boolean } {
  const clock = localClock(at, timeZone);
  if (frequency === 'daily') return { key: `d-${clock.date}`, due: clock.hour >= hour };
  const [y, m, d] = clock.date.split('-').map(Number) as [number, number, number];
  const monday = new Date(Date.UTC(y, m - 1, d - clock.weekday)).toISOString().slice(0, 10);
  return { key: `w-${monday}`, due: clock.weekday > 0 || clock.hour >= hour };
}

export const digestJobId = (memberId: string, periodKey: string) => `digest-${memberId}-${periodKey}`;

export interface DigestServiceDeps {
  queues: Pick<Queues, 'digests'>;
  mailer: Mailer;
  site: Site;
  log: Logger;
  tokens: UnsubscribeTokens;
  /** Members not seen for this long get one last digest saying so, then none until they return. */
  inactiveAfterMs: number;
  /** Fault injection for the crash test: called right after a digest was claimed. */
  afterClaim?: () => void;
}

export type DigestOutcome = 'sent' | 'skipped' | 'duplicate' | 'uncertain' | 'bounced';

/**
 * Digests of what members missed. The hourly tick enqueues one job per due member and period
 * (deterministic job id); the job claims a persisted marker (unique memberId+period) before
 * sending, so two workers, a re-run or a second tick never send a period's digest twice.
 */
export function createDigestService(deps: DigestServiceDeps) {
  let indexes: Promise<unknown> | null = null;
  const shared = createDigestSharedReads();
  const ready = () => {
    indexes ??= Promise.all([DigestMarkerModel.init(), NotificationModel.init(), NotificationSettingsModel.init()]);
    return indexes;
  };

  async function mark(memberId: string, period: string, set: Record<string, unknown>, owner?: string) {
    await DigestMarkerModel.updateOne({ memberId, period, ...(owner ? { owner } : {}) }, { $set: set });
  }

  /** What the member missed since `since`: unread notification groups and active watched-category threads. */
  async function collect(memberId: string, since: Date, at = new Date(), known?: { prefs: NotificationPreferences }) {
    const prefs = known?.prefs ?? toPreferences(await NotificationSettingsModel.findOne({ memberId }).lean());
    const rows = await NotificationModel.find({ memberId, read: false, updatedAt: { $gt: since } })
      .sort({ updatedAt: -1 })
      .limit(50)
      .lean<NotificationLean[]>();
    // Only kinds the member routes to the digest (in-app-only ones stay in the app, email ones were mailed).
    const notifications = (await presentNotifications(rows, shared.groupLookups(at))).filter(
      (n) => prefs.kinds[n.kind] === 'digest',
    );
    const covered = new Set(notifications.map((n) => n.threadId));

    const subs = await CategorySubscriptionModel.find({ memberId, level: 'watching' }, { categoryId: 1 }).lean();
    const threads: DigestThreadItem[] = [];
    if (subs.length) {
      const categories = await shared.categories(
        subs.map((s) => s.categoryId),
        at,
      );
      const nameOf = new Map(categories.map((c) => [c._id.toHexString(), c.name]));
      const active = (await Promise.all(categories.map((c) => shared.activeThreads(c._id, since, at))))
        .flat()
        .sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime())
        .slice(0, 30);
      const states = await ThreadStateModel.find(
        { memberId, threadId: { $in: active.map((t) => t._id) } },
        { threadId: 1, level: 1, lastReadSeq: 1 },
      ).lean();
      const stateOf = new Map(states.map((s) => [s.threadId.toHexString(), s]));
      const candidates = active.filter(
        (t) => !covered.has(t._id.toHexString()) && stateOf.get(t._id.toHexString())?.level !== 'muted',
      );
      // The new posts of the candidate threads, all at once, from the run's shared reads.
      const recent = (await Promise.all(candidates.map((t) => shared.recentPosts(t._id, since, at))))
        .flat()
        .filter((post) => !post.authorId.equals(memberId));
      const newPostsOf = new Map<string, number>();
      for (const post of recent) {
        const id = post.threadId.toHexString();
        if (post.seq > (stateOf.get(id)?.lastReadSeq ?? 0)) newPostsOf.set(id, (newPostsOf.get(id) ?? 0) + 1);
      }
      for (const thread of candidates) {
        const id = thread._id.toHexString();
        const newPosts = newPostsOf.get(id) ?? 0;
        if (newPosts === 0) continue;
        threads.push({
          threadId: id,
          title: thread.title,
          newPosts,
          categoryName: nameOf.get(thread.categoryId.toHexString()) ?? '',
        });
        if (threads.length >= 10) break;
      }
    }
    return { notifications, threads, hub: await collectHubSections(memberId, since, at, shared) };
  }

  return {
    ready,
    collect,

    /** Enqueues the digest of every member whose send time of the current period has come. */
    async enqueueDue(at: Date): Promise<{ jobIds: string[] }> {
      await ready();
      const jobIds: string[] = [];
      const batchSize = 500;
      // One read of each collection, streamed: on FerretDB 1.24 ranges, sorts and long `$in`
      // lists are evaluated over the whole collection for every query (see infra/each.ts).
      const schedules = new Map<string, { digestFrequency: DigestFrequency; digestHour: number }>();
      for await (const row of NotificationSettingsModel.find({}, { memberId: 1, digestFrequency: 1, digestHour: 1 })
        .lean()
        .cursor())
        schedules.set(row.memberId.toHexString(), row);
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
      const enqueue = async (members: { _id: Types.ObjectId; timeZone: string }[]) => {
        const jobs: { name: string; data: DigestSendJob; opts: JobsOptions }[] = [];
        for (const m of members) {
          const id = m._id.toHexString();
          const row = schedules.get(id);
          const digest = row
            ? { frequency: row.digestFrequency, hour: row.digestHour }
            : defaultNotificationPreferences.digest;
          if (digest.frequency === 'off') continue;
          const period = digestPeriod(at, m.timeZone, digest.frequency, digest.hour);
          if (!period.due || (await claimed(period.key)).has(id)) continue;
          jobs.push({
            name: 'digest',
            data: {
              kind: 'digest',
              memberId: id,
              periodKey: period.key,
              frequency: digest.frequency,
              at: at.toISOString(),
            },
            opts: { jobId: digestJobId(id, period.key) },
          });
        }
        if (jobs.length) await deps.queues.digests.addBulk(jobs);
        jobIds.push(...jobs.map((j) => j.opts.jobId!));
      };
      let batch: { _id: Types.ObjectId; timeZone: string }[] = [];
      for await (const m of MemberModel.find({}, { timeZone: 1 }).lean().cursor()) {
        batch.push(m);
        if (batch.length >= batchSize) {
          await enqueue(batch);
          batch = [];
        }
      }
      if (batch.length) await enqueue(batch);
      return { jobIds };
    },

    /** Sends one member's digest of one period, at most once (see the marker's states). */
    async send(job: DigestSendJob, owner: string): Promise<DigestOutcome> {
      await ready();
      const { memberId, periodKey: period } = job;
      const at = new Date(job.at);
      try {
        await DigestMarkerModel.create({ memberId, period, owner, status: 'claimed', claimedAt: new Date() });
      } catch (err) {
        if (!(typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000)) throw err;
        const existing = await DigestMarkerModel.findOne({ memberId, period }).lean();
        // Only a retry of the very job that claimed it continues, and only if it had not begun sending.
        if (!existing || existing.owner !== owner) return 'duplicate';
        if (existing.status === 'sending') {
          await mark(memberId, period, { status: 'uncertain', reason: 'crashed while sending' }, owner);
          deps.log.warn({ memberId, period }, 'digest may or may not have gone out; not sending again');
          return 'uncertain';
        }
        if (existing.status !== 'claimed') return 'duplicate';
      }
      deps.afterClaim?.();

      const skip = async (reason: string): Promise<DigestOutcome> => {
        await mark(memberId, period, { status: 'skipped', reason }, owner);
        return 'skipped';
      };
      const member = await MemberModel.findById(memberId, {
        email: 1,
        displayName: 1,
        locale: 1,
        timeZone: 1,
        lastSeenAt: 1,
        createdAt: 1,
      }).lean();
      if (!member) return skip('no member');
      const settings = await NotificationSettingsModel.findOne({ memberId }).lean();
      const prefs = toPreferences(settings);
      if (prefs.digest.frequency === 'off') return skip('off');
      if (isBounced(settings, member.email)) return skip('bounced');
      const previous = await DigestMarkerModel.findOne({ memberId, status: 'sent', period: { $ne: period } })
        .sort({ sentAt: -1 })
        .lean();
      const since = previous?.sentAt ?? new Date(at.getTime() - periodLength[job.frequency]);
      if (member.lastSeenAt && member.lastSeenAt > since) return skip('seen');
      // Long-absent members get one last digest that says so, then none until they are seen again.
      const lastSeen = member.lastSeenAt ?? member.createdAt;
      const inactive = at.getTime() - lastSeen.getTime() > deps.inactiveAfterMs;
      if (
        inactive &&
        (await DigestMarkerModel.exists({ memberId, reason: 'last_for_inactive', sentAt: { $gt: lastSeen } }))
      )
        return skip('inactive');

      const { notifications, threads, hub } = await collect(memberId, since, at, { prefs });
      // The last digest of an inactive member goes out even when empty: it is the one that says so.
      if (!inactive && notifications.length === 0 && threads.length === 0 && isEmptyHub(hub)) return skip('empty');

      const token = deps.tokens.create(memberId);
      const mail = renderDigestMail({
        site: deps.site,
        to: member.email,
        displayName: member.displayName,
        locale: member.locale,
        timeZone: member.timeZone,
        frequency: job.frequency,
        notifications,
        threads,
        hub,
        ...(inactive ? { lastForInactive: { days: Math.floor(deps.inactiveAfterMs / 86_400_000) } } : {}),
        unsubscribeUrl: `${deps.site.url}/unsubscribe?token=${encodeURIComponent(token)}`,
        oneClickUrl: `${deps.site.url}/api/notifications/unsubscribe/one-click?token=${encodeURIComponent(token)}`,
        settingsUrl: `${deps.site.url}/settings/notifications`,
        messageId: `<${digestJobId(memberId, period)}@${new URL(deps.site.url).hostname}>`,
      });
      await mark(memberId, period, { status: 'sending' }, owner);
      let outcome: Awaited<ReturnType<typeof deliverMail>>;
      try {
        outcome = await deliverMail(deps, digestJobId(memberId, period), 'digest', memberId, mail, 'marker');
      } catch (err) {
        // The SMTP server refused for now (nothing went out): the job's retry may send it.
        await mark(memberId, period, { status: 'claimed' }, owner);
        throw err;
      }
      if (outcome === 'bounced') {
        await mark(memberId, period, { status: 'skipped', reason: 'bounced' }, owner);
        return 'bounced';
      }
      await mark(
        memberId,
        period,
        {
          status: 'sent',
          sentAt: new Date(),
          itemCount: notifications.length + threads.length,
          ...(inactive ? { reason: 'last_for_inactive' } : {}),
        },
        owner,
      );
      return 'sent';
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
