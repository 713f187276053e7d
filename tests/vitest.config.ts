import path from 'node:path';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');
// Tests import workspace packages from their TypeScript source (the `source` export condition).
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file gets its own database and Redis prefix, so files run in parallel safely.
    fileParallelism: true,
    reporters: ['default'],
  },
});
