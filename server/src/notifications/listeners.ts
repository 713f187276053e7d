import { createHash } from 'node:crypto';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Outbox } from '../infra/outbox.js';

/**
 * A post fans out to notifications once screening has let it stand (`post.published`, published
 * by the screening job, which waits for this to be stored). The job id is the post's, so a
 * repeated event or a retry does the work once.
 */
export function registerNotificationListeners(events: DomainEvents, deps: { outbox: Outbox }): void {
  // The opening post: mentions, and members watching the category (they watch its threads).
  events.on('post.published', (e) =>
    deps.outbox.schedule([
      {
        queue: 'notifications',
        key: `fanout-${e.postId}`,
        job: {
          kind: 'fanout',
          threadId: e.threadId,
          postId: e.postId,
          actorId: e.actorId,
          replyToAuthorId: e.opening ? null : e.replyToAuthorId,
          mentionIds: e.mentionIds,
          ...(e.facts ? { facts: e.facts } : {}),
        },
      },
    ]),
  );

  // An edit that mentions someone new tells them (once per set of new mentions).
  events.on('post.updated', async (e) => {
    if (e.newMentionIds.length === 0) return;
    const key = createHash('sha256')
      .update([...e.newMentionIds].sort().join(','))
      .digest('hex')
      .slice(0, 16);
    await deps.outbox.schedule([
      {
        queue: 'notifications',
        key: `mention-edit-${e.post.id}-${key}`,
        job: {
          kind: 'fanout',
          threadId: e.post.threadId,
          postId: e.post.id,
          actorId: e.actorId,
          replyToAuthorId: null,
          mentionIds: e.newMentionIds,
          mentionsOnly: true,
        },
      },
    ]);
  });
}
