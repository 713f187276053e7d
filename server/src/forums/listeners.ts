import type { DomainEvents } from '../infra/domain-events.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import { listRoomsOf } from './coalition-visibility.js';
import type { ForumService } from './service.js';

/**
 * Live pushes after forum writes. Each event is emitted once to its room(s): Socket.IO encodes
 * it once and the Redis adapter fans it out to every process, so no per-socket work here.
 */
export function registerForumListeners(
  events: DomainEvents,
  deps: { emitter: RoomEmitter; forums: ForumService },
): void {
  const { emitter } = deps;

  events.on('thread.created', async ({ thread }) => {
    emitter.to(await listRoomsOf(thread.categoryId)).emit('thread:created', { thread });
  });

  events.on('thread.updated', async ({ thread, previousCategoryId }) => {
    const targets = [rooms.thread(thread.id), ...(await listRoomsOf(thread.categoryId))];
    if (previousCategoryId) targets.push(rooms.category(previousCategoryId));
    emitter.to(targets).emit('thread:updated', { thread, previousCategoryId });
  });

  events.on('post.created', async ({ thread, post }) => {
    emitter.to(rooms.thread(thread.id)).emit('post:created', { threadId: thread.id, post });
    emitter.to(await listRoomsOf(thread.categoryId)).emit('thread:activity', {
      threadId: thread.id,
      categoryId: thread.categoryId,
      lastSeq: thread.lastSeq,
      postCount: thread.postCount,
      lastActivityAt: thread.lastActivityAt,
      lastPoster: thread.lastPoster,
    });
  });

  events.on('post.updated', ({ post }) => {
    emitter.to(rooms.thread(post.threadId)).emit('post:updated', { threadId: post.threadId, post });
  });

  events.on('post.deleted', ({ post }) => {
    emitter.to(rooms.thread(post.threadId)).emit('post:deleted', { threadId: post.threadId, post });
  });

  events.on('reaction.changed', ({ threadId, postId, reactions }) => {
    emitter.to(rooms.thread(threadId)).emit('reaction:updated', { threadId, postId, reactions });
  });

  // The member's other tabs update their unread badges.
  events.on('thread.read', ({ memberId, threadId, lastReadSeq }) => {
    emitter.to(rooms.member(memberId)).emit('thread:read', { threadId, lastReadSeq });
  });

  // Mention handles follow display names.
  events.on('member.registered', ({ memberId }) => deps.forums.syncMemberHandle(memberId));
  events.on('member.updated', ({ memberId }) => deps.forums.syncMemberHandle(memberId));
}
