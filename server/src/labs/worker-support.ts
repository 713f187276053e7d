import { DomainEvents } from '../infra/domain-events.js';
import { redisMutex } from '../infra/mutex.js';
import { createRedisEmitter } from '../realtime/emitter.js';
import type { Runtime } from '../runtime.js';
import { registerLabListeners } from './listeners.js';
import { LabRoomModel } from './room-model.js';
import { redisLabSequence } from './sequence.js';
import { createLabService, type LabService } from './service.js';

/**
 * The labs service as a worker process runs it: phase changes made there (a countdown that ran
 * out) reach the lab rooms through the Socket.IO Redis emitter and schedule the next phase's job,
 * through lab events of the worker's own (so an all-in-one process does not emit them twice).
 */
export function labsForWorkers(runtime: Runtime): LabService {
  const events = new DomainEvents(runtime.log);
  const prefix = runtime.config.REDIS_PREFIX;
  const emitter = createRedisEmitter(runtime.newRedis({ name: 'labs-emitter' }), prefix, runtime.log);
  registerLabListeners(events, { queues: runtime.queues, outbox: runtime.outbox, emitter });
  return createLabService({
    events,
    sequence: redisLabSequence(runtime.redis, prefix),
    mutex: redisMutex(runtime.redis, prefix),
    room: new LabRoomModel(runtime.redis, prefix),
  });
}
