// MongoDB-compatible store, resolved in this order (DESIGN.md, "Real services"):
//   1. MONGODB_URI, verified with a ping (fails clearly when unreachable);
//   2. whatever answers a MongoDB ping on 127.0.0.1:27017;
//   3. mongodb-memory-server, when a MongoDB binary is cached or can be downloaded
//      within 20 s (skipped with COMMONS_SKIP_MONGOMS=1);
//   4. FerretDB: our cached launcher, a `ferretdb` on PATH or in the Go bin folder,
//      or the launcher built once with Go; on PostgreSQL (postgres.ts resolves which one),
//      on SQLite only as the last resort (ferretdb.ts);
//   5. an Error saying what to install.
import fs from 'node:fs';
import path from 'node:path';
import { tryFerretdb } from './ferretdb.js';
import { mongoPing } from './mongo-ping.js';
import { LOOPBACK, canConnect } from './ports.js';
import { errorMessage, noStop, redactUrl, type ProvidedService, type ServiceLog } from './types.js';

export { mongoPing } from './mongo-ping.js';

export const DEFAULT_MONGO_PORT = 27017;
const MEMORY_SERVER_BUDGET_MS = 20_000;

export interface ProvideMongoOptions {
  log: ServiceLog;
  /** Port of an embedded server: 0 picks a free one. Default 27017. */
  port?: number;
  /**
   * Where an embedded server keeps its data (FerretDB: `<dataDir>/ferretdb/`,
   * mongod: `<dataDir>/mongodb/`). Without it, a fresh temporary directory that
   * stop() removes.
   */
  dataDir?: string;
  /** Let mongodb-memory-server download a MongoDB binary (at most 20 s). Default false. */
  allowDownload?: boolean;
  /** Use a server that answers on 127.0.0.1:27017 before starting one. Default true. */
  probeDefaultPort?: boolean;
  /** Use a PostgreSQL answering on 127.0.0.1:5432 under FerretDB. Default: probeDefaultPort. */
  probePostgresPort?: boolean;
}

/** A store we resolved; `tune` is there when it is FerretDB on PostgreSQL (see postgres.ts). */
export interface ProvidedStore extends ProvidedService {
  backend?: 'postgresql' | 'sqlite';
  /** The PostgreSQL database under FerretDB, when on PostgreSQL (benches vacuum and tune it). */
  postgresUrl?: string;
  tune?: () => Promise<void>;
}

export async function provideMongo(opts: ProvideMongoOptions): Promise<ProvidedStore> {
  const envUri = process.env.MONGODB_URI?.trim();
  if (envUri) {
    try {
      await mongoPing(envUri, 10_000);
    } catch (error) {
      throw new Error(
        `MONGODB_URI (${redactUrl(envUri)}) does not answer a MongoDB ping: ${errorMessage(error)}. ` +
          'Start that database, correct MONGODB_URI, or unset it to let Commons find or start one.',
        { cause: error },
      );
    }
    return {
      url: envUri,
      source: 'env',
      description: `MongoDB at ${redactUrl(envUri)} (MONGODB_URI)`,
      stop: noStop,
    };
  }

  const tried: string[] = ['MONGODB_URI: not set'];

  const localUri = `mongodb://${LOOPBACK}:${DEFAULT_MONGO_PORT}`;
  if (opts.probeDefaultPort === false) {
    tried.push(`${LOOPBACK}:${DEFAULT_MONGO_PORT}: not looked at (SERVICE_PORTS=free)`);
  } else if (await canConnect(LOOPBACK, DEFAULT_MONGO_PORT, 500)) {
    try {
      await mongoPing(localUri, 3000, true);
      return {
        url: localUri,
        source: 'local',
        description: `MongoDB-compatible server already running on ${LOOPBACK}:${DEFAULT_MONGO_PORT}`,
        stop: noStop,
      };
    } catch (error) {
      tried.push(
        `${LOOPBACK}:${DEFAULT_MONGO_PORT}: something listens but does not answer a MongoDB ping (${errorMessage(error)})`,
      );
    }
  } else {
    tried.push(`${LOOPBACK}:${DEFAULT_MONGO_PORT}: nothing listening`);
  }

  // Keep persistent data where it is: once `npm start` has FerretDB data, a MongoDB
  // binary that became downloadable later must not start on an empty directory.
  const ferretData = ['ferretdb', 'postgres'].some((dir) => hasFiles(path.join(opts.dataDir ?? '', dir)));
  if (opts.dataDir && ferretData && !hasFiles(path.join(opts.dataDir, 'mongodb'))) {
    tried.push(`mongodb-memory-server: skipped (the data is FerretDB's, in ${path.resolve(opts.dataDir)})`);
  } else {
    const memory = await tryMemoryServer(opts, tried);
    if (memory) return memory;
  }

  const ferret = await tryFerretdb(opts, tried);
  if (ferret) return ferret;

  throw new Error(
    [
      'No MongoDB-compatible database is available. Tried, in order:',
      ...tried.map((line) => `  - ${line}`),
      'Do one of:',
      '  - install MongoDB 7 and run it on 127.0.0.1:27017 (https://www.mongodb.com/docs/manual/installation/);',
      '  - install Go >= 1.22 (https://go.dev/dl/) so Commons builds FerretDB 1.24 once (cached in ~/.cache/commons);',
      '  - set MONGODB_URI to a reachable MongoDB, e.g. MONGODB_URI=mongodb://db.example.org:27017/commons',
    ].join('\n'),
  );
}

