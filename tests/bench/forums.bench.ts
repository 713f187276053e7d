/**
 * Forum benchmark (a script, not a test): thread-page reads/s, posts/s, post → 1,000 sockets
 * latency and the memory of one server process holding many connected members.
 *
 *   npm run bench:forums            (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SOCKETS, BENCH_FANOUT to change sizes)
 *
 * Everything runs on this machine against loopback; every loop is bounded in count and time.
 */
import { hashPassword } from '@commons/server/auth/passwords';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import { io, type Socket } from 'socket.io-client';
import { benchEnv, closedLoop, rssMiB, summarize, writeResults } from './harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FANOUT_SOCKETS = Number(process.env.BENCH_FANOUT ?? 1000);
const MEMORY_SOCKETS = Number(process.env.BENCH_SOCKETS ?? 19_000);
const POSTERS = 400; // the posting limit is 10 a minute per member, so posts/s needs many members
const password = 'bench-harbor-lantern-2026';

const env = await benchEnv('forums');
const server = await env.startServer();
const base = server.url;
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

console.log(`thread page reads: ${CONNECTIONS} connections for ${SECONDS} s…`);
const reads = await closedLoop(CONNECTIONS, SECONDS, async (w) => {
  const res = await fetch(`${base}/api/threads/${readThread}`, { headers: headers(cookies[w % cookies.length]!) });
  if (res.status !== 200) throw new Error(String(res.status));
  await res.arrayBuffer();
});
console.log(reads);

console.log(`posts: ${CONNECTIONS} connections for ${SECONDS} s…`);
let poster = 0;
const posts = await closedLoop(CONNECTIONS, SECONDS, async (w) => {
  const cookie = cookies[200 + (poster++ % 200)]!;
  const res = await post(cookie, `/api/threads/${threads[1 + w]}/posts`, {
    body: `A reply from the benchmark, worker ${w}: what worked for you?`,
  });
  if (res.status !== 201) throw new Error(String(res.status));
  await res.arrayBuffer();
});
console.log(posts);

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

console.log(`fan-out: ${FANOUT_SOCKETS} sockets in one thread room…`);
const fanThread = threads[CONNECTIONS]!;
const fan = await connectSockets(FANOUT_SOCKETS, 60_000);
const joined = await Promise.all(
  fan.map((s) =>
    s
      .timeout(15_000)
      .emitWithAck('thread:join', { threadId: fanThread })
      .then(
        (a: { ok: boolean }) => a.ok,
        () => false,
      ),
  ),
);
console.log(`${fan.length} sockets connected, ${joined.filter(Boolean).length} joined the thread room`);
const arrivals: number[] = [];
const spreads: number[] = [];
for (let k = 0; k < 30; k++) {
  const got: number[] = [];
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    for (const s of fan)
      s.once('post:created', () => {
        got.push(performance.now());
        if (got.length === fan.length) {
          clearTimeout(timer);
          resolve();
        }
      });
  });
  const t0 = performance.now();
  await post(cookies[300 + k]!, `/api/threads/${fanThread}/posts`, { body: `Live message ${k}` });
  await done;
  for (const t of got) arrivals.push(t - t0);
  if (got.length) spreads.push(Math.max(...got) - Math.min(...got));
  for (const s of fan) s.removeAllListeners('post:created');
  await new Promise((r) => setTimeout(r, 100));
}
const fanout = { sockets: fan.length, fromRequestStart: summarize(arrivals), spreadAcrossSockets: summarize(spreads) };
console.log(fanout);
for (const s of fan) s.close();

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

const targets = {
  threadReadsPerSecond: 800,
  threadReadP99Ms: 80,
  postsPerSecond: 270,
  postP99Ms: 150,
  fanoutP99Ms: 40,
  memoryFor19000MiB: 1536,
};
const file = writeResults('forums-bench.json', {
  store: process.env.FERRETDB_POSTGRESQL_URL
    ? `FerretDB 1.24 (PostgreSQL backend${process.env.BENCH_PG_TUNE === '0' ? ', untuned' : ', tuned by npm run ferretdb:tune-postgres'})`
    : process.env.MONGODB_URI
      ? 'MONGODB_URI'
      : 'FerretDB 1.24 (SQLite backend)',
  connections: CONNECTIONS,
  seconds: SECONDS,
  threadPageReads: reads,
  posts,
  fanout,
  memory,
  targets,
});
console.log(`results written to ${file}`);
await server.stop();
await env.stop();
process.exit(0);
