/*
 * A thread's replies and a lab's chat messages are numbered one by one, so a live one numbered past
 * the next says that something came between. Either it was never for this reader (held or hidden
 * by moderation), or it was saved by a server that died before its live push reached the other
 * servers' sockets (tests/faults/server-kill.ts found one such reply in 18 for the 334 members on
 * the surviving servers). The page asks once for what came after the number it held: the thread
 * page (forums/ThreadPage.tsx) and the lab room (labs/room/live.ts).
 */

/** The page waits a random time up to this before asking: a thread's watchers do not ask at once. */
export const GAP_FETCH_SPREAD_MS = 10_000;

/** The number after which replies or messages may have been missed live, or null when none were. */
export function missedAfter(heldLastSeq: number, arrivedSeq: number): number | null {
  return arrivedSeq > heldLastSeq + 1 ? heldLastSeq : null;
}

/** How long this page waits before it asks for what the gap skipped. */
export function gapFetchDelay(): number {
  return Math.random() * GAP_FETCH_SPREAD_MS;
}

export interface GapFiller {
  /** A live one skipped numbers after `after`: ask for what came after it, once, a little later. */
  noted(after: number): void;
  /** Whether an ask is waiting, out, or due next. */
  pending(): boolean;
  /** The page left: nothing more is asked. */
  stop(): void;
}

/**
 * One ask at a time, after gapFetchDelay. A gap noted before the waiting ask goes is covered by it
 * when it starts later; one noted while an ask is out is asked for once that one is answered,
 * since the ask out may have been answered before that gap's reply or message was saved.
 */
export function createGapFiller(ask: (after: number) => Promise<unknown>): GapFiller {
  let waiting: { after: number; timer: ReturnType<typeof setTimeout> } | null = null;
  let out = false;
  let next: number | null = null;
  let stopped = false;
  const start = (after: number) => {
    const timer = setTimeout(() => {
      const from = waiting?.after ?? after;
      waiting = null;
      out = true;
      void ask(from)
        // Not worth an error: the next reconnect asks from the same number.
        .catch(() => undefined)
        .finally(() => {
          out = false;
          const then = next;
          next = null;
          if (then !== null && !stopped) start(then);
        });
    }, gapFetchDelay());
    waiting = { after, timer };
  };
  return {
    noted(after) {
      if (stopped) return;
      if (waiting) waiting.after = Math.min(waiting.after, after);
      else if (out) next = Math.min(next ?? after, after);
      else start(after);
    },
    pending: () => waiting !== null || out || next !== null,
    stop() {
      stopped = true;
      if (waiting) clearTimeout(waiting.timer);
      waiting = null;
    },
  };
}
