import type { Ack, ErrorCode } from '@commons/shared';

/**
 * Refusals that say "not now" rather than "no": the store or Redis did not answer in time, or
 * something failed on the server's side. A command refused so is worth sending again shortly;
 * every other code (not found, forbidden, closed, invalid) would be refused again.
 */
const PASSING = new Set<ErrorCode>(['service_unavailable', 'internal']);

export function isPassingRefusal(code: ErrorCode): boolean {
  return PASSING.has(code);
}

/**
 * The wait before a retry (a refused handshake, a room's join, or an HTTP read that met a 503:
 * api.ts): doubling from `minMs` with each attempt, at most `maxMs`, at least the
 * server's Retry-After, and spread at random (half to all of it) so that the clients refused in
 * the same moment do not all come back in the same moment.
 */
export function retryDelay(
  attempt: number,
  opts: { minMs?: number; maxMs?: number; retryAfterS?: number } = {},
): number {
  const backoff = Math.min(opts.maxMs ?? 30_000, (opts.minMs ?? 1_000) * 2 ** attempt);
  return Math.max(backoff, (opts.retryAfterS ?? 0) * 1_000) * (0.5 + Math.random() / 2);
}

/**
 * Sends a command (a room's join) until it gets an answer other than a passing refusal, then
 * hands that answer on. A join refused for now and not sent again would leave the page without
 * its live updates until the next reconnect. Returns what stops it (the page closed).
 */
export function sendUntilAnswered<T>(
  send: (answer: (ack: Ack<T>) => void) => void,
  onAnswer: (ack: Ack<T>) => void,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = (n: number) =>
    send((ack) => {
      if (stopped) return;
      if (!ack.ok && isPassingRefusal(ack.error.code)) timer = setTimeout(() => attempt(n + 1), retryDelay(n));
      else onAnswer(ack);
    });
  attempt(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
