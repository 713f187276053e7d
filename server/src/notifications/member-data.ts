import { Types } from 'mongoose';
import type { ExportSection } from '../members/member-data.js';
import { DigestMarkerModel, NotificationModel, NotificationSettingsModel } from './model.js';
import { channelsChanged } from './settings.js';

/** A deleted account's notifications, settings and digest markers. */
export async function forgetNotificationMember(memberId: string): Promise<void> {
  const id = new Types.ObjectId(memberId);
  await Promise.all([
    NotificationModel.deleteMany({ memberId: id }),
    NotificationSettingsModel.deleteMany({ memberId: id }),
    DigestMarkerModel.deleteMany({ memberId: id }),
  ]);
  await channelsChanged(memberId);
}

/** The member's notification settings. */
export async function exportNotificationMember(memberId: string): Promise<ExportSection> {
  const rows = await NotificationSettingsModel.find({ memberId: new Types.ObjectId(memberId) }).lean();
  return { settings: rows.map(({ _id, memberId: _m, ...rest }) => rest) };
}
