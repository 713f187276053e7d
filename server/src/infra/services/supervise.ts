// Keeps a child process we started running: when it dies, the error is logged and the child is
// started again (same port, same data) after a pause that doubles with each failure in a row.
// Meanwhile the platform answers 503 (its store or Redis calls fail fast); after a few failures
// in a row the log says plainly that the platform stays unavailable until the child starts.
import { describeEnd, type ManagedProcess } from './process.js';
import { errorMessage, type ServiceLog } from './types.js';

export interface SuperviseOptions {
  /** What the child is, for the log: "FerretDB on 127.0.0.1:27017". */
  label: string;
  /** Starts the child again and resolves once it answers (rejects when it does not). */
  restart: () => Promise<ManagedProcess>;
  log: ServiceLog;
  /** First pause before a restart; doubles with each failure in a row up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Failures in a row after which the log says the platform stays unavailable. */
  reportAfter?: number;
  /** A child that ran this long before dying starts a new count of failures. */
  healthyAfterMs?: number;
}

export interface Supervised {
  /** The child running now (or the last one, while it is being restarted). */
  current(): ManagedProcess;
  /** Stops supervising and stops the child. Idempotent. */
  stop(): Promise<void>;
}

export function supervise(first: ManagedProcess, opts: SuperviseOptions): Supervised {
  const initialDelay = opts.initialDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 30_000;
  const reportAfter = opts.reportAfter ?? 5;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  let current = first;
  let startedAt = Date.now();
  let stopping = false;
  let wake: (() => void) | undefined;
  let restarting: Promise<unknown> = Promise.resolve();

  const delayFor = (failures: number): number => Math.min(maxDelay, initialDelay * 2 ** Math.min(failures - 1, 16));
  const pause = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = async (): Promise<void> => {
    let failures = 0;
    for (;;) {
      await current.exited;
      if (stopping) return;
      if (Date.now() - startedAt >= healthyAfter) failures = 0;
      failures++;
      opts.log(
        `${opts.label} died (${current.exitReason() ?? 'unknown'}); the platform answers 503 until it is ` +
          `back, restarting it in ${delayFor(failures) / 1000} s. ${describeEnd(current, 'unexpectedly')}`,
        'error',
      );
      for (;;) {
        await pause(delayFor(failures));
        if (stopping) return;
        try {
          const attempt = opts.restart();
          restarting = attempt.catch(() => undefined);
          current = await attempt;
          startedAt = Date.now();
          if (stopping) {
            await current.stop();
            return;
          }
          opts.log(`${opts.label} restarted (pid ${current.pid}) after ${failures} failure(s) in a row`, 'warn');
          break;
        } catch (error) {
          failures++;
          opts.log(`${opts.label} did not restart: ${errorMessage(error)}`, 'error');
          if (failures === reportAfter || (failures > reportAfter && failures % reportAfter === 0)) {
            opts.log(
              `${opts.label} has failed ${failures} times in a row. The platform stays unavailable (503) ` +
                `until it starts; still trying every ${Math.round(maxDelay / 1000)} s at most.`,
              'error',
            );
          }
        }
      }
    }
  };
  const watching = watch();

  let stopped: Promise<void> | undefined;
  return {
    current: () => current,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        wake?.();
        await restarting;
        await current.stop();
        await watching;
      })()),
  };
}
