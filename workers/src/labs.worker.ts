import { labJobSchema, queueNames, type JobPayloads, type LabJob } from '@commons/shared';
import type { ForumService } from '@commons/server/forums/service';
import { createLabJobs } from '@commons/server/labs/jobs';
import { LabRoomModel } from '@commons/server/labs/room-model';
import type { LabService } from '@commons/server/labs/service';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';
import { retryingStoreOutages } from './outage.js';

type Handlers = { [K in LabJob['kind']]: (job: Extract<LabJob, { kind: K }>) => Promise<unknown> };

/** Lab lifecycle: reminders before a lab, the summary (forum thread and mails) after it. */
export function startLabsWorker(runtime: Runtime, forums: ForumService, labs: LabService): Worker<JobPayloads['labs']> {
  const jobs = createLabJobs({
    labs,
    forums,
    outbox: runtime.outbox,
    publicUrl: runtime.config.PUBLIC_URL,
    log: runtime.log,
    events: runtime.events,
    room: new LabRoomModel(runtime.redis, runtime.config.REDIS_PREFIX),
  });
  const handlers: Handlers = jobs.handlers;
  return new Worker<JobPayloads['labs']>(
    queueNames.labs,
    retryingStoreOutages(runtime.log, async (job) => {
      const data = labJobSchema.parse(job.data);
      const run = handlers[data.kind] as (j: LabJob) => Promise<unknown>;
      return run(data);
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-labs' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: 4,
    },
  );
}
