/**
 * Digest benchmark (a script, not a test): 10,000 members with activity in their own database
 * (preferences, watched categories with active threads, unread replies and mentions) and, in Redis,
 * the pending digest entries the fan-out appended for it (each member: two replies and a mention,
 * and the latest two posts of ten watched threads), the digest scheduler run as if at a fixed
 * time, and a workers process serving only the digests queue (WORKER_QUEUES=digests; another one
 * serves the rest) building and sending every digest to an SMTP sink on loopback that counts what
 * it receives. Reports digests per minute, the store commands per digest of the digests process
 * (COMMONS_DB_PROFILE, the tick's reads included), its peak memory (VmHWM/VmRSS from /proc), and
 * what live posting requests take at a low steady rate while the digests run, against the same
 * rate with the digests idle.
 *
 *   npm run bench:digests   (BENCH_DIGESTS, BENCH_POST_RATE posts/s, BENCH_IDLE_SECONDS,
 *                            BENCH_TIME_LIMIT seconds, WORKER_CONCURRENCY_DIGESTS for the worker)
 *
 * Loopback only; bounded in count and time: the whole run stops itself after BENCH_TIME_LIMIT.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultNotificationPreferences } from '@commons/shared';
import { hashPassword } from '@commons/server/auth/passwords';
import {
  CategoryModel,
  CategorySubscriptionModel,
  MemberHandleModel,
  PostModel,
  ThreadModel,
} from '@commons/server/forums/model';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import { DigestMarkerModel, NotificationModel, NotificationSettingsModel } from '@commons/server/notifications/model';
import { createPendingDigests } from '@commons/server/notifications/digest-pending';
import type { PendingDigestEntry } from '@commons/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { SMTPServer } from 'smtp-server';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { benchEnv, storeMaintenance, summarize, tuneBenchStore, writeResults } from './harness.js';

const DIGESTS = Number(process.env.BENCH_DIGESTS ?? 10_000);
const RATE = Number(process.env.BENCH_POST_RATE ?? 2);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const TIME_LIMIT_SECONDS = Number(process.env.BENCH_TIME_LIMIT ?? 900);
const CONCURRENCY = process.env.WORKER_CONCURRENCY_DIGESTS;
// A fixed send time (members: UTC, daily at 08:00). Real hourly ticks never find them due
// between 00:00 and 08:00 UTC, and a digest period of another day is never this one.
const AT = new Date(process.env.BENCH_AT ?? '2026-11-30T08:30:00Z');
const CATEGORIES = 6;
const THREADS_PER_CATEGORY = 20;
const POSTS_PER_THREAD = 6;
const POSTERS = 40; // the posting limit is 10 a minute per member; 2/s round-robin stays under it
const password = 'bench-harbor-lantern-2026';
const started = performance.now();

async function ownServices(): Promise<{ backend: string; stop(): Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  const spawned = (child: ChildProcess) => () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  let backend = 'MONGODB_URI';
  if (!process.env.MONGODB_URI) {
    const cache = path.join(os.homedir(), '.cache/commons');
    const binary = existsSync(cache)
      ? readdirSync(cache)
          .filter((f) => f.startsWith('ferretdb-'))
          .map((f) => path.join(cache, f))[0]
      : undefined;
    if (!binary) throw new Error(`no FerretDB launcher in ${cache}: run the tests once (they build it)`);
    const port = await freePort();
    let handler = [
      '-handler',
      'sqlite',
      '-sqlite-url',
      `file:${mkdtempSync(path.join(os.tmpdir(), 'bench-ferret-'))}/`,
    ];
    const database = `commons_bench_digests_${process.pid}`;
    try {
      execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', database], { stdio: 'ignore' });
      handler = ['-handler', 'postgresql', '-postgresql-url', `postgres://postgres@127.0.0.1:5432/${database}`];
      process.env.FERRETDB_POSTGRESQL_URL = `postgres://postgres@127.0.0.1:5432/${database}`;
      await tuneBenchStore();
      stops.push(async () => {
        execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', database]);
      });
      backend =
        process.env.BENCH_PG_TUNE === '0'
          ? 'FerretDB 1.24 (PostgreSQL backend, untuned)'
          : 'FerretDB 1.24 (PostgreSQL backend, tuned by npm run ferretdb:tune-postgres)';
    } catch {
      backend = 'FerretDB 1.24 (SQLite backend)';
    }
    const ferret = spawn(
      binary,
      ['-listen-addr', `127.0.0.1:${port}`, ...handler, '-log-level', 'warn', '-exit-on-stdin-close'],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    stops.push(spawned(ferret));
    await waitForPort('127.0.0.1', port, 30_000).catch(async (err: unknown) => {
      await stopAll();
      throw err;
    });
    process.env.MONGODB_URI = `mongodb://127.0.0.1:${port}/commons_bench`;
  }
  if (!process.env.REDIS_URL) {
    const port = await freePort();
    const redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    stops.push(spawned(redis));
    await waitForPort('127.0.0.1', port, 15_000);
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  }
  return { backend, stop: stopAll };
}

// ------------------------------------------------------------------ hard overall limit
let cleanup: (() => Promise<void>) | null = null;
const hardStop = setTimeout(() => {
  console.error(`time limit of ${TIME_LIMIT_SECONDS} s reached: stopping`);
  const done = cleanup ? cleanup() : Promise.resolve();
  void Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]).finally(() => process.exit(3));
}, TIME_LIMIT_SECONDS * 1000);

// ------------------------------------------------------------------ a counting SMTP sink
// It reads each message and counts it (no parsing: the sink should not compete with the worker).
let received = 0;
let lastReceivedAt: number;
const recipients = new Map<string, number>();
const sink = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  banner: 'Commons bench sink',
  size: 2 * 1024 * 1024,
  onData(stream, session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received++;
      lastReceivedAt = performance.now();
      for (const r of session.envelope.rcptTo) recipients.set(r.address, (recipients.get(r.address) ?? 0) + 1);
      callback(null, 'Queued');
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
const sinkAddress = sink.server.address();
const sinkUrl = `smtp://127.0.0.1:${typeof sinkAddress === 'object' && sinkAddress ? sinkAddress.port : 0}`;

// ------------------------------------------------------------------ own store and Redis
// The harness would use whatever answers on the default ports (the shared development store);
// this bench starts its own FerretDB (on PostgreSQL when it answers, else SQLite) and Redis on
// free ports, and stops them afterwards. MONGODB_URI / REDIS_URL, when set, are used instead.
const own = await ownServices();
cleanup = () => own.stop();
const fail = (err: unknown) => {
  console.error(err);
  void Promise.race([cleanup?.(), new Promise((r) => setTimeout(r, 15_000))]).finally(() => process.exit(1));
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
const env = await benchEnv('digests');
const server = await env.startServer({ SMTP_URL: sinkUrl });
// The digests on a workers process of their own, its store commands counted by shape.
const profileDir = mkdtempSync(path.join(os.tmpdir(), 'bench-digests-profile-'));
const workers = await env.startWorkers({
  SMTP_URL: sinkUrl,
  WORKER_QUEUES: 'mail,moderation,labs,notifications,webhooks,events',
});
const digestWorkers = await env.startWorkers({
  SMTP_URL: sinkUrl,
  WORKER_QUEUES: 'digests',
  COMMONS_DB_PROFILE: path.join(profileDir, 'db'),
  ...(CONCURRENCY ? { WORKER_CONCURRENCY_DIGESTS: CONCURRENCY } : {}),
});
const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
const digestsQueue = new Queue('digests', { connection, prefix: `${env.prefix}:bull` });
/** Stops a child: SIGTERM, then SIGKILL if it has not exited within 10 s. */
const stopChild = async (child: { pid: number; stop(): Promise<void> }) => {
  const killer = setTimeout(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await child.stop();
  clearTimeout(killer);
};
cleanup = async () => {
  await digestsQueue.close().catch(() => undefined);
  connection.disconnect();
  sink.close();
  await Promise.all([stopChild(workers), stopChild(digestWorkers), stopChild(server)]);
  await disconnectDatabase().catch(() => undefined);
  await env.stop();
  await own.stop();
};
const base = server.url;

// ------------------------------------------------------------------ seeding
console.log(`seeding ${DIGESTS} members with activity…`);
await connectDatabase(server.mongoUri);
const day = 24 * 3600 * 1000;
const since = new Date(AT.getTime() - day);
const joined = new Date(AT.getTime() - 30 * day);
const passwordHash = await hashPassword(password);
const inWindow = (i: number) => new Date(since.getTime() + 3600_000 + ((i * 7919) % (22 * 3600_000)));

const posterIds = Array.from({ length: POSTERS }, () => new Types.ObjectId());
await MemberModel.insertMany(
  posterIds.map((_id, i) => ({
    _id,
    email: `digest-poster${i}@example.org`,
    displayName: `Poster ${i}`,
    passwordHash,
    timeZone: 'UTC',
    createdAt: joined,
  })),
);
await MemberHandleModel.insertMany(
  posterIds.map((memberId, i) => ({ memberId, handle: `poster-${i}`, displayName: `Poster ${i}` })),
);
const memberIds = Array.from({ length: DIGESTS }, () => new Types.ObjectId());
for (let i = 0; i < DIGESTS; i += 2000)
  await MemberModel.insertMany(
    memberIds.slice(i, i + 2000).map((_id, j) => ({
      _id,
      email: `digest${i + j}@example.org`,
      displayName: `Reader ${i + j}`,
      passwordHash,
      locale: (i + j) % 5 === 0 ? 'es' : 'en',
      timeZone: 'UTC',
      lastSeenAt: null,
      createdAt: joined,
    })),
  );

const kinds = { ...defaultNotificationPreferences.kinds, reply: 'digest', mention: 'digest', thread_post: 'digest' };
const settingsRows = [
  ...memberIds.map((memberId) => ({ memberId, kinds, digestFrequency: 'daily', digestHour: 8 })),
  ...posterIds.map((memberId) => ({ memberId, kinds, digestFrequency: 'off', digestHour: 8 })),
];
for (let i = 0; i < settingsRows.length; i += 2000)
  await NotificationSettingsModel.insertMany(settingsRows.slice(i, i + 2000));

// Watched categories, each with active threads; one more category for the live posts.
const categoryIds = Array.from({ length: CATEGORIES + 1 }, () => new Types.ObjectId());
await CategoryModel.insertMany(
  categoryIds.map((_id, i) => ({
    _id,
    slug: `bench-digest-${i}`,
    name: i < CATEGORIES ? `Neighbourhood circle ${i}` : 'Live posting',
    position: 100 + i,
  })),
);
const threads: { _id: Types.ObjectId; categoryId: Types.ObjectId; posts: Types.ObjectId[] }[] = [];
const threadDocs: object[] = [];
const postDocs: object[] = [];
for (let c = 0; c < CATEGORIES; c++)
  for (let k = 0; k < THREADS_PER_CATEGORY; k++) {
    const n = threads.length;
    const _id = new Types.ObjectId();
    const posts = Array.from({ length: POSTS_PER_THREAD }, () => new Types.ObjectId());
    threads.push({ _id, categoryId: categoryIds[c]!, posts });
    threadDocs.push({
      _id,
      categoryId: categoryIds[c],
      title: `How circle ${c} keeps families at the table (${k})`,
      authorId: posterIds[n % POSTERS],
      postCount: POSTS_PER_THREAD,
      lastSeq: POSTS_PER_THREAD,
      firstPostId: posts[0],
      lastPosterId: posterIds[(n + POSTS_PER_THREAD - 1) % POSTERS],
      lastActivityAt: inWindow(n * POSTS_PER_THREAD + POSTS_PER_THREAD),
      createdAt: inWindow(n * POSTS_PER_THREAD),
    });
    posts.forEach((pid, s) =>
      postDocs.push({
        _id: pid,
        threadId: _id,
        categoryId: categoryIds[c],
        seq: s + 1,
        parentId: s === 0 ? null : posts[0],
        depth: s === 0 ? 0 : 1,
        path: s === 0 ? '00000001' : `00000001.${String(s + 1).padStart(8, '0')}`,
        authorId: posterIds[(n + s) % POSTERS],
        body: `Post ${s + 1}: we meet monthly and rotate who hosts.`,
        html: `<p>Post ${s + 1}: we meet monthly and rotate who hosts.</p>`,
        createdAt: inWindow(n * POSTS_PER_THREAD + s),
      }),
    );
  }
await ThreadModel.insertMany(threadDocs);
await PostModel.insertMany(postDocs);

// Each member watches two categories and has two unread replies and a mention.
const subscriptions: object[] = [];
const notifications: object[] = [];
memberIds.forEach((memberId, i) => {
  subscriptions.push({ memberId, categoryId: categoryIds[i % CATEGORIES], level: 'watching' });
  subscriptions.push({ memberId, categoryId: categoryIds[(i + 1) % CATEGORIES], level: 'watching' });
  (['reply', 'reply', 'mention'] as const).forEach((kind, j) => {
    const thread = threads[(i * 3 + j * 37) % threads.length]!;
    const s = 1 + ((i + j) % (POSTS_PER_THREAD - 1));
    notifications.push({
      memberId,
      kind,
      threadId: thread._id,
      openKey: `${kind}:${thread._id.toHexString()}`,
      postIds: [thread.posts[s]],
      postId: thread.posts[s],
      seq: s + 1,
      actorId: posterIds[(i + j) % POSTERS],
      count: 1,
      read: false,
    });
  });
});
for (let i = 0; i < subscriptions.length; i += 5000)
  await CategorySubscriptionModel.insertMany(subscriptions.slice(i, i + 5000));
for (let i = 0; i < notifications.length; i += 5000)
  await NotificationModel.insertMany(notifications.slice(i, i + 5000));
// What the fan-out appended to each member's pending digest for that activity.
const pending = createPendingDigests(connection, env.prefix);
const entriesOf = (i: number): PendingDigestEntry[] => {
  const out: PendingDigestEntry[] = [];
  (['reply', 'reply', 'mention'] as const).forEach((kind, j) => {
    const thread = threads[(i * 3 + j * 37) % threads.length]!;
    const s = 1 + ((i + j) % (POSTS_PER_THREAD - 1));
    out.push({
      k: kind,
      t: thread._id.toHexString(),
      p: thread.posts[s]!.toHexString(),
      s: s + 1,
      a: posterIds[(i + j) % POSTERS]!.toHexString(),
      c: inWindow(threads.indexOf(thread) * POSTS_PER_THREAD + s).getTime(),
    });
  });
  // The latest two posts of ten threads of the two watched categories.
  for (let k = 0; k < 10; k++) {
    const c = (i + (k % 2)) % CATEGORIES;
    const n = c * THREADS_PER_CATEGORY + ((i + k) % THREADS_PER_CATEGORY);
    const thread = threads[n]!;
    for (const s of [POSTS_PER_THREAD - 2, POSTS_PER_THREAD - 1])
      out.push({
        k: 'thread_post',
        t: thread._id.toHexString(),
        p: thread.posts[s]!.toHexString(),
        s: s + 1,
        a: posterIds[(n + s) % POSTERS]!.toHexString(),
        c: inWindow(n * POSTS_PER_THREAD + s).getTime(),
      });
  }
  return out;
};
for (let i = 0; i < DIGESTS; i += 500)
  await pending.append(
    memberIds
      .slice(i, i + 500)
      .flatMap((memberId, j) => entriesOf(i + j).map((entry) => ({ memberId: memberId.toHexString(), entry }))),
  );
await tuneBenchStore(); // statistics of the seeded tables, so the planner takes the indexes
const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
console.log(`seeded in ${seedSeconds} s`);

// ------------------------------------------------------------------ live posting
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
for (let i = 0; i < POSTERS; i += 10)
  cookies.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(10, POSTERS - i) }, (_, j) => login(`digest-poster${i + j}@example.org`)),
    )),
  );
