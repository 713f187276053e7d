import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';

/** Mails about a member's account go through the mail queue, never from the request. */
export function registerMemberListeners(events: DomainEvents, deps: { queues: Queues; publicUrl: string }): void {
  events.on('member.registered', async (e) => {
    await deps.queues.mail.add(
      'welcome',
      {
        kind: 'welcome',
        memberId: e.memberId,
        to: e.email,
        locale: e.locale,
        displayName: e.displayName,
        siteUrl: deps.publicUrl,
      },
      { jobId: `welcome-${e.memberId}` },
    );
  });

  events.on('member.passwordResetRequested', async (e) => {
    const resetUrl = `${deps.publicUrl}/reset-password?token=${encodeURIComponent(e.token)}`;
    await deps.queues.mail.add(
      'password_reset',
      {
        kind: 'password_reset',
        memberId: e.memberId,
        to: e.email,
        locale: e.locale,
        displayName: e.displayName,
        resetUrl,
        expiresAt: e.expiresAt.toISOString(),
        timeZone: e.timeZone,
      },
      { jobId: `password-reset-${e.memberId}-${e.expiresAt.getTime()}` },
    );
  });
}
