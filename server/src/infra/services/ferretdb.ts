// FerretDB, the store started for `npm start` and `npm test` when no MongoDB answers: our cached
// launcher (or a `ferretdb` on PATH, or the launcher built once with Go), on PostgreSQL resolved by
// postgres.ts, on SQLite only when no PostgreSQL can be had, with a warning saying what it costs.
// `npm start` data kept on SQLite by an earlier version moves to PostgreSQL on the first start
// that has one (store-migrate.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildLauncher,
  cachedLauncherPath,
  ferretdbVersion,
  findFerretdbBinary,
  findGo,
  type FerretdbBinary,
} from '../../../../scripts/ferretdb-binary.mjs';
import type { ProvideMongoOptions, ProvidedStore } from './mongo.js';
import { mongoPing } from './mongo-ping.js';
import { LOOPBACK, canConnect, freePort, waitForPort } from './ports.js';
import {
  ferretdbBackend,
  ferretdbCommandLimit,
  ferretdbPostgresUrl,
  providePostgres,
  type ProvidedPostgres,
} from './postgres.js';
import {
  ChildExitedError,
  describeEnd,
  registerTempDir,
  removeTempDir,
  spawnManaged,
  type ManagedProcess,
} from './process.js';
import { copyStore, sqliteStoreMoved, sqliteStorePending } from './store-migrate.js';
import { supervise } from './supervise.js';
import { errorMessage, type ServiceLog } from './types.js';

const DEFAULT_MONGO_PORT = 27017;

/** What SQLite costs, measured with `npm run bench:store` (issue 24; README "Capacity on small machines"). */
export const SQLITE_COST =
  'FerretDB on SQLite evaluates every filter over whole collections, so each look-up slows as the data grows: ' +
  'on 2 cores, reads by id fell from 707/s at 500 documents to 32/s at 20,000 and updates from 116/s to 9/s, ' +
  'where PostgreSQL held about 1,500 reads/s and 600–1,000 updates/s (npm run bench:store).';

export async function tryFerretdb(opts: ProvideMongoOptions, tried: string[]): Promise<ProvidedStore | null> {
  const go = findGo();
  const found = findFerretdbBinary();

  const buildAndStart = async (): Promise<ProvidedStore> => {
    if (!go) throw new Error('no Go toolchain to build the FerretDB launcher');
    opts.log('building FerretDB (first run only, a minute or more; progress every 10 s)...');
    const started = Date.now();
    const binary = await buildLauncher({ go, progress: opts.log });
    opts.log(`FerretDB built in ${((Date.now() - started) / 1000).toFixed(0)} s, cached at ${binary}`);
    return startOnBackend({ path: binary, kind: 'launcher' }, opts);
  };

  if (!found) {
    if (!go) {
      tried.push(
        `FerretDB: no cached launcher (${cachedLauncherPath()}), no \`ferretdb\` on PATH or in the Go bin folder, and no Go toolchain (PATH or /usr/local/go/bin/go) to build one`,
      );
      return null;
    }
    try {
      return await buildAndStart();
    } catch (error) {
      tried.push(`FerretDB: ${errorMessage(error)}`);
      return null;
    }
  }

  try {
    return await startOnBackend(found, opts);
  } catch (error) {
    if (found.kind === 'standard' && go) {
      opts.log(`${found.path} did not start (${errorMessage(error).split('\n')[0]}); using our own FerretDB launcher`);
      try {
        return await buildAndStart();
      } catch (buildError) {
        tried.push(`FerretDB: ${found.path}: ${errorMessage(error)}; launcher: ${errorMessage(buildError)}`);
        return null;
      }
    }
    tried.push(`FerretDB (${found.path}): ${errorMessage(error)}`);
    return null;
  }
}

