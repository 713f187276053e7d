import { digestJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import type { DigestService } from '@commons/server/notifications/digest';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';
import { retryingStoreOutages } from './outage.js';
import { asHousekeeping } from '@commons/server/infra/store/index';

type Payload = JobPayloads['digests'];

/**
 * The hourly tick (enqueues due digests in batches) and the batches. A batch of 100 takes a few
 * seconds, so locks are short too: a job of a crashed worker is taken up again within seconds.
 */
export function startDigestsWorker(
  runtime: Runtime,
  digests: DigestService,
  opts: { concurrency: number },
): Worker<Payload> {
  return new Worker<Payload>(
    queueNames.digests,
    retryingStoreOutages(runtime.log, async (job) => {
      const data = digestJobSchema.parse(job.data);
      if (data.kind === 'tick') {
        // The hourly tick is upkeep (store counters leave it out); a tick for a given time is asked for.
        const { jobIds, members } = data.at
          ? await digests.enqueueDue(new Date(data.at))
          : await asHousekeeping(() => digests.enqueueDue(new Date()));
        return { batches: jobIds.length, members };
      }
      return digests.sendBatch(data, job.id ?? `${job.name}-${job.timestamp}`);
    }),
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-digests' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: opts.concurrency,
      lockDuration: 10_000,
      stalledInterval: 3_000,
    },
  );
}
