// Capacity at 1, 2 and 3 server processes behind nginx (npm run faults -- capacity, or
// npm run bench:scale): for each step, another nginx in front of the first N servers of the
// cluster; 1,000 sockets (from client processes of their own, live-clients.ts) connect through it
// and so spread over those N; then
//  - posts per second: a closed loop of replies over 40 threads for `seconds`, and how long the
//    workers then took to screen and fan out what it left queued;
//  - fan-out: replies into the thread the 1,000 sockets sit in, 2 a second, each timed from its
//    send to its arrival at the last of the sockets (and at each).
// Results: tests/results/capacity.json (a list of runs, newest last); `--table` prints the newest
// as a README table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { queueNames } from '@commons/shared';
import { Queue } from 'bullmq';
import type { Cluster, Member } from '../support/cluster.js';
import { createThread, machine, percentile, round, signedInMembers } from './common.js';
import { histogramPercentile, now, startLivePool } from './live-pool.js';
import { sampleMetrics } from './soak.js';

const root = path.resolve(import.meta.dirname, '../..');
export const capacityFile = path.join(root, 'tests/results/capacity.json');
const SOCKETS_PER_MEMBER = 5;
const LOAD_THREADS = 40;

export interface CapacityOptions {
  steps: number[];
  sockets: number;
  seconds: number;
  concurrency: number;
  fanoutPosts: number;
  clientProcesses: number;
}

interface Step {
  servers: number;
  postsPerSecond: number;
  postP50Ms: number;
  postP99Ms: number;
  postStatuses: Record<string, number>;
  queuedAfterPosting: number;
  drainSeconds: number | null;
  fanout: {
    sockets: number;
    socketsPerServer: (number | null)[];
    posts: number;
    toLastP50Ms: number;
    toLastP99Ms: number;
    toEachP50Ms: number;
    toEachP99Ms: number;
    missedLive: number;
    lostAfterCatchUp: number;
  };
  serverRssMiB: (number | null)[];
}

