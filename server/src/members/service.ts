import type { ProfilePatch, Role } from '@commons/shared';
import { isValidObjectId } from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { MemberModel, type MemberDoc } from './model.js';

export function createMemberService({ events }: { events: DomainEvents }) {
  return {
    async get(id: string): Promise<MemberDoc> {
      const member = isValidObjectId(id) ? ((await MemberModel.findById(id)) as MemberDoc | null) : null;
      if (!member) throw new AppError('not_found', 'No member with this id.');
      return member;
    },

    async updateProfile(member: MemberDoc, patch: ProfilePatch): Promise<MemberDoc> {
      member.set(patch);
      await member.save();
      events.publish('member.updated', { memberId: member._id.toHexString() });
      return member;
    },

    /** Operator command path: changes a role by email. Authorization is the shell itself. */
    async setRoleByEmail(email: string, role: Role): Promise<MemberDoc> {
      const member = (await MemberModel.findOneAndUpdate(
        { email: email.trim().toLowerCase() },
        { $set: { role } },
        { returnDocument: 'after' },
      )) as MemberDoc | null;
      if (!member) throw new AppError('not_found', `No member with the email ${email}.`);
      events.publish('member.updated', { memberId: member._id.toHexString() });
      return member;
    },

    async touchLastSeen(memberId: string): Promise<void> {
      await MemberModel.updateOne({ _id: memberId }, { $set: { lastSeenAt: new Date() } });
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
