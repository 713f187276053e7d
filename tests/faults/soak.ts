// A soak through nginx (default: 10 minutes, 2,000 sockets, 20 replies a second over 20 threads):
// members' sockets, in client processes of their own (live-clients.ts), sit in the threads' rooms
// while replies arrive at a steady rate. Every 10 s each server's and each workers process's
// resident memory and event-loop lag (their own /metrics), and at the end the slope of both after
// the first minute, replies accepted and refused, deliveries, and what each socket missed.
import { setTimeout as delay } from 'node:timers/promises';
import type { Cluster, Member } from '../support/cluster.js';
import { createThread, percentile, restrictedSeqs, round, signedInMembers, warningsOf } from './common.js';
import { histogramPercentile, now, startLivePool } from './live-pool.js';

export const SOAK_METRICS_TOKEN = 'soak-metrics-token-of-the-run';
/** Sockets per signed-in member (a member with a few tabs and devices). */
const SOCKETS_PER_MEMBER = 5;
const BURST_WINDOW_SECONDS = 300;
const POSTS_PER_WINDOW = 4;

export interface SoakOptions {
  minutes: number;
  sockets: number;
  postsPerSecond: number;
  threads: number;
  clientProcesses: number;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den ? num / den : 0;
}

export async function sampleMetrics(
  url: string,
): Promise<{ rssMiB: number; lagP99Ms: number; sockets: number } | null> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${SOAK_METRICS_TOKEN}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (res.status !== 200) return null;
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} ([\\d.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
    return {
      rssMiB: round(value('commons_process_resident_memory_bytes') / 2 ** 20, 1),
      lagP99Ms: round(value('commons_nodejs_eventloop_lag_p99_seconds') * 1000, 1),
      sockets: value('commons_sockets_connected'),
    };
  } catch {
    return null;
  }
}

