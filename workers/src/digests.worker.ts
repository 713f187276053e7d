import { digestJobSchema, queueNames, type JobPayloads } from '@commons/shared';
import type { DigestService } from '@commons/server/notifications/digest';
import type { Runtime } from '@commons/server/runtime';
import { Worker } from 'bullmq';

type Payload = JobPayloads['digests'];

/**
 * The hourly tick (enqueues due digests) and the digests themselves. Digest jobs are short, so
 * locks are short too: a job of a crashed worker is taken up again within seconds.
 */
export function startDigestsWorker(
  runtime: Runtime,
  digests: DigestService,
  opts: { concurrency: number },
): Worker<Payload> {
  return new Worker<Payload>(
    queueNames.digests,
    async (job) => {
      const data = digestJobSchema.parse(job.data);
      if (data.kind === 'tick') {
        const { jobIds } = await digests.enqueueDue(data.at ? new Date(data.at) : new Date());
        return { enqueued: jobIds.length };
      }
      return digests.send(data, job.id ?? `${job.name}-${job.timestamp}`);
    },
    {
      connection: runtime.newRedis({ blocking: true, name: 'worker-digests' }),
      prefix: `${runtime.config.REDIS_PREFIX}:bull`,
      concurrency: opts.concurrency,
      lockDuration: 10_000,
      stalledInterval: 3_000,
    },
  );
}
