import { queueNames, type JobPayloads } from '@commons/shared';
import type { Runtime } from '@commons/server/runtime';
import { createWebhookDeliverer } from '@commons/server/webhooks/delivery';
import { DELIVERY_ATTEMPTS } from '@commons/server/webhooks/service';
import { Worker } from 'bullmq';
import { retryingStoreOutages } from './outage.js';

/** Sends outgoing webhook deliveries: signed POSTs, retried with backoff, history in the store. */
export function startWebhooksWorker(runtime: Runtime): Worker<JobPayloads['webhooks']> {
  const { config } = runtime;
  const deliverer = createWebhookDeliverer({
    outbox: runtime.outbox,
    log: runtime.log,
    settings: {
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      disableAfter: config.WEBHOOK_DISABLE_AFTER,
      publicUrl: config.PUBLIC_URL,
    },
  });
  return new Worker<JobPayloads['webhooks']>(
    queueNames.webhooks,
    retryingStoreOutages(runtime.log, (job) =>
      deliverer.deliver(job.data, job.attemptsMade + 1, job.opts.attempts ?? DELIVERY_ATTEMPTS),
    ),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-webhooks' }),
      prefix: `${config.REDIS_PREFIX}:bull`,
      concurrency: 10,
    },
  );
}
