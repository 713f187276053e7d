import { moderationJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import type { ModerationService } from '@commons/server/moderation/service';
import { moderationForWorkers } from '@commons/server/moderation/worker-support';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';

type Payload = JobPayloads['moderation'];
type Handlers = { [K in Payload['kind']]: (data: Extract<Payload, { kind: K }>) => Promise<unknown> };

export function moderationHandlers(moderation: ModerationService): Handlers {
  return {
    screen: (data) => moderation.screen(data.postId),
    trust: (data) => moderation.recomputeTrust(data.memberId),
    expire_sanctions: () => moderation.expireSanctions(),
  };
}

/**
 * Screening of new and edited posts, trust levels and sanction expiry. Each handler is
 * idempotent: screening only moves a post from visible to held/hidden, the others recompute.
 */
export function startModerationWorker(runtime: Runtime): { worker: Worker<Payload>; settle(): Promise<void> } {
  const { moderation, events } = moderationForWorkers(runtime);
  const handlers = moderationHandlers(moderation);
  const worker = new Worker<Payload>(
    queueNames.moderation,
    async (job) => {
      const data = moderationJobSchema.parse(job.data);
      const handler = handlers[data.kind] as (d: Payload) => Promise<unknown>;
      return handler(data);
    },
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-moderation' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: runtime.config.WORKER_CONCURRENCY_MODERATION,
    },
  );
  // Recurring: trust levels hourly, expired sanctions every minute (safe to declare at every boot).
  Promise.all([
    runtime.queues.moderation.upsertJobScheduler(
      'moderation-trust',
      { pattern: '17 * * * *' },
      { name: 'trust', data: { kind: 'trust' }, opts: { attempts: 3 } },
    ),
    runtime.queues.moderation.upsertJobScheduler(
      'moderation-expire',
      { every: 60_000 },
      { name: 'expire_sanctions', data: { kind: 'expire_sanctions' }, opts: { attempts: 3 } },
    ),
  ]).catch((err: unknown) => runtime.log.error({ err }, 'declaring the moderation schedulers failed'));
  return { worker, settle: () => events.settle() };
}
