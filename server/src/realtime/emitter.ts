import type { ServerToClientEvents } from '@commons/shared';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/log.js';
import { resyncAfterLostPublishes } from './resync.js';
import type { RoomEmitter } from './types.js';

/** What pushes to sockets from any process: to rooms, and ending a room's sockets (a suspension). */
export interface SocketEmitter extends RoomEmitter {
  in(room: string): { disconnectSockets(close?: boolean): void };
}

/**
 * Socket pushes from processes without a Socket.IO server (workers): the Redis emitter publishes
 * on the Socket.IO adapter's channel (the same key as server/src/io.ts), so every server process
 * delivers to its own sockets. The one place it is built. Pushes lost while its connection was
 * away are made up for by telling every socket to catch up when it is back.
 */
export function createRedisEmitter(redis: Redis, prefix: string, log: Logger): SocketEmitter {
  const emitter = new Emitter<ServerToClientEvents>(redis, { key: `${prefix}:socket.io` });
  resyncAfterLostPublishes(redis, () => emitter.emit('session:resync', { reason: 'missed_live_events' }), log);
  return {
    to: (room) => ({
      emit: (event, ...args) => emitter.to(room).emit(event, ...args),
    }),
    in: (room) => ({
      disconnectSockets: (close) => emitter.in(room).disconnectSockets(close),
    }),
  };
}
