import type { DomainEvents } from '../infra/domain-events.js';
import type { Outbox } from '../infra/outbox.js';

/** Mails about a member's account go through the mail queue, never from the request. */
export function registerMemberListeners(events: DomainEvents, deps: { outbox: Outbox; publicUrl: string }): void {
  events.on('member.registered', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `welcome-${e.memberId}`,
        job: {
          kind: 'welcome',
          memberId: e.memberId,
          to: e.email,
          locale: e.locale,
          displayName: e.displayName,
          siteUrl: deps.publicUrl,
          ...(e.approved ? { approved: true } : {}),
        },
      },
    ]);
  });

  events.on('member.signUpPending', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `sign-up-received-${e.signUpId}`,
        job: {
          kind: 'sign_up_received',
          signUpId: e.signUpId,
          to: e.email,
          locale: e.locale,
          displayName: e.displayName,
        },
      },
    ]);
  });

  events.on('member.passwordResetRequested', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `password-reset-${e.memberId}-${e.expiresAt.getTime()}`,
        job: {
          kind: 'password_reset',
          memberId: e.memberId,
          to: e.email,
          locale: e.locale,
          displayName: e.displayName,
          resetId: e.resetId,
          expiresAt: e.expiresAt.toISOString(),
          timeZone: e.timeZone,
        },
      },
    ]);
  });

  events.on('member.verificationRequested', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `verify-email-${e.memberId}-${e.expiresAt.getTime()}`,
        job: {
          kind: 'verify_email',
          memberId: e.memberId,
          to: e.email,
          locale: e.locale,
          displayName: e.displayName,
          verifyUrl: `${deps.publicUrl}/verify-email?token=${encodeURIComponent(e.token)}`,
          expiresAt: e.expiresAt.toISOString(),
          timeZone: e.timeZone,
        },
      },
    ]);
  });

  events.on('member.emailChanged', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `email-changed-${e.memberId}-${Date.now()}`,
        job: {
          kind: 'email_changed',
          memberId: e.memberId,
          to: e.previousEmail,
          locale: e.locale,
          displayName: e.displayName,
          newEmail: e.email,
          resetUrl: `${deps.publicUrl}/forgot-password`,
        },
      },
    ]);
  });
}
