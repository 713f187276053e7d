import type { Job, Queue } from 'bullmq';
import { eventually } from './sockets.js';

/**
 * The job by id once it has completed, read after its completion. A job read before it completed
 * keeps what it had then (no return value, no finish time) even when `isCompleted()` asked
 * afterwards says yes: under load the job finishes between the two calls.
 */
export function completedJob<T>(queue: Queue<T>, id: string, timeoutMs = 15_000): Promise<Job<T>> {
  return eventually(async () => {
    const found = await queue.getJob(id);
    if (!found || !(await found.isCompleted())) return undefined;
    return (await queue.getJob(id)) ?? undefined;
  }, timeoutMs);
}
