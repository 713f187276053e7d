import type { DomainEvents } from '../infra/domain-events.js';
import type { Outbox } from '../infra/outbox.js';
import { listRoomsOf } from '../forums/coalition-visibility.js';
import { postById, threadById } from '../forums/reads.js';
import { presentPublicPosts, presentPublicThreads } from '../forums/present.js';
import { readableByRoom, threadAudience } from '../forums/read-rule.js';
import { staffMembers } from '../members/reads.js';
import type { SocketEmitter } from '../realtime/emitter.js';
import { rooms } from '../realtime/types.js';
import type { ModerationService } from './service.js';
import { moderatorsWatching } from './watching.js';

/** The Socket.IO server or the Redis emitter: both can also end a member's live sockets. */
export type ModerationEmitter = SocketEmitter;

/**
 * Live pushes and mails after moderation writes. Registered on the events of whichever process
 * runs the moderation service (the API with its Socket.IO server, workers with the Redis emitter).
 */
export function registerModerationListeners(
  events: DomainEvents,
  deps: { emitter: ModerationEmitter; outbox: Outbox; moderation: ModerationService; publicUrl: string },
): void {
  const { emitter } = deps;

  events.on('moderation.itemChanged', async ({ itemId }) => {
    // Nobody on the live queue: nothing to present (the queue page reads the store when opened).
    if (!(await moderatorsWatching())) return;
    const item = await deps.moderation.itemForBroadcast(itemId);
    if (item) emitter.to(rooms.moderators).emit('moderation:item', { item });
  });

  events.on('moderation.postHidden', ({ postId, threadId, authorId, status, reasons }) => {
    emitter.to(rooms.thread(threadId)).emit('post:hidden', { threadId, postId, status });
    emitter.to(rooms.member(authorId)).emit('post:hidden', { threadId, postId, status, reasons });
  });

  // Lists follow a thread whose opening post was held, hidden or restored (same rooms as every list update).
  events.on('thread.moderated', async ({ threadId, categoryId, hidden }) => {
    const targets = [rooms.thread(threadId), ...(await listRoomsOf(categoryId))];
    if (hidden) {
      emitter.to(targets).emit('thread:hidden', { threadId, categoryId });
      return;
    }
    const thread = await threadById(threadId);
    const [publicThread] = thread ? await presentPublicThreads([thread]) : [];
    if (publicThread) emitter.to(targets).emit('thread:restored', { thread: publicThread });
  });

  events.on('post.statusChanged', async ({ postId, status }) => {
    if (status !== 'visible') return;
    const found = await postById(postId);
    // Restored means visible again; should it have been held once more meanwhile, the room hears nothing.
    const post = found ? readableByRoom(found) : null;
    if (!post) return;
    // A reply restored in a thread that is itself closed reaches only those who may read the thread.
    const audience = await threadAudience(found!.threadId.toHexString());
    const targets = audience.open
      ? [rooms.thread(found!.threadId.toHexString())]
      : [rooms.moderators, ...(audience.authorId ? [rooms.member(audience.authorId)] : [])];
    const [publicPost] = await presentPublicPosts([post]);
    emitter.to(targets).emit('post:updated', { threadId: publicPost!.threadId, post: publicPost! });
  });

  events.on('moderation.notice', ({ memberId, notice }) => {
    emitter.to(rooms.member(memberId)).emit('moderation:notice', notice);
  });

  events.on('moderation.sanctioned', ({ memberId, kind, reason, expiresAt }) => {
    const room = rooms.member(memberId);
    emitter.to(room).emit('moderation:notice', { kind, reason, expiresAt: expiresAt?.toISOString() ?? null });
    if (kind === 'suspend') {
      emitter.to(room).emit('session:ended', { code: 'member_suspended', message: reason });
      emitter.in(room).disconnectSockets(true);
    }
  });

  // Child safety: every moderator and admin gets a mail at once (one job per item and moderator).
  events.on('moderation.urgent', async ({ itemId, reason }) => {
    const moderators = await staffMembers(['email', 'displayName', 'locale']);
    await Promise.all(
      moderators.map((m) =>
        deps.outbox.schedule([
          {
            queue: 'mail',
            key: `moderation-alert-${itemId}-${m._id.toHexString()}`,
            job: {
              kind: 'moderation_alert',
              memberId: m._id.toHexString(),
              to: m.email,
              locale: m.locale,
              displayName: m.displayName,
              reviewUrl: `${deps.publicUrl}/moderation`,
              reason: reason || 'child_safety',
            },
          },
        ]),
      ),
    );
  });
}
