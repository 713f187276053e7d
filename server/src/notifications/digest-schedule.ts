import { createHash } from 'node:crypto';
import type { DigestRecipient } from '@commons/shared';
import { findIn } from '../infra/store/index.js';
import { membersByIds, type MemberRow } from '../members/reads.js';
import { NotificationSettingsModel } from './model.js';
import { isBounced, toPreferences, type SettingsLean } from './settings.js';

export type DigestFrequencyOn = 'daily' | 'weekly';

// One formatter per time zone: making one is far slower than using it, and the tick asks per member.
const clocks = new Map<string, Intl.DateTimeFormat>();
function clockOf(timeZone: string): Intl.DateTimeFormat {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    clocks.set(timeZone, format);
  }
  return format;
}

/** The member's wall clock at `at`: date, hour and weekday (0 = Monday) in their time zone. */
export function localClock(at: Date, timeZone: string): { date: string; hour: number; weekday: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = clockOf(timeZone).formatToParts(at);
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

/** A batch's job id: the same members of the same period are the same job, whoever enqueues them. */
export function digestBatchJobId(periodKey: string, memberIds: string[]): string {
  const hash = createHash('sha1').update(memberIds.join(',')).digest('hex').slice(0, 16);
  return `digests-${periodKey}-${memberIds[0] ?? 'none'}-${memberIds.length}-${hash}`;
}

/** The key of one member's digest mail of a period (Message-ID, mail deliveries). */
export const digestMailKey = (memberId: string, periodKey: string) => `digest-${memberId}-${periodKey}`;

/** What a digest reads of a member; `deletedAt` marks a deleted account, never a recipient. */
export const memberFieldsForDigest = [
  'email',
  'displayName',
  'locale',
  'role',
  'timeZone',
  'lastSeenAt',
  'createdAt',
  'deletedAt',
] as const;

export type MemberForDigest = MemberRow<(typeof memberFieldsForDigest)[number]>;

/** What a digest batch carries of a member: their address, language, clock and settings. */
export function toRecipient(member: MemberForDigest, settings: SettingsLean | null): DigestRecipient {
  const prefs = toPreferences(settings);
  const kinds = Object.entries(prefs.kinds);
  return {
    id: member._id.toHexString(),
    email: member.email,
    displayName: member.displayName,
    locale: member.locale,
    role: member.role ?? 'member',
    timeZone: member.timeZone,
    lastSeenAt: member.lastSeenAt ? member.lastSeenAt.toISOString() : null,
    createdAt: member.createdAt.toISOString(),
    digestKinds: kinds.filter(([, c]) => c === 'digest').map(([k]) => k),
    inAppKinds: kinds.filter(([, c]) => c === 'in_app').map(([k]) => k),
    frequency: prefs.digest.frequency,
    bounced: isBounced(settings, member.email),
  };
}

/**
 * The recipients read again, fresh (a batch that waited long, e.g. retried after an outage).
 * Batch look-ups (infra/store: findIn); members that no longer exist or deleted their account are left out.
 */
export async function readRecipients(ids: string[]): Promise<DigestRecipient[]> {
  const [members, settings] = await Promise.all([
    membersByIds(ids, memberFieldsForDigest),
    findIn('memberId', ids, (match) => NotificationSettingsModel.find(match).lean<SettingsLean[]>()),
  ]);
  const settingsOf = new Map(settings.map((s) => [s.memberId.toHexString(), s]));
  // A member who deleted their account since the batch was made gets nothing.
  return members.filter((m) => !m.deletedAt).map((m) => toRecipient(m, settingsOf.get(m._id.toHexString()) ?? null));
}
