import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { RoomEmitter } from '../realtime/types.js';

/**
 * Socket pushes from worker processes: the Redis emitter publishes on the Socket.IO adapter's
 * channel (same key as server/src/io.ts), so every server process delivers to its sockets.
 */
export function createWorkerEmitter(redis: Redis, prefix: string): RoomEmitter {
  return new Emitter(redis, { key: `${prefix}:socket.io` }) as unknown as RoomEmitter;
}