/** FerretDB on the PostgreSQL postgres.ts resolves, else on SQLite with a warning. */
async function startOnBackend(binary: FerretdbBinary, opts: ProvideMongoOptions): Promise<ProvidedStore> {
  const { postgres, tried } = await providePostgres({
    log: opts.log,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    probeDefaultPort: opts.probePostgresPort ?? opts.probeDefaultPort !== false,
  });
  if (!postgres) {
    const moved = opts.dataDir ? keptOnPostgres(opts.dataDir) : null;
    if (moved && ferretdbBackend() !== 'sqlite')
      // Falling back to SQLite here would serve the data as it was before it moved.
      throw new Error(`${moved}, and no PostgreSQL could be used: ${tried.join('; ')}`);
    opts.log(
      `FerretDB runs on SQLite: no PostgreSQL to run it on (${tried.join('; ')}). ${SQLITE_COST} ` +
        'Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql) or set FERRETDB_POSTGRESQL_URL.',
      'warn',
    );
    return { ...(await startFerretdb(binary, opts)), backend: 'sqlite' };
  }
  try {
    const ferret = await startFerretdb(binary, opts, postgres);
    const sqliteDir = opts.dataDir ? path.resolve(opts.dataDir, 'ferretdb') : null;
    if (sqliteDir && sqliteStorePending(sqliteDir)) {
      try {
        await moveSqliteStore(binary, sqliteDir, ferret.url, opts.log);
      } catch (error) {
        await ferret.stop();
        throw new Error(
          `could not move the SQLite data in ${sqliteDir} to PostgreSQL: ${errorMessage(error)}. ` +
            'It is untouched; fix the cause and start again, or set FERRETDB_BACKEND=sqlite to keep running on it.',
          { cause: error },
        );
      }
    }
    let stopped: Promise<void> | undefined;
    return {
      ...ferret,
      backend: 'postgresql',
      postgresUrl: postgres.url,
      tune: () => postgres.tune(),
      stop: () =>
        (stopped ??= (async () => {
          await ferret.stop();
          await postgres.stop();
        })()),
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/** Why `npm start`'s data is on PostgreSQL now (its own cluster, or a finished move), or null. */
function keptOnPostgres(dataDir: string): string | null {
  if (fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION')))
    return `the store's data is in the PostgreSQL cluster of ${path.resolve(dataDir, 'postgres')}`;
  const moved = sqliteStoreMoved(path.join(dataDir, 'ferretdb'));
  return moved ? `the store's data moved to PostgreSQL on ${moved.movedAt}` : null;
}

/** Copies `npm start`'s old SQLite store into the PostgreSQL FerretDB at targetUri. */
async function moveSqliteStore(binary: FerretdbBinary, sqliteDir: string, targetUri: string, log: ServiceLog) {
  log(`moving the store's SQLite data (${sqliteDir}) to PostgreSQL, once...`);
  const port = await freePort();
  const source = await launchFerretdb(binary, port, ['sqlite', `file:${sqliteDir}/`]);
  try {
    const report = await copyStore(`mongodb://${LOOPBACK}:${port}`, targetUri, { sqliteDir, log });
    log(
      `moved ${report.documents} documents in ${report.collections} collections to PostgreSQL; the SQLite files ` +
        `stay in ${sqliteDir} (delete them once you are satisfied)`,
      'warn',
    );
  } finally {
    await source.stop();
  }
}

const TEMP_PREFIX = 'commons-ferretdb-';

/** Removes temporary FerretDB directories left by processes that were SIGKILLed. */
function sweepStaleTempDirs(): void {
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      const owner = new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(name)?.[1];
      if (!owner || Number(owner) === process.pid) continue;
      try {
        process.kill(Number(owner), 0);
        continue; // owner alive
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPERM') continue; // alive, another user's
      }
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}

/** Starts FerretDB on port with [handler, url] and resolves once it answers a ping; stops it when it does not. */
async function launchFerretdb(
  binary: FerretdbBinary,
  port: number,
  [handler, backendUrl]: ['sqlite' | 'postgresql', string],
): Promise<ManagedProcess> {
  const address = `${LOOPBACK}:${port}`;
  const args =
    binary.kind === 'launcher'
      ? [
          '-listen-addr',
          address,
          '-handler',
          handler,
          `-${handler}-url`,
          backendUrl,
          '-log-level',
          'warn',
          '-exit-on-stdin-close',
          ...(handler === 'postgresql' ? ['-max-commands', String(ferretdbCommandLimit(backendUrl))] : []),
          // Go's pprof handlers on loopback, to read what a stalled store waits on.
          ...(process.env.FERRETDB_DEBUG_ADDR ? ['-debug-addr', process.env.FERRETDB_DEBUG_ADDR] : []),
        ]
      : [
          `--listen-addr=${address}`,
          `--handler=${handler}`,
          `--${handler}-url=${backendUrl}`,
          '--log-level=warn',
          '--telemetry=disable',
          '--debug-addr=-',
        ];
  const proc = spawnManaged('ferretdb', binary.path, args, { watchdog: binary.kind === 'standard' });
  try {
    await waitForPort(LOOPBACK, port, 30_000, {
      abort: () => (proc.exitReason() ? new ChildExitedError() : undefined),
    });
    await mongoPing(`mongodb://${address}`, 10_000, true);
    return proc;
  } catch (error) {
    await proc.stop();
    if (error instanceof ChildExitedError) {
      throw new ChildExitedError(describeEnd(proc, 'before listening'), { cause: error });
    }
    throw error;
  }
}

async function startFerretdb(
  binary: FerretdbBinary,
  opts: ProvideMongoOptions,
  postgres?: ProvidedPostgres,
): Promise<ProvidedStore> {
  // SQLite keeps its files in a directory; on PostgreSQL FerretDB needs none.
  const temporary = !opts.dataDir && !postgres;
  if (temporary) sweepStaleTempDirs();
  const dir = postgres
    ? null
    : opts.dataDir
      ? path.resolve(opts.dataDir, 'ferretdb')
      : fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  if (dir) fs.mkdirSync(dir, { recursive: true });
  if (temporary && dir) registerTempDir(dir);
  const backend: ['sqlite' | 'postgresql', string] = postgres
    ? ['postgresql', ferretdbPostgresUrl(postgres)]
    : ['sqlite', `file:${dir}/`];

  const randomPort = opts.port === 0;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = randomPort ? await freePort() : (opts.port ?? DEFAULT_MONGO_PORT);
      if (!randomPort && (await canConnect(LOOPBACK, port, 500))) {
        throw new Error(`cannot listen on ${LOOPBACK}:${port}: the port is taken by something that is not MongoDB`);
      }
      const address = `${LOOPBACK}:${port}`;
      let proc: ManagedProcess;
      try {
        proc = await launchFerretdb(binary, port, backend);
      } catch (error) {
        const portTaken = /address already in use/i.test(errorMessage(error));
        if (randomPort && portTaken && attempt < 3) continue;
        throw error;
      }
      // Restarted on the same port and data when it dies (npm start keeps what it started running).
      const supervised = supervise(proc, {
        label: `FerretDB on ${address}`,
        restart: () => launchFerretdb(binary, port, backend),
        log: opts.log,
      });
      let stopped: Promise<void> | undefined;
      return {
        url: `mongodb://${address}`,
        source: 'embedded',
        // "..., pid N" last: the outage test finds FerretDB's pid there.
        description: `FerretDB${binary.kind === 'launcher' ? ` ${ferretdbVersion()}` : ''} on ${address}, ${
          postgres ? `on ${postgres.description}` : `SQLite backend, ${temporary ? 'temporary ' : ''}data in ${dir}`
        }, pid ${proc.pid}`,
        stop: () =>
          (stopped ??= (async () => {
            await supervised.stop();
            if (temporary && dir) removeTempDir(dir);
          })()),
      };
    }
  } catch (error) {
    if (temporary && dir) removeTempDir(dir);
    throw error;
  }
}
