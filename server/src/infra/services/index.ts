// The backing services of `npm start` and `npm test`, one resolution order for both
// (DESIGN.md, "Real services, and how they start"): the configured URL, else the
// default local port if something answers, else an embedded one, else a clear error.
//
//   mode 'start': embedded services listen on the default ports (FerretDB 27017,
//     Redis 6379, SMTP sink 1025), so a second process (PORT=3001 npm run
//     start:server) finds the same ones; data persists under dataDir
//     (postgres/ when FerretDB runs on a cluster of our own, ferretdb/ on SQLite, redis/, mail/).
//   mode 'test': embedded services listen on free ports with throwaway data
//     (removed by stop()); SMTP is always a fresh sink, never SMTP_URL, so tests
//     cannot send real mail.
import path from 'node:path';
import { provideMongo, DEFAULT_MONGO_PORT } from './mongo.js';
import { provideRedis, DEFAULT_REDIS_PORT } from './redis.js';
import { provideSmtp, DEFAULT_SMTP_PORT } from './smtp.js';
import type { SmtpSink } from './smtp-sink.js';
import { errorMessage, type ProvidedService, type ServiceLog } from './types.js';

export type { ProvidedService, ServiceLog } from './types.js';
export type { SinkMail, SmtpSink, SmtpSinkOptions } from './smtp-sink.js';
export { startSmtpSink } from './smtp-sink.js';
export { provideMongo, mongoPing, type ProvidedStore } from './mongo.js';
export { providePostgres, ferretdbBackend, type ProvidedPostgres } from './postgres.js';
export { provideRedis, redisPing } from './redis.js';
export { provideSmtp, answersSmtp } from './smtp.js';
export { freePort, waitForPort } from './ports.js';

export interface ProvideServicesOptions {
  mode: 'start' | 'test';
  /** Where 'start' keeps its data (usually `<repo>/.data`). */
  dataDir: string;
  log: ServiceLog;
  /**
   * Mode 'start' only: 'free' starts embedded services on free ports without looking at the
   * default ones (an isolated instance beside another; SERVICE_PORTS). Default 'default'.
   */
  ports?: 'default' | 'free';
  /**
   * Use a MongoDB-compatible server answering on 127.0.0.1:27017. Default: unless ports is 'free'.
   * Benches set false: they measure the FerretDB they start, not whatever answers there.
   */
  probeMongoPort?: boolean;
}

export interface ProvidedServices {
  /** Includes a database name (commons, or commons_test in mode 'test') unless the configured URI names one. */
  mongoUri: string;
  redisUrl: string;
  smtpUrl: string;
  /** The SMTP sink, when this call started one. */
  sink?: SmtpSink;
  /** The embedded FerretDB's backend, when this call started one. */
  storeBackend?: 'postgresql' | 'sqlite';
  /** The PostgreSQL database under that FerretDB. */
  postgresUrl?: string;
  /**
   * Gives the PostgreSQL under FerretDB the companion indexes of the tables FerretDB created since
   * start-up (ferretdb-postgres.ts); call it once the platform has built its indexes. A no-op on
   * any other store.
   */
  tuneStore(): Promise<void>;
  /** Stops only what this call started (reverse order) and removes its temporary data. Idempotent. */
  stop(): Promise<void>;
}

/** Adds `/<database>` to a mongodb:// URI that names no database. */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/.exec(uri);
  if (!match) return uri;
  const [, base, dbPath, rest] = match;
  if (dbPath && dbPath.length > 1) return uri;
  return `${base}/${database}${rest ?? ''}`;
}

export async function provideServices(options: ProvideServicesOptions): Promise<ProvidedServices> {
  const { log } = options;
  const test = options.mode === 'test';
  const free = test || options.ports === 'free';
  const dataDir = path.resolve(options.dataDir);

  const timed = async <T extends ProvidedService>(name: string, provide: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const service = await provide();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log(`${name}: ${service.description}${service.source === 'embedded' ? ` (ready in ${seconds} s)` : ''}`);
    return service;
  };

  const results = await Promise.allSettled([
    timed('mongo', () =>
      provideMongo({
        log,
        port: free ? 0 : DEFAULT_MONGO_PORT,
        ...(test ? {} : { dataDir }),
        allowDownload: true,
        probeDefaultPort: options.probeMongoPort ?? options.ports !== 'free',
        probePostgresPort: options.ports !== 'free',
      }),
    ),
    timed('redis', () =>
      provideRedis({
        log,
        port: free ? 0 : DEFAULT_REDIS_PORT,
        ...(test ? {} : { persistDir: path.join(dataDir, 'redis') }),
        probeDefaultPort: options.ports !== 'free',
      }),
    ),
    timed('smtp', () =>
      provideSmtp({
        log,
        port: free ? 0 : DEFAULT_SMTP_PORT,
        useEnv: !test,
        probeDefaultPort: !free,
        ...(test ? {} : { mailDir: path.join(dataDir, 'mail') }),
      }),
    ),
  ]);

  const services = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const service of [...services].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          log(`stopping ${service.description}: ${errorMessage(error)}`);
        }
      }
    })());

  const [mongo, redis, smtp] = results;
  if (mongo.status === 'rejected' || redis.status === 'rejected' || smtp.status === 'rejected') {
    await stop();
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [errorMessage(result.reason)] : []));
    throw new Error(`Commons cannot start its services.\n\n${failures.join('\n\n')}`);
  }

  const store = mongo.value;
  return {
    mongoUri: withDatabase(mongo.value.url, test ? 'commons_test' : 'commons'),
    redisUrl: redis.value.url,
    smtpUrl: smtp.value.url,
    ...(smtp.value.sink ? { sink: smtp.value.sink } : {}),
    ...(mongo.value.backend ? { storeBackend: mongo.value.backend } : {}),
    ...(mongo.value.postgresUrl ? { postgresUrl: mongo.value.postgresUrl } : {}),
    tuneStore: () => store.tune?.() ?? Promise.resolve(),
    stop,
  };
}
