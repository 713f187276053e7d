import { createMailService } from '@commons/server/mail/service';
import type { Runtime } from '@commons/server/runtime';
import type { Worker } from 'bullmq';
import { startMailWorker } from './mail.worker.js';

export interface RunningWorkers {
  workers: Worker[];
  /** Lets running jobs finish, then stops taking new ones. */
  close(): Promise<void>;
}

export function startWorkers(runtime: Runtime): RunningWorkers {
  const site = { name: 'Commons', url: runtime.config.PUBLIC_URL };
  const mail = createMailService({ mailer: runtime.mailer, site, log: runtime.log });
  const workers: Worker[] = [startMailWorker(runtime, mail)];
  for (const w of workers) {
    w.on('failed', (job, err) => runtime.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed'));
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
