import { createHash } from 'node:crypto';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';

/**
 * New posts fan out to notifications in a job (the post request has already returned). The job
 * id is the post's, so a repeated event or a retry does the work once.
 */
export function registerNotificationListeners(
  events: DomainEvents,
  deps: { queues: Pick<Queues, 'notifications'> },
): void {
  events.on('post.created', async (e) => {
    await deps.queues.notifications.add(
      'fanout',
      {
        kind: 'fanout',
        threadId: e.thread.id,
        postId: e.post.id,
        actorId: e.actorId,
        replyToAuthorId: e.replyToAuthorId,
        mentionIds: e.mentionIds,
      },
      { jobId: `fanout-${e.post.id}` },
    );
  });

  // The opening post: mentions, and members watching the category (they watch its threads).
  events.on('thread.created', async (e) => {
    await deps.queues.notifications.add(
      'fanout',
      {
        kind: 'fanout',
        threadId: e.thread.id,
        postId: e.post.id,
        actorId: e.actorId,
        replyToAuthorId: null,
        mentionIds: e.mentionIds,
      },
      { jobId: `fanout-${e.post.id}` },
    );
  });

  // An edit that mentions someone new tells them (once per set of new mentions).
  events.on('post.updated', async (e) => {
    if (e.newMentionIds.length === 0) return;
    const key = createHash('sha256')
      .update([...e.newMentionIds].sort().join(','))
      .digest('hex')
      .slice(0, 16);
    await deps.queues.notifications.add(
      'fanout',
      {
        kind: 'fanout',
        threadId: e.post.threadId,
        postId: e.post.id,
        actorId: e.actorId,
        replyToAuthorId: null,
        mentionIds: e.newMentionIds,
        mentionsOnly: true,
      },
      { jobId: `mention-edit-${e.post.id}-${key}` },
    );
  });
}
