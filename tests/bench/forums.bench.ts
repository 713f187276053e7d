/**
 * Forum benchmark (a script, not a test): thread-page and category-list reads/s, replies/s (each
 * with p50/p99), the store commands each costs (counted in the server, and in a workers process
 * with BENCH_WORKERS=1, by COMMONS_DB_PROFILE), the processes' RSS after each part, post → 1,000
 * sockets latency and the memory of one server process holding many connected members.
 *
 *   npm run bench:forums            (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SOCKETS, BENCH_FANOUT to change sizes)
 *   BENCH_PARTS=reads,list,posts BENCH_WORKERS=1 npm run bench:forums   (the hot paths, replies screened and fanned out)
 *   BENCH_PARTS=one-thread BENCH_COMPARE_ROOT=<a built checkout of another commit> npm run bench:forums
 *                                   (replies to a single thread, this code against the other in turns, same run;
 *                                   BENCH_ROUNDS turns each, 2 unless told)
 *   BENCH_PARTS=scale BENCH_POSTS=1000,100000 npm run bench:forums   (only the scale check, forums-scale.ts)
 *   BENCH_PARTS=offered BENCH_WORKERS=1 npm run bench:forums   (replies offered at BENCH_OFFERED_RATE a second, 10)
 *   BENCH_PARTS=fanout BENCH_FANOUT_PROCESSES=2 BENCH_FANOUT_SERVERS=2 npm run bench:forums
 *                                   (post → every socket of one room: receivers in 2 processes of their
 *                                   own, the room held by 2 server processes; BENCH_FANOUT_RECEIVER=socketio
 *                                   receives with socket.io-client instead of bare WebSockets)
 *
 * Everything runs on this machine against loopback; every loop is bounded in count and time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '@commons/server/auth/passwords';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { backfillHandles } from '@commons/server/forums/mentions';
import { MemberModel } from '@commons/server/members/model';
import { io, type Socket } from 'socket.io-client';
import { forkClients, now } from './client-processes.js';
import type { FanoutRequest } from './fanout-clients.js';
import { threadPageScale } from './forums-scale.js';
import { benchEnv, closedLoop, rssMiB, storeLabel, summarize, writeResults } from './harness.js';
import { storeProfile } from './store-profile.js';

const PARTS = new Set((process.env.BENCH_PARTS ?? 'reads,list,posts,offered,fanout,memory,scale').split(','));
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT ?? null;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FANOUT_SOCKETS = PARTS.has('fanout') ? Number(process.env.BENCH_FANOUT ?? 1000) : 0;
/** Processes the fan-out's receivers are spread over (BENCH_FANOUT_PROCESSES). */
const FANOUT_PROCESSES = Number(process.env.BENCH_FANOUT_PROCESSES ?? 2);
/**
 * What receives the fan-out (BENCH_FANOUT_RECEIVER): `wire`, bare WebSockets that time each frame
 * as it arrives and decode it later (fanout-wire-clients.ts), or `socketio`, socket.io-client
 * decoding each frame before the next (fanout-clients.ts).
 */
const FANOUT_RECEIVER = process.env.BENCH_FANOUT_RECEIVER === 'socketio' ? 'socketio' : 'wire';
/** Server processes the room is spread over (BENCH_FANOUT_SERVERS). */
const FANOUT_SERVERS = Math.max(1, Number(process.env.BENCH_FANOUT_SERVERS ?? 1));
const MEMORY_SOCKETS = PARTS.has('memory') ? Number(process.env.BENCH_SOCKETS ?? 19_000) : 0;
const SCALE_POSTS = (process.env.BENCH_POSTS ?? '1000,100000').split(',').map(Number);
const POSTERS = 400; // the posting limit is 10 a minute per member, so posts/s needs many members
const password = 'bench-harbor-lantern-2026';

