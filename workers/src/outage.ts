import { isStoreUnavailable } from '@commons/server/infra/db';
import { runAsJob } from '@commons/server/infra/job-context';
import type { Logger } from '@commons/server/infra/log';
import { DelayedError, type Job } from 'bullmq';

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

/**
 * A job that met an unreachable or hung store goes back to the queue, to run again after a pause
 * that doubles on each try (2 s up to a minute), without spending one of its attempts: however long
 * the outage, it is neither marked done nor failed for good. Other errors go to BullMQ's retries.
 * Every worker's processor is wrapped in it (workers/src/*.worker.ts), which also runs it as a job
 * (infra/job-context.ts).
 */
export function retryingStoreOutages<T, R>(
  log: Logger,
  processor: (job: Job<T>, token?: string) => Promise<R>,
): (job: Job<T>, token?: string) => Promise<R> {
  return async (job, token) => {
    try {
      // Inside the job's context: what it schedules is handed straight to its queue (infra/outbox.ts).
      return await runAsJob(job, () => processor(job, token));
    } catch (err) {
      if (!token || !isStoreUnavailable(err)) throw err;
      const tries = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(tries, 10));
      log.warn(
        { queue: job.queueName, jobId: job.id, err: err instanceof Error ? err.message : String(err), delayMs: delay },
        'store unavailable; job postponed',
      );
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  };
}
