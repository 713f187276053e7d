import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { z } from 'zod';
import { sessionMemberId } from './auth/session.js';
import type { Logger } from './infra/log.js';
import { MemberModel } from './members/model.js';
import { handle } from './realtime/handle.js';
import { rooms, type IoServer, type IoSocket } from './realtime/types.js';

const LAST_SEEN_EVERY_MS = 5 * 60_000;

export type SocketRegistrar = (socket: IoSocket) => void;

/**
 * Socket.IO on the HTTP server: the handshake runs the same session middleware as HTTP, so
 * only signed-in members connect; rooms span processes through the Redis adapter.
 */
export function createIo(opts: {
  httpServer: HttpServer;
  sessionMiddleware: RequestHandler;
  pubClient: Redis;
  subClient: Redis;
  prefix: string;
  allowedOrigins: string[];
  log: Logger;
  registrars: SocketRegistrar[];
}): IoServer {
  const io: IoServer = new Server(opts.httpServer, {
    serveClient: false,
    cors: { origin: opts.allowedOrigins, credentials: true },
    connectionStateRecovery: undefined,
  });
  io.adapter(createAdapter(opts.pubClient, opts.subClient, { key: `${opts.prefix}:socket.io` }));
  io.engine.use(opts.sessionMiddleware);

  io.use((socket, next) => {
    const stored = sessionMemberId((socket.request as { session?: unknown }).session);
    if (!stored) {
      const err = new Error('unauthenticated: sign in to use live features') as Error & { data?: unknown };
      err.data = { code: 'unauthenticated', message: 'Sign in to use live features.' };
      return next(err);
    }
    MemberModel.findById(stored.id)
      .then((member) => {
        if (!member || member.sessionVersion !== stored.v) {
          const err = new Error('unauthenticated: your session has ended') as Error & { data?: unknown };
          err.data = { code: 'unauthenticated', message: 'Your session has ended; sign in again.' };
          return next(err);
        }
        socket.data.memberId = member._id.toHexString();
        socket.data.displayName = member.displayName;
        socket.data.role = member.role;
        socket.data.lastSeenAt = member.lastSeenAt ? member.lastSeenAt.getTime() : null;
        next();
      })
      .catch((err: unknown) => next(err instanceof Error ? err : new Error('session lookup failed')));
  });

  io.on('connection', (socket) => {
    void socket.join(rooms.member(socket.data.memberId));
    // Digests go only to members not seen since the previous one: a live connection is a visit.
    // Recorded at most every few minutes per member, so reconnect storms do not become write storms.
    if (socket.data.lastSeenAt === null || Date.now() - socket.data.lastSeenAt > LAST_SEEN_EVERY_MS) {
      MemberModel.updateOne({ _id: socket.data.memberId }, { $set: { lastSeenAt: new Date() } }).catch((err: unknown) =>
        opts.log.warn({ err }, 'could not record lastSeenAt'),
      );
    }
    socket.emit('session:ready', { memberId: socket.data.memberId, displayName: socket.data.displayName });
    handle(socket, opts.log, 'session:ping', z.object({}).strict(), () => ({ at: new Date().toISOString() }));
    for (const register of opts.registrars) register(socket);
  });

  return io;
}
