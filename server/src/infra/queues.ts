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
  const notifications = new Queue<JobPayloads['notifications']>(queueNames.notifications, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  const digests = new Queue<JobPayloads['digests']>(queueNames.digests, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  const moderation = new Queue<JobPayloads['moderation']>(queueNames.moderation, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  const labs = new Queue<JobPayloads['labs']>(queueNames.labs, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  // Deliveries set their own attempts and backoff (see webhooks/listeners.ts).
  const webhooks = new Queue<JobPayloads['webhooks']>(queueNames.webhooks, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  // Event reminders (server/src/events/listeners.ts), delayed jobs under deterministic ids.
  const events = new Queue<JobPayloads['events']>(queueNames.events, {
    connection,
    prefix: `${prefix}:bull`,
    defaultJobOptions,
  });
  return { labs, mail, notifications, digests, moderation, webhooks, events };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