const env = await benchEnv('forums');
// Every store command of the server (and workers) counted by shape, to tell commands per action.
const profile = storeProfile(mkdtempSync(path.join(tmpdir(), 'forums-bench-')));
const server = await env.startServer({ COMMONS_DB_PROFILE: profile.prefix('server') });
const workers =
  process.env.BENCH_WORKERS === '1' ? await env.startWorkers({ COMMONS_DB_PROFILE: profile.prefix('workers') }) : null;
const base = server.url;
/** Resident memory of the server (and workers) now. */
const rss = () => ({ serverMiB: rssMiB(server.pid), ...(workers ? { workersMiB: rssMiB(workers.pid) } : {}) });
const headers = (cookie: string, json = false) => ({
  cookie,
  origin: base,
  ...(json ? { 'content-type': 'application/json' } : {}),
});

async function login(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

async function post(cookie: string, path: string, body: object): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: headers(cookie, true), body: JSON.stringify(body) });
}

console.log('setting up members and threads…');
await connectDatabase(server.mongoUri);
const passwordHash = await hashPassword(password);
await MemberModel.insertMany(
  Array.from({ length: POSTERS }, (_, i) => ({
    email: `bench${i}@example.org`,
    displayName: `Bench Member ${i}`,
    passwordHash,
  })),
);
// Members made here, not through sign-up, get their mention handles as a start-up backfill gives them.
await backfillHandles();
await disconnectDatabase();
const cookies: string[] = [];
for (let i = 0; i < POSTERS; i += 20)
  cookies.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(20, POSTERS - i) }, (_, j) => login(`bench${i + j}@example.org`)),
    )),
  );

const categories = (await (await fetch(`${base}/api/categories`, { headers: headers(cookies[0]!) })).json()) as {
  categories: Array<{ id: string }>;
};
const categoryId = categories.categories[0]!.id;
const threads: string[] = [];
for (let i = 0; i < CONNECTIONS + 1; i++) {
  const res = await post(cookies[i % cookies.length]!, '/api/threads', {
    categoryId,
    title: `Benchmark thread ${i}`,
    body: 'How do coalitions keep parents at the table after the grant ends?',
  });
  threads.push(((await res.json()) as { thread: { id: string } }).thread.id);
}
// The read benchmark's thread gets 50 replies from 10 members (5 each, under the posting limit).
const readThread = threads[0]!;
for (let i = 0; i < 50; i++) {
  const res = await post(cookies[100 + (i % 10)]!, `/api/threads/${readThread}/posts`, {
    body: `Reply ${i}: we share our **data dashboard** with residents every month, and ask what they see.`,
  });
  if (res.status !== 201) throw new Error(`seed reply: ${res.status}`);
}

const skipped = { perSecond: 0, median: 0, p95: 0, p99: 0, count: 0, errors: 0, skipped: true };

/**
 * One part: `connections` loops of `once` for SECONDS, with the store commands the processes made
 * meanwhile per completed action (read from their profiles once the work left by earlier parts is
 * done; `warm`: each loop's first call made before, as a reader's first read builds what the next
 * ones are served from; `settle`: the part's follow-up work waited for) and their RSS after it.
 */
async function part(
  name: string,
  once: (w: number) => Promise<void>,
  opts: { warm?: boolean; settle?: () => Promise<void> } = {},
) {
  if (!PARTS.has(name)) return skipped;
  if (opts.warm) await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => once(w)));
  await profile.quiet();
  const before = await profile.total();
  const run = await closedLoop(CONNECTIONS, SECONDS, once);
  await opts.settle?.();
  const commands = (await profile.total()) - before;
  return { ...run, storeCommandsPerAction: Math.round((commands / Math.max(1, run.count)) * 10) / 10, rss: rss() };
}

async function get(path: string, cookie: string): Promise<void> {
  const res = await fetch(base + path, { headers: headers(cookie) });
  if (res.status !== 200) throw new Error(String(res.status));
  await res.arrayBuffer();
}

