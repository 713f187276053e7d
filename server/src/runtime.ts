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
import { createRedis, waitForRedis } from './infra/redis.js';

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
  events: DomainEvents;
  mailer: Mailer;
  /** Opens another Redis connection (adapters, BullMQ workers); closed with the runtime. */
  newRedis(opts?: { blocking?: boolean; name?: string }): Redis;
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
}): Promise<Runtime> {
  const { config, log, urls } = opts;
  const dbName = opts.dbName ?? (hasDatabaseInPath(urls.mongoUri) ? undefined : 'commons');
  await connectDatabase(urls.mongoUri, dbName);
  const extra: Redis[] = [];
  const newRedis = (o: { blocking?: boolean; name?: string } = {}) => {
    const client = createRedis(urls.redisUrl, o);
    client.on('error', (err: Error) => log.warn({ err: err.message, client: o.name }, 'redis connection error'));
    extra.push(client);
    return client;
  };
  const redis = newRedis({ name: 'requests' });
  await waitForRedis(redis);
  const queues = createQueues(newRedis({ blocking: true, name: 'queues' }), config.REDIS_PREFIX);
  const events = new DomainEvents(log);
  const mailer = createMailer(urls.smtpUrl, config.MAIL_FROM);
  return {
    config,
    log,
    urls,
    redis,
    queues,
    events,
    mailer,
    newRedis,
    async close() {
      await events.settle();
      await closeQueues(queues);
      mailer.close();
      await Promise.all(extra.map((c) => c.quit().catch(() => c.disconnect())));
      await disconnectDatabase();
    },
  };
}

export interface RunningApi extends BuiltApp {
  port: number;
  url: string;
  /** Stops accepting, disconnects sockets, waits for open requests. */
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
    events: runtime.events,
  });
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
