import { randomBytes } from 'node:crypto';
import { loadConfig } from '@commons/server/infra/config';
import { createLogger } from '@commons/server/infra/log';
import { freePort } from '@commons/server/infra/services/ports';
import { createShutdownPlan } from '@commons/server/infra/shutdown';
import { createRuntime, startApi, type RunningApi, type Runtime } from '@commons/server/runtime';
import { startWorkers, type RunningWorkers } from '@commons/workers/runtime';
import mongoose from 'mongoose';
import { inject } from 'vitest';
import { TestClient } from './http.js';
import { startTestSmtpSink, type RefuseRecipient, type TestSmtpSink } from './mail.js';

export interface TestPlatform {
  url: string;
  runtime: Runtime;
  api: RunningApi;
  workers: RunningWorkers | null;
  sink: TestSmtpSink;
  dbName: string;
  client(): TestClient;
  close(): Promise<void>;
}

/**
 * Starts the whole platform in this test file's process, on its own database, Redis key prefix
 * and SMTP sink, against the real services the global setup provided.
 */
export async function startTestPlatform(
  name: string,
  opts: {
    workers?: boolean;
    env?: Record<string, string>;
    logTo?: { level: string; write(line: string): void };
    /** The SMTP sink refuses these recipients (see `SmtpSinkOptions.refuseRecipient`). */
    refuseRecipient?: RefuseRecipient;
    /** A Redis of the test's own (tests/platform/outbox.test.ts makes it refuse writes) instead of the run's. */
    redisUrl?: string;
  } = {},
): Promise<TestPlatform> {
  const sink = await startTestSmtpSink(opts.refuseRecipient ? { refuseRecipient: opts.refuseRecipient } : {});
  const suffix = randomBytes(4).toString('hex');
  const dbName = `t_${name.replace(/[^a-z0-9]/gi, '_')}_${suffix}`.slice(0, 60);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_PREFIX: `t:${dbName}`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    // Members that test files register post at once; tests/members/account.test.ts turns it on.
    EMAIL_VERIFICATION: 'false',
    // The run's one store serves every test file at once and is far slower than a deployment's:
    // a generous bound here; tests/platform/outage.test.ts runs the defaults against a hung store.
    STORE_TIMEOUT_MS: '20000',
    // Test files post far faster than members do: screening's burst rule would hold their fixtures.
    // tests/moderation/screening.test.ts runs the defaults.
    SCREENING_BURST_HOLD: '100000',
    SCREENING_BURST_HIDE: '100000',
    ...opts.env,
  });
  const log = opts.logTo
    ? createLogger({ level: opts.logTo.level, name, destination: { write: (line: string) => opts.logTo!.write(line) } })
    : createLogger({ level: config.LOG_LEVEL, name });
  const runtime = await createRuntime({
    config,
    log,
    urls: { mongoUri: inject('mongoUri'), redisUrl: opts.redisUrl ?? inject('redisUrl'), smtpUrl: sink.url },
    dbName,
  });
  const api = await startApi(runtime, { host: '127.0.0.1', port });
  // No hourly digest tick: digest tests choose their time, and a tick at the real hour sent first.
  const workers = opts.workers === false ? null : startWorkers(runtime, { digestTick: false });
  return {
    url,
    runtime,
    api,
    workers,
    sink,
    dbName,
    client: () => new TestClient(url),
    async close() {
      // The same order as every process (server/src/infra/shutdown.ts).
      const plan = createShutdownPlan(log);
      plan.add('accepting', 'HTTP and Socket.IO', () => api.close());
      if (workers) plan.add('workers', 'BullMQ workers', () => workers.close());
      plan.add('queues', 'queues and schedulers', () => runtime.closeQueues());
      plan.add('queues', 'this file’s database and Redis keys', async () => {
        await mongoose.connection.dropDatabase().catch(() => undefined);
        await deleteKeys(runtime, `${config.REDIS_PREFIX}:*`);
      });
      plan.add('connections', 'Redis, store and mail connections', () => runtime.closeConnections());
      plan.add('services', 'SMTP sink', () => sink.close());
      await plan.run();
    },
  };
}

async function deleteKeys(runtime: Runtime, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await runtime.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await runtime.redis.del(...keys);
  } while (cursor !== '0');
}
