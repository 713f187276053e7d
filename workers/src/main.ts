import os from 'node:os';
import { bootProcess } from '@commons/server/boot';
import { startHealthListener } from '@commons/server/health/standalone';
import { startWorkers } from './runtime.js';

/** `npm run start:workers`: the BullMQ workers alone, against the same services. */
const booted = await bootProcess('workers', { workload: 'background' });
lowerPriority(booted.runtime.config.WORKER_NICE);
const workers = startWorkers(booted.runtime);
booted.onShutdown('workers', 'BullMQ workers', () => workers.close());
const healthPort = booted.runtime.config.WORKER_HEALTH_PORT;
if (healthPort) {
  const health = await startHealthListener(booted.runtime.redis, healthPort, {
    token: booted.runtime.config.METRICS_TOKEN,
    queues: booted.runtime.queues,
    log: booted.log,
  });
  booted.onShutdown('accepting', 'health listener', () => new Promise((done) => health.close(() => done())));
}
booted.log.info({ queues: workers.workers.map((w) => w.name), healthPort }, 'workers running');

/**
 * Background work yields the CPU to the API on a shared machine (measured: posting p50 during a
 * digest run went from x1.6 to x1.16 of idle at 10). `npm start` runs both in one process and
 * keeps the default priority. Raising one's own niceness needs no privilege.
 */
function lowerPriority(nice: number): void {
  if (nice === 0) return;
  try {
    os.setPriority(0, nice);
  } catch (err) {
    booted.log.warn({ err, nice }, 'could not lower the workers process priority');
  }
}
