// A private PostgreSQL cluster started from the system's binaries (initdb, postgres, pg_ctl):
// data under `<dataDir>/postgres` for `npm start` (kept), or a temporary directory for `npm test`
// (removed by stop()); listening only on a free loopback port, with no Unix socket; trusted
// connections as `postgres` from loopback. It runs under the same watchdog and supervision as the
// FerretDB and Redis we start (process.ts, supervise.ts): restarted when it dies, ended when we
// end, stopped with PostgreSQL's fast shutdown on Ctrl-C.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { LOOPBACK, freePort, waitForPort } from './ports.js';
import {
  ChildExitedError,
  describeEnd,
  findExecutable,
  registerTempDir,
  removeTempDir,
  spawnManaged,
  type ManagedProcess,
} from './process.js';
import { supervise } from './supervise.js';
import { errorMessage, type ServiceLog } from './types.js';

const run = promisify(execFile);

export interface PostgresBinaries {
  dir: string;
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/** The directory holding initdb, postgres and pg_ctl: from PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
export function findPostgresBinaries(): PostgresBinaries | null {
  const candidates: string[] = [];
  const onPath = findExecutable('initdb');
  if (onPath) candidates.push(path.dirname(fs.realpathSync(onPath)));
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  } catch {
    // not Debian's layout
  }
  for (const dir of candidates) {
    const [initdb, postgres, pgCtl] = ['initdb', 'postgres', 'pg_ctl'].map((name) => path.join(dir, name));
    if ([initdb, postgres, pgCtl].every((file) => isExecutable(file!)))
      return { dir, initdb: initdb!, postgres: postgres!, pgCtl: pgCtl! };
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid)
    throw new Error(
      'running as root, and there is no `postgres` user to own a PostgreSQL cluster (PostgreSQL refuses root)',
    );
  return { uid: Number(uid), gid: Number(gid) };
}

/** Connects as postgres until the server accepts queries ("the database system is starting up" passes). */
export async function waitForQueries(url: string, timeoutMs: number, abort?: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const aborted = abort?.();
    if (aborted) throw aborted;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface PrivateCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  adminUrl: string;
  port: number;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

const TEMP_PREFIX = 'commons-postgres-';

/**
 * Starts (after initdb when the directory is empty) a cluster in `<dataDir>/postgres`, or in a
 * temporary directory without dataDir. `settings` are extra `-c name=value` server settings.
 */
export async function startPrivateCluster(
  binaries: PostgresBinaries,
  opts: { dataDir?: string; log: ServiceLog; settings?: Record<string, string> },
): Promise<PrivateCluster> {
  const owner = clusterOwner();
  const temporary = !opts.dataDir;
  let tempRoot: string | undefined;
  let dir: string;
  if (opts.dataDir) {
    dir = path.resolve(opts.dataDir, 'postgres');
    // As root, the cluster's owner (postgres) must pass through DATA_DIR to reach its directory.
    fs.mkdirSync(opts.dataDir, { recursive: true });
    if (owner) fs.chmodSync(opts.dataDir, fs.statSync(opts.dataDir).mode | 0o011);
  } else {
    tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
    // The cluster's owner (postgres, when we are root) must reach its directory inside ours.
    fs.chmodSync(tempRoot, 0o755);
    registerTempDir(tempRoot);
    dir = path.join(tempRoot, 'data');
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
      opts.log(`creating a PostgreSQL cluster in ${dir} (initdb)...`);
      await run(
        binaries.initdb,
        [
          '-D',
          dir,
          '-U',
          'postgres',
          '--auth=trust',
          '--encoding=UTF8',
          '--locale=C',
          ...(temporary ? ['--no-sync'] : []),
        ],
        { ...asOwner, env: { ...process.env, LC_ALL: 'C' } },
      );
    }
    refuseRunningCluster(dir);

    const settings: Record<string, string> = {
      listen_addresses: LOOPBACK,
      unix_socket_directories: '',
      // FerretDB rewrites a whole row per update: the cluster we run keeps autovacuum on.
      autovacuum: 'on',
      ...opts.settings,
    };
    const launch = async (port: number): Promise<ManagedProcess> => {
      const args = [
        '-D',
        dir,
        '-p',
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ];
      const proc = spawnManaged('postgres', binaries.postgres, args, { watchdog: true, ...asOwner });
      const url = `postgres://postgres@${LOOPBACK}:${port}/postgres`;
      try {
        const abort = () => (proc.exitReason() ? new ChildExitedError() : undefined);
        await waitForPort(LOOPBACK, port, 60_000, { abort });
        await waitForQueries(url, 60_000, abort);
      } catch (error) {
        await proc.stop();
        if (error instanceof ChildExitedError)
          throw new ChildExitedError(describeEnd(proc, 'before accepting connections'), { cause: error });
        throw error;
      }
      // A fast shutdown (pg_ctl stop -m fast) first: the watchdog's SIGTERM alone would wait for clients.
      return {
        ...proc,
        stop: async (graceMs?: number) => {
          await run(binaries.pgCtl, ['stop', '-D', dir, '-m', 'fast', '-w', '-t', '20'], asOwner).catch(
            () => undefined,
          );
          await proc.stop(graceMs);
        },
      };
    };

    let proc: ManagedProcess | undefined;
    let port = 0;
    for (let attempt = 1; !proc; attempt++) {
      port = await freePort();
      try {
        proc = await launch(port);
      } catch (error) {
        if (attempt < 3 && /address already in use|could not bind/i.test(errorMessage(error))) continue;
        throw error;
      }
    }
    const supervised = supervise(proc, {
      label: `PostgreSQL on ${LOOPBACK}:${port}`,
      restart: () => launch(port),
      log: opts.log,
    });
    let stopped: Promise<void> | undefined;
    return {
      adminUrl: `postgres://postgres@${LOOPBACK}:${port}/postgres`,
      port,
      dir,
      pid: proc.pid,
      stop: () =>
        (stopped ??= (async () => {
          await supervised.stop();
          if (tempRoot) removeTempDir(tempRoot);
        })()),
    };
  } catch (error) {
    if (tempRoot) removeTempDir(tempRoot);
    throw error;
  }
}

/**
 * A cluster we started dies with us (watchdog), so a live postmaster in our directory belongs to
 * another process using the same DATA_DIR: never start a second server on it, nor stop it.
 */
function refuseRunningCluster(dir: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return; // stale pid file: PostgreSQL clears it
  }
  throw new Error(
    `a PostgreSQL server (pid ${pid}) already runs on ${dir}: another process uses this DATA_DIR; stop it first`,
  );
}

