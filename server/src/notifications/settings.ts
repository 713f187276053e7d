import {
  defaultNotificationPreferences,
  notificationKinds,
  type NotificationChannel,
  type NotificationKind,
  type NotificationPreferences,
} from '@commons/shared';
import type { Types } from 'mongoose';
import { dropKept, kept } from '../infra/read-models.js';
import { findAmong } from '../infra/store/index.js';
import { NotificationSettingsModel, type NotificationSettingsFields } from './model.js';

export type SettingsLean = NotificationSettingsFields & { _id: Types.ObjectId };

/** Fields of a new settings row (defaults), for `$setOnInsert`. */
export function defaultSettingsRow() {
  const d = defaultNotificationPreferences;
  return { kinds: { ...d.kinds }, digestFrequency: d.digest.frequency, digestHour: d.digest.hour };
}

export function toPreferences(
  row: Pick<SettingsLean, 'kinds' | 'digestFrequency' | 'digestHour'> | null,
): NotificationPreferences {
  if (!row) return structuredClone(defaultNotificationPreferences);
  const stored: Partial<Record<NotificationKind, NotificationChannel | null>> = row.kinds ?? {};
  const kinds = Object.fromEntries(
    notificationKinds.map((k) => [k, stored[k] ?? defaultNotificationPreferences.kinds[k]]),
  ) as Record<NotificationKind, NotificationChannel>;
  return { kinds, digest: { frequency: row.digestFrequency, hour: row.digestHour } };
}

type Channels = Record<NotificationKind, NotificationChannel>;
const channelsKey = (memberId: string) => `notif:channels:${memberId}`;
/** Kept at most this long without a change. */
const CHANNELS_TTL_SECONDS = 600;

/**
 * Each member's channel per kind, as every fan-out asks them: kept in Redis (infra/read-models.ts)
 * and dropped by `channelsChanged` after a write of the member's kinds, so a fan-out to members
 * told before reads no settings from the store.
 */
export async function channelsOf(memberIds: string[]): Promise<Map<string, Channels>> {
  const out = new Map<string, Channels>();
  await Promise.all(
    memberIds.map(async (id) => {
      const channels = await kept(
        channelsKey(id),
        CHANNELS_TTL_SECONDS,
        async () => toPreferences(await NotificationSettingsModel.findOne({ memberId: id }).lean<SettingsLean>()).kinds,
      );
      out.set(id, channels);
    }),
  );
  return out;
}

/** After a write of the member's channels per kind (rows inserted with the defaults change nothing). */
export async function channelsChanged(memberId: string): Promise<void> {
  await dropKept(channelsKey(memberId));
}

/** Settings of many members at once; members without a row are absent (defaults apply). */
export async function loadSettings(memberIds: string[]): Promise<Map<string, SettingsLean>> {
  if (memberIds.length === 0) return new Map();
  const rows = await findAmong(
    'memberId',
    memberIds,
    (match) => NotificationSettingsModel.find(match).lean<SettingsLean[]>(),
    () => NotificationSettingsModel.find({}).lean<SettingsLean[]>(),
    (r) => r.memberId.toHexString(),
  );
  return new Map(rows.map((r) => [r.memberId.toHexString(), r]));
}

/** A bounce applies only while the member still has the address that bounced. */
export function isBounced(row: SettingsLean | undefined | null, email: string): boolean {
  return Boolean(row?.bouncedAt && row.bouncedAddress === email);
}

/** Each member's channel for one kind (members without settings get the default). */
export async function channelsFor(
  kind: NotificationKind,
  memberIds: string[],
): Promise<Map<string, NotificationChannel>> {
  const settings = await loadSettings(memberIds);
  return new Map(memberIds.map((id) => [id, toPreferences(settings.get(id) ?? null).kinds[kind]]));
}
