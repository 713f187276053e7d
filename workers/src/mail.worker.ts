import { queueNames, type JobPayloads } from '@commons/shared';
import { isPermanentSmtpFailure, type MailService } from '@commons/server/mail/service';
import type { Runtime } from '@commons/server/runtime';
import { UnrecoverableError, Worker } from 'bullmq';
import { retryingStoreOutages } from './outage.js';

/** Sends account and notification mails; permanent SMTP refusals are not retried. */
export function startMailWorker(runtime: Runtime, mail: MailService): Worker<JobPayloads['mail']> {
  return new Worker<JobPayloads['mail']>(
    queueNames.mail,
    retryingStoreOutages(runtime.log, async (job) => {
      try {
        return await mail.deliver(job.id ?? `${job.name}:${job.timestamp}`, job.data, job.attemptsMade + 1);
      } catch (err) {
        if (isPermanentSmtpFailure(err))
          throw new UnrecoverableError(err instanceof Error ? err.message : 'permanent SMTP failure');
        throw err;
      }
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-mail' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: runtime.config.WORKER_CONCURRENCY_MAIL,
    },
  );
}
