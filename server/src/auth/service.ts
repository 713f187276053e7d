import type {
  EmailChangeBody,
  Locale,
  LoginBody,
  PasswordResetConfirm,
  RegisterBody,
  SiteSettings,
} from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { isDuplicateKey } from '../infra/store/index.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import {
  emailTaken,
  isEmailVerified,
  memberById,
  memberDoc,
  memberDocByEmail,
  passwordHashOf,
  pendingSignUp,
  pendingSignUpByEmail,
  type MemberDoc,
} from '../members/reads.js';
import {
  createMemberRow,
  createPendingSignUp,
  deletePendingSignUp,
  markEmailVerified,
  recordSeen,
  setEmail,
} from '../members/writes.js';
import type { VerificationTokens } from './email-verification.js';
import { assertStrongPassword, burnVerifyTime, hashPassword, verifyPassword } from './passwords.js';
import { hashResetToken, type ResetLinks } from './reset-links.js';
import { ResetTokenModel } from './reset-token.model.js';

const INVALID_CREDENTIALS = 'Email or password is incorrect.';

export interface AuthServiceDeps {
  events: DomainEvents;
  resetTtlMinutes: number;
  verification: VerificationTokens;
  site: { settings(): Promise<SiteSettings> };
  resetLinks: ResetLinks;
}