console.log(`thread page reads: ${CONNECTIONS} connections for ${SECONDS} s…`);
const reads = await part('reads', (w) => get(`/api/threads/${readThread}`, cookies[w % cookies.length]!), {
  warm: true,
});
console.log(reads);

console.log(`category list reads: ${CONNECTIONS} connections for ${SECONDS} s…`);
const lists = await part('list', (w) => get(`/api/threads?categoryId=${categoryId}`, cookies[w % cookies.length]!), {
  warm: true,
});
console.log(lists);

console.log(`posts: ${CONNECTIONS} connections for ${SECONDS} s…`);
let poster = 0;
const posts = await part(
  'posts',
  async (w) => {
    const cookie = cookies[200 + (poster++ % 200)]!;
    const res = await post(cookie, `/api/threads/${threads[1 + w]}/posts`, {
      body: `A reply from the benchmark, worker ${w}: what worked for you?`,
    });
    if (res.status !== 201) throw new Error(String(res.status));
    await res.arrayBuffer();
  },
  // With workers, a reply's screening and fan-out are part of its cost: counted once they are done.
  workers ? { settle: () => profile.quiet() } : {},
);
console.log(posts);

/**
 * Replies offered at a steady rate (BENCH_OFFERED_RATE a second for BENCH_OFFERED_SECONDS), an
 * open loop: each is sent on time whatever the others take, as members post, so a slow reply
 * shows as latency instead of slowing the offer down. Over CONNECTIONS threads, from 200 members.
 */
const OFFERED_RATE = Number(process.env.BENCH_OFFERED_RATE ?? 10);
const OFFERED_SECONDS = Number(process.env.BENCH_OFFERED_SECONDS ?? 30);
async function offeredReplies() {
  if (!PARTS.has('offered')) return { skipped: true };
  await profile.quiet();
  const times: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < OFFERED_RATE * OFFERED_SECONDS; i++) {
    const wait = started + (i * 1000) / OFFERED_RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      post(cookies[200 + (poster++ % 200)]!, `/api/threads/${threads[1 + (i % CONNECTIONS)]}/posts`, {
        body: `An offered reply, number ${i}: what worked for you?`,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 201) times.push(performance.now() - t0);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  await profile.quiet();
  return { offeredPerSecond: OFFERED_RATE, seconds: OFFERED_SECONDS, ...summarize(times), errors, rss: rss() };
}
console.log(`replies offered at ${OFFERED_RATE}/s…`);
const offered = await offeredReplies();
console.log(offered);

/**
 * Replies to one thread from every connection at once (a busy discussion): what waits on the
 * thread's numbering shows here. With BENCH_COMPARE_ROOT, a server of the other checkout on the
 * same store, Redis and members takes its turn on a thread of its own, round after round.
 */
async function oneThreadRound(url: string, threadId: string) {
  return closedLoop(CONNECTIONS, SECONDS, async () => {
    const cookie = cookies[200 + (poster++ % 200)]!;
    const res = await fetch(`${url}/api/threads/${threadId}/posts`, {
      method: 'POST',
      headers: { ...headers(cookie, true), origin: url },
      body: JSON.stringify({ body: 'A reply to the one busy thread: what worked for you?' }),
    });
    if (res.status !== 201) throw new Error(String(res.status));
    await res.arrayBuffer();
  });
}
const oneThread: Record<string, unknown> = { skipped: true };
if (PARTS.has('one-thread')) {
  const other = COMPARE_ROOT ? await env.startServer({}, COMPARE_ROOT) : null;
  const newThread = async () => {
    const res = await post(cookies[0]!, '/api/threads', {
      categoryId,
      title: `One busy thread ${Math.random().toString(36).slice(2, 8)}`,
      body: 'Everyone answers here at once.',
    });
    return ((await res.json()) as { thread: { id: string } }).thread.id;
  };
  const mine = await newThread();
  const theirs = other ? await newThread() : null;
  const rounds: Array<{ round: number; server: string; result: Awaited<ReturnType<typeof oneThreadRound>> }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (other && theirs) {
      console.log(`one thread, round ${round}: ${COMPARE_ROOT}…`);
      rounds.push({ round, server: 'compared', result: await oneThreadRound(other.url, theirs) });
    }
    console.log(`one thread, round ${round}: this checkout…`);
    rounds.push({ round, server: 'this', result: await oneThreadRound(base, mine) });
  }
  const total = (who: string) => rounds.filter((r) => r.server === who).reduce((n, r) => n + r.result.count, 0);
  Object.assign(oneThread, {
    skipped: false,
    compareRoot: COMPARE_ROOT,
    rounds,
    ...(other ? { ratio: Math.round((total('this') / Math.max(1, total('compared'))) * 100) / 100 } : {}),
  });
  console.log(JSON.stringify(oneThread, null, 1));
  await other?.stop();
}

