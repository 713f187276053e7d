// The platform's built processes, run as a person or an orchestrator would run them:
// `node server/dist/main.js` and friends, each with its own environment and output.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import type { TestPlatform } from './platform.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The entry points `npm test` builds (alone: `npx tsc -b shared server workers`). */
export const entry = {
  server: path.join(root, 'server/dist/main.js'),
  workers: path.join(root, 'workers/dist/main.js'),
  platform: path.join(root, 'workers/dist/platform.js'),
  digests: path.join(root, 'workers/dist/digests-cli.js'),
  members: path.join(root, 'server/dist/members/cli.js'),
};

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface Started {
  child: ChildProcess;
  /** Resolves when the output matched `readyWhen`, or the process ended. */
  ready: Promise<void>;
  ended: Promise<Ended>;
  output: () => string;
}

/** The environment of a process that shares the test platform's store database, Redis prefix and secrets. */
export function childEnv(p: TestPlatform, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cfg = p.runtime.config;
  const mongo = inject('mongoUri').replace(/^(mongodb(?:\+srv)?:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${p.dbName}`);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MONGODB_URI: mongo,
    REDIS_URL: inject('redisUrl'),
    SMTP_URL: p.sink.url,
    REDIS_PREFIX: cfg.REDIS_PREFIX,
    SESSION_SECRET: cfg.SESSION_SECRET,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    WORKER_NICE: '0',
    // As in the test platform: members that tests register post at once.
    EMAIL_VERIFICATION: 'false',
    // As in the test platform: the run's one store serves every test file at once.
    STORE_TIMEOUT_MS: '20000',
    // Test files post far faster than members do: screening's burst rule would hold their fixtures.
    // tests/moderation/screening.test.ts runs the defaults.
    SCREENING_BURST_HOLD: '100000',
    SCREENING_BURST_HIDE: '100000',
    ...extra,
  };
}

/** Processes started here that have not ended yet: kill them all in afterAll. */
export const children = new Set<ChildProcess>();

/** Starts a node script; `ready` resolves when its output matches `readyWhen` (or it ended). */
export function start(script: string, args: string[], env: NodeJS.ProcessEnv, readyWhen?: RegExp): Started {
  return startCommand(process.execPath, [script, ...args], env, readyWhen);
}

/** Starts any command, with the same bookkeeping as `start`. */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv, readyWhen?: RegExp): Started {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const collect = (d: Buffer) => {
    output += d.toString();
    if (readyWhen?.test(output)) markReady();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const ended = new Promise<Ended>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      markReady();
      resolve({ code, signal, output });
    }),
  );
  return { child, ready, ended, output: () => output };
}

/** What a person would call an error in a log: error or fatal lines, unhandled rejections, stack traces. */
export function errorsIn(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (/"level":(50|60)\b/.test(line)) return true;
    return /Unhandled|Connection is closed|^\s+at |Error:/.test(line);
  });
}
