import { Types, trusted } from 'mongoose';
import { dropKeptMembers } from './kept.js';
import { MemberModel, type MemberDoc, type MemberFields } from './model.js';
import { PendingSignUpModel, type PendingSignUpFields } from './sign-up.model.js';

/*
 * The writes other domains make to a member's row: auth creates accounts and keeps the address,
 * its confirmation and the session epoch; moderation ends sessions with a suspension; sockets record
 * visits. Each is one field's rule, so it lives here once rather than as a model call at each site.
 */

type NewMember = Pick<MemberFields, 'email' | 'passwordHash' | 'displayName'> & { _id?: Types.ObjectId } & Partial<
    Pick<
      MemberFields,
      | 'locale'
      | 'timeZone'
      | 'emailVerifiedAt'
      | 'role'
      | 'bio'
      | 'communityRole'
      | 'organisation'
      | 'community'
      | 'interests'
    >
  >;

/** A new account. A taken address fails with the store's duplicate-key error (isDuplicateKey). */
export async function createMemberRow(fields: NewMember): Promise<MemberDoc> {
  return (await MemberModel.create(fields)) as MemberDoc;
}

/** A sign-up waiting for approval. A taken address fails with the store's duplicate-key error. */
export async function createPendingSignUp(
  fields: Pick<PendingSignUpFields, 'email' | 'passwordHash' | 'displayName' | 'locale' | 'timeZone'>,
): Promise<PendingSignUpFields> {
  return (await PendingSignUpModel.create(fields)).toObject<PendingSignUpFields>();
}

/** Removes a waiting sign-up (approved: it is a member now; or declined); false when it was gone. */
export async function deletePendingSignUp(id: Types.ObjectId): Promise<boolean> {
  return (await PendingSignUpModel.deleteOne({ _id: id })).deletedCount > 0;
}

/** The address is confirmed (once: a second confirmation changes nothing). */
export async function markEmailVerified(memberId: string): Promise<void> {
  await MemberModel.updateOne({ _id: memberId, emailVerifiedAt: null }, { $set: { emailVerifiedAt: new Date() } });
}

/** A new address, unconfirmed. A taken address fails with the store's duplicate-key error. */
export async function setEmail(memberId: Types.ObjectId, email: string): Promise<void> {
  await MemberModel.updateOne({ _id: memberId }, { $set: { email, emailVerifiedAt: null } });
}

/** A visit: digests go only to members not seen since the previous one. */
export async function recordSeen(memberId: Types.ObjectId | string, at = new Date()): Promise<void> {
  await MemberModel.updateOne({ _id: memberId }, { $set: { lastSeenAt: at } });
}

/** Every session of the member ends: the session epoch moves on (sessions and sockets check it). */
export async function endAllSessions(memberId: Types.ObjectId): Promise<void> {
  await MemberModel.updateOne({ _id: memberId }, { $inc: { sessionVersion: 1 } });
}

/**
 * Demo content: the members "joined" at `at`. A native update, since mongoose keeps `createdAt`
 * immutable.
 */
export async function backdateJoined(memberIds: string[], at: Date): Promise<void> {
  await MemberModel.collection.updateMany(
    { _id: trusted({ $in: memberIds.map((id) => new Types.ObjectId(id)) }) },
    { $set: { createdAt: at } },
  );
  // A native write passes no schema hook: the kept records are dropped here.
  await dropKeptMembers(memberIds);
}
