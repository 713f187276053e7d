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