const headers = (cookie: string) => ({ cookie, origin: base, 'content-type': 'application/json' });
const liveThread = (await (
  await fetch(`${base}/api/threads`, {
    method: 'POST',
    headers: headers(cookies[0]!),
    body: JSON.stringify({
      categoryId: categoryIds[CATEGORIES]!.toHexString(),
      title: 'Live posting while digests go out',
      body: 'What did your coalition try this month?',
    }),
  })
).json()) as { thread: { id: string } };

let posted = 0;
/** Posts replies at RATE per second until `until()` says stop (or maxSeconds pass); returns request times. */
async function postSteadily(maxSeconds: number, until: () => boolean) {
  const times: number[] = [];
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < RATE * maxSeconds && !until(); i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const n = posted++;
    const t = performance.now();
    inflight.push(
      fetch(`${base}/api/threads/${liveThread.thread.id}/posts`, {
        method: 'POST',
        headers: headers(cookies[n % cookies.length]!),
        body: JSON.stringify({ body: `Reply ${n}: our parent council mapped who is missing from the table.` }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 201) times.push(performance.now() - t);
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { ...summarize(times), failed };
}

// Warm up the posting path, then measure it with the digests idle.
await postSteadily(5, () => false);
console.log(`posting at ${RATE}/s for ${IDLE_SECONDS} s with the digests idle…`);
const idle = await postSteadily(IDLE_SECONDS, () => false);
console.log(idle);

// ------------------------------------------------------------------ the digest run
function memoryOf(pid: number): { hwm: number; rss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { hwm: Math.round(kb('VmHWM') / 1024), rss: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}
const before = memoryOf(digestWorkers.pid);
let peakRss = before.rss;
let otherPeakRss = memoryOf(workers.pid).rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, memoryOf(digestWorkers.pid).rss);
  otherPeakRss = Math.max(otherPeakRss, memoryOf(workers.pid).rss);
}, 200);

console.log(`digest scheduler as if at ${AT.toISOString()}, ${DIGESTS} digests due…`);
received = 0;
lastReceivedAt = 0;
const runStart = performance.now();
// Stop waiting in time to report what was delivered so far and to stop everything cleanly.
const deadline = started + (TIME_LIMIT_SECONDS - 60) * 1000;
await digestsQueue.add('tick', { kind: 'tick', at: AT.toISOString() }, { jobId: 'bench-digest-tick' });
let finished = false;
const watcher = (async () => {
  let quietSince = 0;
  let lastProgress = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (received >= DIGESTS || performance.now() > deadline) break;
    try {
      const tick = await digestsQueue.getJob('bench-digest-tick');
      const counts = await digestsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
      const tickDone = tick ? (await tick.getState()) === 'completed' : false;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        const s = Math.round((lastProgress - runStart) / 1000);
        console.log(`  ${s} s: ${received} digests received; jobs ${JSON.stringify(counts)}`);
      }
      // Done when the tick has run and no digest job is left (allowing a moment for the last mails).
      if (tickDone && pending === 0) {
        quietSince ||= performance.now();
        if (performance.now() - quietSince > 2000) break;
      } else quietSince = 0;
    } catch (err) {
      console.error('watching the queue failed:', err);
      break;
    }
  }
  finished = true;
})();
const during = await postSteadily(TIME_LIMIT_SECONDS, () => finished);
await watcher;
clearInterval(sampler);
const after = memoryOf(digestWorkers.pid);
peakRss = Math.max(peakRss, after.rss);
// The digests process writes its store commands at exit: stop it, then count them.
await stopChild(digestWorkers);
const profileRows = (() => {
  try {
    const file = readdirSync(profileDir).find((f) => f.endsWith(`.${digestWorkers.pid}.json`));
    return file
      ? (
          JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as {
            rows: { key: string; kind?: string; count: number }[];
          }
        ).rows
      : [];
  } catch {
    return [];
  }
})();
const storeCommands = profileRows.reduce((sum, r) => sum + r.count, 0);
const ofKind = (kind: string) => profileRows.reduce((sum, r) => sum + (r.kind === kind ? r.count : 0), 0);
const runSeconds = ((received > 0 ? lastReceivedAt : performance.now()) - runStart) / 1000;

