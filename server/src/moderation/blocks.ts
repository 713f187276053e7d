import type { MemberBlockKind } from '@commons/shared';
import mongoose, { Types, type UpdateQuery } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { Actor } from '../members/actor.js';
import { memberExists } from '../members/reads.js';
import { BlockModel, type BlockFields } from './model.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { dropKeptMany, kept } from '../infra/read-models.js';
import { oid } from './support.js';

/* Member blocks and mutes: one choice per pair of members (see service.setBlock / setMute). */

const { trusted } = mongoose;

export async function blockPair(
  actor: Actor,
  memberId: string,
  kind: MemberBlockKind,
): Promise<{ me: Types.ObjectId; target: Types.ObjectId }> {
  const target = oid(memberId, 'member');
  if (memberId === actor.id) throw new AppError('bad_request', `You cannot ${kind} yourself.`);
  if (!(await memberExists(target))) throw new AppError('not_found', 'No member with this id.');
  return { me: new Types.ObjectId(actor.id), target };
}

export async function upsertBlock(
  me: Types.ObjectId,
  target: Types.ObjectId,
  update: UpdateQuery<BlockFields>,
): Promise<void> {
  await BlockModel.updateOne({ memberId: me, blockedId: target }, update, { upsert: true }).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
  await blockersChanged([target]);
}

/** Removes the mute of `target` by `me`, or (`block`) whatever is not a mute. */
export async function removeBlock(me: Types.ObjectId, target: Types.ObjectId, kind: MemberBlockKind): Promise<void> {
  await BlockModel.deleteOne({
    memberId: me,
    blockedId: target,
    kind: kind === 'mute' ? 'mute' : trusted({ $ne: 'mute' }),
  });
  await blockersChanged([target]);
}

/*
 * Who blocked (or muted) a member, kept in Redis: every fan-out and notice asks it of its author.
 * Built from the store on a miss and dropped by every write that changes it (`kept` stores a build
 * only when no such write came in between).
 */
const BLOCKERS_TTL_SECONDS = 6 * 3600;
const blockersKey = (memberId: string) => `moderation:blockers:${memberId}`;

function blockersOf(memberId: string): Promise<string[]> {
  return kept(blockersKey(memberId), BLOCKERS_TTL_SECONDS, async () => {
    const rows = await BlockModel.find({ blockedId: oid(memberId, 'member') }, { memberId: 1 }).lean();
    return rows.map((r) => r.memberId.toHexString());
  });
}

/** After blocks of these members were made or removed. */
export function blockersChanged(memberIds: Array<string | Types.ObjectId>): Promise<void> {
  return dropKeptMany(memberIds.map((id) => blockersKey(String(id))));
}

/** Of `recipientIds`, those who blocked `senderId` (mentions and notifications skip them). */
export async function recipientsBlocking(senderId: string, recipientIds: string[]): Promise<Set<string>> {
  if (recipientIds.length === 0) return new Set();
  const blockers = new Set(await blockersOf(oid(senderId, 'member').toHexString()));
  return new Set(recipientIds.filter((r) => blockers.has(r)));
}
