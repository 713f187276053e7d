// The local cluster shape of deploy/compose.scale.yml, with real processes: Debian's nginx on
// loopback (the deployed proxy settings, deploy/nginx/proxy.conf) in front of several
// `node server/dist/main.js`, and worker processes, on one Redis prefix and one store.
// tests/platform/multinode.test.ts uses its nginx config; tests/faults/run.ts (npm run faults)
// starts the whole of it, with a redis-server and a FerretDB of its own so a fault run can
// restart or pause them without touching anything else on the machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { provideServices, type SmtpSink } from '@commons/server/infra/services/index';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { Redis } from 'ioredis';
import { TestClient } from './http.js';
import { entry, start, startCommand, type Started } from './processes.js';

const root = path.resolve(import.meta.dirname, '../..');
export const PASSWORD = 'maple-lantern-harbor-41';

/**
 * nginx's main file around the deployed proxy settings, with the given processes as upstreams.
 * Each proxied socket holds two connections (the client's and the upstream's): the soak's 2,000
 * sockets and its replies in flight passed 4,096 ("worker_connections are not enough"), and the
 * replies refused that way counted as lost.
 */
export function proxyConfig(dir: string, port: number, upstreams: number[]): string {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub), { recursive: true });
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
worker_rlimit_nofile 16384;
http {
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream commons {
${upstreams.map((u) => `    server 127.0.0.1:${u} max_fails=2 fail_timeout=5s;`).join('\n')}
    keepalive 16;
  }
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    access_log off;
    location / { include ${root}/deploy/nginx/proxy.conf; }
  }
}
`;
}

/** Starts nginx (daemon off) with `proxyConfig` under `dir`, after checking the file. */
export function startNginx(dir: string, port: number, upstreams: number[]): Started {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => existsSync(file));
  if (!nginx) throw new Error('nginx is missing: apt-get install nginx-light (CI installs it).');
  mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, proxyConfig(dir, port, upstreams));
  const args = ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')];
  execFileSync(nginx, ['-t', '-q', ...args]);
  return startCommand(nginx, args, process.env);
}

/** A redis-server of the run's own on a free loopback port, with an append-only file so a restart keeps its data. */
export interface OwnRedis {
  url: string;
  port: number;
  pid(): number;
  /** SIGTERM (it writes its file and exits); `up` starts it again on the same port and folder. */
  down(): Promise<void>;
  up(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

async function startOwnRedis(dir: string): Promise<OwnRedis> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    await waitForPort('127.0.0.1', port, 10_000);
  };
  const halt = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const ended = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    await ended;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => proc.pid!,
    down: halt,
    up: launch,
    pause: () => proc.kill('SIGSTOP'),
    resume: () => proc.kill('SIGCONT'),
    stop: halt,
  };
}

export interface Member {
  c: TestClient;
  id: string;
  name: string;
  email: string;
}

export interface Cluster {
  proxyUrl: string;
  servers: { url: string; port: number; run: Started }[];
  workers: Started[];
  /** Each workers process's health listener (/healthz, /readyz, and /metrics with METRICS_TOKEN). */
  workerUrls: string[];
  redis: OwnRedis;
  /** A client of the run's Redis (keys under `prefix`). */
  admin: Redis;
  prefix: string;
  mongoUri: string;
  /** FerretDB's process id, to stop and continue it. */
  storePid: number;
  sink: SmtpSink;
  member(name: string): Promise<Member>;
  members(count: number, label: string): Promise<Member[]>;
  startServer(i: number): Promise<void>;
  startWorker(i: number): Promise<void>;
  /** Another nginx in front of the first `count` servers only (the capacity run's steps). */
  proxyOf(count: number): Promise<{ url: string; stop(): Promise<void> }>;
  /** Another built script (a CLI) with the processes' environment. */
  run(script: string, args: string[]): Started;
  /** Every process's output, for errors after a run. */
  outputs(): { name: string; output: string }[];
  stop(): Promise<void>;
}

/** nginx's error lines (warnings about a killed process are expected and left out). */
function nginxErrors(file: string): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /\[(error|crit|alert|emerg)\]/.test(line))
    .map((line) => `Error: ${line}`)
    .join('\n');
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await delay(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export async function startCluster(
  name: string,
  opts: { servers?: number; workers?: number; env?: Record<string, string>; log?: (line: string) => void } = {},
): Promise<Cluster> {
  for (const file of [entry.server, entry.workers]) {
    if (!existsSync(file)) throw new Error(`Build first: npm run build (${file} is missing).`);
  }
  const log = opts.log ?? ((line: string) => console.log(line));
  const dataDir = mkdtempSync(path.join(tmpdir(), `commons-${name}-`));
  let storeLine = '';
  const services = await provideServices({
    mode: 'test',
    dataDir: path.join(dataDir, 'services'),
    log: (line) => {
      if (/FerretDB .*pid \d+/.test(line)) storeLine = line;
      if (!line.startsWith('mail to')) log(`[services] ${line}`);
    },
    probeMongoPort: false,
  });
  const storePid = Number(/pid (\d+)/.exec(storeLine)?.[1] ?? 0);
  if (!storePid) throw new Error(`no FerretDB of the run's own (${storeLine || 'no store line'})`);
  if (!services.sink) throw new Error('no SMTP sink of the run’s own');
  const redis = await startOwnRedis(path.join(dataDir, 'redis'));
  log(`[services] redis-server of the run on ${redis.url}, pid ${redis.pid()}`);
  const admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  admin.on('error', () => undefined);
  const db = `faults_${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
  const mongoUri = services.mongoUri.replace(/^(mongodb:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${db}`);
  const prefix = `faults:${db}`;
  const secret = randomBytes(32).toString('hex');
  const proxyPort = await freePort();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_URI: mongoUri,
    REDIS_URL: redis.url,
    SMTP_URL: services.smtpUrl,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: secret,
    DATA_DIR: path.join(dataDir, 'data'),
    PUBLIC_URL: proxyUrl,
    TRUST_PROXY: '1',
    SEED_DEMO: 'false',
    WORKER_NICE: '0',
    EMAIL_VERIFICATION: 'false',
    ...opts.env,
    ...extra,
  });

  const ports = await Promise.all(Array.from({ length: opts.servers ?? 3 }, () => freePort()));
  const servers: Cluster['servers'] = [];
  const workers: Started[] = [];
  const launchServer = (i: number) => {
    const port = ports[i]!;
    servers[i] = {
      url: `http://127.0.0.1:${port}`,
      port,
      run: start(entry.server, [], env({ PORT: String(port), HOST: '127.0.0.1' })),
    };
  };
  const workerPorts = await Promise.all(Array.from({ length: opts.workers ?? 2 }, () => freePort()));
  const launchWorker = (i: number) => {
    const health = String(workerPorts[i]!);
    workers[i] = start(entry.workers, [], env({ LOG_LEVEL: 'info', WORKER_HEALTH_PORT: health }), /workers running/);
  };
  const extraProxies: Started[] = [];
  // The first server alone creates the indexes; the others then start on a built store.
  launchServer(0);
  await waitFor(() => answers(servers[0]!.url), 240_000, 'first server ready');
  for (let i = 1; i < ports.length; i++) launchServer(i);
  for (let i = 0; i < (opts.workers ?? 2); i++) launchWorker(i);
  const nginx = startNginx(path.join(dataDir, 'nginx'), proxyPort, ports);
  await Promise.all(workers.map((w) => w.ready));
  await waitFor(
    async () => (await Promise.all([...servers.map((s) => s.url), proxyUrl].map(answers))).every(Boolean),
    240_000,
    'every server ready through the proxy',
  );
  await services.tuneStore();

  let n = 0;
  const member = async (label: string): Promise<Member> => {
    const c = new TestClient(proxyUrl);
    const email = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${++n}.${Date.now()}@example.org`;
    for (let attempt = 0; ; attempt++) {
      const res = await c.post('/api/auth/register', { email, password: PASSWORD, displayName: label });
      if (res.status === 201) return { c, id: res.body.user.id as string, name: label, email };
      if (res.status !== 429 || attempt > 5) throw new Error(`register failed: ${res.status} ${res.text}`);
      await forgetRegistrations();
    }
  };
  // Registration allows 20 an hour from one address, and every member here comes from loopback.
  const forgetRegistrations = async () => {
    const limits = await admin.keys(`${prefix}:rl:register-ip:*`);
    if (limits.length) await admin.del(...limits);
  };
  const children = (): Started[] => [...servers.map((s) => s.run), ...workers, nginx, ...extraProxies];
  return {
    proxyUrl,
    servers,
    workers,
    workerUrls: workerPorts.map((port) => `http://127.0.0.1:${port}`),
    redis,
    admin,
    prefix,
    mongoUri,
    storePid,
    sink: services.sink,
    member,
    async members(count, label) {
      const people: Member[] = [];
      for (let i = 0; i < count; i += 10) {
        await forgetRegistrations();
        const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) => member(`${label} ${i + j}`));
        people.push(...(await Promise.all(batch)));
      }
      return people;
    },
    async startServer(i) {
      launchServer(i);
      await waitFor(() => answers(servers[i]!.url), 120_000, `server ${i} ready again`);
    },
    async startWorker(i) {
      launchWorker(i);
      await workers[i]!.ready;
    },
    async proxyOf(count) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const proxy = startNginx(path.join(dataDir, `nginx-${count}-${port}`), port, ports.slice(0, count));
      extraProxies.push(proxy);
      await waitFor(() => answers(url), 30_000, `a proxy in front of ${count} servers`);
      return {
        url,
        async stop() {
          proxy.child.kill('SIGTERM');
          await Promise.race([proxy.ended, delay(10_000)]);
        },
      };
    },
    run: (script, args) => start(script, args, env({ LOG_LEVEL: 'info' })),
    outputs: () => [
      ...servers.map((s, i) => ({ name: `server ${i}`, output: s.run.output() })),
      ...workers.map((w, i) => ({ name: `workers ${i}`, output: w.output() })),
      { name: 'nginx', output: nginxErrors(path.join(dataDir, 'nginx', 'error.log')) },
    ],
    async stop() {
      try {
        process.kill(storePid, 'SIGCONT');
      } catch {
        // gone already
      }
      redis.resume();
      const running = children().filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      for (const r of running) r.child.kill('SIGTERM');
      await Promise.race([Promise.all(running.map((r) => r.ended)), delay(15_000)]);
      for (const r of running) r.child.kill('SIGKILL');
      admin.disconnect();
      await redis.stop();
      await services.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
