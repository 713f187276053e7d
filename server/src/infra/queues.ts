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

/**
 * Closes a BullMQ queue or worker once its connection has finished starting. BullMQ's close()
 * of a shared connection still starting only drops its listeners: the start-up commands then fail
 * when the connection is quit, and their error reaches no listener ("Connection is closed",
 * unhandled, exit 1). Every queue and worker of ours is closed through here.
 */
export async function closeWhenReady(bull: Pick<Queue, 'waitUntilReady' | 'close'>): Promise<void> {
  await bull.waitUntilReady().catch(() => undefined);
  await bull.close();
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map(closeWhenReady));
}