const within = <T>(ms: number, work: Promise<T>, fallback: T) =>
  Promise.race([work.catch(() => fallback), new Promise<T>((r) => setTimeout(() => r(fallback), ms))]);
const markers = await within(
  20_000,
  DigestMarkerModel.find({ period: `d-${AT.toISOString().slice(0, 10)}` }, { status: 1 }).lean(),
  [],
);
const outcomes: Record<string, number> = {};
for (const m of markers) outcomes[m.status] = (outcomes[m.status] ?? 0) + 1;
const failedJobs = await within(5_000, digestsQueue.getJobCounts('failed', 'waiting', 'active'), {});
const duplicates = [...recipients.values()].filter((n) => n > 1).length;

const perMinute = Math.round((received / runSeconds) * 60);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const result = {
  store: own.backend,
  storeMaintenance: storeMaintenance.vacuum,
  note: 'one shared 2-core machine: figures are noisy',
  at: AT.toISOString(),
  seedSeconds,
  workerConcurrencyDigests: CONCURRENCY ?? 'default',
  digests: {
    due: DIGESTS,
    receivedBySink: received,
    distinctRecipients: recipients.size,
    recipientsWithMoreThanOne: duplicates,
    markers: outcomes,
    failedJobs: failedJobs.failed ?? 0,
    stillQueuedAtEnd: (failedJobs.waiting ?? 0) + (failedJobs.active ?? 0),
    stoppedByTimeLimit: received < DIGESTS,
    seconds: Math.round(runSeconds * 10) / 10,
    perMinute,
  },
  storeCommands: {
    total: storeCommands,
    reads: ofKind('read'),
    writes: ofKind('write'),
    perDigest: received ? Math.round((storeCommands / received) * 1000) / 1000 : null,
    byShape: profileRows.slice(0, 15).map((r) => ({ key: r.key.slice(0, 120), count: r.count })),
  },
  digestWorkerMemoryMiB: { before: before.rss, peakRss, hwm: after.hwm },
  otherWorkersPeakRssMiB: otherPeakRss,
  posting: {
    ratePerSecond: RATE,
    idleMs: idle,
    duringDigestsMs: during,
    p50Ratio: ratio(during.median, idle.median),
    p95Ratio: ratio(during.p95, idle.p95),
  },
  target: { digestsPerMinute: 6000, storeCommandsPerDigest: 2, workerPeakMiB: 500, postingLatencyRatioAtMost: 1.2 },
  meets: {
    digestsPerMinute: perMinute >= 6000 && received >= DIGESTS,
    storeCommandsPerDigest: received > 0 && storeCommands / received <= 2,
    workerMemory: after.hwm < 500,
    postingLatency: ratio(during.p95, idle.p95) <= 1.2 && ratio(during.median, idle.median) <= 1.2,
  },
};
console.log(JSON.stringify(result, null, 2));
console.log(`results written to ${writeResults('digests-bench.json', result)}`);
clearTimeout(hardStop);
await cleanup();
process.exit(0);