export async function soak(cluster: Cluster, opts: SoakOptions): Promise<Record<string, unknown>> {
  const { sockets, postsPerSecond: rate, threads: threadCount } = opts;
  // As many posters as members posting at a person's pace would be: at most 4 replies each in
  // 5 minutes, under screening's burst rule (an 8th within 5 minutes is held, SCREENING_BURST_HOLD),
  // which holds a member posting faster before anyone sees it, as it should.
  const posterCount = Math.ceil((rate * BURST_WINDOW_SECONDS) / POSTS_PER_WINDOW);
  const memberCount = Math.max(posterCount, Math.ceil(sockets / SOCKETS_PER_MEMBER));
  console.log(`[faults] soak: signing in ${memberCount} members…`);
  const people = await signedInMembers(cluster, memberCount, 'Soak Member');
  const posters = people.slice(0, posterCount);
  const threadIds: string[] = [];
  for (let t = 0; t < threadCount; t++) threadIds.push(await createThread(people[t % people.length]!, `Soak ${t}`));

  const pool = startLivePool(opts.clientProcesses);
  try {
    // Socket i belongs to member i / SOCKETS_PER_MEMBER and sits in thread i % threads.
    const wanted = Array.from({ length: sockets }, (_, i) => ({
      cookie: people[Math.floor(i / SOCKETS_PER_MEMBER) % people.length]!.c.cookieHeader(),
      threadId: threadIds[i % threadCount]!,
    }));
    const opened = await pool.connect(cluster.proxyUrl, wanted);
    console.log(
      `[faults] soak: ${opened.connected} sockets (${opened.failed} failed) in ${threadCount} threads from ` +
        `${opts.clientProcesses} processes; ${rate} replies a second for ${opts.minutes} min`,
    );

    const processes = [
      ...cluster.servers.map((s, i) => ({ name: `server ${i}`, url: s.url })),
      ...cluster.workerUrls.map((url, i) => ({ name: `workers ${i}`, url })),
    ];
    const samples: { t: number; process: string; rssMiB: number; lagP99Ms: number; sockets: number }[] = [];
    const started = Date.now();
    const until = started + opts.minutes * 60_000;
    const statuses: Record<string, number> = {};
    const postMs: number[] = [];
    const accepted: Record<string, number[]> = Object.fromEntries(threadIds.map((id) => [id, []]));
    let posted = 0;
    let behind = 0;
    const sampling = (async () => {
      while (Date.now() < until) {
        const got = await Promise.all(processes.map((p) => sampleMetrics(p.url)));
        const t = (Date.now() - started) / 60_000;
        got.forEach((g, i) => g && samples.push({ t, process: processes[i]!.name, ...g }));
        await delay(Math.min(10_000, Math.max(0, until - Date.now())));
      }
    })();
    // Open loop at the asked rate: a slow answer does not slow the next reply, but no more than
    // 200 wait at once (past that the run records how many it skipped rather than piling up).
    const inFlight = new Set<Promise<void>>();
    for (let k = 0; Date.now() < until; k++) {
      const due = started + (k * 1000) / rate;
      if (due > Date.now()) await delay(due - Date.now());
      if (inFlight.size >= 200) {
        behind += 1;
        continue;
      }
      const who: Member = posters[k % posters.length]!;
      const threadId = threadIds[k % threadCount]!;
      const t0 = now();
      const p = who.c
        .post(`/api/threads/${threadId}/posts`, { body: `Soak reply ${k} t=${t0.toFixed(1)}` })
        .then((res) => {
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          postMs.push(now() - t0);
          if (res.status === 201) {
            posted += 1;
            accepted[threadId]!.push(res.body.post.seq as number);
          }
        })
        .catch(() => void (statuses.network = (statuses.network ?? 0) + 1))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.race([Promise.all(inFlight), delay(60_000)]);
    await sampling;
    const seconds = (Date.now() - started) / 1000;
    // The last replies' deliveries: a few seconds, then every socket is asked what it lacks.
    await delay(5_000);
    // What screening held reaches its author alone: not a delivery missed.
    const restricted = await restrictedSeqs(cluster, threadIds);
    const published = Object.fromEntries(
      Object.entries(accepted).map(([id, seqs]) => [id, seqs.filter((seq) => !restricted.get(id)?.has(seq))]),
    );
    const live = await pool.report(published);

    const perProcess = processes.map(({ name }) => {
      // The first minute warms up (JIT, caches, pools): the slopes are of what follows.
      const mine = samples.filter((s) => s.process === name);
      const settled = mine.filter((s) => s.t >= Math.min(1, opts.minutes / 2));
      return {
        process: name,
        samples: mine.length,
        rssMiBFirst: mine[0]?.rssMiB ?? null,
        rssMiBLast: mine.at(-1)?.rssMiB ?? null,
        rssMiBMax: Math.max(0, ...mine.map((s) => s.rssMiB)),
        rssSlopeMiBPerMinute: round(slope(settled.map((s) => ({ x: s.t, y: s.rssMiB })))),
        lagP99MsMax: Math.max(0, ...mine.map((s) => s.lagP99Ms)),
        lagP99MsLast: mine.at(-1)?.lagP99Ms ?? null,
        lagSlopeMsPerMinute: round(slope(settled.map((s) => ({ x: s.t, y: s.lagP99Ms })))),
        sockets: name.startsWith('server') ? (mine.at(-1)?.sockets ?? null) : undefined,
      };
    });
    const socketsIn = (threadId: string) => wanted.filter((w) => w.threadId === threadId).length;
    const expected = Object.entries(published).reduce((a, [id, seqs]) => a + seqs.length * socketsIn(id), 0);
    return {
      minutes: opts.minutes,
      seconds: round(seconds, 1),
      sockets: opened.connected,
      socketsFailed: opened.failed,
      threads: threadCount,
      clientProcesses: opts.clientProcesses,
      postsPerSecondAsked: rate,
      postsPerSecondAccepted: round(posted / seconds),
      postsSkippedWith200Waiting: behind,
      heldByScreening: [...restricted.values()].reduce((a, seqs) => a + seqs.size, 0),
      postStatuses: statuses,
      postP50Ms: round(percentile(postMs, 50), 1),
      postP99Ms: round(percentile(postMs, 99), 1),
      deliveriesExpected: expected,
      deliveries: live.deliveries,
      deliveryP50Ms: histogramPercentile(live.histogram, 50),
      deliveryP99Ms: histogramPercentile(live.histogram, 99),
      missedLive: live.missedLive,
      lostAfterCatchUp: live.missedAfterCatchUp,
      socketsMissingAny: live.socketsMissing,
      connectErrors: live.connectErrors,
      disconnects: live.disconnects,
      reconnects: live.reconnects,
      resyncs: live.resyncs,
      processes: perProcess,
      warnings: warningsOf(cluster),
    };
  } finally {
    pool.stop();
  }
}
