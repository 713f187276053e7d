import type { PublicThread } from '@commons/shared';
import type { DomainEvents } from '../infra/domain-events.js';
import { rooms, type RoomEmitter } from '../realtime/types.js';
import { listRoomsOf } from './coalition-visibility.js';
import { presentPublicPosts, presentPublicThreads } from './present.js';
import { postById, threadById } from './reads.js';
import { readableByRoom, threadAudience, type ThreadAudience } from './read-rule.js';
import type { ForumService } from './service.js';

/** A closed thread's updates go to those who may still read it, wherever their tabs are. */
const closedRooms = (audience: Extract<ThreadAudience, { open: false }>) => [
  rooms.moderators,
  ...(audience.authorId ? [rooms.member(audience.authorId)] : []),
];

/** The thread's room, or who may read it now that it is closed. */
const roomsFor = (threadId: string, audience: ThreadAudience) =>
  audience.open ? [rooms.thread(threadId)] : closedRooms(audience);

async function roomsOfThread(threadId: string): Promise<string[]> {
  return roomsFor(threadId, await threadAudience(threadId));
}

/** What a category's lists hear of a thread's new count and latest activity. */
const activityOf = (thread: PublicThread) => ({
  threadId: thread.id,
  categoryId: thread.categoryId,
  lastSeq: thread.lastSeq,
  postCount: thread.postCount,
  lastActivityAt: thread.lastActivityAt,
  lastPoster: thread.lastPoster,
});

/**
 * Live pushes after forum writes. Each event is emitted once to its room(s): Socket.IO encodes
 * it once and the Redis adapter fans it out to every process, so no per-socket work here.
 */
export function registerForumListeners(
  events: DomainEvents,
  deps: { emitter: RoomEmitter; forums: ForumService },
): void {
  const { emitter } = deps;

  events.on('thread.created', async ({ thread, actorId, restricted }) => {
    // Held or hidden from its first moment: it is in no list but its author's.
    if (restricted) return void emitter.to(rooms.member(actorId)).emit('thread:created', { thread });
    emitter.to(await listRoomsOf(thread.categoryId)).emit('thread:created', { thread });
  });

  events.on('thread.updated', async ({ thread, previousCategoryId }) => {
    const audience = await threadAudience(thread.id);
    if (!audience.open) {
      emitter.to(closedRooms(audience)).emit('thread:updated', { thread, previousCategoryId });
      return;
    }
    const targets = [rooms.thread(thread.id), ...(await listRoomsOf(thread.categoryId))];
    if (previousCategoryId) targets.push(rooms.category(previousCategoryId));
    emitter.to(targets).emit('thread:updated', { thread, previousCategoryId });
  });

  events.on('post.created', ({ threadId, audience, post, actorId, restricted }) => {
    if (restricted) return void emitter.to(rooms.member(actorId)).emit('post:created', { threadId, post });
    emitter.to(roomsFor(threadId, audience)).emit('post:created', { threadId, post });
  });

  events.on('thread.activity', async ({ thread, audience }) => {
    if (!audience.open) return;
    emitter.to(await listRoomsOf(thread.categoryId)).emit('thread:activity', activityOf(thread));
  });

  // A held or hidden post's new text goes to its author's own tabs only, never to the thread's room.
  events.on('post.updated', async ({ post, restricted }) => {
    if (restricted) {
      if (post.author) emitter.to(rooms.member(post.author.id)).emit('post:updated', { threadId: post.threadId, post });
      return;
    }
    emitter.to(await roomsOfThread(post.threadId)).emit('post:updated', { threadId: post.threadId, post });
  });

  events.on('post.deleted', async ({ post }) => {
    emitter.to(await roomsOfThread(post.threadId)).emit('post:deleted', { threadId: post.threadId, post });
  });

  events.on('reaction.changed', async ({ threadId, postId, reactions }) => {
    emitter.to(await roomsOfThread(threadId)).emit('reaction:updated', { threadId, postId, reactions });
  });

  // The member's other tabs update their unread badges.
  events.on('thread.read', ({ memberId, threadId, lastReadSeq }) => {
    emitter.to(rooms.member(memberId)).emit('thread:read', { threadId, lastReadSeq });
  });

  // Mention handles follow display names.
  events.on('member.registered', ({ memberId }) => deps.forums.syncMemberHandle(memberId));
  events.on('member.updated', ({ memberId }) => deps.forums.syncMemberHandle(memberId));
}

/**
 * The live push again, from a worker, for a post write whose screening the outbox's sweep handed
 * over: its writer died, was slow or Redis refused it, perhaps before pushing. The post and its
 * thread are read as they are now, through the same rules as the writer's own push (listeners
 * above); a post held, hidden or deleted since goes nowhere. Clients drop what they already hold,
 * so a push that did go out costs a duplicate frame and nothing else.
 */
export function registerPushAgainListener(events: DomainEvents, deps: { emitter: RoomEmitter }): void {
  const { emitter } = deps;
  events.on('post.pushAgain', async ({ postId, change }) => {
    const found = await postById(postId);
    const post = found && !found.deleted ? readableByRoom(found) : null;
    if (!found || !post) return;
    const threadId = found.threadId.toHexString();
    const [audience, thread, [publicPost]] = await Promise.all([
      threadAudience(threadId),
      threadById(threadId),
      presentPublicPosts([post]),
    ]);
    const [publicThread] = thread ? await presentPublicThreads([thread]) : [];
    if (!publicThread || !publicPost) return;
    const targets = roomsFor(threadId, audience);
    const lists = audience.open ? await listRoomsOf(publicThread.categoryId) : [];
    if (change === 'retitled')
      return void emitter
        .to([...targets, ...lists])
        .emit('thread:updated', { thread: publicThread, previousCategoryId: null });
    if (change === 'edited') return void emitter.to(targets).emit('post:updated', { threadId, post: publicPost });
    if (found.seq === 1) {
      if (lists.length > 0) emitter.to(lists).emit('thread:created', { thread: publicThread });
      return;
    }
    emitter.to(targets).emit('post:created', { threadId, post: publicPost });
    if (lists.length > 0) emitter.to(lists).emit('thread:activity', activityOf(publicThread));
  });
}
