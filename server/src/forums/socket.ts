import type { Redis } from 'ioredis';
import { AppError } from '../http/errors.js';
import type { SocketRegistrar } from '../io.js';
import type { Logger } from '../infra/log.js';
import { handle } from '../realtime/handle.js';
import { forumSocketLimiter } from './limits.js';
import { rooms } from '../realtime/types.js';
import type { ForumService } from './service.js';

/** At most one typing broadcast per member per thread in this window, across all processes. */
export const TYPING_WINDOW_MS = 3000;

/**
 * Forum commands over the socket. Joining a room needs the thread (or category) to exist;
 * typing needs the room joined and is throttled in Redis, so two tabs on two servers still
 * send one broadcast per window, never back to the typist's own sockets.
 */
export function forumSocket(deps: {
  forums: ForumService;
  redis: Redis;
  prefix: string;
  log: Logger;
}): SocketRegistrar {
  const { forums, redis, prefix, log } = deps;
  const limiter = forumSocketLimiter(redis, prefix);
  return (socket) => {
    const memberId = socket.data.memberId;
    const budget = () => limiter.consume(memberId);

    handle(
      socket,
      log,
      'thread:join',
      async ({ threadId }) => {
        const joined = await forums.joinThread(memberId, threadId);
        await socket.join(rooms.thread(joined.threadId));
        return joined;
      },
      budget,
    );

    handle(socket, log, 'thread:leave', async ({ threadId }) => {
      await socket.leave(rooms.thread(threadId));
      return { threadId };
    });

    handle(socket, log, 'thread:typing', async ({ threadId }) => {
      const room = rooms.thread(threadId);
      if (!socket.rooms.has(room)) throw new AppError('forbidden', 'Join the thread before typing in it.');
      const first = await redis.set(
        `${prefix}:forum:typing:${threadId}:${memberId}`,
        '1',
        'PX',
        TYPING_WINDOW_MS,
        'NX',
      );
      if (first !== 'OK') return { sent: false };
      socket
        .to(room)
        .except(rooms.member(memberId))
        .emit('thread:typing', { threadId, member: { id: memberId, displayName: socket.data.displayName } });
      return { sent: true };
    });

    handle(
      socket,
      log,
      'category:join',
      async ({ categoryId }) => {
        const joined = await forums.joinCategory(await actorOrThrow(forums, memberId), categoryId);
        await socket.join(rooms.category(joined.categoryId));
        return joined;
      },
      budget,
    );

    handle(socket, log, 'category:leave', async ({ categoryId }) => {
      await socket.leave(rooms.category(categoryId));
      return { categoryId };
    });

    handle(
      socket,
      log,
      'forum:join',
      async () => {
        await socket.join(rooms.forum);
        return { joined: true as const };
      },
      budget,
    );

    handle(socket, log, 'forum:leave', async () => {
      await socket.leave(rooms.forum);
      return { left: true as const };
    });
  };
}

async function actorOrThrow(forums: ForumService, memberId: string) {
  const actor = await forums.actorById(memberId);
  if (!actor) throw new AppError('unauthenticated', 'Your session has ended; sign in again.');
  return actor;
}
