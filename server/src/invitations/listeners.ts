import type { DomainEvents } from '../infra/domain-events.js';
import type { Outbox } from '../infra/outbox.js';

/** The invitation mail goes through the mail queue (one job per invitation), never from the request. */
export function registerInvitationListeners(events: DomainEvents, deps: { outbox: Outbox }): void {
  events.on('invitation.created', async (e) => {
    await deps.outbox.schedule([
      {
        queue: 'mail',
        key: `invitation-${e.invitationId}`,
        job: {
          kind: 'invitation',
          invitationId: e.invitationId,
          to: e.email,
          locale: e.locale,
          name: e.name,
          inviterName: e.inviterName,
          expiresAt: e.expiresAt.toISOString(),
        },
      },
    ]);
  });
}
