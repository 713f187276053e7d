import type { Logger } from './log.js';

/**
 * The one order in which every process stops (server, workers, `npm start`, the operator
 * commands, the test platform). Each phase waits for the one before it, because each later phase
 * closes what the earlier ones still use: HTTP and Socket.IO first (no new work arrives), then
 * BullMQ workers (running jobs finish and still enqueue, publish and write), then queues and job
 * schedulers, then Redis and store connections, then the services this process started.
 * Closing a Redis connection while a worker or queue still uses it is what ends a process with
 * ioredis' unhandled "Connection is closed".
 */
export const shutdownPhases = ['accepting', 'workers', 'queues', 'connections', 'services'] as const;
export type ShutdownPhase = (typeof shutdownPhases)[number];

export interface ShutdownPlan {
  /** Adds a step to a phase; steps of one phase run one after another, in the order added. */
  add(phase: ShutdownPhase, name: string, step: () => Promise<void> | void): void;
  /** Runs every phase in order, once (later calls return the same promise). A failing step is logged, and the rest still run. */
  run(): Promise<void>;
}

export function createShutdownPlan(log: Pick<Logger, 'error' | 'debug'>): ShutdownPlan {
  const steps = new Map<ShutdownPhase, Array<{ name: string; step: () => Promise<void> | void }>>(
    shutdownPhases.map((phase) => [phase, []]),
  );
  let running: Promise<void> | undefined;
  return {
    add(phase, name, step) {
      if (running) throw new Error(`shutdown already started; cannot add "${name}"`);
      steps.get(phase)!.push({ name, step });
    },
    run() {
      running ??= (async () => {
        for (const phase of shutdownPhases) {
          for (const { name, step } of steps.get(phase)!) {
            const started = Date.now();
            try {
              await step();
              log.debug({ phase, step: name, ms: Date.now() - started }, 'shutdown step done');
            } catch (err) {
              log.error({ err, phase, step: name }, 'shutdown step failed');
            }
          }
        }
      })();
      return running;
    },
  };
}
