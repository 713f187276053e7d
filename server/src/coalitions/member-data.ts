import { Types } from 'mongoose';
import type { ExportSection } from '../members/member-data.js';
import { MembershipModel } from './model.js';

/** The deleted account leaves every coalition. */
export async function forgetCoalitionMember(memberId: string): Promise<void> {
  await MembershipModel.deleteMany({ memberId: new Types.ObjectId(memberId) });
}

/** The coalitions the member belongs to. */
export async function exportCoalitionMember(memberId: string): Promise<ExportSection> {
  const rows = await MembershipModel.find({ memberId: new Types.ObjectId(memberId) }).lean();
  return { memberships: rows.map((m) => ({ coalitionId: m.coalitionId.toHexString(), role: m.role })) };
}
