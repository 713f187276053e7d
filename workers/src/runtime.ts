import { registerWebhookListeners } from '@commons/server/webhooks/listeners';
import { registerNoticeListeners } from '@commons/server/notifications/notice-listeners';
import { resetLinks } from '@commons/server/auth/reset-links';
import { createMailService } from '@commons/server/mail/service';
import type { Runtime } from '@commons/server/runtime';
import { queueNames } from '@commons/shared';
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
import { observeWorker } from './observe.js';
import { redisSerialLock } from '@commons/server/infra/mutex';
import { invitationLinks } from '@commons/server/invitations/links';
import { closeWhenReady } from '@commons/server/infra/queues';
import { sweepEvery } from '@commons/server/infra/outbox';
import { labsForWorkers } from '@commons/server/labs/worker-support';
import { pushUnpushedEvery } from '@commons/server/labs/unpushed';

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves once the recurring jobs are declared (their log lines come before the banner of `npm start`). */
  ready: Promise<void>;
  /** Lets running jobs finish, then stops taking new ones. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  /**
   * Declare the hourly digest tick (default). The test platform leaves it out: its tests send
   * digests at a time of their choosing, and a tick at the top of the real hour sent one first.
   */
  digestTick?: boolean;
}

export function startWorkers(runtime: Runtime, options: WorkerOptions = {}): RunningWorkers {
  const site = { name: 'Commons', url: runtime.config.PUBLIC_URL };
  const links = resetLinks(runtime.config.SESSION_SECRET, runtime.config.PUBLIC_URL);
  const invitations = invitationLinks(runtime.config.SESSION_SECRET, runtime.config.PUBLIC_URL);
  const mail = createMailService({
    mailer: runtime.mailer,
    site: { ...site, resetUrl: links.url, invitationUrl: invitations.url },
    log: runtime.log,
  });
  const notify = createNotificationWorkerServices(runtime);
  // WORKER_QUEUES lets a process serve only some queues (digests on a process of their own).
  const serves = (queue: string) => !runtime.config.WORKER_QUEUES || runtime.config.WORKER_QUEUES.includes(queue);
  const moderation = serves(queueNames.moderation) ? startModerationWorker(runtime) : null;
  const labs = serves(queueNames.labs) ? labsForWorkers(runtime) : null;
  const all: [string, () => Worker][] = [
    [queueNames.moderation, () => moderation!.worker],
    [queueNames.mail, () => startMailWorker(runtime, mail)],
    [
      queueNames.labs,
      () =>
        startLabsWorker(
          runtime,
          createForumService({
            events: runtime.events,
            outbox: runtime.outbox,
            log: runtime.log,
            threadLock: redisSerialLock(runtime.redis, runtime.config.REDIS_PREFIX),
          }),
          labs!,
        ),
    ],
    [queueNames.notifications, () => startNotificationsWorker(runtime, notify.notifications)],
    [
      queueNames.digests,
      () => startDigestsWorker(runtime, notify.digests, { concurrency: notify.settings.digestConcurrency }),
    ],
    [queueNames.webhooks, () => startWebhooksWorker(runtime)],
    [queueNames.events, () => startEventsWorker(runtime)],
  ];
  const workers = all.filter(([queue]) => serves(queue)).map(([, start]) => start());

  // Jobs publish domain events too (a lab summary, the forum thread it opens): their webhooks
  // are queued from here. In the all-in-one process the API registers the same listeners; the
  // deliveries' deterministic ids make the second enqueue a no-op.
  registerWebhookListeners(runtime.events, {
    outbox: runtime.outbox,
    settings: { backoffMs: runtime.config.WEBHOOK_BACKOFF_MS },
    publicUrl: runtime.config.PUBLIC_URL,
    log: runtime.log,
  });
  // Facts told to members as notices (lab reminders and summaries are published by jobs here).
  registerNoticeListeners(runtime.events, { outbox: runtime.outbox });
  // Awaited by close(): the queues must not close under a declaration still on its way.
  const schedulers = (options.digestTick === false ? Promise.resolve() : declareSchedulers(runtime.queues)).catch(
    (err: unknown) => runtime.log.error({ err }, 'declaring the job schedulers failed'),
  );
  for (const w of workers) observeWorker(runtime, w);
  // Follow-up work its writers could not hand to the queues (Redis refused, or they crashed).
  const sweeper = sweepEvery(runtime.outbox, runtime.config.OUTBOX_SWEEP_MS, runtime.log);
  // Lab chat messages saved by a sender that died before its push (labs/unpushed.ts).
  const labChat = labs ? pushUnpushedEvery(labs, runtime.config.LAB_UNPUSHED_SWEEP_MS, runtime.log) : null;
  return {
    workers,
    ready: Promise.all([schedulers, moderation?.schedulers]).then(() => undefined),
    async close() {
      await Promise.all([sweeper.stop(), labChat?.stop()]);
      await Promise.all(workers.map(closeWhenReady));
      await Promise.all([schedulers, moderation?.settle()]);
    },
  };
}
