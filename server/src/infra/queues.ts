import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { queueNames, type JobPayloads, type QueueName } from '@commons/shared';

/** Retry defaults in one place; each queue may override. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type Queues = { [K in QueueName]: Queue<JobPayloads[K]> };

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const mail = new Queue<JobPayloads['mail']>(queueNames.mail, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  return { mail };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
