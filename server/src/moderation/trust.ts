import { Types } from 'mongoose';
import { dropKept, kept } from '../infra/read-models.js';
import { ProfileModel } from './model.js';

/*
 * A member's trust level as screening asks it for every post: kept in Redis (infra/read-models.ts)
 * and dropped by the one job that writes it (recomputeTrust) and by a member's removal.
 */

const TTL_SECONDS = 600;
const keyOf = (memberId: string) => `mod:trust:${memberId}`;

export async function trustLevelOf(memberId: string): Promise<number> {
  return kept(keyOf(memberId), TTL_SECONDS, async () => {
    const profile = await ProfileModel.findOne({ memberId: new Types.ObjectId(memberId) }, { trustLevel: 1 }).lean();
    return profile?.trustLevel ?? 0;
  });
}

/** After any write of the member's trust level. */
export async function trustChanged(memberId: { toString(): string }): Promise<void> {
  await dropKept(keyOf(String(memberId)));
}
