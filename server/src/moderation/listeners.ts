import mongoose from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Queues } from '../infra/queues.js';
import { listRoomsOf } from '../forums/coalition-visibility.js';
import { PostModel, ThreadModel } from '../forums/model.js';
import { presentPublicPosts, presentPublicThreads, type PostLean, type ThreadLean } from '../forums/present.js';
import { MemberModel } from '../members/model.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import type { ModerationService } from './service.js';

/** The Socket.IO server or the Redis emitter: both can also end a member's live sockets. */
export interface ModerationEmitter extends RoomEmitter {
  in(room: string): { disconnectSockets(close?: boolean): void };
}

/** Screening is enqueued after every post write (the request never waits for it). */
export function registerScreeningListeners(events: DomainEvents, deps: { queues: Pick<Queues, 'moderation'> }): void {
  const screen = async (postId: string, jobId: string, edited: boolean): Promise<void> => {
    await deps.queues.moderation.add('screen', { kind: 'screen', postId, edited }, { jobId });
  };
  events.on('thread.created', ({ post }) => screen(post.id, `screen-${post.id}`, false));
  events.on('post.created', ({ post }) => screen(post.id, `screen-${post.id}`, false));
  events.on('post.updated', ({ post }) =>
    screen(post.id, `screen-${post.id}-${post.editedAt ? Date.parse(post.editedAt) : 0}`, true),
  );
  // A new title is screened with the opening post (the job reads both).
  events.on('thread.updated', async ({ retitled }) => {
    if (retitled)
      await screen(retitled.firstPostId, `screen-${retitled.firstPostId}-title-${Date.parse(retitled.at)}`, true);
  });
}

/**
 * Live pushes and mails after moderation writes. Registered on the events of whichever process
 * runs the moderation service (the API with its Socket.IO server, workers with the Redis emitter).
 */
export function registerModerationListeners(
  events: DomainEvents,
  deps: { emitter: ModerationEmitter; queues: Pick<Queues, 'mail'>; moderation: ModerationService; publicUrl: string },
): void {
  const { emitter } = deps;

  events.on('moderation.itemChanged', async ({ itemId }) => {
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
    const thread = await ThreadModel.findById(threadId).lean<ThreadLean>();
    const [publicThread] = thread ? await presentPublicThreads([thread]) : [];
    if (publicThread) emitter.to(targets).emit('thread:restored', { thread: publicThread });
  });

  events.on('moderation.postRestored', async ({ postId }) => {
    const post = await PostModel.findById(postId).lean<PostLean>();
    if (!post) return;
    const [publicPost] = await presentPublicPosts([post]);
    emitter
      .to(rooms.thread(publicPost!.threadId))
      .emit('post:updated', { threadId: publicPost!.threadId, post: publicPost! });
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
    const moderators = await MemberModel.find(
      { role: mongoose.trusted({ $in: ['moderator', 'admin'] }) },
      { email: 1, displayName: 1, locale: 1 },
    ).lean();
    await Promise.all(
      moderators.map((m) =>
        deps.queues.mail.add(
          'moderation_alert',
          {
            kind: 'moderation_alert',
            memberId: m._id.toHexString(),
            to: m.email,
            locale: m.locale,
            displayName: m.displayName,
            reviewUrl: `${deps.publicUrl}/moderation`,
            reason: reason || 'child_safety',
          },
          { jobId: `moderation-alert-${itemId}-${m._id.toHexString()}` },
        ),
      ),
    );
  });
}
