// Vitest global setup: resolves (or starts) MongoDB/FerretDB, Redis and an SMTP
// sink once per run, in the same resolution order as `npm start`
// (server/src/infra/services), resolves (or installs) Chromium
// (scripts/ensure-chromium.mjs), and hands their URLs and path to the test files.
// Test files read them with `inject('mongoUri')` etc.; each file still uses its
// own database, Redis prefix and SMTP sink (tests/support/mail.ts). The store is
// the one users get: FerretDB on PostgreSQL (a throwaway database on the
// PostgreSQL of 127.0.0.1:5432, else a throwaway private cluster), where each test
// file's database is a schema of its own; FERRETDB_BACKEND=sqlite forces SQLite.
import path from 'node:path';
import { provideServices } from '@commons/server/infra/services/index';
import type { TestProject } from 'vitest/node';
import { ChromiumMissing, ensureChromium } from '../scripts/ensure-chromium.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MongoDB-compatible server (database commons_test unless MONGODB_URI names one). */
    mongoUri: string;
    redisUrl: string;
    /** The run's shared SMTP sink; tests that read mail start their own (startTestSmtpSink). */
    smtpUrl: string;
    /** The browser of the end-to-end suites (tests/support/browser.ts). */
    chromiumPath: string;
    /** The backend of the FerretDB started for the run ('' when the store is a MongoDB or a server found running). */
    storeBackend: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const quiet = process.env.COMMONS_TEST_QUIET_SERVICES === '1';
  // Before any service or suite: a missing browser is one message, not a failure in every e2e file.
  const chromium = await ensureChromium({ log: (line) => console.log(`[chromium] ${line}`) }).catch(
    (error: unknown) => {
      if (!(error instanceof ChromiumMissing)) throw error;
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    },
  );
  if (!quiet) console.log(`[chromium] ${chromium.version} (${chromium.path})`);
  provide('chromiumPath', chromium.path);
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
  provide('storeBackend', services.storeBackend ?? '');
  return async () => {
    await services.stop();
  };
}
