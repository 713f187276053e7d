import { Types } from 'mongoose';
import type { ExportSection } from '../members/member-data.js';
import { ResourceMarkModel } from './model.js';

/** A deleted account's saved and "useful" marks. Resources they submitted stay in the library. */
export async function forgetLibraryMember(memberId: string): Promise<void> {
  await ResourceMarkModel.deleteMany({ memberId: new Types.ObjectId(memberId) });
}

/** The member's saved and "useful" resources. */
export async function exportLibraryMember(memberId: string): Promise<ExportSection> {
  const rows = await ResourceMarkModel.find({ memberId: new Types.ObjectId(memberId) }).lean();
  return { marks: rows.map((m) => ({ resourceId: m.resourceId.toHexString(), kind: m.kind })) };
}
