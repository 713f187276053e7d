import type { Role } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { MemberModel } from '../members/model.js';
import { CoalitionModel, MembershipModel, type CoalitionFields } from './model.js';

const { trusted } = mongoose;

/**
 * Who may see a coalition's own content (its forum categories with their threads and posts, and
 * its labs). Used by the forums and labs services, so every listing, page, search, count and
 * notification goes through the same rule:
 * - public coalition: every member;
 * - private coalition: its active members (not pending requests), moderators and administrators;
 * - a coalition that no longer exists: moderators and administrators only.
 * Only this file and the coalition service read coalition memberships.
 */
export interface CoalitionViewer {
  id: string;
  role: Role;
}

export function isStaff(viewer: CoalitionViewer): boolean {
  return viewer.role === 'moderator' || viewer.role === 'admin';
}

const oid = (id: Types.ObjectId | string) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** Coalitions whose content the viewer may see (public ones and their own), or null for "all" (staff). */
export async function visibleCoalitionIds(viewer: CoalitionViewer): Promise<Types.ObjectId[] | null> {
  if (isStaff(viewer)) return null;
  const [open, mine] = await Promise.all([
    CoalitionModel.find({ visibility: trusted({ $ne: 'private' }) }, { _id: 1 }).lean(),
    activeCoalitionIds(viewer.id),
  ]);
  return [...open.map((c) => c._id), ...mine];
}

/** The coalitions the member belongs to (active memberships only). */
export async function activeCoalitionIds(memberId: string): Promise<Types.ObjectId[]> {
  const rows = await MembershipModel.find({ memberId: oid(memberId), status: 'active' }, { coalitionId: 1 })
    .limit(1000)
    .lean();
  return rows.map((r) => r.coalitionId);
}

export async function canSeeCoalitionContent(
  viewer: CoalitionViewer,
  coalitionId: Types.ObjectId | null | undefined,
): Promise<boolean> {
  if (!coalitionId || isStaff(viewer)) return true;
  const coalition = await CoalitionModel.findById(coalitionId, { visibility: 1 }).lean();
  if (!coalition) return false;
  if (coalition.visibility !== 'private') return true;
  return Boolean(await MembershipModel.exists({ coalitionId, memberId: oid(viewer.id), status: 'active' }));
}

/** Of these members, those who may see the coalition's content (for notifications and live rooms). */
export async function readersAmong(
  coalitionId: Types.ObjectId | null | undefined,
  memberIds: string[],
): Promise<string[]> {
  if (!coalitionId || memberIds.length === 0) return memberIds;
  const coalition = await CoalitionModel.findById(coalitionId, { visibility: 1 }).lean();
  if (coalition && coalition.visibility !== 'private') return memberIds;
  const ids = memberIds.map((id) => new Types.ObjectId(id));
  const [staff, members] = await Promise.all([
    MemberModel.find({ _id: trusted({ $in: ids }), role: trusted({ $in: ['moderator', 'admin'] }) }, { _id: 1 }).lean(),
    coalition
      ? MembershipModel.find({ coalitionId, memberId: trusted({ $in: ids }), status: 'active' }, { memberId: 1 }).lean()
      : Promise.resolve([]),
  ]);
  const allowed = new Set([...staff.map((m) => m._id.toHexString()), ...members.map((m) => m.memberId.toHexString())]);
  return memberIds.filter((id) => allowed.has(id));
}

/** The coalition, if the viewer is one of its admins (or a site administrator); else 403/404. */
export async function assertCoalitionAdmin(viewer: CoalitionViewer, coalitionId: string): Promise<CoalitionFields> {
  const coalition = Types.ObjectId.isValid(coalitionId)
    ? await CoalitionModel.findById(coalitionId).lean<CoalitionFields>()
    : null;
  if (!coalition) throw new AppError('not_found', 'No coalition with this id.', { field: 'coalitionId' });
  if (viewer.role === 'admin') return coalition;
  const mine = await MembershipModel.findOne({ coalitionId: coalition._id, memberId: oid(viewer.id) }).lean();
  if (mine?.status === 'active' && mine.role === 'admin') return coalition;
  throw new AppError('forbidden', 'Only the coalition’s admins can do that.');
}

/** The coalition, if the viewer is an active member of it (or a site administrator); else 403/404. */
export async function assertCoalitionMember(viewer: CoalitionViewer, coalitionId: string): Promise<CoalitionFields> {
  const coalition = Types.ObjectId.isValid(coalitionId)
    ? await CoalitionModel.findById(coalitionId).lean<CoalitionFields>()
    : null;
  if (!coalition) throw new AppError('not_found', 'No coalition with this id.', { field: 'coalitionId' });
  if (viewer.role === 'admin') return coalition;
  const mine = await MembershipModel.exists({ coalitionId: coalition._id, memberId: oid(viewer.id), status: 'active' });
  if (mine) return coalition;
  throw new AppError('forbidden', 'Only members of the coalition can do that.');
}