const connectErrors = new Map<string, number>();
async function connectSockets(count: number, deadlineMs: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const until = Date.now() + deadlineMs;
  while (sockets.length < count && Date.now() < until) {
    const batch = Math.min(200, count - sockets.length);
    const made = await Promise.all(
      Array.from({ length: batch }, (_, i) => {
        const s = io(base, {
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { cookie: cookies[(sockets.length + i) % 50]! },
        });
        return new Promise<Socket | null>((resolve) => {
          s.once('connect', () => resolve(s));
          s.once('connect_error', (err) => {
            connectErrors.set(err.message, (connectErrors.get(err.message) ?? 0) + 1);
            s.close();
            resolve(null);
          });
          setTimeout(() => resolve(null), 20_000);
        });
      }),
    );
    for (const s of made) if (s) sockets.push(s);
  }
  if (connectErrors.size) console.log('connect errors:', Object.fromEntries(connectErrors));
  return sockets;
}

// The receivers live in processes of their own (fanout-clients.ts): one process decoding all 1,000
// frames would time its own loop (about 25 ms from the first socket to the last), not the server.
console.log(`fan-out: ${FANOUT_SOCKETS} sockets in one thread room, in ${FANOUT_PROCESSES} client processes…`);
const fanThread = threads[CONNECTIONS]!;
const receivers = Array.from({ length: FANOUT_SOCKETS > 0 ? FANOUT_PROCESSES : 0 }, (_, k) =>
  forkClients<FanoutRequest>(
    FANOUT_RECEIVER === 'wire' ? './fanout-wire-clients.ts' : './fanout-clients.ts',
    `fanout-${k}`,
  ),
);
// BENCH_FANOUT_SERVERS=2: a second server process on the same services, holding half the room
// (client process k connects to server k % n); the post goes to the first, the Redis adapter
// carries it to the other, as on a deployment of several nodes.
const extraFanServers = await Promise.all(
  Array.from({ length: FANOUT_SOCKETS > 0 ? FANOUT_SERVERS - 1 : 0 }, () => env.startServer()),
);
const fanBases = [base, ...extraFanServers.map((s) => s.url)];
const fanCookies = Array.from({ length: FANOUT_SOCKETS }, (_, i) => cookies[i % 50]!);
const ready = await Promise.all(
  receivers.map((r, k) =>
    r.ask<{ connected: number; joined: number }>({
      kind: 'connect',
      base: fanBases[k % fanBases.length]!,
      threadId: fanThread,
      cookies: fanCookies.filter((_, i) => i % receivers.length === k),
    }),
  ),
);
const fanJoined = ready.reduce((n, r) => n + r.joined, 0);
console.log(`${ready.reduce((n, r) => n + r.connected, 0)} sockets connected, ${fanJoined} joined the thread room`);
const sentAt = new Map<string, number>();
for (let k = 0; k < (fanJoined > 0 ? 30 : 0); k++) {
  const body = `Live message ${k}`;
  sentAt.set(body, now());
  await post(cookies[300 + k]!, `/api/threads/${fanThread}/posts`, { body });
  await new Promise((r) => setTimeout(r, 200));
}
await new Promise((r) => setTimeout(r, 1000));
const byBody = new Map<string, number[]>();
const fromSave: number[] = [];
for (const { arrivals: got, sinceSave } of await Promise.all(
  receivers.map((r) =>
    r.ask<{ arrivals: Record<string, number[]>; sinceSave: Record<string, number[]> }>({ kind: 'arrivals' }),
  ),
)) {
  for (const [body, times] of Object.entries(got)) byBody.set(body, [...(byBody.get(body) ?? []), ...times]);
  for (const times of Object.values(sinceSave)) fromSave.push(...times);
}
const arrivals: number[] = [];
const spreads: number[] = [];
let missed = 0;
for (const [body, t0] of sentAt) {
  const got = byBody.get(body) ?? [];
  missed += fanJoined - got.length;
  for (const t of got) arrivals.push(t - t0);
  if (got.length) spreads.push(Math.max(...got) - Math.min(...got));
}
const fanout = {
  sockets: fanJoined,
  receiver: FANOUT_RECEIVER,
  clientProcesses: receivers.length,
  serverProcesses: fanBases.length,
  missed,
  fromRequestStart: summarize(arrivals),
  // From the reply's createdAt (taken as the server begins to save it) to each socket.
  fromSave: summarize(fromSave),
  spreadAcrossSockets: summarize(spreads),
};
console.log(fanout);
for (const r of receivers) r.stop();
for (const extra of extraFanServers) await extra.stop();

