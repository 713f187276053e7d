import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether the code running now is a queued job's work, while that job is still running. A job is
 * its own durable record until it completes: should its process die, BullMQ runs it again (a
 * stalled job), and a store outage postpones it (workers/src/outage.ts). So what it schedules
 * needs no entry of its own in the outbox first (infra/outbox.ts `schedule`).
 */
interface RunningJob {
  queue: string;
  id: string;
  /** Set when the job's processor returned or threw: work it left behind is no longer covered. */
  over: boolean;
}

const running = new AsyncLocalStorage<RunningJob>();

/** Runs a job's processor so that what it schedules knows it runs inside the job. */
export async function runAsJob<R>(
  job: { queueName: string; id?: string | undefined },
  work: () => Promise<R>,
): Promise<R> {
  const context: RunningJob = { queue: job.queueName, id: job.id ?? '', over: false };
  try {
    return await running.run(context, work);
  } finally {
    context.over = true;
  }
}

/** The job this code runs inside, if it is still running (a timer it left behind is not). */
export function currentJob(): { queue: string; id: string } | null {
  const context = running.getStore();
  return context && !context.over ? { queue: context.queue, id: context.id } : null;
}
