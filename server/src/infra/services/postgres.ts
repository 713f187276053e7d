// The PostgreSQL under the FerretDB we start (FerretDB's PostgreSQL backend pushes filters and
// sorts down to SQL; its SQLite backend scans whole collections, see issue 24's figures in the
// README's "Capacity on small machines"). Resolved in this order:
//   1. FERRETDB_POSTGRESQL_URL, verified with a query (fails clearly when unreachable);
//   2. a PostgreSQL answering on 127.0.0.1:5432 that lets `postgres` in without a password:
//      its own database (`commons`; a throwaway `commons_test_<pid>_<hex>` for tests), created
//      when missing;
//   3. a private cluster started from the system's binaries (postgres-cluster.ts), installing
//      Debian's postgresql package first when we may and the binaries are missing;
//   4. null with what was tried: the caller falls back to SQLite and says what that costs.
// FERRETDB_BACKEND=sqlite skips all of it. Every database we hand out is tuned as
// `npm run ferretdb:tune-postgres` does (ferretdb-postgres.ts) before FerretDB connects.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { tuneFerretdbPostgres } from '../ferretdb-postgres.js';
import { LOOPBACK, canConnect } from './ports.js';
import { findPostgresBinaries, installPostgres, startPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
import { errorMessage, noStop, redactUrl, type ProvidedService, type ServiceLog } from './types.js';

export const DEFAULT_POSTGRES_PORT = 5432;

export interface ProvidePostgresOptions {
  log: ServiceLog;
  /** `npm start`: a private cluster lives in `<dataDir>/postgres`. Without it: throwaway data (tests). */
  dataDir?: string;
  /** Use a PostgreSQL answering on 127.0.0.1:5432. Default true. */
  probeDefaultPort?: boolean;
  /** Install Debian's postgresql package when no binaries are found. Default true. */
  allowInstall?: boolean;
}

export interface ProvidedPostgres extends ProvidedService {
  /** The database FerretDB stores into (each MongoDB database becomes a schema in it). */
  database: string;
  /** Adds the companion indexes of tables created since (after the platform built its indexes). */
  tune(): Promise<void>;
  /** At most this many connections for FerretDB's pool (`poolMaxConns`). */
  poolMaxConns: number;
}

/**
 * How many PostgreSQL connections one FerretDB may hold. FerretDB 1.24 opens up to 50 by default
 * (its `pool_max_conns`), but several FerretDBs often share one server (test files running side
 * by side, a bench, `npm start`), and PostgreSQL refuses every connection past `max_connections`
 * ("sorry, too many clients already"): under load that refused lab joins. A quarter of what the
 * server allows, at most 20 (more do not make a small machine's PostgreSQL faster; FerretDB
 * queues requests for a free connection instead of failing them); FERRETDB_PG_POOL_MAX_CONNS sets it.
 */
export function poolMaxConns(maxConnections: number, reserved: number, env: NodeJS.ProcessEnv = process.env): number {
  const set = Number(env.FERRETDB_PG_POOL_MAX_CONNS);
  if (Number.isInteger(set) && set > 0) return set;
  return Math.max(2, Math.min(20, Math.floor((maxConnections - reserved) / 4)));
}

/**
 * How many commands our launcher lets into FerretDB at once (its `-max-commands` gate). FerretDB
 * 1.24 updates a document while holding one pooled connection and waiting for a second: with as
 * many updates in flight as the pool holds, each waits for the others for good and the store
 * stops (tools/ferretdb/gate.go). Half the pool leaves room for cursors still open between batches.
 */
export function ferretdbCommandLimit(backendUrl: string): number {
  const pool = Number(new URL(backendUrl).searchParams.get('pool_max_conns'));
  return Math.max(1, Math.floor((Number.isInteger(pool) && pool > 0 ? pool : 50) / 2));
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The URL FerretDB gets: the database's, with its pool's size unless the URL sets one. On loopback,
 * without TLS unless the URL asks for it: pgx's default (`prefer`) encrypted every message between
 * two processes of the same machine, CPU the store's hot paths need.
 */
export function ferretdbPostgresUrl(postgres: Pick<ProvidedPostgres, 'url' | 'poolMaxConns'>): string {
  const u = new URL(postgres.url);
  if (!u.searchParams.has('pool_max_conns')) u.searchParams.set('pool_max_conns', String(postgres.poolMaxConns));
  if (LOOPBACK_HOSTS.has(u.hostname) && !u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

export type PostgresResolution = { postgres: ProvidedPostgres; tried: string[] } | { postgres: null; tried: string[] };

/** FERRETDB_BACKEND: `postgresql` (default: resolve as above) or `sqlite` (skip PostgreSQL). */
export function ferretdbBackend(env: NodeJS.ProcessEnv = process.env): 'postgresql' | 'sqlite' {
  const value = env.FERRETDB_BACKEND?.trim().toLowerCase() || 'postgresql';
  if (value !== 'postgresql' && value !== 'sqlite')
    throw new Error(`FERRETDB_BACKEND must be "postgresql" or "sqlite", not ${JSON.stringify(env.FERRETDB_BACKEND)}`);
  return value;
}

export async function providePostgres(opts: ProvidePostgresOptions): Promise<PostgresResolution> {
  const tried: string[] = [];
  if (ferretdbBackend() === 'sqlite')
    return { postgres: null, tried: ['PostgreSQL: skipped (FERRETDB_BACKEND=sqlite)'] };
  const test = !opts.dataDir;

  const envUrl = process.env.FERRETDB_POSTGRESQL_URL?.trim();
  if (envUrl) {
    try {
      await query(envUrl, 'SELECT 1');
    } catch (error) {
      throw new Error(
        `FERRETDB_POSTGRESQL_URL (${redactUrl(envUrl)}) does not answer: ${errorMessage(error)}. ` +
          'Start that PostgreSQL, correct FERRETDB_POSTGRESQL_URL, or unset it to let Commons find or start one.',
        { cause: error },
      );
    }
    const database = new URL(envUrl).pathname.slice(1) || 'postgres';
    return {
      postgres: await handOut(envUrl, database, 'env', `${redactUrl(envUrl)} (FERRETDB_POSTGRESQL_URL)`, opts, noStop),
      tried,
    };
  }
  tried.push('FERRETDB_POSTGRESQL_URL: not set');

  // Once `npm start` keeps its data in its own cluster, it stays there (a PostgreSQL that later
  // answers on 5432 must not start the platform on an empty database).
  const ownCluster = opts.dataDir && fs.existsSync(path.join(opts.dataDir, 'postgres', 'PG_VERSION'));
  const local = `${LOOPBACK}:${DEFAULT_POSTGRES_PORT}`;
  if (ownCluster) {
    tried.push(`${local}: not looked at (the data is in ${path.resolve(opts.dataDir!, 'postgres')})`);
  } else if (opts.probeDefaultPort === false) {
    tried.push(`${local}: not looked at (SERVICE_PORTS=free)`);
  } else if (await canConnect(LOOPBACK, DEFAULT_POSTGRES_PORT, 500)) {
    const adminUrl = `postgres://postgres@${local}/postgres`;
    try {
      await query(adminUrl, 'SELECT 1');
      if (test) await sweepTestDatabases(adminUrl);
      const database = test ? `commons_test_${process.pid}_${randomBytes(3).toString('hex')}` : 'commons';
      await createDatabase(adminUrl, database);
      const url = withPath(adminUrl, database);
      const drop = test ? () => dropDatabase(adminUrl, database) : noStop;
      return {
        postgres: await handOut(url, database, 'local', `PostgreSQL on ${local}, database ${database}`, opts, drop),
        tried,
      };
    } catch (error) {
      tried.push(`${local}: answers, but not to postgres without a password (${errorMessage(error)})`);
    }
  } else {
    tried.push(`${local}: nothing listening`);
  }

  let binaries = findPostgresBinaries();
  if (!binaries) {
    const why = opts.allowInstall === false ? 'installing is off' : await installPostgres(opts.log);
    binaries = findPostgresBinaries();
    if (!binaries) {
      tried.push(
        `PostgreSQL binaries (initdb, postgres, pg_ctl): not found on PATH or in /usr/lib/postgresql (${why ?? 'installed, yet not found'})`,
      );
      return { postgres: null, tried };
    }
  }
  let cluster: PrivateCluster;
  try {
    cluster = await startPrivateCluster(binaries, {
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      log: opts.log,
      // A test cluster's data is thrown away: durability costs it time and buys nothing.
      settings: test ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {},
    });
  } catch (error) {
    tried.push(`private PostgreSQL cluster (${binaries.dir}): ${errorMessage(error)}`);
    return { postgres: null, tried };
  }
  try {
    await createDatabase(cluster.adminUrl, 'commons');
    const url = withPath(cluster.adminUrl, 'commons');
    const where = `PostgreSQL on ${LOOPBACK}:${cluster.port} started from ${binaries.dir}, ${test ? 'temporary ' : ''}data in ${cluster.dir}`;
    return { postgres: await handOut(url, 'commons', 'embedded', where, opts, () => cluster.stop()), tried };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Servers already warned about autovacuum by this process: one warning each. */
const warnedAutovacuum = new Set<string>();

async function handOut(
  url: string,
  database: string,
  source: ProvidedService['source'],
  description: string,
  opts: ProvidePostgresOptions,
  stop: () => Promise<void>,
): Promise<ProvidedPostgres> {
  try {
    const report = await tuneFerretdbPostgres(url);
    if (!opts.dataDir && source === 'local')
      // Test data is thrown away: not waiting for each commit to reach the disk speeds every write.
      await query(url, `ALTER DATABASE ${quoteIdent(database)} SET synchronous_commit = off`);
    const server = new URL(url).host;
    if (!report.autovacuum && !warnedAutovacuum.has(server)) {
      warnedAutovacuum.add(server);
      opts.log(
        `PostgreSQL on ${server} runs with autovacuum off. FerretDB rewrites a whole row on every update, so dead ` +
          'rows pile up and every look-up slows down: turn it on (ALTER SYSTEM SET autovacuum = on; SELECT ' +
          'pg_reload_conf()) or run VACUUM (ANALYZE) on the database regularly.',
        'warn',
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const limits = await query(
    url,
    "SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved",
  ).catch(() => null);
  const row = limits?.rows[0] as { max: number; reserved: number } | undefined;
  return {
    url,
    database,
    poolMaxConns: poolMaxConns(row?.max ?? 100, row?.reserved ?? 3),
    source,
    description,
    stop,
    tune: async () => {
      const report = await tuneFerretdbPostgres(url);
      if (report.created.length)
        opts.log(`PostgreSQL tuned for FerretDB: ${report.created.length} companion indexes added (${database})`);
    },
  };
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function withPath(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function createDatabase(adminUrl: string, database: string): Promise<void> {
  const exists = await query(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${database.replace(/'/g, "''")}'`);
  if (exists.rowCount) return;
  await query(adminUrl, `CREATE DATABASE ${quoteIdent(database)}`).catch((error: unknown) => {
    // Another process created it meanwhile.
    if (!/already exists/.test(errorMessage(error))) throw error;
  });
}

async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await query(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
}

/** Drops test databases left by test runs that were killed (their process is gone). */
async function sweepTestDatabases(adminUrl: string): Promise<void> {
  const { rows } = await query(adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'commons\\_test\\_%'");
  for (const { datname } of rows as Array<{ datname: string }>) {
    const owner = Number(/^commons_test_(\d+)_/.exec(datname)?.[1]);
    if (!owner || owner === process.pid) continue;
    try {
      process.kill(owner, 0);
      continue; // its run is still going
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    await dropDatabase(adminUrl, datname).catch(() => undefined);
  }
}