async function forgetPostingBudgets(cluster: Cluster): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await cluster.admin.scan(cursor, 'MATCH', `${cluster.prefix}:rl:forum-*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await cluster.admin.del(...keys);
  } while (cursor !== '0');
}

function postTo(base: string, origin: string, who: Member, threadId: string, body: string) {
  return fetch(`${base}/api/threads/${threadId}/posts`, {
    method: 'POST',
    headers: { cookie: who.c.cookieHeader(), origin, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
    signal: AbortSignal.timeout(30_000),
  });
}

export async function capacity(cluster: Cluster, opts: CapacityOptions): Promise<Record<string, unknown>> {
  const memberCount = Math.max(400, Math.ceil(opts.sockets / SOCKETS_PER_MEMBER));
  console.log(`[faults] capacity: signing in ${memberCount} members…`);
  const people = await signedInMembers(cluster, memberCount, 'Capacity Member');
  const loadThreads: string[] = [];
  for (let t = 0; t < LOAD_THREADS; t++) loadThreads.push(await createThread(people[t]!, `Capacity load ${t}`));
  const fanoutThread = await createThread(people[0]!, 'Capacity fan-out');
  const queues = [queueNames.moderation, queueNames.notifications].map(
    (name) => new Queue(name, { connection: { url: cluster.redis.url }, prefix: `${cluster.prefix}:bull` }),
  );
  const queued = async () => {
    let n = 0;
    for (const q of queues) {
      // Not 'delayed': instant mails wait out their gathering window (2 min) whatever the load.
      const c = await q.getJobCounts('waiting', 'active', 'prioritized');
      n += Object.values(c).reduce((a, x) => a + x, 0);
    }
    return n;
  };
  const steps: Step[] = [];
  try {
    for (const servers of opts.steps) {
      const proxy = await cluster.proxyOf(servers);
      const pool = startLivePool(opts.clientProcesses);
      try {
        const sockets = Array.from({ length: opts.sockets }, (_, i) => ({
          cookie: people[Math.floor(i / SOCKETS_PER_MEMBER) % people.length]!.c.cookieHeader(),
          threadId: fanoutThread,
        }));
        const opened = await pool.connect(proxy.url, sockets);
        const spread = await Promise.all(cluster.servers.map((s) => sampleMetrics(s.url)));
        console.log(
          `[faults] capacity: ${servers} server(s): ${opened.connected} sockets (${spread
            .map((s) => s?.sockets ?? '?')
            .join(' / ')} per server); posting for ${opts.seconds} s…`,
        );

        // Posts per second: a closed loop, `concurrency` replies in flight, over the load threads.
        await forgetPostingBudgets(cluster);
        const statuses: Record<string, number> = {};
        const postMs: number[] = [];
        let accepted = 0;
        let k = 0;
        const started = Date.now();
        const until = started + opts.seconds * 1000;
        const budgets = setInterval(() => void forgetPostingBudgets(cluster).catch(() => undefined), 5_000);
        await Promise.all(
          Array.from({ length: opts.concurrency }, async () => {
            while (Date.now() < until) {
              const n = k++;
              const t0 = now();
              try {
                const res = await postTo(
                  proxy.url,
                  cluster.proxyUrl,
                  people[n % people.length]!,
                  loadThreads[n % LOAD_THREADS]!,
                  `Capacity reply ${servers}/${n}`,
                );
                await res.arrayBuffer();
                statuses[res.status] = (statuses[res.status] ?? 0) + 1;
                if (res.status === 201) accepted += 1;
              } catch {
                statuses.network = (statuses.network ?? 0) + 1;
              }
              postMs.push(now() - t0);
            }
          }),
        );
        clearInterval(budgets);
        const seconds = (Date.now() - started) / 1000;
        const queuedAfterPosting = await queued();
        const drainStarted = Date.now();
        let drainSeconds: number | null = null;
        while (Date.now() - drainStarted < 180_000) {
          if ((await queued()) === 0) {
            drainSeconds = round((Date.now() - drainStarted) / 1000, 1);
            break;
          }
          await delay(500);
        }

        // Fan-out: replies into the sockets' thread, 2 a second, each timed to the last socket.
        await forgetPostingBudgets(cluster);
        await pool.reset();
        const sentAt = new Map<string, number>();
        const seqs: number[] = [];
        for (let i = 0; i < opts.fanoutPosts; i++) {
          const t0 = now();
          const res = await postTo(
            proxy.url,
            cluster.proxyUrl,
            people[(i * 7) % people.length]!,
            fanoutThread,
            `Fan-out ${servers}/${i} t=${t0.toFixed(1)}`,
          );
          if (res.status === 201) {
            const body = (await res.json()) as { post: { id: string; seq: number } };
            sentAt.set(body.post.id, t0);
            seqs.push(body.post.seq);
          } else await res.arrayBuffer();
          await delay(Math.max(0, 500 - (now() - t0)));
        }
        await delay(5_000);
        const live = await pool.report({ [fanoutThread]: seqs });
        const toLast = [...sentAt].map(([id, t0]) => {
          const got = live.perPost.get(id);
          return got ? got[1] - t0 : Number.POSITIVE_INFINITY;
        });
        const rss = await Promise.all(cluster.servers.map((s) => sampleMetrics(s.url)));
        const step: Step = {
          servers,
          postsPerSecond: round(accepted / seconds, 1),
          postP50Ms: round(percentile(postMs, 50), 1),
          postP99Ms: round(percentile(postMs, 99), 1),
          postStatuses: statuses,
          queuedAfterPosting,
          drainSeconds,
          fanout: {
            sockets: opened.connected,
            socketsPerServer: spread.slice(0, servers).map((s) => s?.sockets ?? null),
            posts: sentAt.size,
            toLastP50Ms: round(percentile(toLast, 50), 1),
            toLastP99Ms: round(percentile(toLast, 99), 1),
            toEachP50Ms: histogramPercentile(live.histogram, 50),
            toEachP99Ms: histogramPercentile(live.histogram, 99),
            missedLive: live.missedLive,
            lostAfterCatchUp: live.missedAfterCatchUp,
          },
          serverRssMiB: rss.slice(0, servers).map((s) => s?.rssMiB ?? null),
        };
        console.log(`[faults] capacity: ${JSON.stringify(step)}`);
        steps.push(step);
      } finally {
        pool.stop();
        await proxy.stop();
      }
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
  const run = {
    at: new Date().toISOString(),
    sockets: opts.sockets,
    seconds: opts.seconds,
    concurrency: opts.concurrency,
    clientProcesses: opts.clientProcesses,
    workers: cluster.workers.length,
    steps,
  };
  const all = existsSync(capacityFile) ? (JSON.parse(readFileSync(capacityFile, 'utf8')) as unknown[]) : [];
  writeFileSync(capacityFile, `${JSON.stringify([...all, { ...run, machineAfter: machine() }], null, 2)}\n`);
  return run;
}

/** The newest capacity run as a README table. */
export function capacityTable(): string {
  if (!existsSync(capacityFile)) return 'No capacity run yet: npm run faults -- capacity';
  const runs = JSON.parse(readFileSync(capacityFile, 'utf8')) as Array<{
    at: string;
    sockets: number;
    seconds: number;
    steps: Step[];
    machineAfter?: { load1: number };
  }>;
  const run = runs.at(-1)!;
  const rows = run.steps.map((s) =>
    [
      s.servers,
      s.postsPerSecond,
      `${s.postP50Ms} / ${s.postP99Ms}`,
      s.drainSeconds === null
        ? `> 180 (${s.queuedAfterPosting} queued)`
        : `${s.drainSeconds} (${s.queuedAfterPosting} queued)`,
      `${s.fanout.toLastP50Ms} / ${s.fanout.toLastP99Ms}`,
      `${s.fanout.toEachP50Ms} / ${s.fanout.toEachP99Ms}`,
      s.fanout.socketsPerServer.join(' / '),
      s.fanout.lostAfterCatchUp,
    ].join(' | '),
  );
  return [
    `Run of ${run.at} (${run.sockets} sockets, ${run.seconds} s of posting per step${run.machineAfter ? `, load average after ${run.machineAfter.load1}` : ''}):`,
    '',
    '| servers | posts/s | post p50 / p99 ms | queue drained in s | post → last socket p50 / p99 ms | post → each socket p50 / p99 ms | sockets per server | lost |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