function hasFiles(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// mongodb-memory-server

function downloadHost(): string {
  const configured = process.env.MONGOMS_DOWNLOAD_URL || process.env.MONGOMS_DOWNLOAD_MIRROR;
  if (configured) {
    try {
      return new URL(configured).hostname;
    } catch {
      // fall through to the default host
    }
  }
  return 'fastdl.mongodb.org';
}

function proxyConfigured(): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some(
    (name) => !!process.env[name],
  );
}

async function tryMemoryServer(opts: ProvideMongoOptions, tried: string[]): Promise<ProvidedService | null> {
  const label = 'mongodb-memory-server';
  if (process.env.COMMONS_SKIP_MONGOMS === '1') {
    tried.push(`${label}: skipped (COMMONS_SKIP_MONGOMS=1)`);
    return null;
  }
  const mms = await import('mongodb-memory-server-core').catch((error: unknown) => {
    tried.push(`${label}: not installed (${errorMessage(error)})`);
    return null;
  });
  if (!mms) return null;

  const binaryOptions = mms.DryMongoBinary.getEnsuredOptions();
  const located = await mms.DryMongoBinary.locateBinary(binaryOptions).catch(() => undefined);
  if (!located) {
    if (!opts.allowDownload) {
      tried.push(`${label}: no MongoDB ${binaryOptions.version} binary cached, and downloading is off`);
      return null;
    }
    const host = downloadHost();
    if (!proxyConfigured() && !(await canConnect(host, 443, 3000))) {
      tried.push(`${label}: cannot download MongoDB (${host}:443 unreachable)`);
      return null;
    }
    opts.log(`downloading MongoDB ${binaryOptions.version} with mongodb-memory-server (at most 20 s)...`);
  }

  const port = opts.port === 0 ? undefined : (opts.port ?? DEFAULT_MONGO_PORT);
  const dbPath = opts.dataDir ? path.resolve(opts.dataDir, 'mongodb') : undefined;
  if (dbPath) fs.mkdirSync(dbPath, { recursive: true });

  const creating = mms.MongoMemoryServer.create({
    instance: {
      ip: LOOPBACK,
      ...(port !== undefined ? { port } : {}),
      ...(dbPath ? { dbPath, storageEngine: 'wiredTiger' as const } : {}),
    },
    binary: { version: binaryOptions.version },
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), MEMORY_SERVER_BUDGET_MS);
  });
  try {
    const outcome = await Promise.race([creating, timedOut]);
    if (outcome === 'timeout') {
      // Let a late start shut itself down; its download (if any) stays cached for next time.
      void creating.then((server) => server.stop()).catch(() => undefined);
      tried.push(`${label}: no MongoDB within ${MEMORY_SERVER_BUDGET_MS / 1000} s`);
      return null;
    }
    const server = outcome;
    const url = server.getUri().replace(/\/$/, '');
    let stopped: Promise<void> | undefined;
    return {
      url,
      source: 'embedded',
      description: `MongoDB ${binaryOptions.version} (mongodb-memory-server) on ${url.replace(/^mongodb:\/\//, '')}${dbPath ? `, data in ${dbPath}` : ''}`,
      stop: () =>
        (stopped ??= server
          .stop({ doCleanup: !dbPath, force: false })
          .then(() => undefined)
          .catch(() => undefined)),
    };
  } catch (error) {
    tried.push(`${label}: ${errorMessage(error).split('\n')[0]}`);
    return null;
  } finally {
    clearTimeout(timer);
  }
}
