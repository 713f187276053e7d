import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { buildApp, type BuiltApp } from './app.js';
import type { Config } from './infra/config.js';
import { connectDatabase, disconnectDatabase } from './infra/db.js';
import { DomainEvents } from './infra/domain-events.js';
import type { Logger } from './infra/log.js';
import { createMailer, type Mailer } from './infra/mail.js';
import { closeQueues, createQueues, type Queues } from './infra/queues.js';
import { Outbox } from './infra/outbox.js';
import { createRedis, reportPublishFailures, waitForRedis } from './infra/redis.js';
import { setSiteDefaults } from './site/settings.js';
import { useReadModels } from './infra/read-models.js';
import { setBurstLimits } from './moderation/prescreen.js';

export interface ServiceUrls {
  mongoUri: string;
  redisUrl: string;
  smtpUrl: string;
}

/** The connections one process holds, shared by its API and its workers. */
export interface Runtime {
  config: Config;
  log: Logger;
  urls: ServiceUrls;
  redis: Redis;
  queues: Queues;
  /** Follow-up work after a write: stored, then handed to the queues (infra/outbox.ts). */
  outbox: Outbox;
  events: DomainEvents;
  mailer: Mailer;
  /** Opens another Redis connection (adapters, BullMQ workers); closed with the runtime. */
  newRedis(opts?: { blocking?: boolean; name?: string }): Redis;
  /** Shutdown phase "queues": lets domain-event listeners finish enqueueing, then closes the queues. */
  closeQueues(): Promise<void>;
  /** Shutdown phase "connections": the mailer, every Redis connection, the store. */
  closeConnections(): Promise<void>;
  /** Both, in that order (tests and benchmarks; processes use the shutdown plan of boot.ts). */
  close(): Promise<void>;
}

function hasDatabaseInPath(uri: string): boolean {
  const afterHosts = uri.replace(/^mongodb(\+srv)?:\/\/[^/]*/, '');
  const db = afterHosts.replace(/^\//, '').split('?')[0];
  return Boolean(db);
}

export async function createRuntime(opts: {
  config: Config;
  log: Logger;
  urls: ServiceUrls;
  dbName?: string;
  /**
   * 'requests' (default) notices a stalled store within STORE_TIMEOUT_MS and waits for a busy one
   * up to STORE_BUSY_TIMEOUT_MS; 'background' (a process with only workers or a batch command)
   * bounds both by the longer STORE_WORKER_TIMEOUT_MS.
   */
  workload?: 'requests' | 'background';
}): Promise<Runtime> {
  const { config, log, urls } = opts;
  // Before any request: the publishing gate reads the site settings with these defaults.
  setSiteDefaults({
    emailVerification: config.EMAIL_VERIFICATION,
    publicFace: config.PUBLIC_FACE,
    registrationMode: config.REGISTRATION_MODE,
  });
  setBurstLimits({ hold: config.SCREENING_BURST_HOLD, hide: config.SCREENING_BURST_HIDE });
  const dbName = opts.dbName ?? (hasDatabaseInPath(urls.mongoUri) ? undefined : 'commons');
  const background = opts.workload === 'background';
  const timeoutMs = background ? config.STORE_WORKER_TIMEOUT_MS : config.STORE_TIMEOUT_MS;
  const busyMs = background ? config.STORE_WORKER_TIMEOUT_MS : config.STORE_BUSY_TIMEOUT_MS;
  // Under test every store command can be counted (store/counters.ts: budgets per action).
  await connectDatabase(urls.mongoUri, dbName, { timeoutMs, busyMs, countCommands: config.NODE_ENV === 'test' });
  const extra: Redis[] = [];
  const newRedis = (o: { blocking?: boolean; name?: string; commandTimeoutMs?: number } = {}) => {
    const client = createRedis(urls.redisUrl, o);
    client.on('error', (err: Error) => log.warn({ err: err.message, client: o.name }, 'redis connection error'));
    reportPublishFailures(client, (err) => log.warn({ err: err.message, client: o.name }, 'redis publish failed'));
    extra.push(client);
    return client;
  };
  const redis = newRedis({ name: 'requests', commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  await waitForRedis(redis);
  // Hot reads (thread pages, members' standing) come from Redis and are dropped by this process's writes too.
  useReadModels(redis, config.REDIS_PREFIX, log);
  const queues = createQueues(newRedis({ blocking: true, name: 'queues' }), config.REDIS_PREFIX);
  // A queue reports a lost connection as an 'error' event: without a listener, Node throws it.
  for (const queue of Object.values(queues)) {
    queue.on('error', (err: Error) => log.warn({ err: err.message, queue: queue.name }, 'queue connection error'));
  }
  const events = new DomainEvents(log);
  const outbox = new Outbox(queues, log, {
    graceMs: config.OUTBOX_GRACE_MS,
    leaseMs: config.OUTBOX_LEASE_MS,
  });
  const mailer = createMailer(urls.smtpUrl, config.MAIL_FROM);
  const closeQueuesOnce = once(async () => {
    await events.settle();
    await outbox.settle();
    await closeQueues(queues);
  });
  const closeConnections = once(async () => {
    mailer.close();
    await Promise.all(extra.map((c) => c.quit().catch(() => c.disconnect())));
    await disconnectDatabase();
  });
  return {
    config,
    log,
    urls,
    redis,
    queues,
    outbox,
    events,
    mailer,
    newRedis,
    closeQueues: closeQueuesOnce,
    closeConnections,
    async close() {
      await closeQueuesOnce();
      await closeConnections();
    },
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

export interface RunningApi extends BuiltApp {
  port: number;
  url: string;
  /** Stops accepting, disconnects sockets, waits for open requests and start-up work. */
  close(): Promise<void>;
}

export async function startApi(runtime: Runtime, listen: { host: string; port: number }): Promise<RunningApi> {
  const built = buildApp({
    config: runtime.config,
    log: runtime.log,
    redis: runtime.redis,
    adapterPub: runtime.newRedis({ name: 'io-pub' }),
    adapterSub: runtime.newRedis({ name: 'io-sub', blocking: true }),
    queues: runtime.queues,
    outbox: runtime.outbox,
    events: runtime.events,
  });
  // Behind a proxy that keeps idle connections to the processes (nginx's upstream keepalive: 60 s;
  // cloud balancers: 60 s), Node must not close them first: at Node's default of 5 s, a request
  // sent on a connection Node was closing came back as nginx's 502, and a POST is never retried
  // (npm run faults -- server-kill, registering 500 members).
  built.httpServer.keepAliveTimeout = 65_000;
  built.httpServer.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    built.httpServer.once('error', reject);
    built.httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const address = built.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    ...built,
    port,
    url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        built.io.close(() => resolve());
        built.httpServer.closeAllConnections?.();
      });
      // The store and Redis close after this phase: start-up work must not run into them.
      await built.preparing;
    },
  };
}

/**
 * Outside production a missing SESSION_SECRET is generated once and kept under the data folder,
 * so restarts and a second process share sessions.
 */
export function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
