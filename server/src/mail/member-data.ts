import { Types } from 'mongoose';
import type { ForgetOptions } from '../members/member-data.js';
import { MailDeliveryModel } from './delivery.model.js';

/** Delivery records name the address: a deleted account's go. */
export async function forgetMailMember(memberId: string, opts: ForgetOptions): Promise<void> {
  await Promise.all([
    MailDeliveryModel.deleteMany({ memberId: new Types.ObjectId(memberId) }),
    MailDeliveryModel.deleteMany({ to: opts.email }),
  ]);
}
