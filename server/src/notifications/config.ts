/** Settings of notification mail read from the environment (documented in README.md). */
export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const windowMs = Number(env.NOTIFY_EMAIL_WINDOW_MS ?? '');
  const digestConcurrency = Number(env.WORKER_CONCURRENCY_DIGESTS ?? '');
  return {
    /** How long instant mails of one member are collected into one (default two minutes). */
    instantWindowMs: Number.isInteger(windowMs) && windowMs >= 100 ? windowMs : 120_000,
    digestConcurrency: Number.isInteger(digestConcurrency) && digestConcurrency >= 1 ? digestConcurrency : 3,
  };
}
