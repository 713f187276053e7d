import { eventJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import { createEventJobs } from '@commons/server/events/jobs';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';
import { retryingStoreOutages } from './outage.js';

/** Event reminders: a day and an hour before, handed to the notification system as domain events. */
export function startEventsWorker(runtime: Runtime): Worker<JobPayloads['events']> {
  const jobs = createEventJobs({ events: runtime.events });
  return new Worker<JobPayloads['events']>(
    queueNames.events,
    retryingStoreOutages(runtime.log, async (job) => {
      const data = eventJobSchema.parse(job.data);
      return jobs.handlers[data.kind](data);
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-events' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: 4,
    },
  );
}
