// npm run faults -- <name> [--members N] [--minutes M] [--sockets N] [--rate R] [--threads T]
//   [--processes P] [--seconds S] [--steps 1,2,3] [--table]
// Starts the local cluster (tests/support/cluster.ts: nginx in front of three server processes
// and two worker processes, with a redis-server and a FerretDB of the run's own), makes one fault,
// and appends what it measured to tests/results/faults.json. Figures, not assertions: a run on a
// shared machine reads its load with them. Every run ends by itself and stops what it started.
import { parseArgs } from 'node:util';
import { errorsIn } from '../support/processes.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { capacity, capacityTable } from './capacity.js';
import { machine, recordFault } from './common.js';
import { outage } from './outage.js';
import { serverKill } from './server-kill.js';
import { soak, SOAK_METRICS_TOKEN } from './soak.js';
import { workerKill } from './worker-kill.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    members: { type: 'string' },
    minutes: { type: 'string' },
    sockets: { type: 'string' },
    rate: { type: 'string' },
    threads: { type: 'string' },
    processes: { type: 'string' },
    seconds: { type: 'string' },
    steps: { type: 'string' },
    table: { type: 'boolean' },
  },
});
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
// Client processes for the sockets: the load generator must not be what delays deliveries.
const clientProcesses = num(values.processes, 4);

interface FaultOptions {
  members: number;
  minutes: number;
}
type Fault = (cluster: Cluster, opts: FaultOptions) => Promise<Record<string, unknown>>;

const faults: Record<string, { run: Fault; members: number; minutes?: number; env?: Record<string, string> }> = {
  'server-kill': { run: serverKill, members: 200 },
  'worker-kill': { run: workerKill, members: 60 },
  soak: {
    members: 0,
    minutes: 10,
    env: { METRICS_TOKEN: SOAK_METRICS_TOKEN },
    run: (c, o) =>
      soak(c, {
        minutes: o.minutes,
        sockets: num(values.sockets, 2000),
        postsPerSecond: num(values.rate, 20),
        threads: num(values.threads, 20),
        clientProcesses,
      }),
  },
  capacity: {
    members: 0,
    // Throughput, not behaviour: its loops post far faster than people do, which screening's
    // burst rule would hold (and not fan out), as the test platform lifts it too.
    env: { METRICS_TOKEN: SOAK_METRICS_TOKEN, SCREENING_BURST_HOLD: '100000', SCREENING_BURST_HIDE: '100000' },
    run: (c) =>
      capacity(c, {
        steps: (values.steps ?? '1,2,3').split(',').map(Number),
        sockets: num(values.sockets, 1000),
        seconds: num(values.seconds, 20),
        concurrency: 32,
        fanoutPosts: 30,
        clientProcesses,
      }),
  },
  'redis-restart': {
    members: 30,
    run: (c, o) =>
      outage(c, {
        members: o.members,
        downMs: 5_000,
        begin: () => c.redis.down(),
        end: () => c.redis.up(),
        cutSubscribers: true,
      }),
  },
  'redis-pause': {
    members: 30,
    run: (c, o) =>
      outage(c, { members: o.members, downMs: 10_000, begin: () => c.redis.pause(), end: () => c.redis.resume() }),
  },
  'store-stop': {
    members: 30,
    run: (c, o) =>
      outage(c, {
        members: o.members,
        downMs: 10_000,
        begin: () => void process.kill(c.storePid, 'SIGSTOP'),
        end: () => void process.kill(c.storePid, 'SIGCONT'),
      }),
  },
};

if (values.table) {
  console.log(capacityTable());
  process.exit();
}
const names = positionals.length ? positionals : [];
const unknown = names.filter((n) => !faults[n]);
if (!names.length || unknown.length) {
  console.error(
    `usage: npm run faults -- <${Object.keys(faults).join('|')}> [--members N] [--minutes M] [--sockets N] ` +
      '[--rate R] [--threads T] [--processes P] [--seconds S] [--steps 1,2,3] [--table]',
  );
  process.exit(2);
}

// A run may not outlive its time: whatever happens, the cluster is stopped.
// (25 minutes, or the asked minutes and a quarter of an hour more for a longer soak.)
const LIMIT_MINUTES = Number(process.env.FAULT_LIMIT_MINUTES ?? 25);

for (const name of names) {
  const fault = faults[name]!;
  const members = Number(values.members ?? fault.members);
  const minutes = Number(values.minutes ?? fault.minutes ?? 2);
  const limitMs = Math.max(LIMIT_MINUTES, minutes + 15) * 60_000;
  const before = machine();
  const startedAt = Date.now();
  const cluster = await startCluster(name, { env: fault.env ?? {} });
  // Ctrl-C or a SIGTERM stops what the run started (servers, workers, nginx, Redis, the store)
  // instead of leaving them running without it.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    console.error(`[faults] ${name}: ${signal}, stopping the cluster…`);
    void cluster.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  console.log(`[faults] ${name}: cluster up in ${Math.round((Date.now() - startedAt) / 1000)} s (${cluster.proxyUrl})`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const figures = await Promise.race([
      fault.run(cluster, { members, minutes }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not end within ${limitMs / 60_000} min`)), limitMs);
      }),
    ]);
    const outputs = cluster.outputs();
    const errors = outputs
      .filter((o) => o.name !== 'nginx')
      .flatMap((o) =>
        // Error lines only: warnings (a 503 while a dependency is away) are what a fault should give.
        errorsIn(o.output)
          .filter((line) => !/"level":(30|40)\b/.test(line))
          .map((line) => `${o.name}: ${line.slice(0, 300)}`),
      );
    recordFault(name, {
      ...figures,
      processWarnings: warningsByKind(outputs.filter((o) => o.name !== 'nginx').map((o) => o.output)),
      processErrorLines: errors.length,
      processErrorSample: errors.slice(0, 5),
      // nginx's own errors: a killed process's refused and cut connections are expected there.
      proxyErrorLines: errorsIn(outputs.find((o) => o.name === 'nginx')?.output ?? '').length,
      proxyErrorSample: errorsIn(outputs.find((o) => o.name === 'nginx')?.output ?? '')
        .slice(0, 5)
        .map((line) => line.slice(0, 300)),
      machineBefore: before,
      machineAfter: machine(),
    });
  } catch (err) {
    console.error(`[faults] ${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
    for (const o of cluster.outputs()) console.error(`--- ${o.name}\n${o.output.slice(-2000)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await cluster.stop();
  }
}
process.exit();

/** Warning lines of the processes counted by message and error (what answered 503, and why), most first. */
function warningsByKind(outputs: string[]): Array<{ warning: string; count: number }> {
  const counts = new Map<string, number>();
  for (const line of outputs.flatMap((o) => o.split('\n'))) {
    if (!/"level":40\b/.test(line)) continue;
    let kind = line.slice(0, 120);
    try {
      const row = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string }; code?: string };
      kind = [row.msg, row.code, row.err?.type, row.err?.message?.slice(0, 120)].filter(Boolean).join(' | ');
    } catch {
      // not JSON: counted by its start
    }
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([warning, count]) => ({ warning, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 8);
}
