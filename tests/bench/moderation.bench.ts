/**
 * Screening benchmark (a script, not a test): posts arrive at a steady rate (default 50/s) from
 * many members; each post is judged as it is written (moderation/prescreen.ts, Redis reads: a post
 * to hold is saved held) and its verdict applied by the `moderation` BullMQ job in a separate
 * workers process. Reports the time from a post's save to its job's end (enqueue → finish: the
 * review item and the author's notice), median and p95, and what the posting requests took.
 *
 *   npm run bench:moderation      (BENCH_RATE posts/s, BENCH_SECONDS, BENCH_WARMUP_SECONDS,
 *   BENCH_THREADS; the workers' WORKER_CONCURRENCY_MODERATION and WORKER_CONCURRENCY_NOTIFICATIONS
 *   are passed through)
 *
 * The processes start cold: their first seconds compile code and fill caches. Posts of the first
 * BENCH_WARMUP_SECONDS (10) arrive at the same rate but are not measured, as a server that has
 * been up a while would be; the cold figures are reported beside the measured ones.
 *
 * Loopback only; bounded in count and time.
 */
import { hashPassword } from '@commons/server/auth/passwords';
import { backfillHandles } from '@commons/server/forums/mentions';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { benchEnv, cpuMeter, storeLabel, storeMaintenance, summarize, writeResults } from './harness.js';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const password = 'bench-harbor-lantern-2026';
// The posting limit is 10 a minute per member: enough members that none reaches it. The warm-up
// has members of its own, so the measured window has its share of members' first posts (their
// recent posts and standing are read then, and kept).
const WARMUP_MEMBERS = WARMUP_SECONDS > 0 ? Math.max(50, Math.ceil((RATE * WARMUP_SECONDS) / 8)) : 0;
const MEASURED_MEMBERS = Math.max(50, Math.ceil((RATE * SECONDS) / 8));
const MEMBERS = WARMUP_MEMBERS + MEASURED_MEMBERS;

const env = await benchEnv('moderation');
const server = await env.startServer();
const workers = await env.startWorkers();
const base = server.url;

console.log(`setting up ${MEMBERS} members…`);
await connectDatabase(server.mongoUri);
const passwordHash = await hashPassword(password);
// Members of a few weeks with some activity, as most posters are.
const joined = new Date(Date.now() - 30 * 86_400_000);
await MemberModel.insertMany(
  Array.from({ length: MEMBERS }, (_, i) => ({
    email: `mod-bench${i}@example.org`,
    displayName: `Poster ${i}`,
    passwordHash,
    createdAt: joined,
  })),
);
// Members who signed up through the API get their mention handle at once; these were inserted.
await backfillHandles();
await disconnectDatabase();
async function login(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}
const cookies: string[] = [];
for (let i = 0; i < MEMBERS; i += 20)
  cookies.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(20, MEMBERS - i) }, (_, j) => login(`mod-bench${i + j}@example.org`)),
    )),
  );
const headers = (cookie: string) => ({ cookie, origin: base, 'content-type': 'application/json' });
const categories = (await (await fetch(`${base}/api/categories`, { headers: headers(cookies[0]!) })).json()) as {
  categories: Array<{ id: string }>;
};
// Posts spread over BENCH_THREADS threads, as a platform's traffic is: what this measures is
// screening, not one thread's writers queueing for its lock (BENCH_THREADS=1 stresses that).
const THREADS = Math.max(1, Number(process.env.BENCH_THREADS ?? 25));
const threadIds: string[] = [];
for (let k = 0; k < THREADS; k++) {
  const created = (await (
    await fetch(`${base}/api/threads`, {
      method: 'POST',
      // Each thread by another member: one member's posting budget is 10 a minute.
      headers: headers(cookies[k % cookies.length]!),
      body: JSON.stringify({
        categoryId: categories.categories[0]!.id,
        title: `Screening benchmark ${k + 1}`,
        body: 'Tell us what works in your neighbourhood.',
      }),
    })
  ).json()) as { thread: { id: string } };
  threadIds.push(created.thread.id);
}

const bodies = [
  (i: number) => `Our parent council met again (${i}); we mapped who is missing from the table.`,
  (i: number) => `Sharing the toolkit we used, see https://example.org/toolkit-${i} and the notes.`,
  (i: number) => `Great idea ${i}! We tried the walking school bus and it worked for two schools.`,
  (i: number) =>
    `Visit https://spam.example/a${i} https://spam.example/b${i} https://spam.example/c${i} https://spam.example/d${i} now`,
];

