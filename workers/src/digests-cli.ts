import { bootProcess } from '@commons/server/boot';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { startDigestsWorker } from './digests.worker.js';

/**
 * `npm run digests -- --at <ISO time>`: runs the digest scheduler as if at that time (default:
 * now), sends the digests it enqueued with a local worker and exits when they are all done.
 */
function parseAt(argv: string[]): Date {
  const i = argv.indexOf('--at');
  if (i === -1) return new Date();
  const raw = argv[i + 1];
  const at = raw ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(at.getTime())) {
    process.stderr.write('Usage: npm run digests -- [--at 2026-01-15T08:00:00Z]\n');
    process.exit(2);
  }
  return at;
}

const at = parseAt(process.argv.slice(2));
const booted = await bootProcess('digests');
const { runtime, log } = booted;
const { digests, settings } = createNotificationWorkerServices(runtime);
const worker = startDigestsWorker(runtime, digests, { concurrency: settings.digestConcurrency });
booted.onShutdown(() => worker.close());

try {
  const { jobIds } = await digests.enqueueDue(at);
  const outcomes = new Map<string, number>();
  const pending = new Set(jobIds);
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const job = await runtime.queues.digests.getJob(id);
      const state = job ? await job.getState() : 'unknown';
      if (state === 'completed' || state === 'failed' || state === 'unknown') {
        const outcome = state === 'completed' ? String(job?.returnvalue) : state;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        pending.delete(id);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  const summary = Object.fromEntries(outcomes);
  log.info({ at: at.toISOString(), enqueued: jobIds.length, ...summary }, 'digests done');
  process.stdout.write(`Digests at ${at.toISOString()}: ${jobIds.length} due; ${JSON.stringify(summary)}\n`);
  await booted.shutdown(0);
} catch (err) {
  log.error({ err }, 'digests failed');
  await booted.shutdown(1);
}
