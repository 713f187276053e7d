import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { SocketRefusal } from '@commons/shared';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { sessionMemberId } from './auth/session.js';
import { dependencyDownError, isDependencyDown } from './http/errors.js';
import { isAllowedOrigin } from './http/security.js';
import type { Logger } from './infra/log.js';
import { memberRecord } from './members/reads.js';
import { recordSeen } from './members/writes.js';
import { handle } from './realtime/handle.js';
import { resyncAfterLostPublishes, resyncAfterResubscribe } from './realtime/resync.js';
import { rooms, type IoServer, type IoSocket } from './realtime/types.js';
import { avatarOf } from './members/avatar-ref.js';

const LAST_SEEN_EVERY_MS = 5 * 60_000;
/** When a client refused for a passing reason tries again (spread by the client). */
const RETRY_HANDSHAKE_S = 2;

/** Sets a connection up; a promise it returns is waited for before the socket is told it is ready. */
export type SocketRegistrar = (socket: IoSocket) => void | Promise<void>;

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
  const allowed = new Set(opts.allowedOrigins);
  const io: IoServer = new Server(opts.httpServer, {
    serveClient: false,
    cors: { origin: opts.allowedOrigins, credentials: true },
    connectionStateRecovery: undefined,
    // The same Origin rule as the REST API (CORS alone does not bind WebSocket upgrades): a page of
    // another site cannot open a socket with the member's cookie. Clients that send no Origin
    // (not browsers) are judged by their session alone, as on the REST API.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, origin === undefined || isAllowedOrigin(origin, req.headers.host, allowed));
    },
  });
  io.adapter(createAdapter(opts.pubClient, opts.subClient, { key: `${opts.prefix}:socket.io` }));
  resyncAfterResubscribe(opts.subClient, io, opts.log);
  resyncAfterLostPublishes(opts.pubClient, () => io.emit('session:resync', { reason: 'missed_live_events' }), opts.log);
  io.engine.use(opts.sessionMiddleware);

  io.use((socket, next) => {
    const stored = sessionMemberId((socket.request as { session?: unknown }).session);
    if (!stored) {
      const err = new Error('unauthenticated: sign in to use live features') as Error & { data?: SocketRefusal };
      err.data = { code: 'unauthenticated', message: 'Sign in to use live features.' };
      return next(err);
    }
    memberRecord(stored.id)
      .then((member) => {
        if (!member || member.sessionVersion !== stored.v) {
          const err = new Error('unauthenticated: your session has ended') as Error & { data?: SocketRefusal };
          err.data = { code: 'unauthenticated', message: 'Your session has ended; sign in again.' };
          return next(err);
        }
        socket.data.memberId = member._id.toHexString();
        socket.data.displayName = member.displayName;
        socket.data.role = member.role;
        const avatar = avatarOf(member);
        if (avatar) socket.data.avatar = avatar;
        socket.data.lastSeenAt = member.lastSeenAt ? member.lastSeenAt.getTime() : null;
        next();
      })
      .catch((err: unknown) => {
        // Passing (most often the store not answering while many sockets come back at once after
        // a process died): the client tries again after `retryAfter`, where Socket.IO itself
        // would not retry a refused handshake. Only 'unauthenticated' ends its attempts.
        const down = isDependencyDown(err);
        if (!down) opts.log.error({ err }, 'socket session lookup failed');
        const refused = new Error('the session could not be checked') as Error & { data?: SocketRefusal };
        refused.data = down
          ? { code: 'service_unavailable', message: dependencyDownError().message, retryAfter: RETRY_HANDSHAKE_S }
          : { code: 'internal', message: 'Something went wrong on our side.', retryAfter: RETRY_HANDSHAKE_S };
        next(refused);
      });
  });

  io.on('connection', (socket) => {
    void socket.join(rooms.member(socket.data.memberId));
    const sessionId = (socket.request as { sessionID?: string }).sessionID;
    if (sessionId) void socket.join(rooms.session(sessionId));
    handle(socket, opts.log, 'session:ping', () => ({ at: new Date().toISOString() }));
    const registered = Promise.allSettled(opts.registrars.map(async (register) => register(socket))).then((results) => {
      for (const r of results)
        if (r.status === 'rejected') opts.log.warn({ err: r.reason as unknown }, 'a socket registrar failed');
    });
    // Digests go only to members not seen since the previous one: a live connection is a visit.
    // Recorded at most every few minutes per member, so reconnect storms do not become write storms.
    // 'session:ready' follows the record, so a client that waits for it sees the connection's writes
    // done (a test's snapshot, a digest run right after a visit).
    const seen =
      socket.data.lastSeenAt === null || Date.now() - socket.data.lastSeenAt > LAST_SEEN_EVERY_MS
        ? recordSeen(socket.data.memberId).catch((err: unknown) =>
            opts.log.warn({ err }, 'could not record lastSeenAt'),
          )
        : Promise.resolve();
    void Promise.all([seen, registered]).then(() => {
      if (socket.connected)
        socket.emit('session:ready', { memberId: socket.data.memberId, displayName: socket.data.displayName });
    });
  });

  return io;
}
