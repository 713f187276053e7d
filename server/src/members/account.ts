import { FORMER_MEMBER_NAME, type AccountDeleteBody } from '@commons/shared';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { verifyPassword } from '../auth/passwords.js';
import type { MemberDataOwner } from './member-data.js';
import { MemberModel, type MemberDoc } from './model.js';
import { passwordHashOf } from './reads.js';

/** What every former member is shown as, wherever their id still appears (posts, audit log). */
export { FORMER_MEMBER_NAME };

/**
 * A member deletes their own account. Each domain deletes its part through its service
 * (`owners`); the member row stays as a tombstone holding no personal data, so what they wrote
 * and moderation's facts still point somewhere, shown as "Former member".
 */
export function accountDeletion(deps: {
  events: DomainEvents;
  owners: () => MemberDataOwner[];
  audit?: (memberId: string, contentDeleted: boolean) => Promise<void>;
}) {
  return async function deleteAccount(member: MemberDoc, body: AccountDeleteBody): Promise<void> {
    if (member.deletedAt) throw new AppError('not_found', 'This account no longer exists.');
    if (!(await verifyPassword((await passwordHashOf(member._id)) ?? '', body.password))) {
      throw new AppError('invalid_credentials', 'The password is not right.');
    }
    const memberId = member._id.toHexString();
    const opts = { deleteContent: body.deleteContent, email: member.email };
    for (const owner of deps.owners()) await owner.forgetMember(memberId, opts);
    await MemberModel.updateOne(
      { _id: member._id },
      {
        $set: {
          email: `deleted-${memberId}@former-members.invalid`,
          passwordHash: '!',
          displayName: FORMER_MEMBER_NAME,
          role: 'member',
          bio: '',
          communityRole: null,
          organisation: '',
          community: '',
          interests: [],
          locale: 'en',
          timeZone: 'UTC',
          lastSeenAt: null,
          avatarVersion: null,
          deletedAt: new Date(),
        },
        // Ends every session and socket of the account (they check the version).
        $inc: { sessionVersion: 1 },
      },
    );
    await deps.audit?.(memberId, body.deleteContent);
    deps.events.publish('member.deleted', { memberId, contentDeleted: body.deleteContent });
  };
}