console.log(`memory: up to ${MEMORY_SOCKETS} connected members…`);
await new Promise((r) => setTimeout(r, 1000));
const rssBefore = rssMiB(server.pid);
const held = await connectSockets(MEMORY_SOCKETS, 180_000);
await new Promise((r) => setTimeout(r, 2000));
const rssAfter = rssMiB(server.pid);
const memory = {
  connected: held.length,
  serverRssMiBIdle: rssBefore,
  serverRssMiBConnected: rssAfter,
  perSocketKiB: Math.round(((rssAfter - rssBefore) * 1024) / Math.max(1, held.length)),
};
console.log(memory);
for (const s of held) s.close();

const scale = PARTS.has('scale')
  ? await threadPageScale({
      base,
      mongoUri: server.mongoUri,
      readThread,
      cookies,
      sizes: SCALE_POSTS,
      seconds: SECONDS,
      connections: CONNECTIONS,
    })
  : null;
if (scale) console.log(scale);

const targets = {
  threadReadsPerSecond: 800,
  threadReadP99Ms: 80,
  postsPerSecond: 270,
  postP99Ms: 150,
  fanoutP99Ms: 40,
  memoryFor19000MiB: 1536,
  // Issue 18 (twice NodeBB on this machine): thread-page reads/s, replies/s; store commands per action.
  issue18ThreadReadsPerSecond: 300,
  issue18RepliesPerSecond: 30,
  issue18OfferedRepliesP99Ms: { atPerSecond: 10, p99: 150 },
  issue18StoreCommands: { threadPageWarm: 1, categoryListWarm: 1, replyAllIn: 10 },
};
const file = writeResults(process.env.BENCH_RESULTS ?? 'forums-bench.json', {
  store: storeLabel(),
  connections: CONNECTIONS,
  seconds: SECONDS,
  workers: Boolean(workers),
  threadPageReads: reads,
  categoryListReads: lists,
  posts,
  offered,
  oneThread,
  fanout,
  memory,
  // Thread page reads with the store holding 1,000 and 100,000 posts (BENCH_POSTS); ratio = last / first.
  scale,
  targets,
});
console.log(`results written to ${file}`);
await workers?.stop();
await server.stop();
await env.stop();
process.exit(0);
