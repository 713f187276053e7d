import { ProfileModel } from '@commons/server/moderation/model';
import { trustChanged } from '@commons/server/moderation/trust';
import { Types } from 'mongoose';
import { connectSocket, type ClientSocket } from '../support/sockets.js';
import type { Someone } from '../forums/support.js';

export { collectEvents, eventually, nextEvent, type ClientSocket } from '../support/sockets.js';

/** A live connection of `who`, kept in `opened`. */
export const socketFor = (url: string, who: Someone, opened: ClientSocket[]) => connectSocket(url, who, opened);

/** Sets a member's trust level and flag record straight in the store (what the trust job would compute). */
export async function setProfile(
  who: Someone,
  fields: { trustLevel?: number; flagsUpheld?: number; flagsRejected?: number },
): Promise<void> {
  await ProfileModel.updateOne({ memberId: new Types.ObjectId(who.id) }, { $set: fields }, { upsert: true });
  // As the trust job does after its write: screening asks the kept level.
  await trustChanged(who.id);
}
