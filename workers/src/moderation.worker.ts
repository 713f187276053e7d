import { moderationJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import type { ModerationService } from '@commons/server/moderation/service';
import { moderationForWorkers } from '@commons/server/moderation/worker-support';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';
import { registerNotificationListeners } from '@commons/server/notifications/listeners';
import { registerWebhookListeners } from '@commons/server/webhooks/listeners';
import { asHousekeeping } from '@commons/server/infra/store/index';
import { retryingStoreOutages } from './outage.js';

type Payload = JobPayloads['moderation'];
type Handlers = { [K in Payload['kind']]: (data: Extract<Payload, { kind: K }>) => Promise<unknown> };

export function moderationHandlers(moderation: ModerationService): Handlers {
  return {
    screen: (data) =>
      moderation.screen(data.postId, data.announce, data.post, data.verdict, {
        sweptAt: data.sweptAt,
        retitled: data.retitled,
      }),
    // The hourly run over everyone and the minutely expiry are upkeep; a member's own recompute is not.
    trust: (data) =>
      data.memberId
        ? moderation.recomputeTrust(data.memberId)
        : asHousekeeping(() => moderation.recomputeTrust(data.memberId)),
    expire_sanctions: () => asHousekeeping(() => moderation.expireSanctions()),
  };
}

/**
 * Screening of new and edited posts, trust levels and sanction expiry. Each handler is
 * idempotent: screening only moves a post from visible to held/hidden, the others recompute.
 */
export function startModerationWorker(runtime: Runtime): {
  worker: Worker<Payload>;
  /** Resolves once the recurring moderation jobs are declared. */
  schedulers: Promise<void>;
  settle(): Promise<void>;
} {
  const { moderation, events } = moderationForWorkers(runtime);
  // Screening publishes post.published on this bus: the post's fan-out is stored in the outbox
  // before the job completes (DomainEvents.deliver), so a retried job redoes what failed.
  registerNotificationListeners(events, { outbox: runtime.outbox });
  registerWebhookListeners(events, {
    outbox: runtime.outbox,
    settings: { backoffMs: runtime.config.WEBHOOK_BACKOFF_MS },
    publicUrl: runtime.config.PUBLIC_URL,
    log: runtime.log,
  });
  const handlers = moderationHandlers(moderation);
  const worker = new Worker<Payload>(
    queueNames.moderation,
    retryingStoreOutages(runtime.log, async (job) => {
      const data = moderationJobSchema.parse(job.data);
      const handler = handlers[data.kind] as (d: Payload) => Promise<unknown>;
      return handler(data);
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-moderation' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: runtime.config.WORKER_CONCURRENCY_MODERATION,
    },
  );
  // Recurring: trust levels hourly, expired sanctions every minute (safe to declare at every boot).
  const schedulers = Promise.all([
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
  ]).then(
    () => undefined,
    (err: unknown) => runtime.log.error({ err }, 'declaring the moderation schedulers failed'),
  );
  // Settled once the schedulers are declared too, so the queues never close under a declaration.
  return { worker, schedulers, settle: async () => void (await Promise.all([schedulers, events.settle()])) };
}
