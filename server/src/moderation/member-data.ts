import { Types } from 'mongoose';
import type { ExportSection } from '../members/member-data.js';
import { blockersChanged } from './blocks.js';
import { BlockModel } from './model.js';

/**
 * A deleted account's blocks (theirs and of them) go. Flags, sanctions, trust and the audit log
 * stay as facts: they hold ids, never names or addresses, and a former member's id shows as
 * "Former member".
 */
export async function forgetModerationMember(memberId: string): Promise<void> {
  const id = new Types.ObjectId(memberId);
  // The members they blocked are blocked by one fewer: those kept lists go too.
  const theirs = await BlockModel.find({ memberId: id }, { blockedId: 1 }).lean();
  await Promise.all([BlockModel.deleteMany({ memberId: id }), BlockModel.deleteMany({ blockedId: id })]);
  await blockersChanged([id, ...theirs.map((b) => b.blockedId)]);
}

/** Whom the member blocked. */
export async function exportModerationMember(memberId: string): Promise<ExportSection> {
  const rows = await BlockModel.find({ memberId: new Types.ObjectId(memberId) }).lean();
  return { blocked: rows.map((b) => ({ memberId: b.blockedId.toHexString() })) };
}
