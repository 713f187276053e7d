import {
  defaultPrivacy,
  privateProfileFields,
  type Audience,
  type CoalitionBadge,
  type Member,
  type PrivacySettings,
} from '@commons/shared';
import { Types, trusted } from 'mongoose';
import { coalitionBadgesAmong, coalitionPeersAmong } from '../coalitions/access.js';
import { findIn } from '../infra/store/index.js';
import { MemberModel, type MemberDoc, type MemberFields } from './model.js';
import { toMember } from './present.js';

/*
 * Members' privacy settings, and the one place they are applied. Every path that shows a profile
 * (profile API, directory and its filters), offers a member for a mention, tells them of one, or
 * invites them to a lab asks here. The rule: the member themself always passes; "everyone" lets
 * every signed-in member in; "coalitions" those sharing an active coalition with them; "nobody"
 * nobody else, staff included (administrators see members in their own console).
 */

/** The stored settings over the defaults (rows from before privacy settings have none). */
export function privacyOf(doc: Pick<MemberFields, 'privacy'>): PrivacySettings {
  const stored = doc.privacy ?? {};
  return {
    ...defaultPrivacy,
    ...stored,
    fields: { ...defaultPrivacy.fields, ...(stored.fields ?? {}) },
  };
}

/** The directory lists only members who did not opt out (and no former members). */
export const listedInDirectoryFilter = { 'privacy.listedInDirectory': trusted({ $ne: false }) };

async function loadPrivacy(ids: string[]): Promise<Map<string, PrivacySettings>> {
  const rows = await findIn(
    '_id',
    ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id)),
    (match) => MemberModel.find({ ...match, deletedAt: null }, { privacy: 1 }).lean(),
  );
  return new Map(rows.map((r) => [r._id.toHexString(), privacyOf(r)]));
}

/**
 * Of `ownerIds`, those whose chosen audience (picked from their settings) includes `viewerId`.
 * Coalition look-ups happen only when some owner chose "coalitions".
 */
async function allowedAmong(
  viewerId: string,
  settings: Map<string, PrivacySettings>,
  pick: (p: PrivacySettings) => Audience,
): Promise<Set<string>> {
  const allowed = new Set<string>();
  const askPeers: string[] = [];
  for (const [id, p] of settings) {
    const audience = pick(p);
    if (id === viewerId || audience === 'everyone') allowed.add(id);
    else if (audience === 'coalitions') askPeers.push(id);
  }
  for (const id of await coalitionPeersAmong(viewerId, askPeers)) allowed.add(id);
  return allowed;
}

/** Of `targetIds`, the members `senderId` may mention (autocomplete offers, notifications tell). */
export async function mentionableBy(senderId: string, targetIds: string[]): Promise<Set<string>> {
  return allowedAmong(senderId, await loadPrivacy(targetIds), (p) => p.mentions);
}

/** Of `targetIds`, the members `senderId` may invite to a lab. */
export async function invitableBy(senderId: string, targetIds: string[]): Promise<Set<string>> {
  return allowedAmong(senderId, await loadPrivacy(targetIds), (p) => p.invitations);
}

const hidden: { [K in (typeof privateProfileFields)[number]]: Member[K] } = {
  bio: '',
  communityRole: null,
  organisation: '',
  community: '',
  interests: [],
};

/** Profiles as `viewerId` may see them: each field the owner keeps from the viewer comes back empty. */
export async function profilesFor(viewerId: string, docs: MemberDoc[]): Promise<Member[]> {
  const settings = new Map(docs.map((d) => [d._id.toHexString(), privacyOf(d)]));
  const needPeers = [...settings].filter(
    ([id, p]) => id !== viewerId && privateProfileFields.some((f) => p.fields[f] === 'coalitions'),
  );
  const peers = await coalitionPeersAmong(
    viewerId,
    needPeers.map(([id]) => id),
  );
  return docs.map((doc) => {
    const id = doc._id.toHexString();
    const member = toMember(doc);
    if (id === viewerId) return member;
    const p = settings.get(id)!;
    const out: Member = { ...member };
    for (const field of privateProfileFields) {
      const audience = p.fields[field];
      const sees = audience === 'everyone' || (audience === 'coalitions' && peers.has(id));
      if (!sees) Object.assign(out, { [field]: hidden[field] });
    }
    return out;
  });
}

/**
 * Coalition badges of `memberIds` as `viewerId` may see them (posts and profiles show them beside
 * the name): only members whose "my coalitions" choice lets the viewer in, and of their
 * coalitions the public ones and the private ones the viewer belongs to. Every asked member gets
 * an entry (empty when nothing may be shown), in the order asked.
 */
export async function coalitionBadgesFor(
  viewerId: string,
  memberIds: string[],
): Promise<Array<{ memberId: string; coalitions: CoalitionBadge[] }>> {
  const allowed = await allowedAmong(viewerId, await loadPrivacy(memberIds), (p) => p.fields.coalitions);
  const badges = await coalitionBadgesAmong(viewerId, [...allowed]);
  return memberIds.map((memberId) => ({ memberId, coalitions: badges.get(memberId) ?? [] }));
}

/** The member saves their privacy settings (`PUT /api/members/me/privacy`). */
export async function savePrivacy(member: MemberDoc, settings: PrivacySettings): Promise<PrivacySettings> {
  member.set('privacy', settings);
  await member.save();
  return privacyOf(member);
}