/**
 * Installs Debian's `postgresql` package, as `.ci/run` does, when we may: as root or with a sudo
 * that asks no password, where apt-get exists. Resolves false (with the reason logged) otherwise.
 */
export async function installPostgres(log: ServiceLog): Promise<string | null> {
  const aptGet = findExecutable('apt-get', ['/usr/bin/apt-get']);
  if (!aptGet) return 'no apt-get to install the postgresql package with';
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  let prefix: string[] = [];
  if (!root) {
    const sudo = findExecutable('sudo');
    if (!sudo) return 'not root and no sudo to install the postgresql package';
    try {
      await run(sudo, ['-n', 'true']);
    } catch {
      return 'sudo asks for a password; install the postgresql package yourself';
    }
    prefix = [sudo, '-n'];
  }
  const exec = (args: string[]) => {
    const [file, ...rest] = [...prefix, aptGet, ...args];
    return run(file!, rest, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  };
  log('installing PostgreSQL (apt-get install postgresql; a minute or two)...', 'warn');
  try {
    await exec(['update', '-qq']);
    await exec(['install', '-y', '-qq', '--no-install-recommends', 'postgresql']);
    return null;
  } catch (error) {
    return `apt-get install postgresql failed: ${errorMessage(error).split('\n').slice(0, 3).join(' ')}`;
  }
}
