import { registerWebhookListeners } from '@commons/server/webhooks/listeners';
import { registerNoticeListeners } from '@commons/server/notifications/notice-listeners';
import { metrics } from '@commons/server/metrics/registry';
import { createMailService } from '@commons/server/mail/service';
import type { Runtime } from '@commons/server/runtime';
import type { Worker } from 'bullmq';
import { createForumService } from '@commons/server/forums/service';
import { startLabsWorker } from './labs.worker.js';
import { startEventsWorker } from './events.worker.js';
import { startMailWorker } from './mail.worker.js';
import { startWebhooksWorker } from './webhooks.worker.js';
import { startModerationWorker } from './moderation.worker.js';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { startDigestsWorker } from './digests.worker.js';
import { startNotificationsWorker } from './notifications.worker.js';
import { declareSchedulers } from './schedulers.js';
import { redisSerialLock } from '@commons/server/infra/mutex';

export interface RunningWorkers {
  workers: Worker[];
  /** Lets running jobs finish, then stops taking new ones. */
  close(): Promise<void>;
}

export function startWorkers(runtime: Runtime): RunningWorkers {
  const site = { name: 'Commons', url: runtime.config.PUBLIC_URL };
  const mail = createMailService({ mailer: runtime.mailer, site, log: runtime.log });
  const notify = createNotificationWorkerServices(runtime);
  const moderation = startModerationWorker(runtime);
  const workers: Worker[] = [
    moderation.worker,
    startMailWorker(runtime, mail),
    startLabsWorker(
      runtime,
      createForumService({
        events: runtime.events,
        log: runtime.log,
        threadLock: redisSerialLock(runtime.redis, runtime.config.REDIS_PREFIX),
      }),
    ),
    startNotificationsWorker(runtime, notify.notifications),
    startDigestsWorker(runtime, notify.digests, { concurrency: notify.settings.digestConcurrency }),
    startWebhooksWorker(runtime),
    startEventsWorker(runtime),
  ];
  // Jobs publish domain events too (a lab summary, the forum thread it opens): their webhooks
  // are queued from here. In the all-in-one process the API registers the same listeners; the
  // deliveries' deterministic ids make the second enqueue a no-op.
  registerWebhookListeners(runtime.events, {
    queues: runtime.queues,
    settings: { backoffMs: runtime.config.WEBHOOK_BACKOFF_MS },
    publicUrl: runtime.config.PUBLIC_URL,
    log: runtime.log,
  });
  // Facts told to members as notices (lab reminders and summaries are published by jobs here).
  registerNoticeListeners(runtime.events, { queues: runtime.queues });
  declareSchedulers(runtime.queues).catch((err: unknown) =>
    runtime.log.error({ err }, 'declaring the job schedulers failed'),
  );
  for (const w of workers) {
    w.on('failed', (job, err) => {
      runtime.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed');
      if (job?.processedOn && job.finishedOn)
        metrics.jobDuration.observe({ queue: w.name, outcome: 'failed' }, (job.finishedOn - job.processedOn) / 1000);
    });
    w.on('completed', (job) => {
      runtime.log.info(
        {
          queue: w.name,
          jobId: job.id,
          name: job.name,
          ms: job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined,
        },
        'job completed',
      );
      if (job.processedOn && job.finishedOn)
        metrics.jobDuration.observe({ queue: w.name, outcome: 'completed' }, (job.finishedOn - job.processedOn) / 1000);
    });
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await moderation.settle();
    },
  };
}
