import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provideServices } from '@commons/server/infra/services/index';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { tuneFerretdbPostgres } from '@commons/server/infra/ferretdb-postgres';
import pg from 'pg';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface BenchServer {
  url: string;
  pid: number;
  mongoUri: string;
  stop(): Promise<void>;
}

export interface BenchEnv {
  mongoUri: string;
  redisUrl: string;
  smtpUrl: string;
  prefix: string;
  secret: string;
  /** A server process; `root`: another checkout (built) to measure against this one in the same run. */
  startServer(extraEnv?: Record<string, string>, root?: string): Promise<BenchServer>;
  /** A workers-only process (workers/dist/main.js) against the same services. */
  startWorkers(extraEnv?: Record<string, string>): Promise<{ pid: number; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * Services as the tests get them: FerretDB on PostgreSQL as `npm start` resolves it (a throwaway
 * database on 127.0.0.1:5432, else a private cluster), or on SQLite with FERRETDB_BACKEND=sqlite
 * (BENCH_FERRETDB_BACKEND=sqlite says the same), or MONGODB_URI; and server processes started
 * from the built code, so each process's memory and CPU are its own.
 */
export async function benchEnv(name: string): Promise<BenchEnv> {
  if (process.env.BENCH_FERRETDB_BACKEND === 'sqlite') process.env.FERRETDB_BACKEND = 'sqlite';
  const services = await provideServices({
    mode: 'test',
    dataDir: path.join(repoRoot, '.data'),
    log: (l) => console.log(`[services] ${l}`),
    // Its own FerretDB: whatever answers on 27017 (another instance's store) is not the one measured.
    probeMongoPort: false,
  });
  benchPostgresUrl = services.postgresUrl ?? null;
  benchStore = services.postgresUrl
    ? `FerretDB 1.24 (PostgreSQL backend${process.env.BENCH_PG_TUNE === '0' ? ', untuned' : ', tuned as npm start tunes it'})`
    : services.storeBackend === 'sqlite'
      ? 'FerretDB 1.24 (SQLite backend)'
      : 'MONGODB_URI';
  await tuneBenchStore();
  const db = `bench_${name}_${randomBytes(3).toString('hex')}`;
  const uri = new URL(services.mongoUri);
  uri.pathname = `/${db}`;
  const mongoUri = uri.toString();
  const prefix = `bench:${db}`;
  const secret = randomBytes(32).toString('hex');
  const children: ChildProcess[] = [];
  // A bench that throws half-way must not leave its server processes running.
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  });
  return {
    mongoUri,
    redisUrl: services.redisUrl,
    smtpUrl: services.smtpUrl,
    prefix,
    secret,
    async startServer(extraEnv = {}, root = repoRoot) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [...childNodeArgs(), path.join(root, 'server/dist/main.js')], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: url,
          MONGODB_URI: mongoUri,
          REDIS_URL: services.redisUrl,
          SMTP_URL: services.smtpUrl,
          REDIS_PREFIX: prefix,
          SESSION_SECRET: secret,
          LOG_LEVEL: 'warn',
          // Bench members sign up and post at once (no mailbox to confirm an address from).
          EMAIL_VERIFICATION: 'false',
          ...extraEnv,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      // A loaded 2-core machine may take a minute to build the indexes before listening.
      await waitForPort('127.0.0.1', port, 180_000);
      // The server has built every model's indexes by now: give them their PostgreSQL companions.
      await tuneBenchStore();
      return {
        url,
        pid: child.pid!,
        mongoUri,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    },
    async startWorkers(extraEnv = {}) {
      const child = spawn(process.execPath, [...childNodeArgs(), path.join(repoRoot, 'workers/dist/main.js')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          MONGODB_URI: mongoUri,
          REDIS_URL: services.redisUrl,
          SMTP_URL: services.smtpUrl,
          REDIS_PREFIX: prefix,
          SESSION_SECRET: secret,
          LOG_LEVEL: 'warn',
          // Bench members sign up and post at once (no mailbox to confirm an address from).
          EMAIL_VERIFICATION: 'false',
          ...extraEnv,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return {
        pid: child.pid!,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    },
    async stop() {
      await stopVacuumer();
      for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
      await services.stop();
    },
  };
}

/**
 * On FerretDB-on-PostgreSQL, what an operator does with `npm run ferretdb:tune-postgres`
 * (server/src/infra/ferretdb-postgres.ts): GIN companions of FerretDB's indexes and custom plans.
 * Run once on the empty database (before FerretDB connects, so its connections get the plan
 * mode) and again once tables and indexes exist. BENCH_PG_TUNE=0 measures the untuned store.
 */
export async function tuneBenchStore(): Promise<void> {
  startVacuumer();
  const url = postgresUrl();
  if (!url || process.env.BENCH_PG_TUNE === '0') return;
  const report = await tuneFerretdbPostgres(url);
  console.log(
    `[services] PostgreSQL tuned for FerretDB: ${report.created.length} companion indexes added, ${report.existing} there`,
  );
}

let vacuumer: { stop(): Promise<void> } | null = null;
/** For results files: how the bench store's dead rows were cleaned. */
export const storeMaintenance = { vacuum: 'PostgreSQL autovacuum' };

/**
 * FerretDB rewrites a whole row on every update, so its tables depend on autovacuum. Where the
 * PostgreSQL server has autovacuum turned off (this machine's does), the bench vacuums the
 * database every 20 s instead, as a default PostgreSQL would, so the figures are not those of a
 * table that only grows dead rows. Stopped by stopVacuumer (benchEnv's stop).
 */
function startVacuumer(): void {
  const url = postgresUrl();
  if (vacuumer || !url) return;
  const client = new pg.Client({ connectionString: url });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const ready = client.connect().then(async () => {
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    if (rows[0]?.autovacuum === 'on') return;
    console.log('[services] PostgreSQL autovacuum is off here: the bench vacuums every 20 s');
    storeMaintenance.vacuum = 'autovacuum off on this server: the bench ran VACUUM (ANALYZE) every 20 s';
    timer = setInterval(() => {
      running = client.query('VACUUM (ANALYZE)').catch(() => undefined);
    }, 20_000);
  });
  vacuumer = {
    async stop() {
      await ready.catch(() => undefined);
      if (timer) clearInterval(timer);
      await running;
      await client.end().catch(() => undefined);
    },
  };
}

export async function stopVacuumer(): Promise<void> {
  await vacuumer?.stop();
  vacuumer = null;
}

let benchPostgresUrl: string | null = null;
let benchStore = 'MONGODB_URI';

/** The PostgreSQL database under the bench's FerretDB (or FERRETDB_POSTGRESQL_URL set by a bench itself). */
function postgresUrl(): string | undefined {
  return benchPostgresUrl ?? process.env.FERRETDB_POSTGRESQL_URL;
}

/** What the bench measured on, for its results file. */
export function storeLabel(): string {
  return benchStore;
}

/**
 * Extra node flags for the server and workers processes, e.g. BENCH_CHILD_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to see where their CPU goes (node refuses --cpu-prof in NODE_OPTIONS).
 */
function childNodeArgs(): string[] {
  return (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(latenciesMs: number[]): { count: number; median: number; p95: number; p99: number } {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { count: s.length, median: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)) };
}

/** Runs `connections` loops of `once` for `seconds`, timing each call. */
export async function closedLoop(
  connections: number,
  seconds: number,
  once: (worker: number, i: number) => Promise<void>,
) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        try {
          await once(worker, i);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { ...summarize(latencies), perSecond: Math.round(latencies.length / seconds), errors };
}

/** CPU time (user + system, ms) of every process on the machine now, by pid, with its name. */
function cpuByPid(): Map<number, { name: string; ms: number }> {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const out = new Map<number, { name: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The name sits in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(entry), { name, ms: (Number(fields[11]) + Number(fields[12])) * tick });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Where the machine's CPU went from the meter's making (or its restart()) to read(), by process:
 * the named pids under their labels, every other process under its name (postgres backends
 * summed, FerretDB, Redis), this bench's own process as `bench`. Divided by `per`, it says what one action costs the
 * whole machine, which is what caps a 2-core machine's rate.
 */
export function cpuMeter(labels: Record<string, number>) {
  let before = cpuByPid();
  return {
    restart() {
      before = cpuByPid();
    },
    read(per: number): { totalMsPerAction: number; msPerAction: Record<string, number> } {
      const after = cpuByPid();
      const named = new Map(Object.entries(labels).map(([label, pid]) => [pid, label]));
      named.set(process.pid, 'bench');
      const sums: Record<string, number> = {};
      for (const [pid, now] of after) {
        const was = before.get(pid)?.ms ?? 0;
        const used = now.ms - was;
        if (used <= 0) continue;
        const label = named.get(pid) ?? now.name;
        sums[label] = (sums[label] ?? 0) + used;
      }
      const round = (ms: number) => Math.round((ms / per) * 10) / 10;
      const msPerAction = Object.fromEntries(
        Object.entries(sums)
          .filter(([, ms]) => ms / per >= 0.1)
          .sort((a, b) => b[1] - a[1])
          .map(([label, ms]) => [label, round(ms)]),
      );
      return { totalMsPerAction: round(Object.values(sums).reduce((a, b) => a + b, 0)), msPerAction };
    },
  };
}

/** Resident memory of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function writeResults(file: string, results: object): string {
  const dir = path.join(repoRoot, 'tests/results');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, file);
  writeFileSync(
    out,
    JSON.stringify({ measuredAt: new Date().toISOString(), machine: machineFacts(), ...results }, null, 2) + '\n',
  );
  return out;
}

function machineFacts() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}
