import { Types } from 'mongoose';
import type { ExportSection } from '../members/member-data.js';
import { FollowModel } from './model.js';

/** Whom the deleted account followed and who followed it. */
export async function forgetDirectoryMember(memberId: string): Promise<void> {
  const id = new Types.ObjectId(memberId);
  await Promise.all([FollowModel.deleteMany({ followerId: id }), FollowModel.deleteMany({ followeeId: id })]);
}

/** Whom the member follows. */
export async function exportDirectoryMember(memberId: string): Promise<ExportSection> {
  const rows = await FollowModel.find({ followerId: new Types.ObjectId(memberId) }).lean();
  return { following: rows.map((f) => ({ memberId: f.followeeId.toHexString() })) };
}
