import { createHash, randomBytes } from 'node:crypto';
import type { LoginBody, PasswordResetConfirm, RegisterBody } from '@commons/shared';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { MemberModel, type MemberDoc } from '../members/model.js';
import { assertStrongPassword, burnVerifyTime, hashPassword, verifyPassword } from './passwords.js';
import { ResetTokenModel } from './reset-token.model.js';

const INVALID_CREDENTIALS = 'Email or password is incorrect.';

export interface AuthServiceDeps {
  events: DomainEvents;
  resetTtlMinutes: number;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createAuthService({ events, resetTtlMinutes }: AuthServiceDeps) {
  return {
    async register(input: RegisterBody): Promise<MemberDoc> {
      assertStrongPassword(input.password, [input.email, input.displayName]);
      if (await MemberModel.exists({ email: input.email })) {
        throw new AppError('email_taken', 'An account with this email already exists.');
      }
      let member: MemberDoc;
      try {
        member = (await MemberModel.create({
          email: input.email,
          passwordHash: await hashPassword(input.password),
          displayName: input.displayName,
          locale: input.locale ?? 'en',
        })) as MemberDoc;
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('email_taken', 'An account with this email already exists.');
        throw err;
      }
      events.publish('member.registered', {
        memberId: member._id.toHexString(),
        email: member.email,
        displayName: member.displayName,
        locale: member.locale,
      });
      return member;
    },

    /** Returns the member for correct credentials; the same error whether or not the email exists. */
    async verifyCredentials(input: LoginBody): Promise<MemberDoc> {
      const member = (await MemberModel.findOne({ email: input.email })) as MemberDoc | null;
      if (!member) {
        await burnVerifyTime(input.password);
        throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
      }
      if (!(await verifyPassword(member.passwordHash, input.password))) {
        throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
      }
      member.lastSeenAt = new Date();
      await MemberModel.updateOne({ _id: member._id }, { $set: { lastSeenAt: member.lastSeenAt } });
      return member;
    },

    /** Always quiet to the caller: whether the email has an account is not revealed. */
    async requestPasswordReset(email: string): Promise<void> {
      const member = (await MemberModel.findOne({ email })) as MemberDoc | null;
      await ResetTokenModel.deleteMany({ expiresAt: { $lt: new Date(Date.now() - 24 * 3600_000) } });
      if (!member) return;
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + resetTtlMinutes * 60_000);
      await ResetTokenModel.create({ tokenHash: hashToken(token), memberId: member._id, expiresAt });
      events.publish('member.passwordResetRequested', {
        memberId: member._id.toHexString(),
        email: member.email,
        displayName: member.displayName,
        locale: member.locale,
        timeZone: member.timeZone,
        token,
        expiresAt,
      });
    },

    async confirmPasswordReset(input: PasswordResetConfirm): Promise<MemberDoc> {
      const tokenHash = hashToken(input.token);
      const pending = await ResetTokenModel.findOne({ tokenHash, usedAt: null, expiresAt: { $gt: new Date() } });
      if (!pending) throw new AppError('invalid_token', 'This reset link is invalid, already used or expired.');
      const member = (await MemberModel.findById(pending.memberId)) as MemberDoc | null;
      if (!member) throw new AppError('invalid_token', 'This reset link is invalid, already used or expired.');
      assertStrongPassword(input.password, [member.email, member.displayName]);
      // Claiming the token is one conditional update, so two concurrent uses cannot both succeed.
      const claimed = await ResetTokenModel.findOneAndUpdate(
        { _id: pending._id, usedAt: null },
        { $set: { usedAt: new Date() } },
      );
      if (!claimed) throw new AppError('invalid_token', 'This reset link is invalid, already used or expired.');
      member.passwordHash = await hashPassword(input.password);
      member.sessionVersion += 1;
      await member.save();
      await ResetTokenModel.updateMany({ memberId: member._id, usedAt: null }, { $set: { usedAt: new Date() } });
      return member;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
