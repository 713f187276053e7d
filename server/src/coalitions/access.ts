import type { Role } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { staffAmong } from '../members/reads.js';
import { isVisitor } from '../site/viewer.js';
import { findIn } from '../infra/store/index.js';
import { CoalitionModel, MembershipModel, type CoalitionFields } from './model.js';

const { trusted } = mongoose;

/**
 * Who may see a coalition's own content (its forum categories with their threads and posts, and
 * its labs). Used by the forums and labs services, so every listing, page, search, count and
 * notification goes through the same rule:
 * - public coalition: every member;
 * - private coalition: its active members (not pending requests), moderators and administrators;
 * - a coalition that no longer exists: moderators and administrators only;
 * - a visitor without an account (the public face): no coalition's content at all.
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
  // A visitor without an account sees no coalition's content, public or private.
  if (isVisitor(viewer)) return [];
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
  if (isVisitor(viewer)) return false;
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
    staffAmong(memberIds),
    coalition
      ? MembershipModel.find({ coalitionId, memberId: trusted({ $in: ids }), status: 'active' }, { memberId: 1 }).lean()
      : Promise.resolve([]),
  ]);
  const allowed = new Set([...staff, ...members.map((m) => m.memberId.toHexString())]);
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

/**
 * Of `memberIds`, those who share at least one active coalition with `viewerId` (members' privacy
 * settings: "members of my coalitions"). One equality query per member asked about (pages are small).
 */
export async function coalitionPeersAmong(viewerId: string, memberIds: string[]): Promise<Set<string>> {
  const wanted = [...new Set(memberIds)].filter((id) => Types.ObjectId.isValid(id));
  if (wanted.length === 0) return new Set();
  const mine = new Set((await activeCoalitionIds(viewerId)).map((id) => id.toHexString()));
  if (mine.size === 0) return new Set();
  const rows = await findIn(
    'memberId',
    wanted.map((id) => oid(id)),
    (match) => MembershipModel.find({ ...match, status: 'active' }, { memberId: 1, coalitionId: 1 }).lean(),
  );
  return new Set(rows.filter((r) => mine.has(r.coalitionId.toHexString())).map((r) => r.memberId.toHexString()));
}

/**
 * The coalitions each of `memberIds` actively belongs to, as `viewerId` may see them: public ones,
 * and private ones only when the viewer is an active member of that coalition too (a private
 * coalition's membership is for its members to know). Names in the coalitions' own order of
 * creation. Three equality-batched queries, whatever the number of members.
 */
export async function coalitionBadgesAmong(
  viewerId: string,
  memberIds: string[],
): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const wanted = [...new Set(memberIds)].filter((id) => Types.ObjectId.isValid(id));
  const out = new Map<string, Array<{ id: string; name: string }>>();
  if (wanted.length === 0) return out;
  const rows = await findIn(
    'memberId',
    wanted.map((id) => oid(id)),
    (match) => MembershipModel.find({ ...match, status: 'active' }, { memberId: 1, coalitionId: 1 }).lean(),
  );
  if (rows.length === 0) return out;
  const [coalitions, mine] = await Promise.all([
    findIn('_id', [...new Set(rows.map((r) => r.coalitionId.toHexString()))].map(oid), (match) =>
      CoalitionModel.find(match, { name: 1, visibility: 1, createdAt: 1 }).lean(),
    ),
    activeCoalitionIds(viewerId),
  ]);
  const viewerIn = new Set(mine.map((id) => id.toHexString()));
  const shown = coalitions
    .filter((c) => c.visibility !== 'private' || viewerIn.has(c._id.toHexString()))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const holders = new Map<string, Set<string>>();
  for (const r of rows) {
    const coalition = r.coalitionId.toHexString();
    holders.set(coalition, (holders.get(coalition) ?? new Set()).add(r.memberId.toHexString()));
  }
  for (const c of shown) {
    const badge = { id: c._id.toHexString(), name: c.name };
    for (const memberId of holders.get(badge.id) ?? []) out.set(memberId, [...(out.get(memberId) ?? []), badge]);
  }
  return out;
}
