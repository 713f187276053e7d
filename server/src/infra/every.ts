import { asHousekeeping } from './store/index.js';

/** A timer's work, stopped by `stop()`, which waits for a round under way. */
export interface Repeating {
  stop(): Promise<void>;
}

/**
 * Runs `work` every `everyMs` in this process as housekeeping (its store commands are not counted
 * against the action that happens to run beside it, store/counters.ts). A round still running when
 * the next is due is not stacked on; a round that fails is told to `failed`, and the next tries
 * again. `work` is handed whether the timer was stopped meanwhile, so a round of several pages
 * can end early.
 */
export function repeatEvery(
  work: (stopped: () => boolean) => Promise<void>,
  everyMs: number,
  failed: (err: unknown) => void,
): Repeating {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running) return;
    running = asHousekeeping(() => work(() => stopped))
      .catch(failed)
      .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
