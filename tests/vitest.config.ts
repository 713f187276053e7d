import path from 'node:path';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { DurationsRecorder, LongestFirst } from './run-order.js';

const root = path.resolve(import.meta.dirname, '..');
// A single file run by hand imports the workspace packages from their TypeScript source (the
// `source` export condition), so an edit is tested at once. `npm test` builds first and sets
// COMMONS_TEST_FROM_BUILD=1: every file then loads the built JavaScript natively instead of through
// vite's transform, which costs each of ~100 files seconds of start-up.
const fromBuild = process.env.COMMONS_TEST_FROM_BUILD === '1';
const conditions = fromBuild ? [...defaultServerConditions] : ['source', ...defaultServerConditions];
const built = /\/(server|workers|shared)\/dist\//;

export default defineConfig({
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // A poll waits on a browser or a queue; vitest's 1 s default fails on a busy CI machine.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    pool: 'forks',
    // Each worker process runs file after file without loading the modules again: about 4 s of
    // imports a file under load, a quarter of the suite's CPU. A file's platform is its own all
    // the same (database, Redis prefix, ports); module state that outlives a file is keyed by ids.
    isolate: false,
    server: { deps: { external: fromBuild ? [built] : [] } },
    // Test files mostly wait on the store, Redis and Chromium, so on a 2-core machine three at once
    // finish far sooner than vitest's default of one per spare core (TEST_WORKERS overrides).
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    // Each file gets its own database and Redis prefix, so files run in parallel safely.
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
    reporters: ['default', ...(process.env.COMMONS_TEST_RECORD_DURATIONS === '1' ? [new DurationsRecorder()] : [])],
  },
});
