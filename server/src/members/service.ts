import type { AccountDeleteBody, MemberExport, ProfilePatch, Role } from '@commons/shared';
import { isValidObjectId } from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { accountDeletion } from './account.js';
import type { ExportSection, MemberDataDomain } from './member-data.js';
import { toSelf } from './present.js';
import { MemberModel, type MemberDoc } from './model.js';

export function createMemberService({
  events,
  domains = () => [],
  audit,
}: {
  events: DomainEvents;
  /** Every domain holding member data: each exports its part, and deletes it with the account. */
  domains?: () => MemberDataDomain[];
  audit?: (memberId: string, contentDeleted: boolean) => Promise<void>;
}) {
  const owners = () => domains().map((d) => d.service);
  const deleteAccount = accountDeletion({ events, owners, ...(audit ? { audit } : {}) });
  return {
    /** Everything the platform holds about the member, as one JSON document (GET /api/members/me/export). */
    async exportData(member: MemberDoc, verificationRequired: boolean): Promise<MemberExport> {
      const data: Record<string, ExportSection> = {};
      for (const d of domains())
        if (d.service.exportMember) data[d.name] = await d.service.exportMember(member._id.toHexString());
      return {
        exportedAt: new Date().toISOString(),
        profile: { ...toSelf(member, verificationRequired), lastSeenAt: member.lastSeenAt?.toISOString() ?? null },
        data,
      };
    },

    /** The member deletes their own account, confirmed with their password (DELETE /api/members/me). */
    deleteAccount: (member: MemberDoc, body: AccountDeleteBody) => deleteAccount(member, body),

    async get(id: string): Promise<MemberDoc> {
      const member = isValidObjectId(id) ? ((await MemberModel.findById(id)) as MemberDoc | null) : null;
      if (!member || member.deletedAt) throw new AppError('not_found', 'No member with this id.');
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
