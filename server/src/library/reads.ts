/* What other domains read of the library: approved resources and review outcomes. */
import type { Types } from 'mongoose';
import { trusted } from 'mongoose';
import { ResourceModel } from './model.js';

export interface RecentResource {
  _id: Types.ObjectId;
  title: string;
  approvedAt: Date;
}

/**
 * Resources approved after `since`, latest first, at most `limit`: what digests tell everyone
 * (an approved resource is readable by every member; submissions and rejected ones never show).
 */
export function approvedSince(since: Date, limit: number): Promise<RecentResource[]> {
  return ResourceModel.find({ status: 'approved', approvedAt: trusted({ $gt: since }) }, { title: 1, approvedAt: 1 })
    .sort({ approvedAt: -1 })
    .limit(limit)
    .lean<RecentResource[]>()
    .exec();
}

/** A resource's title and when it was reviewed (for telling its submitter). */
export function reviewedResource(id: string): Promise<{ title: string; reviewedAt?: Date | null } | null> {
  return ResourceModel.findById(id, { title: 1, reviewedAt: 1 })
    .lean<{ title: string; reviewedAt?: Date | null }>()
    .exec();
}

/** Whether an approved resource carries this upload (then anyone who may read it may fetch the file). */
export async function approvedResourceHasFile(fileId: Types.ObjectId | string): Promise<boolean> {
  return (await ResourceModel.exists({ fileId, status: 'approved' })) !== null;
}

/** Whether the library holds any resource yet (the demo seeder fills only an empty hub). */
export async function anyResource(): Promise<boolean> {
  return (await ResourceModel.exists({})) !== null;
}
