// The order test files start in. A run's length is set by its last file to finish, so the files that
// take longest start first and the short ones fill the gaps at the end. Vitest's own order needs its
// cache of earlier runs, which a fresh clone (CI) does not have; tests/results/test-durations.json
// keeps the figures in the repository instead. Record them again after adding slow files with
// `COMMONS_TEST_RECORD_DURATIONS=1 npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import type { Reporter, TestModule } from 'vitest/node';

const root = path.resolve(import.meta.dirname, '..');
export const durationsFile = path.join(root, 'tests/results/test-durations.json');

type Durations = Record<string, number>;

function readDurations(): Durations {
  try {
    return JSON.parse(readFileSync(durationsFile, 'utf8')) as Durations;
  } catch {
    return {};
  }
}

const key = (moduleId: string) => path.relative(root, moduleId);

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = readDurations();
    // A file with no figure yet is new and may be slow: it goes before the known short ones.
    const known = Object.values(seconds).sort((a, b) => a - b);
    const unknown = known.length ? known[Math.floor(known.length * 0.75)]! : 0;
    const cost = (file: TestSpecification) => seconds[key(file.moduleId)] ?? unknown;
    return [...files].sort((a, b) => cost(b) - cost(a));
  }
}

/** Writes each file's duration (seconds, its tests and hooks) when a whole run passed. */
export class DurationsRecorder implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (modules.length < 20 || modules.some((m) => m.state() !== 'passed')) return;
    const seconds: Durations = {};
    for (const m of [...modules].sort((a, b) => key(a.moduleId).localeCompare(key(b.moduleId)))) {
      const d = m.diagnostic();
      seconds[key(m.moduleId)] = Math.round((d.duration + d.collectDuration + d.prepareDuration) / 100) / 10;
    }
    writeFileSync(durationsFile, `${JSON.stringify(seconds, null, 2)}\n`);
  }
}