const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('moderation', { connection, prefix: `${env.prefix}:bull` });
// The fan-out of the same posts (notifications queue), which shares the store with screening.
const notifications = new Queue('notifications', { connection, prefix: `${env.prefix}:bull` });
async function queuesDrained(withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  for (const q of [queue, notifications]) {
    for (;;) {
      const counts = await q.getJobCounts('waiting', 'active');
      // Delayed are the recurring jobs' next runs and instant mails batched for later, not a post's
      // work, unless a screening failed and waits for its retry.
      const retrying = (await q.getJobs(['delayed'])).filter((j) => j.name === 'screen' || j.name === 'fanout').length;
      const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + retrying;
      if (pending === 0 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

console.log(`posting ${RATE}/s for ${WARMUP_SECONDS} s to warm up, then ${SECONDS} s measured…`);
const requestTimes: number[] = [];
let failures = 0;
/** Failed posting requests by HTTP status (or "network"), so a failed run says why. */
const failedBy: Record<string, number> = {};
const inflight: Promise<void>[] = [];
const warmup = RATE * WARMUP_SECONDS;
const total = RATE * SECONDS;
/** The posts of the measured window: their jobs are the ones timed. */
const measured = new Set<string>();
const cpu = cpuMeter({ server: server.pid, workers: workers.pid });
const warmupStarted = performance.now();
let started = warmupStarted;
for (let i = 0; i < warmup + total; i++) {
  if (i === warmup) {
    // Let the warm-up's jobs finish, so the measured window starts on idle queues.
    await Promise.all(inflight.splice(0));
    await queuesDrained(120_000);
    cpu.restart();
    started = performance.now();
  }
  const counted = i >= warmup;
  const due = started + ((counted ? i - warmup : i) * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t0 = performance.now();
  inflight.push(
    fetch(`${base}/api/threads/${threadIds[i % THREADS]}/posts`, {
      method: 'POST',
      headers: headers(cookies[counted ? WARMUP_MEMBERS + ((i - warmup) % MEASURED_MEMBERS) : i % WARMUP_MEMBERS]!),
      body: JSON.stringify({ body: bodies[i % bodies.length]!(i) }),
    }).then(
      async (res) => {
        const answer = (await res.json().catch(() => null)) as { post?: { id: string } } | null;
        if (!counted) return;
        if (res.status === 201 && answer?.post) {
          requestTimes.push(performance.now() - t0);
          measured.add(answer.post.id);
        } else {
          failures++;
          failedBy[res.status] = (failedBy[res.status] ?? 0) + 1;
        }
      },
      () => {
        if (!counted) return;
        failures++;
        failedBy.network = (failedBy.network ?? 0) + 1;
      },
    ),
  );
}
await Promise.all(inflight);
const achievedRate = Math.round((total / ((performance.now() - started) / 1000)) * 10) / 10;

await queuesDrained(120_000);
// Posting and everything it set off, screening and fan-out, are done: what each post cost.
const cpuPerPost = cpu.read(total);
const inWindow = (jobId: string | undefined, kind: 'screen' | 'fanout') =>
  Boolean(jobId?.startsWith(`${kind}-`) && measured.has(jobId.slice(kind.length + 1)));
const jobMs = (j: { finishedOn?: number; timestamp: number }) => (j.finishedOn ?? 0) - j.timestamp;
const fanouts = (await notifications.getJobs(['completed'], 0, 100_000)).filter((j) => j.name === 'fanout');
const fanoutMs = fanouts
  .filter((j) => inWindow(j.id, 'fanout'))
  .map(jobMs)
  .filter((ms) => ms >= 0);
await notifications.close();
const screened = (await queue.getJobs(['completed'], 0, 100_000)).filter((j) => j.name === 'screen');
const done = screened.filter((j) => inWindow(j.id, 'screen'));
const verdictMs = done.map(jobMs).filter((ms) => ms >= 0);
// The warm-up's posts, from cold processes: what the first seconds after a start look like.
const coldVerdictMs = screened
  .filter((j) => !inWindow(j.id, 'screen'))
  .map(jobMs)
  .filter((ms) => ms >= 0);
const verdicts: Record<string, number> = {};
for (const j of done) {
  const v =
    typeof j.returnvalue === 'object' && j.returnvalue && 'verdict' in j.returnvalue
      ? String((j.returnvalue as { verdict: unknown }).verdict)
      : String(j.returnvalue);
  verdicts[v] = (verdicts[v] ?? 0) + 1;
}
const result = {
  store: storeLabel(),
  storeMaintenance: storeMaintenance.vacuum,
  threads: THREADS,
  targetRatePerSecond: RATE,
  achievedRatePerSecond: achievedRate,
  posts: total,
  failedRequests: failures,
  failedBy,
  postRequestMs: summarize(requestTimes),
  warmupSeconds: WARMUP_SECONDS,
  postToVerdictMs: summarize(verdictMs),
  coldPostToVerdictMs: summarize(coldVerdictMs),
  postToFanoutDoneMs: summarize(fanoutMs),
  workerConcurrency: {
    moderation: process.env.WORKER_CONCURRENCY_MODERATION ?? 'default',
    notifications: process.env.WORKER_CONCURRENCY_NOTIFICATIONS ?? 'default',
  },
  verdicts,
  cpuMsPerPost: cpuPerPost,
  target: { p95VerdictMs: 500, atPostsPerSecond: 50 },
};
console.log(result);
console.log(`results written to ${writeResults(`moderation-bench-${RATE}-per-second.json`, result)}`);
await queue.close();
connection.disconnect();
await workers.stop();
await server.stop();
await env.stop();
process.exit(0);
