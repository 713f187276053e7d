import { DomainEvents } from '../infra/domain-events.js';
import { redisSerialLock } from '../infra/mutex.js';
import type { Runtime } from '../runtime.js';
import { createRedisEmitter } from '../realtime/emitter.js';
import { registerPushAgainListener } from '../forums/listeners.js';
import { registerModerationListeners } from './listeners.js';
import { createModerationService, type ModerationService } from './service.js';

/**
 * The moderation service as a worker process runs it: its own domain events, whose listeners
 * push through the Socket.IO Redis emitter (same key as the servers' adapter) and the mail queue.
 */
export function moderationForWorkers(runtime: Runtime): { moderation: ModerationService; events: DomainEvents } {
  const events = new DomainEvents(runtime.log);
  const emitter = createRedisEmitter(
    runtime.newRedis({ name: 'moderation-emitter' }),
    runtime.config.REDIS_PREFIX,
    runtime.log,
  );
  const moderation = createModerationService({
    events,
    threadLock: redisSerialLock(runtime.redis, runtime.config.REDIS_PREFIX),
  });
  registerModerationListeners(events, {
    emitter,
    outbox: runtime.outbox,
    moderation,
    publicUrl: runtime.config.PUBLIC_URL,
  });
  registerPushAgainListener(events, { emitter });
  return { moderation, events };
}
