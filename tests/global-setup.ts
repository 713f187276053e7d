// Vitest global setup: resolves (or starts) MongoDB/FerretDB, Redis and an SMTP
// sink once per run, in the same resolution order as `npm start`
// (server/src/infra/services), and hands their URLs to the test files.
// Test files read them with `inject('mongoUri')` etc.; each file still uses its
// own database, Redis prefix and SMTP sink (tests/support/mail.ts).
import path from 'node:path';
import { provideServices } from '@commons/server/infra/services/index';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MongoDB-compatible server (database commons_test unless MONGODB_URI names one). */
    mongoUri: string;
    redisUrl: string;
    /** The run's shared SMTP sink; tests that read mail start their own (startTestSmtpSink). */
    smtpUrl: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const quiet = process.env.COMMONS_TEST_QUIET_SERVICES === '1';
  const services = await provideServices({
    mode: 'test',
    dataDir: path.resolve(import.meta.dirname, '..', '.data', 'test'),
    log: (line) => {
      if (!quiet) console.log(`[services] ${line}`);
    },
  });
  provide('mongoUri', services.mongoUri);
  provide('redisUrl', services.redisUrl);
  provide('smtpUrl', services.smtpUrl);
  return async () => {
    await services.stop();
  };
}