export function createAuthService({ events, resetTtlMinutes, resetLinks, verification, site }: AuthServiceDeps) {
  /** Mails the member a fresh link confirming their current address. */
  function sendVerification(member: MemberDoc): void {
    const { token, expiresAt } = verification.issue({ memberId: member._id.toHexString(), email: member.email });
    events.publish('member.verificationRequested', {
      memberId: member._id.toHexString(),
      email: member.email,
      displayName: member.displayName,
      locale: member.locale,
      timeZone: member.timeZone,
      token,
      expiresAt,
    });
  }

  const taken = () => new AppError('email_taken', 'An account with this email already exists.');

  /** The language of a sign-up that sent none: the site's default. */
  async function localeOf(input: { locale?: Locale | undefined }): Promise<Locale> {
    return input.locale ?? (await site.settings()).defaultLocale;
  }

  async function createMember(input: RegisterBody, emailVerifiedAt: Date | null): Promise<MemberDoc> {
    assertStrongPassword(input.password, [input.email, input.displayName]);
    if (await emailTaken(input.email)) throw taken();
    return insertMember(
      {
        email: input.email,
        passwordHash: await hashPassword(input.password),
        displayName: input.displayName,
        locale: await localeOf(input),
        timeZone: input.timeZone ?? null,
      },
      emailVerifiedAt,
    );
  }

  async function insertMember(
    fields: {
      _id?: Types.ObjectId;
      email: string;
      passwordHash: string;
      displayName: string;
      locale: Locale;
      timeZone: string | null;
    },
    emailVerifiedAt: Date | null,
    approved = false,
  ): Promise<MemberDoc> {
    const { timeZone, ...rest } = fields;
    let member: MemberDoc;
    try {
      member = await createMemberRow({ ...rest, emailVerifiedAt, ...(timeZone ? { timeZone } : {}) });
    } catch (err) {
      if (isDuplicateKey(err)) throw taken();
      throw err;
    }
    events.publish('member.registered', {
      memberId: member._id.toHexString(),
      email: member.email,
      displayName: member.displayName,
      locale: member.locale,
      approved,
    });
    return member;
  }

  /** Joining by approval: the sign-up waits for an administrator; no account, no session yet. */
  async function requestApproval(input: RegisterBody): Promise<void> {
    if ((await emailTaken(input.email)) || (await pendingSignUpByEmail(input.email))) throw taken();
    const locale = await localeOf(input);
    let signUpId: string;
    try {
      const row = await createPendingSignUp({
        email: input.email,
        passwordHash: await hashPassword(input.password),
        displayName: input.displayName,
        locale,
        timeZone: input.timeZone ?? null,
      });
      signUpId = row._id.toHexString();
    } catch (err) {
      if (isDuplicateKey(err)) throw taken();
      throw err;
    }
    events.publish('member.signUpPending', {
      signUpId,
      email: input.email,
      displayName: input.displayName,
      locale,
    });
  }

  const emailOf = async (memberId: string) => {
    const member = await memberById(memberId, ['email', 'deletedAt']);
    return member && !member.deletedAt ? member.email : null;
  };

  return {
    /** A deleted account's pending reset links. */
    async forgetMember(memberId: string): Promise<void> {
      await ResetTokenModel.deleteMany({ memberId });
    },

    /**
     * Sign-up from the form: an account while the site is open to anyone; a sign-up waiting for an
     * administrator while joining is by approval (`pending`: no account and no session yet).
     */
    async register(input: RegisterBody): Promise<{ member: MemberDoc } | { pending: true }> {
      const { registrationMode, emailVerification } = await site.settings();
      if (registrationMode !== 'open' && registrationMode !== 'approval')
        throw new AppError(
          'registration_closed',
          registrationMode === 'invitation' ? 'Joining is by invitation only.' : 'This site is not taking new members.',
          { registrationMode },
        );
      assertStrongPassword(input.password, [input.email, input.displayName]);
      if (registrationMode === 'approval') {
        await requestApproval(input);
        return { pending: true };
      }
      const member = await createMember(input, null);
      if (emailVerification) sendVerification(member);
      return { member };
    },

    /**
     * An administrator approved a waiting sign-up: the account is created with the sign-up's id
     * (welcome mail saying so, and a confirmation link when the site asks for one), then the
     * sign-up goes. If the process stops in between, approving again finds the account and only
     * removes the sign-up.
     */
    async approveSignUp(signUpId: string): Promise<MemberDoc> {
      const row = await pendingSignUp(signUpId);
      if (!row) throw new AppError('not_found', 'No sign-up is waiting with this id.');
      const existing = await memberDoc(row._id);
      if (existing) {
        await deletePendingSignUp(row._id);
        return existing;
      }
      if (await emailTaken(row.email)) throw taken();
      const member = await insertMember(
        {
          _id: row._id,
          email: row.email,
          passwordHash: row.passwordHash,
          displayName: row.displayName,
          locale: row.locale,
          timeZone: row.timeZone,
        },
        null,
        true,
      );
      await deletePendingSignUp(row._id);
      if ((await site.settings()).emailVerification) sendVerification(member);
      return member;
    },

    /** An administrator declined a waiting sign-up: it is deleted, nothing of it is kept. */
    async declineSignUp(signUpId: string): Promise<void> {
      const row = await pendingSignUp(signUpId);
      if (!row || !(await deletePendingSignUp(row._id)))
        throw new AppError('not_found', 'No sign-up is waiting with this id.');
    },

    /**
     * An invited person's account (invitations domain, after it claimed the invitation): the
     * address is confirmed, since the invitation link reached it.
     */
    async registerInvited(input: RegisterBody & { locale: Locale }): Promise<MemberDoc> {
      return createMember(input, new Date());
    },

    /** Confirms the address the token was issued for; a used link answers the same (idempotent). */
    async verifyEmail(token: string): Promise<MemberDoc> {
      const memberId = await verification.check(token, emailOf);
      if (!memberId) throw new AppError('invalid_token', 'This confirmation link is invalid or has expired.');
      await markEmailVerified(memberId);
      events.publish('member.updated', { memberId });
      return (await memberDoc(memberId)) as MemberDoc;
    },

    /** Sends a new link to an unconfirmed address (the caller rate-limits). */
    async resendVerification(member: MemberDoc): Promise<void> {
      if (isEmailVerified(member)) throw new AppError('conflict', 'Your email address is already confirmed.');
      sendVerification(member);
    },

    /** A new address, confirmed with the password: it must be verified again, and the old one hears of it. */
    async changeEmail(member: MemberDoc, input: EmailChangeBody): Promise<MemberDoc> {
      if (!(await verifyPassword((await passwordHashOf(member._id)) ?? '', input.password))) {
        throw new AppError('invalid_credentials', 'The password is not right.');
      }
      if (input.email === member.email) throw new AppError('bad_request', 'This is already your email address.');
      if (await emailTaken(input.email)) {
        throw new AppError('email_taken', 'An account with this email already exists.');
      }
      const previous = member.email;
      try {
        await setEmail(member._id, input.email);
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('email_taken', 'An account with this email already exists.');
        throw err;
      }
      member.email = input.email;
      member.emailVerifiedAt = null;
      events.publish('member.emailChanged', {
        memberId: member._id.toHexString(),
        previousEmail: previous,
        email: member.email,
        displayName: member.displayName,
        locale: member.locale,
      });
      sendVerification(member);
      return member;
    },

    /** Sign-out: that browser session's live sockets end with it. */
    signedOut(memberId: string, sessionId: string): void {
      events.publish('auth.sessionsEnded', { memberId, sessionId, reason: 'signed_out' });
    },

    /** Returns the member for correct credentials; the same error whether or not the email exists. */
    async verifyCredentials(input: LoginBody): Promise<MemberDoc> {
      const member = await memberDocByEmail(input.email);
      if (!member || member.deletedAt) {
        // A sign-up waiting for approval: told so, but only to whoever knows its password.
        const waiting = member ? null : await pendingSignUpByEmail(input.email);
        if (waiting && (await verifyPassword(waiting.passwordHash, input.password)))
          throw new AppError(
            'registration_pending',
            'Your sign-up is waiting for an administrator of the site. You will get an email when it is approved.',
          );
        if (!waiting) await burnVerifyTime(input.password);
        throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
      }
      if (!(await verifyPassword(member.passwordHash, input.password))) {
        throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
      }
      member.lastSeenAt = new Date();
      await recordSeen(member._id, member.lastSeenAt);
      return member;
    },

    /** Always quiet to the caller: whether the email has an account is not revealed. */
    async requestPasswordReset(email: string): Promise<void> {
      const member = await memberDocByEmail(email);
      await ResetTokenModel.deleteMany({ expiresAt: trusted({ $lt: new Date(Date.now() - 24 * 3600_000) }) });
      if (!member) return;
      const resetId = new Types.ObjectId();
      const expiresAt = new Date(Date.now() + resetTtlMinutes * 60_000);
      const tokenHash = hashResetToken(resetLinks.tokenFor(resetId.toHexString()));
      await ResetTokenModel.create({ _id: resetId, tokenHash, memberId: member._id, expiresAt });
      events.publish('member.passwordResetRequested', {
        memberId: member._id.toHexString(),
        email: member.email,
        displayName: member.displayName,
        locale: member.locale,
        timeZone: member.timeZone,
        resetId: resetId.toHexString(),
        expiresAt,
      });
    },

    async confirmPasswordReset(input: PasswordResetConfirm): Promise<MemberDoc> {
      const tokenHash = hashResetToken(input.token);
      const pending = await ResetTokenModel.findOne({
        tokenHash,
        usedAt: null,
        expiresAt: trusted({ $gt: new Date() }),
      });
      if (!pending) throw new AppError('invalid_token', 'This reset link is invalid, already used or expired.');
      const member = await memberDoc(pending.memberId);
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
      events.publish('auth.sessionsEnded', {
        memberId: member._id.toHexString(),
        sessionId: null,
        reason: 'password_changed',
      });
      return member;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
