/**
 * Screening benchmark (a script, not a test): posts arrive at a steady rate (default 50/s) from
 * many members; each post is judged as it is written (moderation/prescreen.ts, Redis reads: a post
 * to hold is saved held) and its verdict applied by the `moderation` BullMQ job in a separate
 * workers process. Reports the time from a post's save to its job's end (enqueue → finish: the
 * review item and the author's notice), median and p95, and what the posting requests took.
 *
 *   npm run bench:moderation      (BENCH_RATE posts/s, BENCH_SECONDS, BENCH_THREADS; the workers'
 *   WORKER_CONCURRENCY_MODERATION and WORKER_CONCURRENCY_NOTIFICATIONS are passed through)
 *
 * Loopback only; bounded in count and time.
 */
import { hashPassword } from '@commons/server/auth/passwords';
import { backfillHandles } from '@commons/server/forums/mentions';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { benchEnv, storeLabel, storeMaintenance, summarize, writeResults } from './harness.js';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const password = 'bench-harbor-lantern-2026';
// The posting limit is 10 a minute per member: enough members that none reaches it.
const MEMBERS = Math.max(50, Math.ceil((RATE * SECONDS) / 8));

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

console.log(`posting ${RATE}/s for ${SECONDS} s…`);
const requestTimes: number[] = [];
let failures = 0;
/** Failed posting requests by HTTP status (or "network"), so a failed run says why. */
const failedBy: Record<string, number> = {};
const inflight: Promise<void>[] = [];
const total = RATE * SECONDS;
const started = performance.now();
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t0 = performance.now();
  inflight.push(
    fetch(`${base}/api/threads/${threadIds[i % THREADS]}/posts`, {
      method: 'POST',
      headers: headers(cookies[i % cookies.length]!),
      body: JSON.stringify({ body: bodies[i % bodies.length]!(i) }),
    }).then(
      async (res) => {
        await res.arrayBuffer();
        if (res.status === 201) requestTimes.push(performance.now() - t0);
        else {
          failures++;
          failedBy[res.status] = (failedBy[res.status] ?? 0) + 1;
        }
      },
      () => {
        failures++;
        failedBy.network = (failedBy.network ?? 0) + 1;
      },
    ),
  );
}
await Promise.all(inflight);
const achievedRate = Math.round((total / ((performance.now() - started) / 1000)) * 10) / 10;

const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('moderation', { connection, prefix: `${env.prefix}:bull` });
const until = Date.now() + 120_000;
for (;;) {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
  const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
  if (pending === 0 || Date.now() > until) break;
  await new Promise((r) => setTimeout(r, 250));
}
// The fan-out of the same posts (notifications queue), which shares the store with screening.
const notifications = new Queue('notifications', { connection, prefix: `${env.prefix}:bull` });
const fanoutUntil = Date.now() + 120_000;
for (;;) {
  const counts = await notifications.getJobCounts('waiting', 'active', 'delayed');
  if ((counts.waiting ?? 0) + (counts.active ?? 0) === 0 || Date.now() > fanoutUntil) break;
  await new Promise((r) => setTimeout(r, 250));
}
const fanoutMs = (await notifications.getJobs(['completed'], 0, 100_000))
  .filter((j) => j.name === 'fanout')
  .map((j) => (j.finishedOn ?? 0) - j.timestamp)
  .filter((ms) => ms >= 0);
await notifications.close();
const done = (await queue.getJobs(['completed'], 0, 100_000)).filter((j) => j.name === 'screen');
const verdictMs = done.map((j) => (j.finishedOn ?? 0) - j.timestamp).filter((ms) => ms >= 0);
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
  postToVerdictMs: summarize(verdictMs),
  postToFanoutDoneMs: summarize(fanoutMs),
  workerConcurrency: {
    moderation: process.env.WORKER_CONCURRENCY_MODERATION ?? 'default',
    notifications: process.env.WORKER_CONCURRENCY_NOTIFICATIONS ?? 'default',
  },
  verdicts,
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
