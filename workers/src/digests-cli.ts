import { bootProcess } from '@commons/server/boot';
import type { DigestBatchResult } from '@commons/server/notifications/digest';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { startDigestsWorker } from './digests.worker.js';
import { observeWorker } from './observe.js';
import { closeWhenReady } from '@commons/server/infra/queues';

/**
 * `npm run digests -- --at <ISO time>`: runs the digest scheduler as if at that time (default:
 * now), sends the digests it enqueued with a local worker and exits when they are all done,
 * telling how far it got every few seconds on a large run and ending with a one-line summary.
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

const PROGRESS_EVERY_MS = 5_000;
const outcomes = ['sent', 'skipped', 'duplicate', 'uncertain', 'bounced'] as const;

const at = parseAt(process.argv.slice(2));
const booted = await bootProcess('digests', { workload: 'background' });
const { runtime, log } = booted;
const { digests, settings } = createNotificationWorkerServices(runtime);
const worker = startDigestsWorker(runtime, digests, { concurrency: settings.digestConcurrency });
observeWorker(runtime, worker);
booted.onShutdown('workers', 'digests worker', () => closeWhenReady(worker));

const count = (n: number) => n.toLocaleString('en-US');
try {
  const started = Date.now();
  const { jobIds, members } = await digests.enqueueDue(at);
  const totals: Record<string, number> = {};
  let done = 0;
  let failed = 0;
  let lastReport = Date.now();
  const pending = new Set(jobIds);
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const job = await runtime.queues.digests.getJob(id);
      const state = job ? await job.getState() : 'unknown';
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      pending.delete(id);
      const size = job?.data.kind === 'digest_batch' ? job.data.recipients.length : 0;
      done += size;
      if (state === 'completed') {
        const result = job?.returnvalue as Partial<DigestBatchResult> | undefined;
        for (const o of outcomes) totals[o] = (totals[o] ?? 0) + (result?.[o] ?? 0);
      } else failed += size;
    }
    if (pending.size === 0) break;
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = Date.now();
      const perMinute = Math.round((done / ((Date.now() - started) / 1000)) * 60);
      process.stdout.write(`  ${count(done)}/${count(members)} digests done (${count(perMinute)}/min)\n`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (Date.now() - started) / 1000;
  const summary = { ...Object.fromEntries(outcomes.map((o) => [o, totals[o] ?? 0])), failed };
  log.info({ at: at.toISOString(), due: members, batches: jobIds.length, seconds, ...summary }, 'digests done');
  const parts = [...outcomes.map((o) => `${o} ${count(totals[o] ?? 0)}`), `failed ${count(failed)}`].join(', ');
  const rate = seconds > 0 ? count(Math.round((done / seconds) * 60)) : '0';
  process.stdout.write(
    `Digests at ${at.toISOString()}: ${count(members)} due; ${parts}; in ${seconds.toFixed(1)} s (${rate}/min)\n`,
  );
  await booted.shutdown(failed > 0 ? 1 : 0);
} catch (err) {
  log.error({ err }, 'digests failed');
  await booted.shutdown(1);
}
