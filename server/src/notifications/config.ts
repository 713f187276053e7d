import type { Config } from '../infra/config.js';

/** Settings of notification mail, from the one validated configuration. */
export function notificationSettings(config: Config) {
  return {
    /** How long instant mails of one member are collected into one. */
    instantWindowMs: config.NOTIFY_EMAIL_WINDOW_MS,
    digestConcurrency: config.WORKER_CONCURRENCY_DIGESTS,
    /** Mails of one digest batch sent at once. */
    digestSendsInFlight: config.DIGEST_SENDS_IN_FLIGHT,
    /** Members not seen for this long get a last digest, then none. */
    inactiveAfterMs: config.DIGEST_INACTIVE_DAYS * 24 * 3_600_000,
  };
}
