#!/usr/bin/env node
// Builds (once) and caches the FerretDB launcher, so test runs never wait for Go.
// Prints the binary's path. Used by .ci/run; safe to run any time.
import { cachedLauncherPath, ensureLauncher, findGo } from './ferretdb-binary.mjs';

const started = Date.now();
try {
  const go = findGo();
  if (!go) {
    console.error(
      'ensure-ferretdb: Go not found (PATH or /usr/local/go/bin/go); install Go >= 1.22 or set MONGODB_URI',
    );
    process.exit(1);
  }
  const log = (line) => console.log(`ensure-ferretdb: ${line}`);
  const binary = await ensureLauncher({ go, log, progress: log });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`ensure-ferretdb: ${binary} (${seconds}s)`);
} catch (error) {
  console.error(`ensure-ferretdb: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`ensure-ferretdb: expected binary at ${cachedLauncherPath()}`);
  process.exit(1);
}
