import { metrics } from '@commons/server/metrics/registry';
import type { Runtime } from '@commons/server/runtime';
import type { Worker } from 'bullmq';

/**
 * What every BullMQ worker of a process reports: failures at warn, routine completions at debug
 * (a person watching `npm start` sees problems, not one line per job), durations as metrics, and
 * connection errors as log lines (without an 'error' listener, Node throws them as unhandled).
 */
export function observeWorker(runtime: Runtime, w: Worker): void {
  w.on('error', (err) => runtime.log.warn({ queue: w.name, err: err.message }, 'worker connection error'));
  w.on('failed', (job, err) => {
    runtime.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed');
    if (job?.processedOn && job.finishedOn)
      metrics.jobDuration.observe({ queue: w.name, outcome: 'failed' }, (job.finishedOn - job.processedOn) / 1000);
  });
  w.on('completed', (job) => {
    const ms = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined;
    runtime.log.debug({ queue: w.name, jobId: job.id, name: job.name, ms }, 'job completed');
    if (ms !== undefined) metrics.jobDuration.observe({ queue: w.name, outcome: 'completed' }, ms / 1000);
  });
}
