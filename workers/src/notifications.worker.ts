import { notificationJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import type { NotificationService } from '@commons/server/notifications/service';
import { isPermanentSmtpFailure } from '@commons/server/mail/service';
import type { Runtime } from '@commons/server/runtime';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { retryingStoreOutages } from './outage.js';

type Payload = JobPayloads['notifications'];
type Handlers = {
  [K in Payload['kind']]: (data: Extract<Payload, { kind: K }>, job: Job<Payload>) => Promise<unknown>;
};

/** Fan-out of new posts to in-app notifications, notices of other domains' facts, and each member's batched instant mail. */
export function startNotificationsWorker(runtime: Runtime, notifications: NotificationService): Worker<Payload> {
  const handlers: Handlers = {
    fanout: (data) => notifications.fanout(data),
    instant_email: (data) => notifications.sendInstantEmail(data.memberId, data.windowKey),
    notice: (data) => notifications.notice(data.notice),
  };
  return new Worker<Payload>(
    queueNames.notifications,
    retryingStoreOutages(runtime.log, async (job) => {
      const data = notificationJobSchema.parse(job.data);
      try {
        const handler = handlers[data.kind] as (d: Payload, j: Job<Payload>) => Promise<unknown>;
        return await handler(data, job);
      } catch (err) {
        if (isPermanentSmtpFailure(err))
          throw new UnrecoverableError(err instanceof Error ? err.message : 'permanent SMTP failure');
        throw err;
      }
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-notifications' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: runtime.config.WORKER_CONCURRENCY_NOTIFICATIONS,
    },
  );
}
